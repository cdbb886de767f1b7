"""The code templates of ``engine.trace``: one per op, the same formulas as ``Value``'s.

A template is Python source with holes: ``{0}``, ``{1}`` are the node's inputs
(names of local variables or literal floats), ``{out}`` is the node's own value.
``forward`` computes the node; ``local_grads[i]`` is d(node)/d(inputs[i]), written
exactly as the operator in ``engine/value.py`` computes it, so that replaying a
trace gives the eager path's floats bit for bit. ``guard`` is a condition on
the inputs under which the eager operator raises while the plain float
formula would not (a negative base to a fractional power gives a complex
number in Python): the replay then re-runs the step eagerly to raise its error.

Generated source is built only from these strings, integer indices and
``repr()`` of finite floats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.numeric import EXACT_INT, power_name, power_rule, sigmoid_of

__all__ = ["OpTemplate", "TEMPLATES", "template_for", "NAMESPACE"]


@dataclass(frozen=True)
class OpTemplate:
    """How to compute one op in generated code: forward expression, local derivatives, guard."""

    forward: str
    local_grads: tuple[str, ...]
    guard: str | None = None
    # For the fast code: a value both passes need, computed once as ``{t}``
    # (``temp``), and the forward rule and local derivatives that read it.
    temp: str | None = None
    fast_forward: str | None = None
    fast_local_grads: tuple[str, ...] | None = None

    @property
    def arity(self) -> int:
        return len(self.local_grads)


#: The functions the templates call, by the names they use; the generated code
#: sees these and nothing else (of the builtins: ``abs``, ``range`` and the two
#: exception classes the descent loop catches).
NAMESPACE: dict[str, object] = {
    "_exp": math.exp,
    "_log": math.log,
    "_log1p": math.log1p,
    "_tanh": math.tanh,
    "_sigmoid": sigmoid_of,
    "_pr": power_rule,
}

#: op name (``Value.op``) -> template. ``x ** n`` with a number ``n`` has an op
#: name per exponent (``'**2'``, ``'**0.5'``): see ``template_for``.
TEMPLATES: dict[str, OpTemplate] = {
    # d(a+b)/da = 1, d(a+b)/db = 1
    "+": OpTemplate("{0} + {1}", ("1.0", "1.0")),
    # d(a-b)/da = 1, d(a-b)/db = -1
    "-": OpTemplate("{0} - {1}", ("1.0", "-1.0")),
    # d(a*b)/da = b, d(a*b)/db = a
    "*": OpTemplate("{0} * {1}", ("{1}", "{0}")),
    # d(a/b)/da = 1/b, d(a/b)/db = -(a/b)/b; Python's float division raises on b = 0 as the op does
    "/": OpTemplate("{0} / {1}", ("1.0 / {1}", "-{out} / {1}")),
    "neg": OpTemplate("-{0}", ("-1.0",)),
    # a ** b, both Values: d/da = b a^(b-1), d/db = a^b ln a; the op refuses a <= 0
    "**": OpTemplate(
        "{0} ** {1}", ("(_pr({0}, {1}, {out}) if {1} != 0.0 else 0.0)", "{out} * _log({0})"), "{0} <= 0.0"
    ),
    "exp": OpTemplate("_exp({0})", ("{out}",)),
    # math.log raises on x <= 0, as the op does
    "log": OpTemplate("_log({0})", ("1.0 / {0}",)),
    # sigmoid(x) = 1/(1 + e^-x) for x >= 0, e^x/(1 + e^x) below: e^-|x| is both, the same float
    "softplus": OpTemplate(
        "({0} if {0} > 0.0 else 0.0) + _log1p(_exp(-abs({0})))", ("_sigmoid({0})",),
        # -|x| without the call to abs: x if x < 0 else -x (the same float, -0.0 and nan included)
        temp="_exp({0} if {0} < 0.0 else -{0})", fast_forward="({0} if {0} > 0.0 else 0.0) + _log1p({t})",
        fast_local_grads=("(1.0 / (1.0 + {t}) if {0} >= 0.0 else {t} / (1.0 + {t}))",),
    ),
    "sigmoid": OpTemplate("_sigmoid({0})", ("{out} * (1.0 - {out})",)),
    "tanh": OpTemplate("_tanh({0})", ("1.0 - {out} * {out}",)),
    "relu": OpTemplate("({0} if {0} > 0.0 else 0.0)", ("(1.0 if {0} > 0.0 else 0.0)",)),
    "square": OpTemplate("{0} * {0}", ("2.0 * {0}",)),
    # x ** n for a number n: the family's template; template_for fills in n
    "**n": OpTemplate("{0} ** {n}", ("{n} * {0} ** {n_1}",)),
}


def _exponent(op: str) -> float | None:
    """``n`` of an op name ``'**n'`` (``'**2'`` -> 2.0), or None if ``op`` is not one."""
    if not op.startswith("**") or op == "**":
        return None
    try:
        n = float(op[2:])
    except ValueError:
        return None
    # Only the names the operator itself writes: finite, and spelled back the same.
    if not math.isfinite(n) or power_name(n) != op:
        return None
    return n


def template_for(op: str) -> OpTemplate | None:
    """The template for op name ``op``, or None if there is none.

    ``x ** n`` (op ``'**n'`` with the exponent in the name) is written like the
    operator: ``a ** n`` forward and ``n * a ** (n - 1)`` for its derivative;
    the derivative goes through ``power_rule`` (as the operator's does) for
    ``n < 1``, because ``a ** (n - 1)`` can overflow where ``a ** n`` does not,
    and for ``n > 2**53``, where ``n - 1`` rounds back to ``n`` and
    ``a ** (n - 1)`` would lose the odd power's sign. A fractional ``n`` needs
    a base >= 0 (> 0 below 1), or the op raises.
    """
    found = TEMPLATES.get(op)
    if found is not None:
        return None if op == "**n" else found
    n = _exponent(op)
    if n is None:
        return None
    lit = _literal(n)
    if n == 0.0:
        local = "0.0"
    elif 1.0 <= n <= EXACT_INT:
        local = f"{lit} * {{0}} ** {_literal(n - 1.0)}"
    else:
        local = f"_pr({{0}}, {lit}, {{out}})"
    guard = None
    if not n.is_integer():
        guard = "{0} < 0.0" if n > 1.0 else "{0} <= 0.0"
    return OpTemplate(f"{{0}} ** {lit}", (local,), guard)


def _literal(x: float) -> str:
    """``repr`` of a finite float, in parentheses when negative (so ``a ** (-1.0)`` parses as meant)."""
    text = repr(float(x))
    return f"({text})" if text.startswith("-") else text
