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
    NODE_FONT_SIZE,
    NODESEP,
    OP_BORDER,
    OP_FILL,
    RANKSEP,
    RECEIVER_WIDTH,
    STYLES,
    edge_emphasis,
    edge_label,
    html_escape,
    number_width,
    op_attrs,
    op_text,
    outline_attrs,
    value_label,
)

__all__ = ["to_dot"]


def to_dot(d: Drawing) -> ChainGraph:
    """The DOT graph of a checked ``Drawing``: a box per value, an oval per op, labelled edges."""
    g = ChainGraph(name="chaingrad", format="svg")
    g.attr(rankdir=d.options.rankdir, fontname=FONT, bgcolor="white", nodesep=NODESEP, ranksep=RANKSEP)
    if layout_size(d.order, compact=d.options.compact).total > EFFORT_ABOVE:
        g.attr(**EFFORT)  # Graphviz's own effort limits: a large drawing stays seconds, not minutes
    g.attr("node", fontname=FONT, fontsize=str(NODE_FONT_SIZE))
    g.attr("edge", fontname=FONT, fontsize="11", color=EDGE_COLOUR, arrowsize="0.7")

    marks, index = d.marks, d.index
    grad_width = number_width(d.options.precision) if marks.grads is not None and d.options.show_grads else None
    kinds_seen: list[str] = []
    for i, node in enumerate(d.order):
        kind = _kind(node, d)
        if kind not in kinds_seen:
            kinds_seen.append(kind)
        g.node(
            f"n{i}",
            label=value_label(node, _short(d.shown.get(node)), kind, _grad_text(node, d), d.options.precision,
                              on_path=node in d.on_path, grad_width=grad_width,
                              op=op_text(node.op) if d.options.compact and node.inputs else None),
            # The focus is outlined around the box, which keeps its size: frames that
            # focus one node after another keep one layout.
            **(outline_attrs(FOCUS, 3) if node is marks.focus
               else outline_attrs(GRAD_COLOUR, RECEIVER_WIDTH) if node is marks.receiver
               else {"shape": "plain"}),
        )
        if not node.inputs:
            continue
        # Without compact, an op oval sits between the inputs and the value; with it,
        # the op is in the value's box and each input's edge goes straight to the value.
        into = f"n{i}" if d.options.compact else f"op{i}"
        if not d.options.compact:
            g.node(into, label=f"<{html_escape(op_text(node.op))}>",
                   **op_attrs(node is marks.focus, node in d.on_path))
        for k, (inp, local) in enumerate(zip(node.inputs, node.local_grads)):
            formula = _formula(node, k, d) if d.options.formulas else None
            # Where two or more edges meet one op, their labels sit side by side:
            # decorate ties each label to its own edge with a line.
            decorate = {"decorate": "true"} if len(node.inputs) > 1 else {}
            g.edge(
                f"n{index[inp]}",
                into,
                # compact: "= number" under its formula, a narrower label and so a narrower rank.
                label=edge_label(formula, local, d.options.precision, two_lines=d.options.compact),
                **decorate,
                **edge_emphasis(inp in d.on_path,
                                node is marks.focus and marks.focus_input in (None, k)),
            )
        if not d.options.compact:
            g.edge(into, f"n{i}", **edge_emphasis(node in d.on_path, node is marks.focus))

    caption = _caption(d, kinds_seen)
    if caption:
        # With a title the caption goes on top, where a title belongs; else it sits below.
        g.attr(label=caption, labelloc="t" if d.options.title is not None else "b", labeljust="c", fontsize="12")
    return g


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
        rows.append(f'<tr><td colspan="20"><font point-size="15"><b>{title}</b></font></td></tr>')
    if d.target is not None:
        n_paths, total = path_sum(d.root, d.target, order=d.order)
        t, r = (shorten(_box_name(n, d), MAX_NAME) for n in (d.target, d.root))
        paths = "1 red path" if n_paths == 1 else f"the {n_paths} red paths"
        claim = (
            f"d{r}/d{t} = sum over {paths} from {t} to {r} "
            f"of the product of the local derivatives on its edges"
        )
        if d.options.show_grads:
            claim += f" = {fmt(total, d.options.precision)} = the grad of {t}"
        else:
            claim += f" = the grad of {t}"
        rows.append(
            f'<tr><td colspan="20"><font color="{HIGHLIGHT}">{html_escape(claim)}</font></td></tr>'
        )
    if d.options.legend:
        cells = []
        for kind in STYLES:
            if kind in kinds:
                st = STYLES[kind]
                cells.append(
                    f'<td bgcolor="{st.fill}" color="{st.border}" border="1" style="rounded">'
                    f"{html_escape(st.name)}</td>"
                )
        cells.append(f'<td bgcolor="{OP_FILL}" border="1" color="{OP_BORDER}" style="rounded">operation</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
        # Two lines, each one run of text: pieces set side by side on one line would overlap
        # wherever the renderer's font is wider than the layout's.
        rows.append('<tr><td colspan="20">edge numbers: local derivative d(output)/d(input) of each step</td></tr>')
        rows.append(
            f'<tr><td colspan="20"><font color="{GRAD_COLOUR}">grad:'
            f" d{html_escape(shorten(_box_name(d.root, d), MAX_NAME))}/d(node)</font></td></tr>"
        )
    if not rows:
        return None
    return f'<<table border="0" cellspacing="4" cellpadding="3">{"".join(rows)}</table>>'
