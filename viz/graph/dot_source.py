"""The DOT text of a drawing: a box per value, an oval per op, the local derivative on every edge.

``to_dot(d)`` writes a resolved ``Drawing`` (``viz.graph.resolve``) as a ``ChainGraph``.
The picture, for ``y = softplus(x*w + b)``::

    [w | data | grad] --input = 0.5--> (x) --> [...] --1--> (+) --> [...] --sigmoid(...) = 0.8--> (softplus) --> [y]

One box per value (label, data, grad), one small oval per operation, and on
each edge input -> op the local derivative d(op output)/d(input), the number
the chain rule multiplies along that edge. How the boxes and edges look is
``viz.graph.style``'s; a replay frame's emphasis comes in the drawing's ``Marks``.
Node ids are topological indices (``n0`` ... root last) and op nodes ``op<k>``, so the
same graph always gives the same DOT text.
"""

from __future__ import annotations

import math

from engine import Value
from engine.graph import path_sum
from viz.chainrule.formulas import Namer, edge_formula, formula_text, node_name
from viz.chainrule.names import is_one_word
from viz.chainrule.numbers import fmt
from viz.graph.chaingraph import ChainGraph
from viz.graph.layout import EFFORT, EFFORT_ABOVE, MAX_FORMULA, MAX_NAME, MAX_TITLE, layout_size, shorten
from viz.graph.resolve import Drawing
from viz.graph.style import (
    EDGE_COLOUR,
    FOCUS,
    FONT,
    GRAD_COLOUR,
    HIGHLIGHT,
    OP_BORDER,
    OP_FILL,
    PAGE_ASPECT,
    RECEIVER_WIDTH,
    STYLES,
    edge_emphasis,
    edge_label,
    faded_attrs,
    faded_edge,
    html_escape,
    number_width,
    op_attrs,
    op_text,
    outline_attrs,
    value_label,
)
from viz.graph.text_width import text_width

__all__ = ["to_dot"]


#: The first line of a slide's DOT text: ``viz.graph.dot_program.run_dot`` pads it to a 16:9 page.
SLIDE_PAGE = f"chaingrad page {PAGE_ASPECT}"


def to_dot(d: Drawing) -> ChainGraph:
    """The DOT graph of a checked ``Drawing``: a box per value, an oval per op, labelled edges."""
    look = d.look
    g = ChainGraph(name="chaingrad", format="svg", comment=SLIDE_PAGE if d.options.slide else None)
    g.attr(rankdir=d.options.rankdir, fontname=FONT, bgcolor="white", nodesep=look.nodesep, ranksep=look.ranksep)
    if layout_size(d.order, compact=d.compact).total > EFFORT_ABOVE:
        g.attr(**EFFORT)  # Graphviz's own effort limits: a large drawing stays seconds, not minutes
    g.attr("node", fontname=FONT, fontsize=str(look.node_font))
    g.attr("edge", fontname=FONT, fontsize=str(look.edge_font), color=EDGE_COLOUR, arrowsize="0.7")
    kinds_seen: list[str] = []
    for i, node in enumerate(d.order):
        kind = _kind(node, d)
        if kind not in kinds_seen and node not in d.faded:
            kinds_seen.append(kind)
        _box(g, i, node, kind, d)
        if node.inputs:
            _edges(g, i, node, d)
    caption = _caption(d, kinds_seen)
    if caption:
        # With a title the caption goes on top, where a title belongs; else it sits below.
        g.attr(label=caption, labelloc="t" if d.options.title is not None else "b", labeljust="c",
               fontsize=str(look.caption_font))
    return g


def _box(g: ChainGraph, i: int, node: Value, kind: str, d: Drawing) -> None:
    """The box of ``node`` (``n<i>``), and its op's oval when the drawing is not compact."""
    marks = d.marks
    if node in d.faded:
        g.node(f"n{i}", **faded_attrs(node in d.on_path))
    else:
        grad_width = (number_width(d.options.precision, d.look) if marks.grads is not None and d.options.show_grads
                      else None)
        g.node(
            f"n{i}",
            label=value_label(node, _short(d.shown.get(node)), kind, _grad_text(node, d), d.options.precision,
                              on_path=node in d.on_path, grad_width=grad_width, look=d.look,
                              op=op_text(node.op) if d.compact and node.inputs else None),
            # The focus is outlined around the box, which keeps its size; in a replay's drawings
            # (grads given) every box is such an outline, unmarked ones invisible, as dot sizes an
            # outlined box apart from a plain one: frames that focus one node after another keep one layout.
            **(outline_attrs(FOCUS, RECEIVER_WIDTH) if node is marks.focus
               else outline_attrs(GRAD_COLOUR, RECEIVER_WIDTH) if node is marks.receiver
               else outline_attrs("transparent", RECEIVER_WIDTH) if marks.grads is not None
               else {"shape": "plain"}),
        )
    if node.inputs and not d.compact:
        g.node(f"op{i}", **(dict(faded_attrs(node in d.on_path), width="0.15", height="0.15") if node in d.faded
                            else dict(label=f"<{html_escape(op_text(node.op))}>",
                                      **op_attrs(node is marks.focus, node in d.on_path, d.look.edge_font + 1))))


def _edges(g: ChainGraph, i: int, node: Value, d: Drawing) -> None:
    """The edges from ``node``'s inputs, each labelled with its local derivative (none to or from a faded box).

    Without compact, an op oval sits between the inputs and the value; with it, the op is in
    the value's box and each input's edge goes straight to the value.
    """
    into = f"n{i}" if d.compact else f"op{i}"
    marks = d.marks
    for k, (inp, local) in enumerate(zip(node.inputs, node.local_grads)):
        if node in d.faded or inp in d.faded:
            g.edge(f"n{d.index[inp]}", into, **faded_edge(inp in d.on_path and node in d.on_path))
            continue
        formula = _formula(node, k, d) if d.options.formulas else None
        g.edge(
            f"n{d.index[inp]}",
            into,
            # compact: "= number" under its formula, a narrower label and so a narrower rank.
            label=edge_label(formula, local, d.options.precision, two_lines=d.compact, margin=d.look.label_margin),
            **edge_emphasis(inp in d.on_path, node is marks.focus and marks.focus_input in (None, k)),
        )
    if not d.compact:
        g.edge(into, f"n{i}", **(faded_edge(node in d.on_path) if node in d.faded
                                 else edge_emphasis(node in d.on_path, node is marks.focus)))


def _formula(node: Value, k: int, d: Drawing) -> str | None:
    """The formula of the edge from ``node.inputs[k]``, at most ``MAX_FORMULA`` characters, or None.

    Unlabelled nodes are written as their expressions; where that makes the formula too long,
    as the position names of their boxes (``sigmoid(+#4)·(1 - sigmoid(+#4))``, only with
    ``names=``), else there is none: the number alone, as a label as long as the graph would slow dot down.
    """
    for namer in (d.namer, Namer(d.options.precision, names=d.shown, max_len=0)):
        formula = formula_text(edge_formula(node, k, namer), d.options.precision)
        if formula is None or len(formula) <= MAX_FORMULA:
            return formula
    return None


def _short(name: str | None) -> str | None:
    """A box's name, at most ``MAX_NAME`` characters (Graphviz refuses labels beyond 16384)."""
    return None if name is None else shorten(name, MAX_NAME)


def _kind(node: Value, d: Drawing) -> str:
    if node is d.root:
        return "root"
    if node.is_constant:
        return "const"
    if not node.inputs:
        return "param" if node in d.params else "leaf"
    return "forward" if node in d.forward else "interior"


def _grad_text(node: Value, d: Drawing) -> str:
    """The grad cell: ``?`` on an exercise sheet, a frame's grad (None: blank), else ``node.grad``."""
    if not d.options.show_grads:
        return "?"
    grads = d.marks.grads
    if grads is not None and node in grads:
        g = grads[node]
        return "" if g is None else fmt(float(g), d.options.precision)
    return fmt(node.grad, d.options.precision)


def _box_name(node: Value, d: Drawing) -> str:
    """A node in the caption's d.../d...: the name on its box (``x1[2]``; ``(*#7)``, as the replay's
    captions write it), else as ``viz.chainrule.formulas.node_name`` writes it (``(a·3)``, ``node7``)."""
    name = d.shown.get(node)
    if name is None:
        return node_name(node, d.namer, d.order)
    return name if is_one_word(name) else f"({name})"


def _caption(d: Drawing, kinds: list[str]) -> str | None:
    """The title, the highlight's claim (sum over its red paths = its grad) and the legend."""
    rows = []
    if d.options.title is not None:
        title = html_escape(shorten(d.options.title, MAX_TITLE))
        # A replay's frames give the title one width (its longest), so that every frame has one size.
        width = d.marks.title_width
        fixed = "" if width is None else (f' width="{width}" height="{math.ceil(1.3 * d.look.title_font)}"'
                                          ' fixedsize="true"')
        rows.append(f'<tr><td colspan="20"{fixed}><font point-size="{d.look.title_font}"><b>{title}</b></font>'
                    "</td></tr>")
    if d.target is not None:
        rows.append(f'<tr><td colspan="20"><font color="{HIGHLIGHT}">{html_escape(_claim(d))}</font></td></tr>')
    if d.options.legend:
        rows += _legend(d, kinds)
    if not rows:
        return None
    return f'<<table border="0" cellspacing="4" cellpadding="3">{"".join(rows)}</table>>'


def _claim(d: Drawing) -> str:
    """The highlight's claim: the sum over its red paths of their products is its grad."""
    assert d.target is not None
    n_paths, total = path_sum(d.root, d.target, order=d.order)
    t, r = (shorten(_box_name(n, d), MAX_NAME) for n in (d.target, d.root))
    paths = "1 red path" if n_paths == 1 else f"the {n_paths} red paths"
    claim = f"d{r}/d{t} = sum over {paths} from {t} to {r} of the product of the local derivatives on its edges"
    if d.options.show_grads:
        return claim + f" = {fmt(total, d.options.precision)} = the grad of {t}"
    return claim + f" = the grad of {t}"


def _legend(d: Drawing, kinds: list[str]) -> list[str]:
    """The key of colours (one pill per kind of box drawn) and what the numbers are, as table rows."""
    pills = [(STYLES[kind].name, STYLES[kind].fill, STYLES[kind].border) for kind in STYLES if kind in kinds]
    pills.append(("operation", OP_FILL, OP_BORDER))
    # Each pill as wide as its text, fixed, in a table of its own as wide as they are: as cells of the
    # caption's table, whose other rows span all its columns, they get its spare width, which some dots
    # (Graphviz 2.43) share out unevenly ("parameter" four times its text).
    font = d.look.caption_font
    height = math.ceil(1.2 * font) + 2 * 3 + 2 + 1  # a line, the padding and the border
    widths = [text_width(name, font) + 2 * 3 + 2 + 4 for name, _, _ in pills]
    cells = "".join(
        f'<td bgcolor="{fill}" color="{border}" border="1" style="rounded" width="{w}" height="{height}" '
        f'fixedsize="true">{html_escape(name)}</td>' for (name, fill, border), w in zip(pills, widths))
    spacing = 4
    total = sum(widths) + spacing * (len(widths) + 1)
    rows = [f'<tr><td colspan="20" cellpadding="0"><table border="0" cellspacing="{spacing}" cellpadding="3" '
            f'width="{total}" height="{height + 2 * spacing}" fixedsize="true"><tr>{cells}</tr></table></td></tr>']
    # Each line one run of text: pieces set side by side on one line would overlap
    # wherever the renderer's font is wider than the layout's.
    rows.append('<tr><td colspan="20">edge numbers: local derivative d(output)/d(input) of each step</td></tr>')
    d_root = f"d{html_escape(shorten(_box_name(d.root, d), MAX_NAME))}/d(node)"
    if d.look.words:
        rows.append(f'<tr><td colspan="20"><font color="{GRAD_COLOUR}">grad: {d_root}</font></td></tr>')
    else:  # the boxes do not name their rows
        rows.append(f'<tr><td colspan="20"><font color="{GRAD_COLOUR}">in each box: data, then grad = {d_root}'
                    "</font></td></tr>")
    return rows
