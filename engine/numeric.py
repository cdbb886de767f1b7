"""The float arithmetic under the ops: coercion, an overflow-safe sigmoid, the power rule, power names, sums.

Plain functions of floats, kept apart from ``Value`` so that ``value.py`` holds the
ops themselves; each is on the hot path of a forward pass, so none checks more than it must.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from fractions import Fraction

__all__ = ["to_float", "power_rule", "sigmoid_of", "power_name", "float_sum", "EXACT_INT"]


def to_float(data: object, what: str) -> float:
    """``float(data)`` for real numbers; a ``TypeError`` naming the type otherwise (bool included)."""
    # Strings, None and complex are refused (float("3") would work, but a string
    # here is almost always a mistake), and so is bool: it is a numbers.Real
    # (a subclass of int), but `x + True` is a slip, and nn refuses it too.
    # `type(data) is int` first: ints are common, and the abstract-class check is
    # slow; it is also False for a bool, which is checked only on the slow path.
    if type(data) is int or (isinstance(data, numbers.Real) and not isinstance(data, bool)):
        try:
            return float(data)
        except OverflowError:
            raise OverflowError(f"{what}: {type(data).__name__} too large for a float") from None
    raise TypeError(
        f"{what}: expected a real number (int or float), got {type(data).__name__} {data!r}"
    )


#: Floats above this are all integers, and n - 1.0 is no longer exact.
EXACT_INT = 2.0**53


def power_rule(a: float, n: float, out: float) -> float:
    """d(a^n)/da = n a^(n-1), given ``out`` = a^n (n != 0).

    For a tiny base and n < 1, a^(n-1) can be beyond the float range while
    a^n is not; the derivative is then n a^n / a, which is +-inf when it
    truly does not fit (as an overflowing product is), finite when it does.
    """
    if abs(n) > EXACT_INT and a != 0.0:
        # Beyond 2**53 every float is an even integer and n - 1.0 rounds back to n:
        # a^(n-1) = a^n / a keeps the odd exponent's sign ((-1) ** 2**54: d = -2**54).
        return n * (out / a)
    try:
        d: float = n * a ** (n - 1.0)
        return d
    except OverflowError:
        return (n * out) / a  # a != 0 here: 0 ** m never overflows


def sigmoid_of(x: float) -> float:
    """1 / (1 + e^-x) without overflow: e^x is only taken for x < 0, e^-x for x >= 0."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def power_name(n: float) -> str:
    """The op name of ``x ** n``: ``'**2'``, ``'**-1'``, ``'**0.5'``."""
    name = _POWER_NAMES.get(n)
    if name is None:
        name = "**" + (str(int(n)) if n.is_integer() and abs(n) < 1e15 else repr(n))
    return name


def float_sum(values: Iterable[float]) -> float:
    """The sum of ``values`` correctly rounded (``math.fsum``), and what IEEE floats say where fsum raises.

    ``inf`` and ``-inf`` together give ``nan`` (fsum raises ``ValueError``); finite
    terms whose exact sum is beyond the float range give ``+-inf``, and those whose
    running sum only passes beyond it (``1e308 + 1e308 - 1e308``) their exact sum
    (fsum raises ``OverflowError`` for both).
    """
    terms = list(values)
    try:
        return math.fsum(terms)
    except ValueError:  # -inf + inf
        return math.nan
    except OverflowError:
        exact = sum(map(Fraction, terms), Fraction(0))  # finite floats are exact fractions
        try:
            return float(exact)
        except OverflowError:
            return math.inf if exact > 0 else -math.inf


# The usual exponents, named once rather than formatted on every node.
_POWER_NAMES = {float(k): f"**{k}" for k in range(-3, 5)}
_POWER_NAMES[0.5] = "**0.5"
_POWER_NAMES[-0.5] = "**-0.5"
