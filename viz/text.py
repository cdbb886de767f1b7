"""Text helpers shared by the drawing and the explanation: numbers and escaping."""

from __future__ import annotations

import math
import unicodedata

__all__ = ["fmt", "html_escape"]


def fmt(x: float, precision: int = 3) -> str:
    """``x`` with ``precision`` significant digits, as the articles print numbers.

    ``fmt(3.3400001) == '3.34'``, ``fmt(-15.7349) == '-15.7'``, ``fmt(0.0) == '0'``;
    numbers of ``precision`` or more integer digits are printed whole
    (``fmt(12345.6) == '12346'``) rather than in scientific notation.
    """
    if not isinstance(precision, int) or isinstance(precision, bool) or precision < 1:
        raise ValueError(f"precision must be an int >= 1, got {precision!r}")
    if x == 0.0:
        return "0"  # also for -0.0, which reads as a typo on a slide
    if not math.isfinite(x):
        return str(x)
    if 10.0**precision <= abs(x) < 1e15:
        return f"{x:.0f}"
    text = f"{x:.{precision}g}"
    return "0" if text in ("-0", "0") else text


# Characters that would end or alter a Graphviz HTML-like label.
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}


def html_escape(text: str) -> str:
    """``text`` made safe inside a Graphviz HTML-like label (``label=<...>``).

    ``& < > " '`` become entities, so no character can close the label or open
    a tag; newlines become ``<br/>``; other control characters, lone surrogates
    and line/paragraph separators (which cannot be encoded or would break the
    layout) are shown as ``\\uXXXX``.
    """
    out = []
    for ch in str(text):
        if ch in _HTML:
            out.append(_HTML[ch])
        elif ch == "\n":
            out.append('<br align="center"/>')
        elif ch == "\t":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)
