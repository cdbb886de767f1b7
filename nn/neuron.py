"""``Neuron``: ``activation(x1 * w1 + x2 * w2 + ... + b)``.

Inputs first, as the articles write ``input * w1 + b1``, so every edge of the
graph is one multiplication or addition whose local derivative can be read off.
Its parameters are named ``w1, w2, ..., b`` (``w_i`` multiplies input ``i``),
prefixed ``<name>.`` when the neuron has a name; the names are also the
parameters' labels. Inputs given as plain numbers become leaves labelled
``input`` (one input) or ``input1, input2, ...``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from engine import Value
from engine.checks import check_positive_int
from nn.activations import Activation, ActivationLike, activation_name, node_function
from nn.checks import InputLike, as_inputs, check_label, check_name, check_rng
from nn.module import Module
from nn.public import CALLER, public

__all__ = ["Neuron"]


class Neuron(Module):
    """``activation(x1 * w1 + ... + xn * wn + b)``, with weights ``w`` and bias ``b``.

    Weights start from a normal distribution with mean 0 and standard
    deviation ``1 / sqrt(nin)`` (for one input: a standard normal, as in the
    articles), drawn from ``rng`` or from ``random.Random(seed)``, never from the
    global generator; the bias starts at 0.

    The same seed gives the same weights, and the seed defaults to 0: two
    ``Neuron(2)`` start identical. For neurons that differ, pass different
    seeds (``Neuron(2, seed=1)``, ``Neuron(2, seed=2)``) or one shared
    ``rng=random.Random(...)``, as ``Layer`` and ``MLP`` do for their neurons.

    ``sum_label`` and ``out_label``, when set, label the weighted-sum node and
    the activation's node of each forward pass (the articles' ``x1`` and ``y1``).
    """

    @public("Neuron")
    def __init__(
        self,
        nin: int,
        activation: ActivationLike = "linear",
        *,
        seed: int = 0,
        rng: random.Random | None = None,
        name: str | None = None,
    ) -> None:
        nin = check_positive_int(nin, CALLER, "nin (number of inputs)")
        rng = check_rng(seed, rng)
        act = node_function(activation)
        self._init(nin, activation, act, rng, check_name(name))

    @classmethod
    def _made(cls, nin: int, activation: ActivationLike, act: Activation, rng: random.Random,
              name: str | None) -> Neuron:
        """A neuron from arguments already checked (``Layer`` checks its own once, for all its neurons)."""
        neuron = cls.__new__(cls)
        neuron._init(nin, activation, act, rng, name)
        return neuron

    def _init(self, nin: int, activation: ActivationLike, act: Activation, rng: random.Random,
              name: str | None) -> None:
        """Set the neuron up; ``act`` is ``activation``'s node function, ``nin >= 1``."""
        self.nin = nin
        self._act = act
        self.activation = activation_name(activation)
        prefix = f"{name}." if name else ""
        self.name = name
        self._names = [f"{prefix}w{i + 1}" for i in range(nin)] + [f"{prefix}b"]
        std = 1.0 / math.sqrt(nin)
        self.w = [Value(rng.gauss(0.0, std), n) for n in self._names[:-1]]
        self.b = Value(0.0, self._names[-1])
        self._sum_label: str | None = None
        self._out_label: str | None = None

    @public("Neuron")
    def __call__(self, x: InputLike) -> Value:
        """The neuron's output for one sample of ``nin`` inputs."""
        return self.forward(as_inputs(x, self.nin))

    def forward(self, xs: Sequence[Value]) -> Value:
        """The output for inputs already checked: ``nin`` Values (``Layer`` and ``MLP`` check once per sample)."""
        w = self.w
        n = len(w)
        # One and two inputs (the articles' network, the 2-D demos) are written
        # out: no loop to set up in the innermost call of every forward pass.
        # The same operations in the same order as the loop, so the same numbers.
        if n == 1:
            z = xs[0] * w[0] + self.b
        elif n == 2:
            z = xs[0] * w[0] + xs[1] * w[1] + self.b
        else:
            z = xs[0] * w[0]
            for i in range(1, n):
                z = z + xs[i] * w[i]
            z = z + self.b
        if self._sum_label is not None:
            z.label = self._sum_label  # a str, checked when it was set
        out = self._act(z)
        if self._out_label is not None:
            out.label = self._out_label
        return out

    @property
    def sum_label(self) -> str | None:
        """The label of the weighted-sum node of each forward pass (None: unlabelled)."""
        return self._sum_label

    @sum_label.setter
    @public("Neuron")
    def sum_label(self, label: str | None) -> None:
        self._sum_label = check_label(label, "sum_label")

    @property
    def out_label(self) -> str | None:
        """The label of the activation's node of each forward pass (None: unlabelled)."""
        return self._out_label

    @out_label.setter
    @public("Neuron")
    def out_label(self, label: str | None) -> None:
        self._out_label = check_label(label, "out_label")

    def named_parameters(self) -> list[tuple[str, Value]]:
        return list(zip(self._names, self.w + [self.b]))

    def _own_names(self) -> list[str]:
        return list(self._names)

    def _set_own_names(self, names: Sequence[str]) -> None:
        self._names = list(names)
        for n, p in zip(self._names, self.w + [self.b]):
            p.label = n

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"
