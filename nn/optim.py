"""Plain gradient descent: ``SGD(parameters, lr)``.

One step, for each parameter, as the articles write it::

    step size = gradient x learning rate
    new value = old value - step size
"""

from __future__ import annotations

from collections.abc import Iterable

from engine import Value
from engine.checks import check_positive
from engine.format import format_number
from nn.checks import check_sgd_parameters
from nn.module import Module
from nn.public import CALLER, public

__all__ = ["SGD"]


class SGD:
    """Gradient descent on a fixed list of parameters with learning rate ``lr``.

    ``parameters`` is a list of Values, or a ``Module`` (for its ``parameters()``).
    Use: ``opt.zero_grad(); loss.backward(); opt.step()``.
    """

    @public("SGD")
    def __init__(self, parameters: Module | Iterable[Value], lr: float) -> None:
        self.lr = check_positive(lr, CALLER, "learning rate lr")
        if isinstance(parameters, Module):
            parameters = parameters.parameters()
        self.parameters: list[Value] = check_sgd_parameters(parameters)

    @classmethod
    def _of(cls, parameters: list[Value], lr: float) -> SGD:
        """An SGD from arguments already checked (``train`` and ``gradient_descent`` check theirs)."""
        opt = cls.__new__(cls)
        opt.lr, opt.parameters = lr, parameters
        return opt

    def step(self) -> list[float]:
        """Move each parameter by ``-grad x lr``; returns the step sizes ``grad x lr``, in order."""
        sizes: list[float] = []
        lr = self.lr
        for p in self.parameters:
            size = p.grad * lr
            p.data -= size
            sizes.append(size)
        return sizes

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0."""
        for p in self.parameters:
            p.grad = 0.0

    def __repr__(self) -> str:
        return f"SGD({len(self.parameters)} parameters, lr={format_number(self.lr, 6)})"
