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

from collections.abc import Sequence

from engine import Value
from nn.checks import Scalar, check_pairs
from nn.public import public

__all__ = ["ssr", "mse"]


def _sum_of_squares(pairs: list[tuple[Scalar, Scalar]]) -> Value:
    squares = [
        # Data, not a constant of the formula: a leaf named like the articles'
        # data, so that explanations read -2·(observed - predicted).
        ((obs if isinstance(obs, Value) else Value(obs, "observed")) - pred).square()
        for obs, pred in pairs
    ]
    total = squares[0]
    for sq in squares[1:]:
        total = total + sq
    return total


@public("ssr")
def ssr(observed: Sequence[Scalar], predicted: Sequence[Scalar]) -> Value:
    """Sum of squared residuals, SSR = sum_i (observed_i - predicted_i)^2, labelled ``'SSR'``.

    Plain-number observed values become leaves labelled ``'observed'``;
    ``ValueError`` if the two sequences differ in length or are empty.
    """
    return _sum_of_squares(check_pairs(observed, predicted)).relabel("SSR")


@public("mse")
def mse(observed: Sequence[Scalar], predicted: Sequence[Scalar]) -> Value:
    """Mean squared error, MSE = SSR / n over the n pairs, labelled ``'MSE'``.

    Plain-number observed values become leaves labelled ``'observed'``;
    ``ValueError`` if the two sequences differ in length or are empty.
    """
    pairs = check_pairs(observed, predicted)
    return (_sum_of_squares(pairs) / len(pairs)).relabel("MSE")
