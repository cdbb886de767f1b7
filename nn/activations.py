"""Activation functions by name, for ``Neuron(nin, activation="softplus")``.

Each name maps to an engine function (so the node it makes carries its own
local derivative); ``"linear"`` is the identity and makes no node at all, so a
linear output neuron's result *is* its weighted sum.
"""

from __future__ import annotations

from collections.abc import Callable

from engine import Value, relu, sigmoid, softplus, tanh
from engine.checks import did_you_mean
from nn.public import CALLER, public

__all__ = ["Activation", "ActivationLike", "ACTIVATIONS", "linear", "get_activation", "resolve_activation",
           "node_function", "activation_name"]

Activation = Callable[[Value], Value]
#: An activation as ``Neuron`` and ``MLP`` take it: a name of ``ACTIVATIONS``, or a function.
ActivationLike = str | Activation


def linear(x: Value) -> Value:
    """The identity, f(x) = x; d/dx = 1. Returns ``x`` itself, adding no node."""
    if not isinstance(x, Value):  # the other activations refuse a non-Value too
        raise TypeError(f"linear: x must be a Value, got {type(x).__name__} {x!r}")
    return x


#: Name -> function. ``softplus(x) = ln(1 + e^x)``, ``relu(x) = max(0, x)``,
#: ``tanh``, ``sigmoid(x) = 1 / (1 + e^-x)``, ``linear(x) = x``.
ACTIVATIONS: dict[str, Activation] = {
    "softplus": softplus,
    "relu": relu,
    "tanh": tanh,
    "sigmoid": sigmoid,
    "linear": linear,
}


@public("get_activation")
def get_activation(activation: ActivationLike) -> Activation:
    """The function for an activation name (or a callable, returned as it is).

    Raises ``ValueError`` for an unknown name, listing the known ones.
    """
    return resolve_activation(activation)


def resolve_activation(activation: object) -> Activation:
    """``get_activation`` as ``Neuron``, ``Layer`` and ``MLP`` check their activations (errors name ``CALLER``)."""
    if callable(activation):
        return activation  # any callable: it is called on a Value
    if isinstance(activation, str):
        try:
            return ACTIVATIONS[activation]
        except KeyError:
            known = ", ".join(repr(n) for n in ACTIVATIONS)
            raise ValueError(
                f"{CALLER}: unknown activation {activation!r}; {did_you_mean(activation, ACTIVATIONS)}"
                f"choose one of {known} (or pass a function)"
            ) from None
    raise TypeError(
        f"{CALLER}: activation must be a name (str) or a function, got {type(activation).__name__} {activation!r}"
    )


def node_function(activation: object) -> Activation:
    """What a neuron applies to its weighted sum: ``resolve_activation``'s function, by name the ``Value`` method.

    ``Value.softplus`` makes the same node as ``softplus`` (the call form), without
    the call form's check for a plain number: the sum is always a ``Value``.
    """
    act = resolve_activation(activation)
    if isinstance(activation, str) and activation != "linear":
        method: Activation = getattr(Value, activation)
        return method
    return act


def activation_name(activation: ActivationLike) -> str:
    """A short name for messages and reprs: the name itself, or a function's ``__name__``."""
    if isinstance(activation, str):
        return activation
    return getattr(activation, "__name__", type(activation).__name__)
