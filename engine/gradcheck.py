"""Numerical gradients by central differences, to check the engine's ``grad``.

    d f / d x_i  ~  (f(..., x_i + h, ...) - f(..., x_i - h, ...)) / (2 h)

The error of this estimate is O(h^2) for smooth f (plus float round-off of
order eps_machine / h), so h = 1e-6 gives about 8-10 correct digits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from engine.checks import check_callable, check_finite, check_non_negative, check_positive
from engine.value import Value

__all__ = ["numerical_grad", "check_grad", "GradCheck"]

Function = Callable[..., Value | float]


def _evaluate(f: Function, xs: Sequence[float]) -> float:
    out = f(*[Value(x) for x in xs])
    return out.data if isinstance(out, Value) else float(out)


def _check_args(name: str, f: object, xs: Sequence[float], h: float) -> list[float]:
    check_callable(f, name, "f", "a function (of one Value per entry of xs)")
    check_positive(h, name, "step h")
    if isinstance(xs, (str, bytes, Value)) or not isinstance(xs, Sequence):
        raise TypeError(
            f"{name}: xs must be a sequence of numbers (one per argument of f),"
            f" got {type(xs).__name__} {xs!r}"
        )
    return [check_finite(x.data if isinstance(x, Value) else x, name, f"argument {i}") for i, x in enumerate(xs)]


def numerical_grad(f: Function, xs: Sequence[float], h: float = 1e-6) -> list[float]:
    """Central-difference estimate of d f / d xs[i] for each i.

    ``f`` takes one ``Value`` per entry of ``xs`` and returns a ``Value`` (or a
    float); it is only evaluated forward, never differentiated.
    """
    point = _check_args("numerical_grad", f, xs, h)
    grads = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += h
        down[i] -= h
        grads.append((_evaluate(f, up) - _evaluate(f, down)) / (2.0 * h))
    return grads


@dataclass(frozen=True)
class GradCheck:
    """The engine's gradients beside the central-difference estimates."""

    analytic: list[float]
    numeric: list[float]
    rtol: float
    atol: float

    @property
    def errors(self) -> list[float]:
        """|analytic - numeric| for each argument."""
        return [abs(a - n) for a, n in zip(self.analytic, self.numeric)]

    @property
    def ok(self) -> bool:
        """True when every |analytic - numeric| <= atol + rtol * |numeric|."""
        return all(
            abs(a - n) <= self.atol + self.rtol * abs(n)
            for a, n in zip(self.analytic, self.numeric)
        )

    def __bool__(self) -> bool:
        return self.ok


def check_grad(
    f: Callable[..., Value],
    xs: Sequence[float],
    h: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-7,
) -> GradCheck:
    """Compare ``backward()``'s gradients of ``f`` at ``xs`` with central differences.

    Returns a ``GradCheck``; it is truthy when they agree within
    ``atol + rtol * |numeric|``, so ``assert check_grad(f, xs)`` works.
    """
    point = _check_args("check_grad", f, xs, h)
    # nan would fail every comparison: a correct gradient would be reported wrong.
    rtol = check_non_negative(rtol, "check_grad", "rtol")
    atol = check_non_negative(atol, "check_grad", "atol")
    leaves = [Value(x) for x in point]
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"check_grad: f must return a Value, got {type(out).__name__}")
    out.backward()
    return GradCheck([v.grad for v in leaves], numerical_grad(f, point, h), rtol, atol)
