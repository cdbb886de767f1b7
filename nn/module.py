"""Modules: a neuron, a layer of neurons, a multi-layer perceptron.

A neuron computes ``activation(x1 * w1 + x2 * w2 + ... + b)``, inputs first as
the articles write ``input * w1 + b1``, so every edge of the graph is one
multiplication or addition whose local derivative can be read off.

Parameter names (also the parameters' labels, so drawings and the training
ledger say the same thing):

* a ``Neuron`` on its own: ``w1, w2, ..., b`` (``w_i`` multiplies input ``i``);
* a ``Layer``: ``n1.w1, n1.b, n2.w1, ...`` (``n_j`` is neuron ``j``);
* an ``MLP``: ``L1.n1.w1, ..., L2.n1.b`` (``L_k`` is layer ``k``, the first
  hidden layer is ``L1``); every index counts from 1, like the articles.

A custom ``Module`` made of children (``children()``) lists their names as
they are; if two *different* parameters of its children would share a name
(two unnamed neurons, two MLPs), each child's names are prefixed by
its position instead: ``m1.w1, m1.b, m2.w1, m2.b``. Name the children
(``Neuron(1, name="h1")``) to keep readable names; the labels of the
parameters are the children's own names either way.

``rename_parameters`` gives them other names; the articles' network (see
``nn.statquest``) is an ``MLP(1, [2, 1])`` renamed to ``w1, b1, w2, b2, w3, w4, b3``.
Inputs given as plain numbers become leaves labelled ``input`` (one input)
or ``input1, input2, ...``; other forward nodes are unlabelled unless a
neuron's ``sum_label`` / ``out_label`` are set.
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Mapping, Sequence

from engine import Value
from nn.activations import Activation, activation_name, get_activation

__all__ = ["Module", "Neuron", "Layer", "MLP", "InputLike"]

#: One sample: a number (for one input), or a sequence of numbers/Values.
InputLike = float | int | Value | Sequence[float | int | Value]
ActivationLike = str | Activation


class Module:
    """Base class: anything that owns named parameters (``Value`` leaves).

    Subclasses override ``named_parameters`` (and ``children`` when they hold
    other modules); everything else here works from those two.
    """

    def named_parameters(self) -> list[tuple[str, Value]]:
        """``[(name, parameter), ...]`` in a fixed order (weights before bias, neuron by neuron).

        The children's parameters, child by child; when two different
        parameters of the children would share a name, child ``k``'s names are
        prefixed ``m<k>.`` (``m1.w1``, ``m2.w1``). A child listed twice (shared
        weights) gives its parameters once.
        """
        groups = [child.named_parameters() for child in self.children()]
        if _clash([pair for group in groups for pair in group]) is not None:
            groups = [[(f"m{k}.{n}", p) for n, p in group] for k, group in enumerate(groups, start=1)]
        params: list[tuple[str, Value]] = []
        seen = set()
        for group in groups:
            for n, p in group:
                if p not in seen:
                    seen.add(p)
                    params.append((n, p))
        return params

    def unique_named_parameters(self, who: str) -> list[tuple[str, Value]]:
        """``named_parameters()``, or a ``ValueError`` (from ``who``) if two different parameters share a name."""
        named = self.named_parameters()
        name = _clash(named)
        if name is not None:
            raise ValueError(
                f"{who}: two different parameters are named {name!r} in {type(self).__name__};"
                " give them different names (named_parameters() must list each name once)"
            )
        return named

    def children(self) -> list[Module]:
        """The modules directly inside this one (none for a ``Neuron``)."""
        return []

    def parameters(self) -> list[Value]:
        """The parameters, in the order of ``named_parameters()``."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0, before the next ``backward()``."""
        for p in self.parameters():
            p.grad = 0.0

    def parameter(self, name: str) -> Value:
        """The parameter called ``name``; ``ValueError`` listing the names if there is none."""
        for n, p in self.unique_named_parameters("parameter"):
            if n == name:
                return p
        raise ValueError(self._unknown(name, "parameter"))

    def parameter_values(self) -> dict[str, float]:
        """``{name: data}`` for every parameter, e.g. to save or print a state.

        ``ValueError`` if two different parameters share a name (a dict would keep one of them).
        """
        return {n: p.data for n, p in self.unique_named_parameters("parameter_values")}

    def set_parameters(self, values: Mapping[str, float]) -> None:
        """Set the parameters named in ``values`` (others keep their values).

        Every name and number is checked before anything changes: an unknown
        name is a ``ValueError`` listing the model's names; a value that is not
        a real number is a ``TypeError``; a non-finite one is a ``ValueError``.
        """
        if not isinstance(values, Mapping):
            raise TypeError(
                f"set_parameters: expected a mapping of names to numbers, got {type(values).__name__}"
            )
        by_name = dict(self.unique_named_parameters("set_parameters"))
        checked: list[tuple[Value, float]] = []
        for name, value in values.items():
            if name not in by_name:
                raise ValueError(self._unknown(name, "set_parameters"))
            if isinstance(value, Value):
                value = value.data
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(
                    f"set_parameters: value for {name!r} must be a real number,"
                    f" got {type(value).__name__} {value!r}"
                )
            if not math.isfinite(value):
                raise ValueError(f"set_parameters: value for {name!r} must be finite, got {value!r}")
            checked.append((by_name[name], float(value)))
        for param, value in checked:
            param.data = value

    def rename_parameters(self, names: Mapping[str, str]) -> None:
        """Rename parameters: ``{old_name: new_name}``; the labels follow.

        Unknown old names and names that would then be used twice are a
        ``ValueError``; nothing is renamed in that case.
        """
        current = [n for n, _ in self.named_parameters()]
        for old, new in names.items():
            if old not in current:
                raise ValueError(self._unknown(old, "rename_parameters"))
            if not isinstance(new, str) or not new:
                raise TypeError(f"rename_parameters: new name for {old!r} must be a non-empty str")
        after = [names.get(n, n) for n in current]
        duplicates = sorted({n for n in after if after.count(n) > 1})
        if duplicates:
            raise ValueError(f"rename_parameters: names would be used twice: {', '.join(duplicates)}")
        neurons = self._neurons()
        before = [list(neuron._names) for neuron in neurons]
        for neuron in neurons:
            neuron._rename(names)
        if [n for n, _ in self.named_parameters()] != after:
            # A custom Module names its parameters itself in named_parameters(),
            # or tells its children apart by position: put the names back.
            for neuron, old_names in zip(neurons, before):
                neuron._rename(dict(zip(neuron._names, old_names)))
            raise TypeError(
                f"rename_parameters: {type(self).__name__} does not support renaming;"
                " change the names its named_parameters() returns, or rename (or name)"
                " its child modules, e.g. Neuron(1, name='h1')"
            )

    def _neurons(self) -> list[Neuron]:
        out: list[Neuron] = []
        for child in self.children():
            out.extend(child._neurons())
        return out

    def _unknown(self, name: object, who: str) -> str:
        known = ", ".join(n for n, _ in self.named_parameters())
        return f"{who}: unknown parameter name {name!r}; this model's parameters are: {known}"


def _clash(named: Sequence[tuple[str, Value]]) -> str | None:
    """The first name given to two different parameters, or None."""
    owner: dict[str, Value] = {}
    for n, p in named:
        if owner.setdefault(n, p) is not p:
            return n
    return None


def _check_count(n: object, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{what} must be a positive int, got {n!r}")
    return n


def _generator(who: str, seed: object, rng: object) -> random.Random:
    """``rng``, or ``random.Random(seed)``; ``seed`` must be an int (not a bool, not None)."""
    # None would seed from the clock, a float or str is almost always a slip:
    # a model's start must be reproducible from the seed written in the code.
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"{who}: seed must be an int, got {type(seed).__name__} {seed!r}")
    if rng is None:
        return random.Random(seed)
    if not isinstance(rng, random.Random):
        raise TypeError(f"{who}: rng must be a random.Random or None, got {type(rng).__name__}")
    return rng


def _as_inputs(x: InputLike, nin: int, who: str) -> list[Value]:
    """One sample as a list of ``nin`` Values; plain numbers become labelled leaves."""
    if isinstance(x, (Value, numbers.Real)):
        xs: list[object] = [x]
    elif isinstance(x, (str, bytes)) or not isinstance(x, Sequence):
        # Sets and dicts have no input order; an iterator would be used up by one call.
        raise TypeError(
            f"{who}: an input must be a number or a sequence (list or tuple) of numbers,"
            f" got {type(x).__name__} {x!r}"
        )
    else:
        xs = list(x)
    if len(xs) != nin:
        raise ValueError(
            f"{who} expects {nin} input{'s' if nin != 1 else ''} per sample, got {len(xs)}: {x!r}"
        )
    out: list[Value] = []
    for i, v in enumerate(xs):
        if isinstance(v, Value):
            out.append(v)
        elif isinstance(v, numbers.Real) and not isinstance(v, bool):
            if not math.isfinite(v):
                raise ValueError(f"{who}: input {i + 1} must be finite, got {v!r}")
            out.append(Value(v, "input" if nin == 1 else f"input{i + 1}"))
        else:
            raise TypeError(
                f"{who}: input {i + 1} must be a number or a Value, got {type(v).__name__} {v!r}"
            )
    return out


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

    def __init__(
        self,
        nin: int,
        activation: ActivationLike = "linear",
        *,
        seed: int = 0,
        rng: random.Random | None = None,
        name: str | None = None,
    ) -> None:
        self.nin = _check_count(nin, "Neuron: nin (number of inputs)")
        rng = _generator("Neuron", seed, rng)
        self.activation = activation_name(activation)
        self._act = get_activation(activation)
        prefix = f"{name}." if name else ""
        self.name = name
        self._names = [f"{prefix}w{i + 1}" for i in range(nin)] + [f"{prefix}b"]
        std = 1.0 / math.sqrt(nin)
        self.w = [Value(rng.gauss(0.0, std), n) for n in self._names[:-1]]
        self.b = Value(0.0, self._names[-1])
        self.sum_label: str | None = None
        self.out_label: str | None = None

    def __call__(self, x: InputLike) -> Value:
        """The neuron's output for one sample of ``nin`` inputs."""
        xs = _as_inputs(x, self.nin, "Neuron")
        z = xs[0] * self.w[0]
        for xi, wi in zip(xs[1:], self.w[1:]):
            z = z + xi * wi
        z = z + self.b
        if self.sum_label is not None:
            z.relabel(self.sum_label)
        out = self._act(z)
        if self.out_label is not None:
            out.relabel(self.out_label)
        return out

    def named_parameters(self) -> list[tuple[str, Value]]:
        return list(zip(self._names, self.w + [self.b]))

    def _neurons(self) -> list[Neuron]:
        return [self]

    def _rename(self, names: Mapping[str, str]) -> None:
        self._names = [names.get(n, n) for n in self._names]
        for n, p in zip(self._names, self.w + [self.b]):
            p.label = n

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons that all read the same ``nin`` inputs; calling it returns a list."""

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
        self.nin = _check_count(nin, "Layer: nin (number of inputs)")
        self.nout = _check_count(nout, "Layer: nout (number of neurons)")
        rng = _generator("Layer", seed, rng)
        prefix = f"{name}." if name else ""
        self.neurons = [
            Neuron(nin, activation, rng=rng, name=f"{prefix}n{j + 1}") for j in range(nout)
        ]
        self.activation = self.neurons[0].activation

    def __call__(self, x: InputLike) -> list[Value]:
        """Each neuron's output for one sample, always as a list (even of one)."""
        xs = _as_inputs(x, self.nin, "Layer")
        return [n(xs) for n in self.neurons]

    def children(self) -> list[Module]:
        return list(self.neurons)

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """Layers in sequence: ``MLP(1, [2, 1], activations=("softplus", "linear"))``.

    ``sizes`` lists the neurons per layer, the last being the outputs.
    ``activations`` is one name per layer, or one name for every layer;
    by default hidden layers use ``tanh`` and the output layer is ``linear``.
    The layers share one ``random.Random(seed)``, so the same seed gives the
    same initial parameters.
    """

    def __init__(
        self,
        nin: int,
        sizes: Sequence[int],
        activations: ActivationLike | Sequence[ActivationLike] | None = None,
        *,
        seed: int = 0,
    ) -> None:
        self.nin = _check_count(nin, "MLP: nin (number of inputs)")
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or not sizes:
            raise ValueError(f"MLP: sizes must be a non-empty list of layer sizes, got {sizes!r}")
        sizes = [_check_count(s, "MLP: each layer size") for s in sizes]
        if activations is None:
            acts: list[ActivationLike] = ["tanh"] * (len(sizes) - 1) + ["linear"]
        elif isinstance(activations, str) or callable(activations):
            acts = [activations] * len(sizes)
        elif not isinstance(activations, Sequence):
            # a set or a dict has no order to match the layers with
            raise TypeError(
                "MLP: activations must be one activation (a name such as 'tanh', or a"
                " function) or a list of one per layer, got"
                f" {type(activations).__name__} {activations!r}"
            )
        else:
            acts = list(activations)
            if len(acts) != len(sizes):
                raise ValueError(
                    f"MLP: {len(sizes)} layers need {len(sizes)} activations"
                    f" (or one name for all), got {len(acts)}: {activations!r}"
                )
        rng = _generator("MLP", seed, None)
        ins = [nin] + sizes[:-1]
        self.layers = [
            Layer(i, o, a, rng=rng, name=f"L{k + 1}")
            for k, (i, o, a) in enumerate(zip(ins, sizes, acts))
        ]
        self.sizes = sizes

    def __call__(self, x: InputLike) -> Value | list[Value]:
        """The output for one sample: a ``Value`` if the last layer has one neuron, else a list."""
        out: list[Value] = _as_inputs(x, self.nin, "MLP")
        for layer in self.layers:
            out = layer(out)
        return out[0] if len(out) == 1 else out

    def children(self) -> list[Module]:
        return list(self.layers)

    def __repr__(self) -> str:
        acts = tuple(layer.activation for layer in self.layers)
        return f"MLP({self.nin}, {self.sizes}, activations={acts!r})"
