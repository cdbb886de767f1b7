"""``Layer``: ``nout`` neurons reading the same inputs; its parameters are ``n1.w1, n1.b, n2.w1, ...``."""

from __future__ import annotations

import random
from collections.abc import Sequence

from engine import Value
from engine.checks import check_positive_int
from nn.activations import ActivationLike, resolve_activation
from nn.checks import InputLike, as_inputs, check_name, make_rng
from nn.module import Module
from nn.neuron import Neuron

__all__ = ["Layer"]


class Layer(Module):
    """``nout`` neurons that all read the same ``nin`` inputs; calling it returns a list.

    Neuron ``j`` (from 1) is named ``n<j>`` (``<name>.n<j>`` in a named layer).
    """

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
        self.nin = check_positive_int(nin, "Layer", "nin (number of inputs)")
        self.nout = check_positive_int(nout, "Layer", "nout (number of neurons)")
        rng = make_rng(seed, rng, "Layer")
        resolve_activation(activation, "Layer")
        check_name(name, "Layer")
        prefix = f"{name}." if name else ""
        self.neurons = [
            Neuron(nin, activation, rng=rng, name=f"{prefix}n{j + 1}") for j in range(nout)
        ]
        self.activation = self.neurons[0].activation

    def __call__(self, x: InputLike) -> list[Value]:
        """Each neuron's output for one sample, always as a list (even of one)."""
        return self.forward(as_inputs(x, self.nin, "Layer"))

    def forward(self, xs: Sequence[Value]) -> list[Value]:
        """Each neuron's output for inputs already checked (``nin`` Values)."""
        return [n.forward(xs) for n in self.neurons]

    def children(self) -> list[Module]:
        return list(self.neurons)

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"
