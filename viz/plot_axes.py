"""Axes that matplotlib draws whatever the numbers are: from 5e-324 up to 1.8e308, NaN and inf left out.

matplotlib fails on some of the numbers a diverging run ends with: its log
locator looks a stride of decades beyond the limits (``10**(308 + 50)``
overflows), and a linear axis subtracts its limits (``1e308 - (-1e308)`` is
inf). So ``log_axis`` sets the limits at whole decades and places the ticks
itself, and ``linear_limits`` keeps a linear axis within ``±LINEAR_MAX``.
``number`` reads what a user's function returns (a float, an int, an engine
``Value``) with an error naming the function and argument otherwise.
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from engine import Value

if TYPE_CHECKING:  # only for the annotations; matplotlib is imported when a picture is drawn
    from matplotlib.axes import Axes

__all__ = ["LINEAR_MAX", "number", "finite", "linear_limits", "log_axis"]

#: A linear axis stays within ±LINEAR_MAX: its span, 2 x LINEAR_MAX plus margins, is still a float.
LINEAR_MAX = 4e307
#: At most this many labelled decades on a log axis (a stride of decades beyond).
MAX_DECADE_TICKS = 8
# Decades between labels: round numbers, up to the 632 decades floats span.
_STRIDES = (1, 2, 5, 10, 20, 25, 50, 100)
# The decades a float reaches: 10**-323 is the last power of ten above 0, 10**308 the last below inf.
_LOWEST, _HIGHEST = -323, 308


def number(f: Callable[[float], object], x: float, who: str, what: str) -> float:
    """``f(x)`` as a float: a real number, or an engine ``Value``'s data; NaN where ``f``'s arithmetic
    overflows or divides by zero (no point there: the curve has a gap). ``TypeError`` for anything
    else, naming the function, the argument and what came back."""
    try:
        y = f(x)
    except ArithmeticError:  # OverflowError, ZeroDivisionError: no value to draw at x
        return math.nan
    if isinstance(y, Value):
        return y.data
    if isinstance(y, bool) or not isinstance(y, numbers.Real):
        raise TypeError(f"{who}: {what} must return a number (or a Value), got {type(y).__name__} {y!r:.60}"
                        f" for {x!r}")
    return float(y)


def finite(values: Iterable[float]) -> list[float]:
    return [float(v) for v in values if math.isfinite(v)]


def linear_limits(values: Iterable[float], pad: float = 0.08) -> tuple[float, float, bool] | None:
    """(bottom, top, clipped) of a linear axis over the finite ``values``: their range with ``pad``
    of it either side (around a single value, ``pad`` of the value or 1, the larger), within
    ``±LINEAR_MAX`` (``clipped``: some value is beyond); None when no value is finite."""
    ys = finite(values)
    if not ys:
        return None
    low, high = min(ys), max(ys)
    clipped = low < -LINEAR_MAX or high > LINEAR_MAX
    low, high = max(low, -LINEAR_MAX), min(high, LINEAR_MAX)
    # Halves first: high - low itself may overflow.
    margin = pad * 2 * (high / 2 - low / 2) or max(1.0, pad * abs(high))
    return max(low - margin, -1.1 * LINEAR_MAX), min(high + margin, 1.1 * LINEAR_MAX), clipped


def log_axis(axes: Axes, values: Iterable[float]) -> bool:
    """Make ``axes``' y axis logarithmic over the positive finite ``values``, limits at whole decades;
    near the ends of the floats, with at most ``MAX_DECADE_TICKS`` labelled decades placed here.
    False (the axis untouched) when no value is positive and finite."""
    from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

    ys = [y for y in finite(values) if y > 0]
    if not ys:
        return False
    low_decade = max(math.floor(math.log10(min(ys))), _LOWEST)
    high_decade = min(math.ceil(math.log10(max(ys))), _HIGHEST + 1)
    if high_decade == low_decade:
        high_decade += 1
    bottom = min(10.0 ** low_decade, min(ys))  # below 1e-323 (the subnormals): the smallest value
    top = 10.0 ** high_decade if high_decade <= _HIGHEST else sys.float_info.max
    # No autoscaling, before the scale changes: matplotlib's margins overflow near 1e308.
    axes.set_autoscaley_on(False)
    axes.set_ylim(bottom, top)
    axes.set_yscale("log")
    axes.set_ylim(bottom, top)
    decades = min(high_decade, _HIGHEST) - low_decade
    if low_decade - decades >= -300 and high_decade + decades <= 300:
        return True  # matplotlib's ticks (a stride of at most ``decades`` beyond the limits) are floats
    stride = next(s for s in _STRIDES if s * MAX_DECADE_TICKS >= decades)
    first = -(-low_decade // stride) * stride  # the first multiple of stride at or above the bottom
    exponents = range(first, min(high_decade, _HIGHEST) + 1, stride)
    axes.yaxis.set_major_locator(FixedLocator([10.0 ** k for k in exponents]))
    # Labelled from the exponents: the powers of ten below 1e-308 are not exact, and matplotlib's
    # own formatter leaves such "not quite decades" unlabelled.
    axes.yaxis.set_major_formatter(FixedFormatter([f"$10^{{{k}}}$" for k in exponents]))
    if stride == 1 and decades <= MAX_DECADE_TICKS:
        minor = [m * 10.0 ** k for k in range(low_decade, high_decade) for m in range(2, 10)]
        axes.yaxis.set_minor_locator(FixedLocator([y for y in minor if bottom < y < top]))
    else:
        axes.yaxis.set_minor_locator(NullLocator())
    return True
