"""The one number formatter for chaingrad's text: drawings, replays, ledgers, demos.

``format_number(x, digits, style=...)`` where ``style`` says what ``digits`` counts:

=================  ===========================================================  ==================
style              rule                                                         used by
=================  ===========================================================  ==================
``"general"``      ``digits`` significant digits, Python's ``g`` (e-notation    replay text
                   below 1e-4 and from 10**digits)
``"significant"``  ``digits`` significant digits; from 10**digits up to 1e15    drawings, explain
                   the whole number (``12346``), never e-notation there
``"fixed"``        ``digits`` decimals (``2.603700``)                           demos
``"fixed_or_e"``   ``digits`` decimals; e-notation from 1e6 and below           ledger cells
                   10**-digits, with ``digits - 1`` decimals (``4.470e-04``)
``"loss"``         ``"fixed_or_e"`` from 1 up; below 1, as many decimals as     ledger losses
                   ``digits`` significant digits need (``0.08367``); e-notation
                   below 10**-(digits - 1)
=================  ===========================================================  ==================

Zero is never signed: ``-0.0`` and a negative number that rounds to zero print
as ``0`` (``0.000`` in fixed styles). ``inf``, ``-inf`` and ``nan`` print as such.
``parens=True`` puts a negative result in parentheses, for a factor after an
operator: ``0 + (-4.56) x 1.03``, never ``0 + -4.56 x 1.03``.
"""

from __future__ import annotations

import math
from typing import Literal

from engine.checks import check_int

__all__ = ["format_number", "Style", "STYLES"]

Style = Literal["general", "significant", "fixed", "fixed_or_e", "loss"]

#: The styles, for checks and documentation.
STYLES: tuple[Style, ...] = ("general", "significant", "fixed", "fixed_or_e", "loss")


def format_number(x: float, digits: int = 4, *, style: Style = "general", parens: bool = False) -> str:
    """``x`` as text with ``digits`` significant digits or decimals, as ``style`` says (module docstring).

    ``format_number(-4.70312) == '-4.703'``, ``format_number(12345.6, 3, style="significant")
    == '12346'``, ``format_number(-2.6037, 4, style="fixed", parens=True) == '(-2.6037)'``.
    """
    check_int(digits, "format_number", "digits", 0)
    if style == "general":
        text = _general(x, digits)
    elif style == "significant":
        text = _significant(x, digits)
    elif style == "fixed":
        text = _fixed(x, digits)
    elif style == "fixed_or_e":
        text = _fixed_or_e(x, digits)
    elif style == "loss":
        text = _loss(x, digits)
    else:
        raise ValueError(f"format_number: style must be one of {', '.join(map(repr, STYLES))}, got {style!r}")
    return f"({text})" if parens and text.startswith("-") else text


def _general(x: float, digits: int) -> str:
    if x == 0.0:
        return "0"  # also for -0.0: a learner should never see "-0"
    if not math.isfinite(x):
        return repr(x)
    return f"{x:.{digits}g}"


def _significant(x: float, digits: int) -> str:
    if x == 0.0:
        return "0"
    if not math.isfinite(x):
        return repr(x)
    if 10.0**digits <= abs(x) < 1e15:  # whole, where g would switch to e-notation
        return f"{x:.0f}"
    return f"{x:.{digits}g}"


def _fixed(x: float, digits: int) -> str:
    text = f"{x:.{digits}f}"
    # "-0.000000" (a small negative number, or -0.0) reads as a typo
    return text[1:] if text.startswith("-") and float(text) == 0.0 else text


def _fixed_or_e(x: float, digits: int) -> str:
    if not math.isfinite(x):
        return repr(x)
    if x != 0.0 and (abs(x) >= 1e6 or abs(x) < 10.0**-digits):
        return f"{x:.{max(digits - 1, 1)}e}"
    text = f"{x:.{digits}f}"
    return "0." + "0" * digits if text.strip("-0.") == "" else text


def _loss(x: float, digits: int) -> str:
    # A loss falls towards 0: keep `digits` significant digits all the way down.
    if not math.isfinite(x) or x == 0.0 or abs(x) >= 1.0:
        return _fixed_or_e(x, digits)
    if abs(x) < 10.0 ** -(digits - 1):
        return f"{x:.{max(digits - 1, 1)}e}"
    decimals = digits - 1 - math.floor(math.log10(abs(x)))
    return f"{x:.{decimals}f}"
