"""The articles' network as an ``MLP``, with its data and published numbers.

Source of every number here: StatQuest, "Neural Networks Pt. 2:
Backpropagation Main Ideas", "Backpropagation Details Pt. 1" and "Pt. 2"
(the drug-dosage network). Published numbers are rounded for display;
compare them at the precision they are given.

The network, one input, two softplus hidden neurons, one linear output::

    x1 = input * w1 + b1        y1 = softplus(x1) = log(1 + e^x1)
    x2 = input * w2 + b2        y2 = softplus(x2)
    predicted = y1 * w3 + y2 * w4 + b3
    SSR = sum over the data of (observed - predicted)^2

It is exactly ``MLP(1, [2, 1], activations=("softplus", "linear"))``, whose
parameters are renamed (``MLP_NAMES``)::

    w1 = L1.n1.w1   (hidden neuron 1, its weight)      b1 = L1.n1.b
    w2 = L1.n2.w1   (hidden neuron 2, its weight)      b2 = L1.n2.b
    w3 = L2.n1.w1   (output, weight on y1)             w4 = L2.n1.w2   (weight on y2)
    b3 = L2.n1.b    (output bias)

``network()`` also labels each forward pass's nodes ``input``, ``x1``, ``y1``,
``x2``, ``y2`` and ``predicted``, and ``ssr`` labels the loss ``SSR``, so a
drawing or a chain-rule explanation reads like the articles.

    >>> from nn import train
    >>> from nn.statquest import network, INPUTS, OBSERVED
    >>> model = network({"b3": 0.0})          # the published optimum, but b3 = 0
    >>> ledger = train(model, INPUTS, OBSERVED, params=["b3"], lr=0.1)
    >>> round(ledger.final_values["b3"], 2)
    2.61
"""

from __future__ import annotations

from collections.abc import Mapping

from engine import Value
from nn.losses import ssr
from nn.mlp import MLP
from nn.train import LEARNING_RATE, MAX_STEPS, MIN_STEP_SIZE

__all__ = [
    "PARAMETER_NAMES",
    "MLP_NAMES",
    "INPUTS",
    "OBSERVED",
    "PUBLISHED_OPTIMUM",
    "MAIN_IDEAS_START",
    "MAIN_IDEAS_PREDICTED",
    "MAIN_IDEAS_SSR",
    "MAIN_IDEAS_STEPS",
    "MAIN_IDEAS_FINAL_B3",
    "DETAILS_1_START",
    "DETAILS_2_START",
    "LEARNING_RATE",
    "MIN_STEP_SIZE",
    "MAX_STEPS",
    "DETAILS_2_LEARNING_RATE",
    "DETAILS_2_STEPS",
    "network",
    "loss",
]

#: The seven parameters in the articles' order (also ``named_parameters()``'s order).
PARAMETER_NAMES: tuple[str, ...] = ("w1", "b1", "w2", "b2", "w3", "w4", "b3")

#: Article name -> the name the parameter has in a plain ``MLP(1, [2, 1])``.
MLP_NAMES: dict[str, str] = {
    "w1": "L1.n1.w1", "b1": "L1.n1.b",
    "w2": "L1.n2.w1", "b2": "L1.n2.b",
    "w3": "L2.n1.w1", "w4": "L2.n1.w2", "b3": "L2.n1.b",
}

#: The data: three doses (input) and the observed efficacy.
INPUTS: tuple[float, ...] = (0.0, 0.5, 1.0)
OBSERVED: tuple[float, ...] = (0.0, 1.0, 0.0)

#: The fitted network the articles start from and arrive at.
PUBLISHED_OPTIMUM: dict[str, float] = {
    "w1": 3.34, "b1": -1.43, "w2": -3.53, "b2": 0.57, "w3": -1.22, "w4": -2.30, "b3": 2.61,
}

#: Main Ideas: only b3 is trained (learning rate 0.1); the others stay at the optimum.
MAIN_IDEAS_START: dict[str, float] = {**PUBLISHED_OPTIMUM, "b3": 0.0}
#: Main Ideas, published: the predictions for INPUTS at MAIN_IDEAS_START, and their SSR.
MAIN_IDEAS_PREDICTED: tuple[float, ...] = (-2.6, -1.6, -2.61)
MAIN_IDEAS_SSR = 20.4
#: Main Ideas, published: (dSSR/db3, step size, new b3) of the first two steps.
MAIN_IDEAS_STEPS: tuple[tuple[float, float, float], ...] = (
    (-15.7, -1.57, 1.57),
    (-6.26, -0.626, 2.19),
)
#: Main Ideas, published: b3 when the stopping rule ends training.
MAIN_IDEAS_FINAL_B3 = 2.61

#: Details Pt. 1: w3, w4 (drawn from a standard normal) and b3 = 0 are trained;
#: the hidden layer stays at the optimum.
DETAILS_1_START: dict[str, float] = {**PUBLISHED_OPTIMUM, "w3": 0.36, "w4": 0.63, "b3": 0.0}

#: Details Pt. 2: all seven parameters are trained from these values.
DETAILS_2_START: dict[str, float] = {
    "w1": 2.74, "b1": 0.0, "w2": -1.13, "b2": 0.0, "w3": 0.36, "w4": 0.63, "b3": 0.0,
}

# The articles' learning rate (0.1) and stopping rule (every step size below
# MIN_STEP_SIZE = 0.001, or MAX_STEPS = 1000 steps) are nn.train's defaults,
# LEARNING_RATE, MIN_STEP_SIZE and MAX_STEPS, imported above.

#: Details Pt. 2 has many zero-SSR solutions for three data points. At lr 0.1
#: the first steps overshoot and descent heads for another one: the stopping
#: rule stops it at step 472 (SSR 6.2e-04, w1 = 3.24), and after 1000 fixed
#: steps or more it is at SSR < 1e-14, w1 = 3.262, b1 = -1.933 (the published
#: optimum has w1 = 3.34, b1 = -1.43). At lr 0.02 descent reaches the published
#: optimum to two decimals after about 3600 steps. The step-size rule would
#: stop on the early plateau at that rate, so this run uses a fixed number of steps.
DETAILS_2_LEARNING_RATE = 0.02
DETAILS_2_STEPS = 5000


def network(params: Mapping[str, float] | None = None) -> MLP:
    """The articles' network, an ``MLP(1, [2, 1], ("softplus", "linear"))`` named w1..b3.

    Parameters start at ``PUBLISHED_OPTIMUM``; those given in ``params``
    (by article name) replace them, e.g. ``network({"b3": 0.0})`` for Main Ideas.
    """
    model = MLP(1, [2, 1], activations=("softplus", "linear"))
    model.rename_parameters({mlp: article for article, mlp in MLP_NAMES.items()})
    hidden1, hidden2 = model.layers[0].neurons
    output = model.layers[1].neurons[0]
    hidden1.sum_label, hidden1.out_label = "x1", "y1"
    hidden2.sum_label, hidden2.out_label = "x2", "y2"
    output.out_label = "predicted"  # linear: the weighted sum is the prediction
    model.set_parameters(PUBLISHED_OPTIMUM)
    if params is not None:
        model.set_parameters(params)
    return model


def loss(model: MLP) -> Value:
    """The articles' loss for ``model`` on their data: SSR over ``INPUTS`` and ``OBSERVED``."""
    return ssr(OBSERVED, [model(x) for x in INPUTS])
