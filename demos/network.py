"""The articles' network for the demos: the engine's graph of it, and the same in plain floats.

The articles' data and published numbers (StatQuest, "Neural Networks Pt. 2:
Backpropagation Main Ideas" and "Backpropagation Details Pt. 1" and "Pt. 2")
live in ``nn.statquest``, which the demos import as ``sq``. The published
numbers are rounded for display in the articles; compare them at the
precision they are given.

The network, one input and two softplus hidden neurons feeding one linear output::

    x1 = input * w1 + b1        y1 = softplus(x1) = log(1 + e^x1)
    x2 = input * w2 + b2        y2 = softplus(x2)
    predicted = y1 * w3 + y2 * w4 + b3
    SSR = sum over the data of (observed - predicted)^2

Two ways to evaluate it live here: ``build`` makes the engine's graph with
``nn``'s model of the network (the numbers the demos explain), ``forward_floats``
is the same arithmetic in plain floats with ``math`` (the hand side the engine
is checked against). ``articles_network`` is ``build``'s graph at Main Ideas'
start (or some parameters changed) with every term named as the articles name
it (``name_terms``): the graph the replay and the drawings show.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from engine import Value, topological_order
from nn import ssr, statquest
from nn.statquest import INPUTS, MAIN_IDEAS_START, OBSERVED, PARAMETER_NAMES
from viz.chainrule.names import node_names

__all__ = [
    "Point",
    "Network",
    "build",
    "TERM_NAMES",
    "name_terms",
    "articles_network",
    "softplus_float",
    "forward_floats",
    "forward_all",
    "ssr_floats",
]


@dataclass
class Point:
    """The engine's nodes of the forward pass for one data point."""

    input: Value
    observed: float
    x1: Value
    y1: Value
    x2: Value
    y2: Value
    predicted: Value


@dataclass
class Network:
    """The engine's graph of the SSR: the seven parameters, each point's nodes, the root."""

    params: dict[str, Value]
    points: list[Point]
    ssr: Value


def _check_params(params: Mapping[str, float]) -> None:
    missing = [n for n in PARAMETER_NAMES if n not in params]
    extra = sorted(set(params) - set(PARAMETER_NAMES))
    if missing or extra:
        raise ValueError(
            f"network: parameters must be exactly {', '.join(PARAMETER_NAMES)};"
            f" missing {missing or 'none'}, unknown {extra or 'none'}"
        )


def build(params: Mapping[str, float]) -> Network:
    """The engine's graph of SSR = sum (observed - predicted)^2 at ``params``.

    The network is ``nn``'s model of the articles (``nn.statquest.network``), the
    same one the training demo trains, and the loss is ``nn.ssr``. Every node the
    articles name carries its label (w1 .. b3, input, x1, y1, x2, y2, predicted,
    SSR), so chain-rule factors and drawings read like them.
    """
    _check_params(params)
    model = statquest.network(params)
    points = []
    for dose, observed in zip(INPUTS, OBSERVED):
        predicted = model(dose)
        named = {
            node.label: node
            for node in topological_order(predicted)
            if node.label in ("input", "x1", "y1", "x2", "y2")
        }
        points.append(Point(observed=observed, predicted=predicted, **named))
    loss = ssr(list(OBSERVED), [p.predicted for p in points])
    return Network(dict(model.named_parameters()), points, loss)


#: The articles' names for the terms nn's network leaves unlabelled, by op and
#: the labels of the op's inputs: y1w3 is the articles' y1 x w3, residual is
#: observed - predicted and sq its square.
TERM_NAMES: dict[tuple[str | None, ...], str] = {
    ("*", "input", "w1"): "input*w1",
    ("*", "input", "w2"): "input*w2",
    ("*", "y1", "w3"): "y1w3",
    ("*", "y2", "w4"): "y2w4",
    ("+", "y1w3", "y2w4"): "y1w3+y2w4",
    ("-", "observed", "predicted"): "residual",
    ("square", "residual"): "sq",
}


def name_terms(root: Value) -> Value:
    """Label the unlabelled nodes of the articles' SSR graph as the articles name them; returns ``root``.

    ``nn`` labels the parameters and ``input``, ``x1``, ``y1``, ``x2``, ``y2``,
    ``predicted``, ``observed`` and ``SSR``; the replay passes through every node, so the
    terms in between get names too (``TERM_NAMES``): ``input*w1``, ``y1w3`` ...
    ``residual`` and ``sq``, and the partial sums of SSR are named by their
    terms (``sq[1]+sq[2]``).
    A node that is already labelled keeps its label.
    """
    order = topological_order(root)
    for node in order:
        if node.label is not None:
            continue
        name = TERM_NAMES.get((node.op, *(inp.label for inp in node.inputs)))
        if name is not None:
            node.relabel(name)
    # sq[1], sq[2] ... are only known once every term has its label.
    names = node_names(root)
    for node in order:
        if node.label is None and node.op == "+" and all(_is_sum_of_sq(inp) for inp in node.inputs):
            label = "+".join(names[inp] for inp in node.inputs)
            node.relabel(label)
            names[node] = label
    return root


def _is_sum_of_sq(node: Value) -> bool:
    return node.label is not None and (node.label == "sq" or node.label.startswith("sq["))


def articles_network(params: Mapping[str, float] | None = None) -> tuple[Value, dict[str, Value]]:
    """``SSR`` of the articles' network on their data; returns ``(ssr, {name: parameter})``.

    The graph training uses: ``nn.statquest.network(params)`` run on the three
    inputs and ``nn.ssr``, with its terms named by ``name_terms``. ``params``
    maps some of w1, b1, w2, b2, w3, w4, b3 to numbers; the others are
    ``MAIN_IDEAS_START``'s (the published optimum with b3 = 0). The replay
    tells the three data points apart by ``viz.chainrule.names.node_names``:
    ``x1[1]``, ``x1[2]``, ``x1[3]``.
    """
    model = statquest.network({**MAIN_IDEAS_START, **(params or {})})
    root = ssr(list(OBSERVED), [model(dose) for dose in INPUTS])
    return name_terms(root), dict(model.named_parameters())


def softplus_float(x: float) -> float:
    """log(1 + e^x) in plain floats (stable for large |x|)."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def forward_floats(params: Mapping[str, float], dose: float) -> dict[str, float]:
    """x1, y1, x2, y2 and predicted for one input, in plain floats (no engine)."""
    x1 = dose * params["w1"] + params["b1"]
    x2 = dose * params["w2"] + params["b2"]
    y1, y2 = softplus_float(x1), softplus_float(x2)
    predicted = y1 * params["w3"] + y2 * params["w4"] + params["b3"]
    return {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "predicted": predicted}


def forward_all(params: Mapping[str, float]) -> list[tuple[float, float, dict[str, float]]]:
    """(input, observed, forward_floats(params, input)) for each data point."""
    return [(x, y, forward_floats(params, x)) for x, y in zip(INPUTS, OBSERVED)]


def ssr_floats(params: Mapping[str, float]) -> float:
    """sum (observed - predicted)^2 over the data, in plain floats (no engine)."""
    return sum(
        (observed - forward_floats(params, dose)["predicted"]) ** 2
        for dose, observed in zip(INPUTS, OBSERVED)
    )
