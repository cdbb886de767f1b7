"""A slide's page: a drawing padded to 16:9, whatever shape dot lays it out in.

Graphviz sets a drawing's size from its layout; ``ratio`` and ``size`` would stretch or
scale it, and dots differ in how (graphviz-pure's ``ratio=fill`` gives no 16:9). So a
slide's DOT text starts with the comment ``// chaingrad page 16:9`` (``viz.graph.dot_source``),
and ``viz.graph.dot_program.run_dot`` lays it out once (``-Tplain``: the bounding box alone),
then draws it with ``pad`` set to what makes the page 16:9: white margins on the short sides,
the drawing centred, nothing scaled. Every format (SVG, PNG, PDF) comes out 16:9 alike.
"""

from __future__ import annotations

import re

__all__ = ["PAGE_COMMENT", "page_aspect", "bounding_box", "with_pad", "pad_for"]

#: The comment that asks for a page of the given shape: ``// chaingrad page 16:9``.
PAGE_COMMENT = re.compile(r"\A// chaingrad page (\d+):(\d+)\n")
#: dot's own margin around a drawing, in points, on every side (its default ``pad``).
MARGIN = 4.0


def page_aspect(source: str) -> float | None:
    """Width / height of the page ``source`` asks for (its first line), or None."""
    m = PAGE_COMMENT.match(source)
    return None if m is None else int(m.group(1)) / int(m.group(2))


def bounding_box(plain: str) -> tuple[float, float]:
    """(width, height) in points of a layout, from dot's ``-Tplain`` output (``graph 1 W H``, inches)."""
    first = plain.split("\n", 1)[0].split()
    if len(first) != 4 or first[0] != "graph":
        raise ValueError(f"dot's plain output does not start with 'graph SCALE WIDTH HEIGHT': {first!r:.80}")
    return float(first[2]) * 72, float(first[3]) * 72


def pad_for(width: float, height: float, aspect: float) -> tuple[float, float]:
    """(x, y) margins in points around a ``width`` x ``height`` drawing that make it ``aspect`` wide per high.

    At least ``MARGIN`` on each side; the short sides get the rest, half on each.
    """
    outer_w, outer_h = width + 2 * MARGIN, height + 2 * MARGIN
    if outer_w >= outer_h * aspect:
        return MARGIN, MARGIN + (outer_w / aspect - outer_h) / 2
    return MARGIN + (outer_h * aspect - outer_w) / 2, MARGIN


def with_pad(source: str, pad_x: float, pad_y: float) -> str:
    """``source`` with the graph attribute ``pad`` (inches) set to these margins (points)."""
    head, brace, rest = source.partition("{\n")
    if not brace:
        raise ValueError("the DOT text has no '{' line to set the page's margins after")
    return f'{head}{brace}\tpad="{pad_x / 72:.4f},{pad_y / 72:.4f}"\n{rest}'
