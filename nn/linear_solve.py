"""Newton's linear system ``(H + damping·I) s = g`` solved in plain Python, by Cholesky's method.

Cholesky writes a symmetric positive-definite ``A`` as ``L Lᵀ`` (``L`` lower
triangular); then ``L y = g`` and ``Lᵀ s = y`` are two substitutions. Column ``j``'s
pivot is ``A[j][j] - sum_k L[j][k]²``: it is positive for every ``j`` exactly when
``A`` is positive definite, so the factorisation is also the test. A pivot below 0
means a direction in which the loss curves down (Newton's step would climb it);
a pivot of about 0, relative to the largest diagonal entry, a direction the loss
is flat in (the system is singular: the step is not determined there).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["NotPositiveDefinite", "cholesky_solve", "RELATIVE_PIVOT"]

#: A pivot at most this times the largest |diagonal entry| counts as 0: the matrix is singular.
RELATIVE_PIVOT = 1e-12


class NotPositiveDefinite(ArithmeticError):
    """The factorisation stopped at column ``index``, whose pivot ``pivot`` is not positive.

    ``singular``: the pivot is about 0 (within ``RELATIVE_PIVOT`` of the scale), not below it.
    """

    def __init__(self, index: int, pivot: float, singular: bool) -> None:
        super().__init__(f"pivot {index} is {pivot!r}")
        self.index, self.pivot, self.singular = index, pivot, singular


def cholesky_solve(a: Sequence[Sequence[float]], b: Sequence[float], damping: float = 0.0) -> list[float]:
    """``s`` with ``(a + damping·I) s = b``, for a symmetric ``a`` (only its lower triangle is read).

    ``NotPositiveDefinite`` when ``a + damping·I`` is not positive definite (or not finite).
    """
    n = len(b)
    scale = max((abs(a[i][i] + damping) for i in range(n)), default=0.0) or 1.0
    if n == 1:  # s = g / h, one division (as the hand formula writes it), not two by sqrt(h)
        pivot = a[0][0] + damping
        if not pivot > RELATIVE_PIVOT * scale:
            raise NotPositiveDefinite(0, pivot, singular=abs(pivot) <= RELATIVE_PIVOT * scale)
        return [b[0] / pivot]
    low: list[list[float]] = [[0.0] * n for _ in range(n)]
    for j in range(n):
        pivot = a[j][j] + damping - math.fsum(low[j][k] ** 2 for k in range(j))
        if not pivot > RELATIVE_PIVOT * scale:  # also NaN
            raise NotPositiveDefinite(j, pivot, singular=abs(pivot) <= RELATIVE_PIVOT * scale)
        low[j][j] = math.sqrt(pivot)
        for i in range(j + 1, n):
            low[i][j] = (a[i][j] - math.fsum(low[i][k] * low[j][k] for k in range(j))) / low[j][j]
    y = [0.0] * n
    for i in range(n):
        y[i] = (b[i] - math.fsum(low[i][k] * y[k] for k in range(i))) / low[i][i]
    s = [0.0] * n
    for i in reversed(range(n)):
        s[i] = (y[i] - math.fsum(low[k][i] * s[k] for k in range(i + 1, n))) / low[i][i]
    return s
