"""Text helpers shared by the drawing and the explanation: numbers and escaping."""

from __future__ import annotations

import unicodedata

from engine.checks import check_int
from engine.format import format_number

__all__ = ["fmt", "html_escape"]


def fmt(x: float, precision: int = 3) -> str:
    """``x`` with ``precision`` significant digits, as the articles print numbers.

    ``fmt(3.3400001) == '3.34'``, ``fmt(-15.7349) == '-15.7'``, ``fmt(0.0) == '0'``;
    numbers of ``precision`` or more integer digits are printed whole
    (``fmt(12345.6) == '12346'``) rather than in scientific notation: the
    ``"significant"`` style of ``engine.format.format_number``.
    """
    check_int(precision, "fmt", "precision", 1)
    return format_number(x, precision, style="significant")


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
