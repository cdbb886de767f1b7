"""Names for nodes and the formula of each local derivative, in one table.

The numbers always come from the engine (``node.local_grads``); this module
only says, in words, which formula produced them, so an edge can read
``sigmoid(x1) = 0.8`` and an explanation ``-2·(observed - predicted)``.

A formula is a ``Formula(coef, factors)``: a number times a product of named
symbols (``Formula(2.0, (observed - predicted,))`` for the edge of ``u**2``).
Keeping the number apart lets products along a path collect their signs and
constants: ``(-1) × 2·u`` prints as ``-2·u``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from engine import Value
from viz.step_text import is_one_word
from viz.text import fmt

__all__ = ["Symbol", "Formula", "Namer", "node_name", "edge_formula", "formula_text", "multiply"]


class Symbol(NamedTuple):
    """A piece of formula text; ``atomic`` is False when it needs parentheses inside a product.

    Only a top-level sum or difference (``observed - predicted``) is not atomic:
    products, quotients and powers can take a coefficient or a sign in front.
    """

    text: str
    atomic: bool


class Formula(NamedTuple):
    """``coef`` times the product of ``factors``."""

    coef: float
    factors: tuple[Symbol, ...] = ()


def _wrap(s: Symbol) -> str:
    return s.text if s.atomic else f"({s.text})"


class Namer:
    """What a node is called in formulas: its label, its number, or a short expression.

    An unlabelled interior node is described by the expression that made it
    (``observed - predicted``), as long as that stays within ``max_len``
    characters and ``max_depth`` operations; beyond that it has no name and
    formulas that need it fall back to the bare number.
    """

    def __init__(self, precision: int = 3, *, max_len: int = 28, max_depth: int = 3) -> None:
        self.precision = precision
        self.max_len = max_len
        self.max_depth = max_depth
        self._cache: dict[Value, Symbol | None] = {}

    def __call__(self, node: Value) -> Symbol | None:
        if node not in self._cache:
            self._cache[node] = self._name(node, self.max_depth)
        return self._cache[node]

    def _name(self, node: Value, depth: int) -> Symbol | None:
        if node.label is not None:
            return Symbol(node.label, True)
        if not node.inputs:  # a constant or an unlabelled leaf: its number
            return Symbol(fmt(node.data, self.precision), node.data >= 0)
        if depth <= 0:
            return None
        parts = []
        for inp in node.inputs:
            # Cached names are reused, but only computed here within the depth budget.
            sym = self._cache.get(inp) if inp in self._cache else self._name(inp, depth - 1)
            if sym is None:
                return None
            parts.append(sym)
        sym = _describe(node.op, parts)
        if sym is None or len(sym.text) > self.max_len:
            return None
        return sym


def node_name(node: Value, name: Namer, order: list[Value]) -> str:
    """How ``node`` is written in d.../d... notation: ``SSR``, ``(a·3)``, or ``node7``.

    A name that is not one word (``viz.step_text.is_one_word``: ``x1[2]`` is one,
    ``a·3`` is not) gets parentheses (``d(a·3)/da``); a node with
    neither a label nor a short expression is ``root`` (the last node of
    ``order``) or called by its topological index.
    """
    sym = name(node)
    if sym is None:
        return "root" if node is order[-1] else f"node{order.index(node)}"
    # The replay's rule: x1[2] is one word, sq[1]+sq[2] and a·3 are not.
    return sym.text if is_one_word(sym.text) else f"({sym.text})"


def _describe(op: str, a: list) -> Symbol | None:
    """The expression ``op`` applied to the input names ``a``."""
    if op == "+":
        return Symbol(f"{a[0].text} + {a[1].text}", False)
    if op == "-":
        return Symbol(f"{a[0].text} - {_wrap(a[1])}", False)
    if op == "*":
        return Symbol(f"{_wrap(a[0])}·{_wrap(a[1])}", True)
    if op == "/":
        return Symbol(f"{_wrap(a[0])}/{_wrap(a[1])}", True)
    if op == "neg":
        return Symbol(f"-{_wrap(a[0])}", False)
    if op == "**":
        return Symbol(f"{_wrap(a[0])}^{_wrap(a[1])}", True)
    if op.startswith("**"):
        return Symbol(f"{_wrap(a[0])}^{op[2:]}", True)
    if op in _FUNCTION_OPS:
        return Symbol(f"{op}({a[0].text})", True)
    return None


_FUNCTION_OPS = ("exp", "log", "softplus", "sigmoid", "tanh", "relu", "square")


# ------------------------------------------------------------------ local derivatives
# One entry per op: (node, input index, namer) -> the formula of d(node)/d(inputs[i]).
# None means "no formula, show the number" (an input without a short name).

Rule = Callable[[Value, int, Namer], Formula | None]


def _one_name(text: Callable[[str], str], atomic: bool = True) -> Rule:
    """A rule d/da = f(a) for a one-input function, given the text of f applied to a name."""

    def rule(node: Value, i: int, name: Namer) -> Formula | None:
        a = name(node.inputs[0])
        return None if a is None else Formula(1.0, (Symbol(text(a), atomic),))

    return rule


def _mul(node: Value, i: int, name: Namer) -> Formula | None:
    other = node.inputs[1 - i]  # d(a*b)/da = b
    if not other.inputs and other.label is None:
        return Formula(other.data)
    sym = name(other)
    return None if sym is None else Formula(1.0, (sym,))


def _div(node: Value, i: int, name: Namer) -> Formula | None:
    a, b = node.inputs
    nb = name(b)
    if i == 0:  # d(a/b)/da = 1/b
        if not b.inputs and b.label is None:
            return Formula(1.0 / b.data)
        return None if nb is None else Formula(1.0, (Symbol(f"1/{_wrap(nb)}", True),))
    na = name(a)  # d(a/b)/db = -a/b^2
    if na is None or nb is None:
        return None
    return Formula(-1.0, (Symbol(f"{_wrap(na)}/{_wrap(nb)}^2", True),))


def _pow_number(node: Value, i: int, name: Namer) -> Formula | None:
    n = float(node.op[2:])  # d(a^n)/da = n a^(n-1)
    if n == 1.0:
        return Formula(1.0)
    a = name(node.inputs[0])
    if a is None:
        return None
    if n == 2.0:
        return Formula(2.0, (a,))
    return Formula(n, (Symbol(f"{_wrap(a)}^{fmt(n - 1.0, 6)}", True),))


def _pow_value(node: Value, i: int, name: Namer) -> Formula | None:
    na, nb = name(node.inputs[0]), name(node.inputs[1])
    if na is None or nb is None:
        return None
    a, b = _wrap(na), _wrap(nb)
    if i == 0:  # d(a^b)/da = b a^(b-1)
        return Formula(1.0, (Symbol(f"{b}·{a}^({nb.text} - 1)", True),))
    return Formula(1.0, (Symbol(f"{a}^{b}·ln {a}", True),))  # d(a^b)/db = a^b ln a


RULES: dict[str, Rule] = {
    "+": lambda node, i, name: Formula(1.0),
    "-": lambda node, i, name: Formula(1.0 if i == 0 else -1.0),
    "neg": lambda node, i, name: Formula(-1.0),
    "*": _mul,
    "/": _div,
    "**": _pow_value,
    "exp": _one_name(lambda a: f"exp({a.text})"),
    "log": _one_name(lambda a: f"1/{_wrap(a)}"),
    "softplus": _one_name(lambda a: f"sigmoid({a.text})"),
    "sigmoid": _one_name(lambda a: f"sigmoid({a.text})·(1 - sigmoid({a.text}))"),
    "tanh": _one_name(lambda a: f"1 - tanh({a.text})^2", atomic=False),
    "relu": _one_name(lambda a: f"[{a.text} > 0]"),
    "square": lambda node, i, name: (
        None if name(node.inputs[0]) is None else Formula(2.0, (name(node.inputs[0]),))
    ),
}


def edge_formula(node: Value, i: int, name: Namer) -> Formula | None:
    """The formula of ``node.local_grads[i]`` = d(node)/d(node.inputs[i]), or None if unknown."""
    rule = RULES.get(node.op)
    if rule is None and node.op.startswith("**"):
        rule = _pow_number
    return None if rule is None else rule(node, i, name)


def multiply(formulas) -> Formula | None:
    """The product of several formulas (None if any is unknown)."""
    coef, factors = 1.0, []
    for f in formulas:
        if f is None:
            return None
        coef *= f.coef
        factors.extend(f.factors)
    return Formula(coef, tuple(factors))


def formula_text(f: Formula | None, precision: int = 3) -> str | None:
    """``Formula(-2, (u,))`` -> ``'-2·u'``; None when there is nothing beyond the number."""
    if f is None or not f.factors:
        return None
    wrap_all = len(f.factors) > 1 or f.coef != 1.0
    body = "·".join(_wrap(s) if wrap_all else s.text for s in f.factors)
    if f.coef == 1.0:
        return body
    if f.coef == -1.0:
        return "-" + body
    return f"{fmt(f.coef, precision)}·{body}"
