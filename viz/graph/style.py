"""How a drawing looks: colours, fonts, spacing, and the HTML-like labels of boxes and edges.

Graphviz draws each value as an HTML-like table (``label=<<table>...</table>>``):
label, data and grad; this module writes those tables and the edge labels,
every piece of user text escaped by ``viz.graph.style.html_escape``.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

from engine import Value
from viz.chainrule.numbers import fmt

__all__ = [
    "STYLES", "FONT", "NODE_FONT_SIZE", "NODESEP", "RANKSEP", "OP_FILL", "OP_BORDER", "EDGE_COLOUR",
    "GRAD_COLOUR", "HIGHLIGHT", "FOCUS", "RECEIVER_WIDTH", "PAGE_ASPECT", "Look", "SCREEN", "SLIDE",
    "html_escape", "op_text", "number_width", "value_label", "edge_label", "outline_attrs", "op_attrs", "edge_emphasis",
    "faded_attrs", "faded_edge",
]

# Arial has Helvetica's widths and is found everywhere under that name (Liberation Sans on Linux).
# "Helvetica" is not: Debian's Graphviz lays it out as DejaVu Sans, 12% wider, and its drawings
# came out wider than graphviz-pure's, and frames' boxes moved with their numbers.
FONT = "Arial"
NODE_FONT_SIZE = 13
CELL_PADDING = 3
# Inches between boxes in one rank and between ranks: tight, so that a network of a dozen
# values fits a slide's width at a readable size (the edge labels keep their own room).
NODESEP = "0.2"
RANKSEP = "0.25"


@dataclass(frozen=True)
class Look:
    """The sizes of one kind of drawing: fonts in points, spacing in inches, and the boxes' row words.

    ``words``: each box names its rows (``data 0.24``, ``grad 3.56``); without them a box shows
    its data above its grad (in the grads' colour), a third narrower, as a slide needs.
    ``label_margin``: points of white around an edge label's text, which keep it beside its
    edge rather than on it (dot places a label beside its own edge).
    """

    node_font: int
    edge_font: int
    caption_font: int
    title_font: int
    cell_padding: int
    label_margin: int
    nodesep: str
    ranksep: str
    words: bool

    @property
    def grad_cell_height(self) -> int:
        """Points: a fixed-width grad cell's height, a line of the node font and the padding
        (no taller than the row's other cell, so that fixing the width does not change the height)."""
        return math.ceil(1.2 * self.node_font) + 2 * self.cell_padding - 2


#: On a screen: the numbers in 13 points, the edge labels in 11.
SCREEN = Look(node_font=NODE_FONT_SIZE, edge_font=11, caption_font=12, title_font=15, cell_padding=CELL_PADDING,
              label_margin=2, nodesep=NODESEP, ranksep=RANKSEP, words=True)
#: On a slide (``draw(..., slide=True)``): every text in 14 points (the title 18), boxes without
#: row words, so that the articles' one-point network is 14 points high on a 1280-pixel-wide slide.
SLIDE = Look(node_font=14, edge_font=14, caption_font=14, title_font=18, cell_padding=2,
             label_margin=1, nodesep="0.12", ranksep="0.15", words=False)


@dataclass(frozen=True)
class Style:
    name: str  # as shown in the legend
    fill: str
    border: str


# Colours chosen to stay distinct when printed and for the common colour-vision deficiencies:
# hue and lightness both differ between kinds.
STYLES: dict[str, Style] = {
    "param": Style("parameter", "#FFE3A3", "#B7791F"),
    "leaf": Style("input", "#D6E8FF", "#2B6CB0"),
    "const": Style("constant", "#EDEDED", "#8A8A8A"),
    # The forward pass a gradient's graph reads (draw(g, forward=loss)): apart from the
    # white nodes the backward pass made, and from the parameters' orange.
    "forward": Style("forward pass", "#F3E8FF", "#7B4FA6"),
    "interior": Style("intermediate", "#FFFFFF", "#5A5A5A"),
    "root": Style("output (root)", "#CDEFD6", "#2F855A"),
}
OP_FILL, OP_BORDER = "#F3F3F3", "#9A9A9A"
EDGE_COLOUR = "#6B6B6B"
GRAD_COLOUR = "#0B7285"  # grads in teal: apart from data at a glance, and from the red highlight
HIGHLIGHT = "#D62728"
FOCUS = "#5B3CC4"
RECEIVER_WIDTH = 4  # points: the outline of the box whose grad a backward step changes
#: A slide's page: width / height.
PAGE_ASPECT = "16:9"


def op_text(op: str) -> str:
    """How an op is shown in its oval: ``*`` as ``×``, ``**2`` as ``^2``."""
    if op == "*":
        return "×"
    if op == "/":
        return "÷"
    if op.startswith("**"):
        return "^" + op[2:] if op != "**" else "^"
    return op


def number_width(precision: int, look: Look = SCREEN) -> int:
    """Points a grad cell needs for a number such as ``-0.523`` (``precision`` digits, sign, point).

    From Helvetica's (and Arial's) advance widths in ems (digit 0.556, minus 0.333, point 0.278)
    at the node font size, plus the cell's padding on both sides and a point of slack.
    Numbers of that length or shorter (and a blank) then leave the box's width alone.
    """
    ems = 0.556 * (precision + 1) + 0.333 + 0.278
    return math.ceil(ems * look.node_font) + 2 * look.cell_padding + 1


def value_label(node: Value, name: str | None, kind: str, grad: str, precision: int, *,
                on_path: bool = False, grad_width: int | None = None, op: str | None = None,
                look: Look = SCREEN) -> str:
    """A value's box: ``name`` (with ``op`` in a grey cell beside it when compact), data, grad.

    A constant's box is its number alone; ``grad`` is the text of the grad cell
    (blank when empty); ``grad_width`` fixes that cell's width in points; ``look.words``
    puts ``data`` and ``grad`` beside the numbers.
    """
    style = STYLES[kind]
    colour, width = (HIGHLIGHT, 2) if on_path else (style.border, 1)
    table = (
        f'<table border="{width}" cellborder="0" cellspacing="0" cellpadding="{look.cell_padding}" '
        f'color="{colour}" bgcolor="{style.fill}" style="rounded">'
    )
    data = html_escape(fmt(node.data, precision))
    if kind == "const":  # a plain number: its value is all there is to show
        return f"<{table}<tr><td>{data}</td></tr></table>>"
    rows = []
    # compact: the op in a grey cell on the left of the header, where the input edges arrive.
    op_cell = (f'<td bgcolor="{OP_FILL}" style="rounded">{html_escape(op)}</td>'
               if op is not None else "")
    if name is not None and op is not None and not look.words:
        # A slide's box: the op in a grey strip above the name, a narrower box than side by side.
        rows.append(f'<tr><td colspan="2" bgcolor="{OP_FILL}" style="rounded">{html_escape(op)}</td></tr>')
        rows.append(f'<tr><td colspan="2"><b>{html_escape(name)}</b></td></tr><hr/>')
    elif name is not None and op is not None:
        rows.append(f'<tr>{op_cell}<td><b>{html_escape(name)}</b></td></tr><hr/>')
    elif name is not None:
        rows.append(f'<tr><td colspan="2"><b>{html_escape(name)}</b></td></tr><hr/>')
    elif op is not None:
        rows.append(f'<tr><td colspan="2" bgcolor="{OP_FILL}" style="rounded">{html_escape(op)}</td></tr><hr/>')
    grad_cell = html_escape(grad) if grad else " "
    # fixedsize: the cell keeps this width whatever the number and whatever the font's
    # real widths in the dot at hand, so frames with other grads keep one layout.
    fixed = (f' width="{grad_width}" height="{look.grad_cell_height}" fixedsize="true"'
             if grad_width is not None else "")
    if look.words:
        rows.append(f'<tr><td align="left">data</td><td align="right">{data}</td></tr>')
        rows.append(
            f'<tr><td align="left"><font color="{GRAD_COLOUR}">grad</font></td>'
            f'<td align="right"{fixed}><font color="{GRAD_COLOUR}">{grad_cell}</font></td></tr>'
        )
    else:  # data above grad, each centred across the box
        rows.append(f'<tr><td colspan="2">{data}</td></tr>')
        rows.append(f'<tr><td colspan="2"{fixed}><font color="{GRAD_COLOUR}">{grad_cell}</font></td></tr>')
    return f"<{table}{''.join(rows)}</table>>"


def edge_label(formula: str | None, local: float, precision: int, two_lines: bool = False, margin: int = 2) -> str:
    """``formula = number`` (the number in bold), or the number alone when there is no formula.

    In a borderless cell ``margin`` points wider than the text on every side: dot places a
    label beside its own edge, and the margin keeps the text off that edge's line.
    """
    number = html_escape(fmt(local, precision))
    if formula is None or formula == fmt(local, precision):
        text = f"<b>{number}</b>"
    else:
        text = f"{html_escape(formula)}{'<br/>' if two_lines else ' '}= <b>{number}</b>"
    return f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="{margin}"><tr><td>{text}</td></tr></table>>'


def outline_attrs(colour: str, width: float) -> dict[str, str]:
    """Node attributes that draw a value box's outline in ``colour``, ``width`` points thick.

    The outline is the node's own shape, drawn around the box's table at its
    exact size (no margin): unlike a thicker table border it leaves the box's
    size, and so the layout, as it is; a frame can emphasise any box without
    moving the others.
    """
    return dict(shape="box", style="rounded", color=colour, penwidth=str(width),
                margin="0", width="0", height="0")


#: A faded node (``draw(..., fade=...)``): a small box without text, in light grey (light red on a highlighted path).
FADED_FILL, FADED_BORDER, FADED_PATH = "#F0F0F0", "#C4C4C4", "#EBA3A3"


def faded_attrs(on_path: bool) -> dict[str, str]:
    """A faded value's box: no text, a fixed small size, so that it takes little room in its rank."""
    return dict(shape="box", style="rounded,filled", label="", fillcolor=FADED_FILL,
                color=FADED_PATH if on_path else FADED_BORDER, width="0.3", height="0.2", fixedsize="true")


def faded_edge(on_path: bool) -> dict[str, str]:
    """An edge to or from a faded value: thin, light, unlabelled."""
    return dict(color=FADED_PATH if on_path else FADED_BORDER, penwidth="0.8", arrowsize="0.5")


def op_attrs(focused: bool, on_path: bool, font_size: int = 12) -> dict[str, str]:
    """An op's oval: grey, outlined in the focus colour or in red when on a highlighted path."""
    attrs = dict(shape="ellipse", style="filled", fillcolor=OP_FILL, color=OP_BORDER,
                 fontsize=str(font_size), height="0.3", margin="0.05,0.02")
    if focused:
        attrs.update(color=FOCUS, penwidth="2.5")
    elif on_path:
        attrs.update(color=HIGHLIGHT, penwidth="2")
    return attrs


def edge_emphasis(on_path: bool, focused: bool) -> dict[str, str]:
    """Edge attributes: the focus colour over the highlight's red over the default."""
    if focused:
        return dict(color=FOCUS, penwidth="2.6", fontcolor=FOCUS)
    if on_path:
        return dict(color=HIGHLIGHT, penwidth="2.2", fontcolor=HIGHLIGHT)
    return {}


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
