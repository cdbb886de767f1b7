"""chaingrad's nn: neurons, layers, losses, gradient descent and Newton's method with a step ledger.

    >>> from nn import MLP, train
    >>> model = MLP(1, [2, 1], activations=("softplus", "linear"), seed=0)
    >>> [name for name, _ in model.named_parameters()][:3]
    ['L1.n1.w1', 'L1.n1.b', 'L1.n2.w1']
    >>> ledger = train(model, [0.0, 0.5, 1.0], [0.0, 1.0, 0.0], lr=0.1, steps=3)
    >>> len(ledger)
    3

The articles' network, named w1..b3, is ``nn.statquest.network()``.
"""

from nn.activations import ACTIVATIONS, get_activation, linear
from nn.layer import Layer
from nn.ledger import Ledger, Step
from nn.losses import mse, ssr
from nn.mlp import MLP
from nn.module import Module
from nn.neuron import Neuron
from nn.newton import NotPositiveDefiniteError, newton
from nn.optim import SGD
from nn.train import (
    LEARNING_RATE,
    MAX_STEPS,
    MIN_STEP_SIZE,
    NonFiniteLossError,
    gradient_descent,
    train,
)

__all__ = [
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "ssr",
    "mse",
    "SGD",
    "train",
    "gradient_descent",
    "newton",
    "NotPositiveDefiniteError",
    "Ledger",
    "Step",
    "NonFiniteLossError",
    "ACTIVATIONS",
    "get_activation",
    "linear",
    "LEARNING_RATE",
    "MIN_STEP_SIZE",
    "MAX_STEPS",
]
