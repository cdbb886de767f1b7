"""Plain gradient descent: ``SGD(parameters, lr)``.

One step, for each parameter, as the articles write it::

    step size = gradient x learning rate
    new value = old value - step size
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

from engine import Value
from nn.module import Module

__all__ = ["SGD", "check_lr"]


def check_lr(lr: object, who: str = "SGD") -> float:
    """``lr`` as a float; ``TypeError`` unless a real number, ``ValueError`` unless finite and > 0."""
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
        raise TypeError(f"{who}: learning rate lr must be a number, got {type(lr).__name__} {lr!r}")
    lr = float(lr)
    if not (math.isfinite(lr) and lr > 0.0):
        raise ValueError(f"{who}: learning rate lr must be a positive finite number, got {lr!r}")
    return lr


class SGD:
    """Gradient descent on a fixed list of parameters with learning rate ``lr``.

    ``parameters`` is a list of Values, or a ``Module`` (for its ``parameters()``).
    Use: ``opt.zero_grad(); loss.backward(); opt.step()``.
    """

    def __init__(self, parameters: Module | Iterable[Value], lr: float) -> None:
        self.lr = check_lr(lr)
        if isinstance(parameters, Module):
            parameters = parameters.parameters()
        if isinstance(parameters, Value):
            raise TypeError(
                "SGD: parameters must be an iterable of Values (e.g. model.parameters()), got one Value"
            )
        if isinstance(parameters, (str, bytes)) or not isinstance(parameters, Iterable):
            raise TypeError(
                "SGD: parameters must be a Module or an iterable of Values (e.g. model.parameters()),"
                f" got {type(parameters).__name__}"
            )
        params = list(parameters)
        if not params:
            raise ValueError("SGD: got an empty list of parameters; nothing to train")
        for i, p in enumerate(params, start=1):
            if not isinstance(p, Value):
                raise TypeError(f"SGD: parameter {i} must be a Value, got {type(p).__name__}")
        if len(set(params)) != len(params):
            # The same Value twice would take two steps per call.
            raise ValueError("SGD: the same parameter is listed more than once")
        self.parameters: list[Value] = params

    def step(self) -> list[float]:
        """Move each parameter by ``-grad x lr``; returns the step sizes ``grad x lr``, in order."""
        sizes = []
        for p in self.parameters:
            size = p.grad * self.lr
            p.data -= size
            sizes.append(size)
        return sizes

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0."""
        for p in self.parameters:
            p.grad = 0.0

    def __repr__(self) -> str:
        return f"SGD({len(self.parameters)} parameters, lr={self.lr:g})"
