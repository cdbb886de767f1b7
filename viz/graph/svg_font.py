"""The font stack of chaingrad's SVG drawings: text as wide as the layout assumed, in any renderer.

dot lays text out with Helvetica's widths (chaingrad asks for Arial, ``viz.graph.style.FONT``,
which has them) and writes ``font-family="Arial"`` (``"Helvetica,sans-Serif"``
for Helvetica). A renderer without Helvetica then
takes its own sans-serif, which on Linux (librsvg, used by ``rsvg-convert``,
image viewers and slide tools) is often DejaVu Sans, about 8% wider: pieces of
a line set side by side run into each other. The stack names the faces with
Helvetica's widths first (Arial on Windows and macOS, Liberation Sans and
Nimbus Sans on Linux), so every renderer that has one of them draws the text at
the widths it was laid out with; DejaVu Sans is left out on purpose (it is what
the bare ``sans-serif`` gives where none of them is installed).
"""

from __future__ import annotations

from viz.graph.style import FONT

__all__ = ["FONT_STACK", "with_font_stack"]

#: font-family of every text in chaingrad's SVG: Helvetica and the faces with its metrics.
FONT_STACK = "Helvetica,Arial,Liberation Sans,Nimbus Sans,sans-serif"

# What dot writes for fontname=FONT and for fontname="Helvetica" (Graphviz and graphviz-pure alike).
_DOT_FAMILIES = (f'font-family="{FONT}"'.encode("ascii"), b'font-family="Helvetica,sans-Serif"')


def with_font_stack(svg: bytes) -> bytes:
    """``svg`` with dot's ``font-family="Arial"`` (or ``"Helvetica,sans-Serif"``) replaced by ``FONT_STACK``."""
    stack = f'font-family="{FONT_STACK}"'.encode("ascii")
    for family in _DOT_FAMILIES:
        svg = svg.replace(family, stack)
    return svg
