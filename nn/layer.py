"""``Layer``: ``nout`` neurons reading the same inputs; its parameters are ``n1.w1, n1.b, n2.w1, ...``."""

from __future__ import annotations

import random
from collections.abc import Sequence

from engine import Value
from engine.checks import check_positive_int
from nn.activations import ActivationLike, node_function, resolve_activation
from nn.checks import InputLike, as_inputs, check_name, check_rng
from nn.module import Module
from nn.neuron import Neuron
from nn.public import CALLER, public

__all__ = ["Layer"]


class Layer(Module):
    """``nout`` neurons that all read the same ``nin`` inputs; calling it returns a list.

    Neuron ``j`` (from 1) is named ``n<j>`` (``<name>.n<j>`` in a named layer).
    """

    @public("Layer")
    def __init__(
        self,
        nin: int,
        nout: int,
        activation: ActivationLike = "linear",
        *,
        seed: int = 0,
        rng: random.Random | None = None,
        name: str | None = None,
    ) -> None:
        nin = check_positive_int(nin, CALLER, "nin (number of inputs)")
        nout = check_positive_int(nout, CALLER, "nout (number of neurons)")
        rng = check_rng(seed, rng)
        resolve_activation(activation)
        self._init(nin, nout, activation, rng, check_name(name))

    @classmethod
    def _made(cls, nin: int, nout: int, activation: ActivationLike, rng: random.Random, name: str) -> Layer:
        """A layer from arguments already checked (``MLP`` checks its own once, for all its layers)."""
        layer = cls.__new__(cls)
        layer._init(nin, nout, activation, rng, name)
        return layer

    def _init(self, nin: int, nout: int, activation: ActivationLike, rng: random.Random, name: str | None) -> None:
        """Set the layer up: ``nout`` neurons named ``n1, n2, ...`` (``<name>.n1`` ...), drawn from ``rng``."""
        self.nin, self.nout = nin, nout
        prefix = f"{name}." if name else ""
        act = node_function(activation)
        self.neurons = [Neuron._made(nin, activation, act, rng, f"{prefix}n{j + 1}") for j in range(nout)]
        self.activation = self.neurons[0].activation

    @public("Layer")
    def __call__(self, x: InputLike) -> list[Value]:
        """Each neuron's output for one sample, always as a list (even of one)."""
        return self.forward(as_inputs(x, self.nin))

    def forward(self, xs: Sequence[Value]) -> list[Value]:
        """Each neuron's output for inputs already checked (``nin`` Values)."""
        return [n.forward(xs) for n in self.neurons]

    def children(self) -> list[Module]:
        return list(self.neurons)

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"
