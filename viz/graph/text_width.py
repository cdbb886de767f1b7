"""How wide a line of text is in Helvetica (and Arial, which has its widths), before dot lays it out.

Some pieces of a drawing get a width fixed in advance, so that they come out the same in every
dot: the legend's pills (Graphviz 2.43 spreads a table's spare width unevenly over its cells)
and a replay's title, which takes its longest frame's width in every frame. ``text_width``
adds up Helvetica's advance widths (Adobe's metrics, in thousandths of an em); a character it
does not know counts as a full em, and ``SLACK`` leaves room for a font a tenth wider.
"""

from __future__ import annotations

import math

__all__ = ["text_width", "SLACK"]

#: Headroom for a renderer's font wider than Helvetica (Liberation Sans has its widths; DejaVu Sans, the
#: fallback where none of them is installed, is about 8 % wider).
SLACK = 1.1

# Helvetica's advance widths, in thousandths of an em, for the printable ASCII characters (space to ~).
_ASCII = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  # space to /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556,  # 0-9
    278, 278, 584, 584, 584, 556, 1015,  # : ; < = > ? @
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,  # A-M
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611,  # N-Z
    278, 278, 278, 469, 556, 333,  # [ \ ] ^ _ `
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833,  # a-m
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500,  # n-z
    334, 260, 334, 584,  # { | } ~
)
# The other characters chaingrad writes itself: times, middle dot, minus, ellipsis, sigma.
_OTHER = {"×": 584, "·": 278, "−": 584, "…": 1000, "σ": 600, "÷": 584}


def _em(ch: str) -> int:
    code = ord(ch)
    if 32 <= code <= 126:
        return _ASCII[code - 32]
    return _OTHER.get(ch, 1000)


def text_width(text: str, font_size: float, *, bold: bool = False) -> int:
    """Points that ``text`` takes on one line at ``font_size`` in Helvetica, with ``SLACK``, rounded up.

    Bold Helvetica is up to a tenth wider than regular (its digits are not): counted as such.
    """
    ems = sum(_em(ch) for ch in text) / 1000
    return math.ceil(ems * font_size * SLACK * (1.1 if bold else 1.0))
