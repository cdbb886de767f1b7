"""The engine's functions in call form: ``softplus(x)`` as well as ``x.softplus()``.

Each accepts a ``Value`` or a plain number (which becomes a constant leaf) and
returns a new ``Value``; the forward rule and local derivative live on ``Value``.
"""

from __future__ import annotations

from engine.value import Operand, Value

__all__ = ["exp", "log", "softplus", "sigmoid", "tanh", "relu", "square", "FUNCTIONS"]


def _as_value(x: Operand, op: str) -> Value:
    if isinstance(x, Value):
        return x
    return Value._constant(x, op)


def exp(x: Operand) -> Value:
    """e^x; d/dx = e^x."""
    return _as_value(x, "exp").exp()


def log(x: Operand) -> Value:
    """ln x for x > 0; d/dx = 1/x."""
    return _as_value(x, "log").log()


def softplus(x: Operand) -> Value:
    """ln(1 + e^x); d/dx = sigmoid(x) = e^x / (1 + e^x)."""
    return _as_value(x, "softplus").softplus()


def sigmoid(x: Operand) -> Value:
    """1 / (1 + e^-x); d/dx = sigmoid(x) (1 - sigmoid(x))."""
    return _as_value(x, "sigmoid").sigmoid()


def tanh(x: Operand) -> Value:
    """tanh x; d/dx = 1 - tanh(x)^2."""
    return _as_value(x, "tanh").tanh()


def relu(x: Operand) -> Value:
    """max(0, x); d/dx = 1 for x > 0, else 0."""
    return _as_value(x, "relu").relu()


def square(x: Operand) -> Value:
    """x^2; d/dx = 2x."""
    return _as_value(x, "square").square()


#: Name -> function, for code that maps names to the engine's functions
#: (activations in ``nn``, the whitelist of ``python -m viz``).
FUNCTIONS = {
    "exp": exp,
    "log": log,
    "softplus": softplus,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "square": square,
}
