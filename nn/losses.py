"""Losses: the sum of squared residuals (the articles' SSR) and the mean squared error.

Each builds its graph the way it is written by hand::

    residual_i = observed_i - predicted_i
    SSR        = residual_1^2 + residual_2^2 + ...

so that d SSR / d predicted_i = 2 residual_i x (-1) = -2 (observed_i - predicted_i)
is the product of the local derivatives on the path (square, then subtract).
Observed values given as plain numbers become leaves labelled ``observed``
(Values are used as they are), so a drawing or ``viz.explain`` of the loss
names them as the articles do.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

from engine import Value

__all__ = ["ssr", "mse"]

Scalar = Value | float | int


def _pairs(who: str, observed: Sequence[Scalar], predicted: Sequence[Scalar]) -> list[tuple]:
    for what, xs in (("observed", observed), ("predicted", predicted)):
        if isinstance(xs, (Value, numbers.Real, str, bytes)) or not isinstance(xs, Sequence):
            raise TypeError(
                f"{who}: {what} must be a sequence (list or tuple) of numbers/Values,"
                f" got {type(xs).__name__}"
            )
    if len(observed) != len(predicted):
        raise ValueError(
            f"{who}: observed and predicted must have the same length,"
            f" got {len(observed)} observed and {len(predicted)} predicted"
        )
    if not observed:
        raise ValueError(f"{who}: needs at least one (observed, predicted) pair, got none")
    for what, xs in (("observed", observed), ("predicted", predicted)):
        # observed[1] is the first data point, as the replay names it.
        for i, v in enumerate(xs, start=1):
            if isinstance(v, bool) or not isinstance(v, (Value, numbers.Real)):
                hint = " (a list: did the model have more than one output?)" if isinstance(v, list) else ""
                raise TypeError(
                    f"{who}: {what}[{i}] must be a number or a Value, got {type(v).__name__}{hint}"
                )
            if not isinstance(v, Value) and not math.isfinite(v):
                raise ValueError(f"{who}: {what}[{i}] must be finite, got {v!r}")
    return list(zip(observed, predicted))


def _sum_of_squares(who: str, observed: Sequence[Scalar], predicted: Sequence[Scalar]) -> Value:
    total = None
    for obs, pred in _pairs(who, observed, predicted):
        if not isinstance(obs, Value):
            # Data, not a constant of the formula: a leaf named like the articles'
            # data, so that explanations read -2·(observed - predicted).
            obs = Value(obs, "observed")
        sq = (obs - pred).square()
        total = sq if total is None else total + sq
    return total


def ssr(observed: Sequence[Scalar], predicted: Sequence[Scalar]) -> Value:
    """Sum of squared residuals, SSR = sum_i (observed_i - predicted_i)^2, labelled ``'SSR'``.

    Plain-number observed values become leaves labelled ``'observed'``;
    ``ValueError`` if the two sequences differ in length or are empty.
    """
    return _sum_of_squares("ssr", observed, predicted).relabel("SSR")


def mse(observed: Sequence[Scalar], predicted: Sequence[Scalar]) -> Value:
    """Mean squared error, MSE = SSR / n over the n pairs, labelled ``'MSE'``.

    Plain-number observed values become leaves labelled ``'observed'``;
    ``ValueError`` if the two sequences differ in length or are empty.
    """
    total = _sum_of_squares("mse", observed, predicted)
    return (total / len(observed)).relabel("MSE")
