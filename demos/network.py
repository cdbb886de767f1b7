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
is checked against).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from engine import Value, topological_order
from nn import ssr, statquest
from nn.statquest import INPUTS, OBSERVED, PARAMETER_NAMES

__all__ = [
    "Point",
    "Network",
    "build",
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
