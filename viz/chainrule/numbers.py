"""``fmt``: how drawings and explanations write a number (``engine.format``'s "significant" style).

chaingrad has one number formatter, ``engine.format.format_number``; ``fmt(x, precision)``
is its ``"significant"`` style with viz's default of 3 digits, the one every box, edge,
explanation, check and question uses.
"""

from __future__ import annotations

from engine.format import format_number

__all__ = ["fmt"]


def fmt(x: float, precision: int = 3) -> str:
    """``x`` with ``precision`` significant digits, as the articles print numbers.

    ``fmt(3.3400001) == '3.34'``, ``fmt(-15.7349) == '-15.7'``, ``fmt(0.0) == '0'``;
    numbers of ``precision`` or more integer digits are printed whole
    (``fmt(12345.6) == '12346'``) rather than in scientific notation: the
    ``"significant"`` style of ``engine.format.format_number``.
    """
    return format_number(x, precision, style="significant")
