"""Each op's local derivatives as Values: ``local_grad_values(node)``.

``node.local_grads`` holds d(node)/d(inputs[i]) as floats, the numbers ``backward()``
multiplies. ``local_grad_values(node)`` builds the same derivatives as ``Value``s made
from ``node.inputs`` and ``node`` itself with the engine's own ops, so that a
gradient built from them (``engine.grad(..., create_graph=True)``) is a graph that
can be differentiated again, drawn and explained::

    softplus(x)' = sigmoid(x)          tanh(x)' = 1 - out·out        (a·b)' = (b, a)
    sigmoid(x)'  = out·(1 - out)       exp(x)'  = out                (a/b)' = (1/b, -out/b)
    (x ** n)'    = n·x ** (n - 1)      (a ** b)' = (b·a ** (b - 1), out·log(a))

Each rule computes the float of ``node.local_grads[i]`` with the same operations in
the same order, so the numbers agree to the bit. A derivative that is a constant
(``+``, ``-``, ``neg``, ``relu``) is a constant leaf: ``relu``'s derivative is 1 or 0,
so its second derivative is 0 everywhere (at x = 0 too, where it does not exist:
the convention of the first derivative, 0 there, carried on, as PyTorch does).
"""

from __future__ import annotations

from collections.abc import Callable

from engine.numeric import EXACT_INT
from engine.value import Value

__all__ = ["local_grad_values"]


def local_grad_values(node: Value) -> tuple[Value, ...]:
    """``(d(node)/d(node.inputs[0]), ...)`` as Values built from ``node.inputs`` and ``node``.

    ``()`` for a leaf. ``ValueError`` for an op with no rule here, and for
    ``x ** n`` (1 < n < 2) at x = 0, whose derivative n·x^(n-1) has no derivative there.
    """
    rule = _RULES.get(node.op)
    if rule is None:
        if node.op.startswith("**"):
            return _power(node)
        if not node.inputs:
            return ()
        raise ValueError(f"local_grad_values: no derivative rule for the op {node.op!r}")
    return rule(node)


def _constant(x: float) -> Value:
    return Value._constant(x, "local_grad_values")


def _where(node: Value) -> str:
    return f" (node {node.label!r})" if node.label is not None else ""


def _power(node: Value) -> tuple[Value, ...]:
    """d(x ** n)/dx = n·x ** (n - 1), as ``engine.numeric.power_rule`` computes it."""
    x = node.inputs[0]
    n = float(node.op[2:])  # "**1.5" -> 1.5: the op's name spells the exponent exactly
    if n == 0.0:
        return (_constant(0.0),)
    if n == 1.0:
        return (_constant(1.0),)
    if abs(n) > EXACT_INT and x.data != 0.0:
        return (n * (node / x),)  # n - 1 rounds back to n out there: n·x^n/x, as power_rule
    if n == 2.0:
        return (n * x,)  # x ** 1.0 is x itself: 2·x, without a node for x^1
    if x.data == 0.0 and 0.0 < n - 1.0 < 1.0:
        raise ValueError(
            f"**: the second derivative of x ** {n:g} at base{_where(x)} 0.0 is infinite:"
            f" its derivative {n:g}·x^{n - 1.0:g} has no derivative there"
        )
    return (n * x ** (n - 1.0),)


def _pow_value(node: Value) -> tuple[Value, ...]:
    """d(a ** b)/da = b·a ** (b - 1), d(a ** b)/db = out·log(a) (a > 0, as the op requires)."""
    a, b = node.inputs
    return (b * a ** (b - 1.0), node * a.log())


def _divide(node: Value) -> tuple[Value, ...]:
    """d(a/b)/da = 1/b, d(a/b)/db = -out/b (= -a/b², as ``Value.__truediv__`` computes it)."""
    b = node.inputs[1]
    return (1.0 / b, -node / b)


#: op name -> its rule. ``**n`` (x ** 2, x ** 0.5 ...) is ``_power``, by the name's prefix.
_RULES: dict[str, Callable[[Value], tuple[Value, ...]]] = {
    "+": lambda n: (_constant(1.0), _constant(1.0)),
    "-": lambda n: (_constant(1.0), _constant(-1.0)),
    "*": lambda n: (n.inputs[1], n.inputs[0]),
    "/": _divide,
    "neg": lambda n: (_constant(-1.0),),
    "**": _pow_value,
    "exp": lambda n: (n,),
    "log": lambda n: (1.0 / n.inputs[0],),
    "softplus": lambda n: (n.inputs[0].sigmoid(),),
    "sigmoid": lambda n: (n * (1.0 - n),),
    "tanh": lambda n: (1.0 - n * n,),
    "relu": lambda n: (_constant(n.local_grads[0]),),
    "square": lambda n: (2.0 * n.inputs[0],),
}
