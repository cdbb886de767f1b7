"""The articles' network, its data and the published numbers, as constants.

Source: StatQuest, "Neural Networks Pt. 2: Backpropagation Main Ideas" and
"Backpropagation Details Pt. 1" and "Pt. 2" (the drug-dosage network). The
published numbers are rounded for display in the articles; compare them at the
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
from dataclasses import dataclass
from typing import Dict, List, Mapping, Tuple

from engine import Value, topological_order
from nn import ssr, statquest

__all__ = [
    "PARAMETER_NAMES",
    "INPUTS",
    "OBSERVED",
    "PUBLISHED_OPTIMUM",
    "MAIN_IDEAS_START",
    "MAIN_IDEAS_LR",
    "MAIN_IDEAS_PUBLISHED",
    "DETAILS_1_START",
    "DETAILS_2_START",
    "LEARNING_RATE",
    "MIN_STEP_SIZE",
    "MAX_STEPS",
    "Point",
    "Network",
    "build",
    "softplus_float",
    "forward_floats",
    "forward_all",
    "ssr_floats",
]

#: The seven parameters in the articles' order.
PARAMETER_NAMES: Tuple[str, ...] = ("w1", "b1", "w2", "b2", "w3", "w4", "b3")

#: The data: three doses (input) and the observed efficacy.
INPUTS: Tuple[float, ...] = (0.0, 0.5, 1.0)
OBSERVED: Tuple[float, ...] = (0.0, 1.0, 0.0)

#: The fitted network the articles start from and arrive at.
PUBLISHED_OPTIMUM: Dict[str, float] = {
    "w1": 3.34, "b1": -1.43, "w2": -3.53, "b2": 0.57, "w3": -1.22, "w4": -2.30, "b3": 2.61,
}

#: Main Ideas: only b3 is trained, the other six at the optimum, b3 starts at 0.
MAIN_IDEAS_START: Dict[str, float] = {**PUBLISHED_OPTIMUM, "b3": 0.0}
MAIN_IDEAS_LR = 0.1
MAIN_IDEAS_PUBLISHED = {
    "predicted_at_b3_0": (-2.6, -1.6, -2.61),
    "ssr_at_b3_0": 20.4,
    # (dSSR/db3, step size, new b3) for the first two steps
    "steps": ((-15.7, -1.57, 1.57), (-6.26, -0.626, 2.19)),
    "final_b3": 2.61,
}

#: Details Pt. 1: w3, w4 drawn from a standard normal, b3 = 0; hidden layer at the optimum.
DETAILS_1_START: Dict[str, float] = {**PUBLISHED_OPTIMUM, "w3": 0.36, "w4": 0.63, "b3": 0.0}

#: Details Pt. 2: all seven parameters trained from these values.
DETAILS_2_START: Dict[str, float] = {
    "w1": 2.74, "b1": 0.0, "w2": -1.13, "b2": 0.0, "w3": 0.36, "w4": 0.63, "b3": 0.0,
}

#: The articles' learning rate and stopping rule (stop when every step size is
#: below MIN_STEP_SIZE, or after MAX_STEPS steps).
LEARNING_RATE = 0.1
MIN_STEP_SIZE = 0.001
MAX_STEPS = 1000


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

    params: Dict[str, Value]
    points: List[Point]
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


def forward_floats(params: Mapping[str, float], dose: float) -> Dict[str, float]:
    """x1, y1, x2, y2 and predicted for one input, in plain floats (no engine)."""
    x1 = dose * params["w1"] + params["b1"]
    x2 = dose * params["w2"] + params["b2"]
    y1, y2 = softplus_float(x1), softplus_float(x2)
    predicted = y1 * params["w3"] + y2 * params["w4"] + params["b3"]
    return {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "predicted": predicted}


def forward_all(params: Mapping[str, float]) -> List[Tuple[float, float, Dict[str, float]]]:
    """(input, observed, forward_floats(params, input)) for each data point."""
    return [(x, y, forward_floats(params, x)) for x, y in zip(INPUTS, OBSERVED)]


def ssr_floats(params: Mapping[str, float]) -> float:
    """sum (observed - predicted)^2 over the data, in plain floats (no engine)."""
    return sum(
        (observed - forward_floats(params, dose)["predicted"]) ** 2
        for dose, observed in zip(INPUTS, OBSERVED)
    )
