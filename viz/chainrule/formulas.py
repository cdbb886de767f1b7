"""Names for nodes and the formula of each local derivative, written from the ops' declarations.

The numbers always come from the engine (``node.local_grads``); this module
only says, in words, which formula produced them, so an edge can read
``sigmoid(x1) = 0.8`` and an explanation ``-2·(observed - predicted)``.

A formula is a ``Formula(coef, factors)``: a number times a product of named
symbols (``Formula(2.0, (observed - predicted,))`` for the edge of ``u**2``).
Keeping the number apart lets products along a path collect their signs and
constants: ``(-1) × 2·u`` prints as ``-2·u``.

The texts come from each op's declaration (``engine.ops.OPS``): its
``expression`` names a node, its ``derivatives`` name the local derivatives,
with the inputs' names put in place of ``{x}``, ``{a}``, ``{b}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from engine import Value
from engine.ops import POWER, OpSpec, spec_of
from viz.chainrule.names import is_one_word, is_position_name
from viz.chainrule.numbers import fmt

__all__ = ["Symbol", "Formula", "Namer", "node_name", "expression_of", "edge_formula",
           "formula_text", "multiply"]


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
    """What a node is called in formulas: its shown name, its label, its number, or a short expression.

    ``names`` (Value -> str) overrides labels, as ``draw(names=)`` does: the replay's
    per-point names (``sq[1]``, ``x1[2]``) of ``viz.chainrule.names.node_names``; a constant
    keeps its number. An unlabelled interior node is described by the expression that
    made it (``observed[1] - predicted[1]``), as long as that stays within ``max_len``
    characters and ``max_depth`` operations; beyond that it has no name and
    formulas that need it fall back to the bare number. The position name
    ``node_names`` gives such a node (``-#19``: op and place, ``is_position_name``)
    only says which box it is: the expression is written instead, and the position
    name only where the expression is too long (``1 - tanh(+#4)^2``, ``2·(-#19)``).
    """

    def __init__(self, precision: int = 3, *, names: Mapping[Value, str] | None = None, max_len: int = 28,
                 max_depth: int = 3) -> None:
        self.precision = precision
        self.max_len = max_len
        self.max_depth = max_depth
        self._names = {} if names is None else names
        self._cache: dict[Value, Symbol | None] = {}

    def __call__(self, node: Value) -> Symbol | None:
        if node not in self._cache:
            self._cache[node] = self._name(node, self.max_depth)
        sym = self._cache[node]
        if sym is None:
            # Cached apart from the expressions, so that an expression holding this
            # node is written out in full or not at all, never half in position names.
            shown = self._names.get(node)
            if shown is not None and is_position_name(node, shown):
                return Symbol(shown, node.op.isidentifier())  # 2·(-#19), 2·tanh#4
        return sym

    def _name(self, node: Value, depth: int) -> Symbol | None:
        shown = self._names.get(node)
        if shown is not None and not node.is_constant and not is_position_name(node, shown):
            return Symbol(shown, True)
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
        sym = expression_of(node, parts)
        if sym is None or len(sym.text) > self.max_len:
            return None
        return sym


def node_name(node: Value, name: Namer, order: list[Value]) -> str:
    """How ``node`` is written in d.../d... notation: ``SSR``, ``(a·3)``, or ``node7``.

    A name that is not one word (``viz.chainrule.names.is_one_word``: ``x1[2]`` is one,
    ``a·3`` is not) gets parentheses (``d(a·3)/da``); a node with
    neither a label nor a short expression is ``root`` (the last node of
    ``order``) or called by its topological index.
    """
    sym = name(node)
    if sym is None:
        return "root" if node is order[-1] else f"node{order.index(node)}"
    # The replay's rule: x1[2] is one word, sq[1]+sq[2] and a·3 are not.
    return sym.text if is_one_word(sym.text) else f"({sym.text})"


def expression_of(node: Value, parts: Sequence[Symbol]) -> Symbol | None:
    """The expression that made ``node`` (its op's ``expression``), given its inputs' names.

    ``expression_of(a*b, [Symbol("a", True), Symbol("b", True)]).text == "a·b"``;
    None for a leaf or an op with no declaration.
    """
    spec = spec_of(node.op)
    if spec is None:
        return None
    text = spec.expression
    if spec.name == POWER:
        text = text.replace("{n}", node.op[2:])  # the exponent as the op's name spells it
    return _fill(text, dict(zip(spec.placeholders, parts)))


# ------------------------------------------------------------------ filling in the texts

_FIELD = re.compile(r"\{(\w+)\}")
# A leading coefficient of a derivative: "-", "2·", "-1", "{n}·" ("1/{b}" has none).
_COEF = re.compile(r"(-)?(\d+(?:\.\d+)?|\{n\})?(?:·|$)|(-)")


def _fill(template: str, names: dict[str, Symbol]) -> Symbol:
    """``template`` with each ``{x}`` replaced by a name, in parentheses where the name needs them.

    A name that is not atomic (``observed - predicted``) is written bare inside
    parentheses or brackets (``exp(observed - predicted)``) and as a term of a
    top-level sum (``{a} + {b}``, the ``{a}`` of ``{a} - {b}``); elsewhere in
    parentheses (``1/(observed - predicted)``, ``-(a + b)``). The result is
    atomic unless, outside brackets, it starts with ``-`` or holds `` + `` or `` - ``.
    """
    out: list[str] = []
    top_level: list[str] = []  # the template's text outside brackets, to judge the result
    depth = 0
    pos = 0
    for m in _FIELD.finditer(template):
        before, after = template[pos:m.start()], template[m.end():]
        depth = _depth(before, depth, top_level)
        sym = names[m.group(1)]
        term = (not out and not before or before.endswith("+ ")) and (
            after == "" or after.startswith((" +", " -"))
        )
        out += [before, sym.text if depth > 0 or term else _wrap(sym)]
        pos = m.end()
    _depth(template[pos:], depth, top_level)
    out.append(template[pos:])
    outside = "".join(top_level)
    atomic = not outside.startswith("-") and " + " not in outside and " - " not in outside
    return Symbol("".join(out), atomic)


def _depth(text: str, depth: int, top_level: list[str]) -> int:
    """The bracket depth after ``text``, starting at ``depth``; keeps the characters at depth 0."""
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0:
            top_level.append(ch)
    return depth


def _fields(template: str) -> list[str]:
    return [m.group(1) for m in _FIELD.finditer(template)]


# ------------------------------------------------------------------ local derivatives


def edge_formula(node: Value, i: int, name: Namer) -> Formula | None:
    """The formula of ``node.local_grads[i]`` = d(node)/d(node.inputs[i]), or None if unknown.

    From the op's declared derivative text: ``Formula(coef, factors)`` with the
    leading number or sign as ``coef``. None when an input it names has no
    short name. In a two-input op, a derivative that is one other input alone
    or its reciprocal (``b``, ``1/b``), when that input is an unlabelled leaf
    (a plain number), is that number.
    """
    spec = spec_of(node.op)
    if spec is None:
        return None
    template = spec.derivatives[i]
    m = _COEF.match(template)
    rest = template[m.end():] if m else template
    coef = -1.0 if m and (m.group(1) or m.group(3)) else 1.0
    if m and m.group(2):
        coef *= _power(node) if m.group(2) == "{n}" else float(m.group(2))
    if spec.name == POWER:
        rest = _power_text(rest, _power(node) - 1.0)
    inputs = dict(zip(spec.placeholders, node.inputs))
    used = _fields(rest)
    if spec.arity == 2 and len(set(used)) == 1:
        other = inputs[used[0]]
        if not other.inputs and other.label is None:
            return Formula(node.local_grads[i])
    names: dict[str, Symbol] = {}
    for field in used:
        sym = name(inputs[field])
        if sym is None:
            return None
        names[field] = sym
    if not rest:
        return Formula(coef)
    if len(used) == 1 and rest == "{" + used[0] + "}":
        return Formula(coef, (names[used[0]],))  # the name itself, parenthesised where a product needs it
    return Formula(coef, (_fill(rest, names),))


def _power(node: Value) -> float:
    return float(node.op[2:])  # "**2" -> 2.0


def _power_text(rest: str, exponent: float) -> str:
    """``{x}^{n-1}`` with the exponent written out: ``x^1`` is ``x``, ``x^0`` is 1."""
    if exponent == 0.0:
        return ""
    if exponent == 1.0:
        return rest.replace("^{n-1}", "")
    return rest.replace("{n-1}", fmt(exponent, 6))


def covers(spec: OpSpec) -> bool:
    """True when this module can write ``spec``'s expression and derivatives (every placeholder known)."""
    known = set(spec.placeholders) | ({"n", "n-1"} if spec.name == POWER else set())
    texts: Iterable[str] = (spec.expression, *spec.derivatives)
    return all(set(re.findall(r"\{([^}]*)\}", t)) <= known for t in texts)


def multiply(formulas: Iterable[Formula | None]) -> Formula | None:
    """The product of several formulas (None if any is unknown)."""
    coef, factors = 1.0, list[Symbol]()
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
