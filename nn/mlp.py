"""``MLP``: layers in sequence, the first hidden layer ``L1``; parameters ``L1.n1.w1, ..., L2.n1.b``.

Every index counts from 1, like the articles: ``L<k>.n<j>.w<i>`` is the
weight of layer ``k``'s neuron ``j`` on its input ``i``.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine import Value
from engine.checks import check_positive_int
from nn.activations import ActivationLike
from nn.checks import InputLike, as_inputs, check_layers, check_rng
from nn.layer import Layer
from nn.module import Module
from nn.public import CALLER, public

__all__ = ["MLP"]


class MLP(Module):
    """Layers in sequence: ``MLP(1, [2, 1], activations=("softplus", "linear"))``.

    ``sizes`` lists the neurons per layer, the last being the outputs.
    ``activations`` is one name per layer, or one name for every layer;
    by default hidden layers use ``tanh`` and the output layer is ``linear``.
    The layers share one ``random.Random(seed)``, so the same seed gives the
    same initial parameters.

    ``model(x)`` is the output of a network with one output (a ``Value``);
    ``model.outputs(x)`` is the list of every output, for any number of them.
    """

    @public("MLP")
    def __init__(
        self,
        nin: int,
        sizes: Sequence[int],
        activations: ActivationLike | Sequence[ActivationLike] | None = None,
        *,
        seed: int = 0,
    ) -> None:
        self.nin = check_positive_int(nin, CALLER, "nin (number of inputs)")
        self.sizes, acts = check_layers(sizes, activations)
        rng = check_rng(seed, None)
        ins = [nin] + self.sizes[:-1]
        self.layers = [
            Layer._made(i, o, a, rng, f"L{k + 1}") for k, (i, o, a) in enumerate(zip(ins, self.sizes, acts))
        ]

    @property
    def nout(self) -> int:
        """The number of outputs (the last layer's neurons)."""
        return self.sizes[-1]

    @public("MLP")
    def __call__(self, x: InputLike) -> Value:
        """The output for one sample, of a network with one output.

        A network with several outputs is a ``TypeError`` here: ``outputs(x)`` gives them.
        """
        if self.nout != 1:
            raise TypeError(
                f"{CALLER}: this network has {self.nout} outputs; call model.outputs(x) for the"
                " list of them (model(x) is for a network with one output)"
            )
        return self.outputs(x)[0]

    @public("MLP")
    def outputs(self, x: InputLike) -> list[Value]:
        """Every output for one sample, as a list (of one for a network with one output)."""
        # The sample is checked here, once: the layers and neurons take it as it is.
        return self.forward(as_inputs(x, self.nin))

    def forward(self, xs: Sequence[Value]) -> list[Value]:
        """Every output for inputs already checked (``nin`` Values), as ``outputs`` gives them."""
        layers = self.layers
        out = layers[0].forward(xs)
        for k in range(1, len(layers)):  # no slice of the layers: this runs per sample, per step
            out = layers[k].forward(out)
        return out

    def children(self) -> list[Module]:
        return list(self.layers)

    def __repr__(self) -> str:
        acts = tuple(layer.activation for layer in self.layers)
        return f"MLP({self.nin}, {self.sizes}, activations={acts!r})"
