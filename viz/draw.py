"""Drawing a computation graph: values, ops, and the local derivative on every edge.

``draw(root)`` returns a ``graphviz.Digraph`` (DOT text, displayed inline in
Jupyter); ``viz.render`` writes it to SVG, PNG or DOT (``render(root, "graph.svg")``).

The picture, for ``y = softplus(x*w + b)``::

    [w | data | grad] --input = 0.5--> (x) --> [...] --1--> (+) --> [...] --sigmoid(...) = 0.8--> (softplus) --> [y]

One box per value (label, data, grad), one small oval per operation, and on
each edge input -> op the local derivative d(op output)/d(input), the number
the chain rule multiplies along that edge. How the boxes and edges look is
``viz.style``'s; a replay frame's emphasis (``Marks``) is chosen by ``viz.frames``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from engine import Value
from engine.checks import check_bool, check_int, check_str
from engine.graph import find_node, nodes_on_paths, path_sum, topological_order
from viz.formulas import Namer, edge_formula, formula_text, node_name
from viz.layout import DEFAULT_MAX_LAYOUT, EFFORT, EFFORT_ABOVE, MAX_FORMULA, MAX_NAME, MAX_TITLE, layout_size, shorten
from viz.render import ChainGraph
from viz.roots import check_root
from viz.step_text import is_one_word
from viz.style import (
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
    number_width,
    op_attrs,
    op_text,
    outline_attrs,
    value_label,
)
from viz.text import fmt, html_escape

__all__ = ["draw", "GraphTooLargeError", "DEFAULT_MAX_NODES", "DEFAULT_MAX_LAYOUT", "PARAM_LABEL", "labelled_params",
           "Drawing", "Marks", "drawing", "to_dot"]

#: Drawings with more value nodes than this raise ``GraphTooLargeError`` (``max_nodes=`` to change).
DEFAULT_MAX_NODES = 200

#: Without ``params=``, leaves labelled like this are drawn as parameters: the articles' names
#: (``w1`` ... ``b3``) and nn's (a neuron's ``w1``, ``w2`` and bias ``b``; in a layer or network
#: the same behind a dotted path, ``L1.n2.w1``, ``L2.n1.b``). A ``w`` without digits stays an input.
PARAM_LABEL = re.compile(r"(?:\w+\.)*(?:w\d+|b\d*)")

RANKDIRS = ("LR", "TB", "RL", "BT")


def labelled_params(order: list[Value]) -> list[Value]:
    """The user's leaves labelled like parameters (``PARAM_LABEL``), in ``order``: the default ``params``."""
    return [n for n in order if n.is_leaf and not n.is_constant and n.label is not None
            and PARAM_LABEL.fullmatch(n.label)]


class GraphTooLargeError(ValueError):
    """The graph has more value nodes than ``max_nodes``; the message says how to raise the limit."""


def draw(
    root: Value,
    *,
    highlight: Value | str | None = None,
    show_grads: bool = True,
    precision: int = 3,
    rankdir: str = "LR",
    max_nodes: int = DEFAULT_MAX_NODES,
    max_layout: int = DEFAULT_MAX_LAYOUT,
    formulas: bool = True,
    params: Collection[Value] | None = None,
    legend: bool = True,
    title: str | None = None,
    names: Mapping[Value, str] | None = None,
    compact: bool = False,
) -> ChainGraph:
    """The computation graph below ``root`` as a ``graphviz.Digraph``.

    - One box per value: its label (if any), ``data`` and ``grad`` (= d root / d node).
    - One oval per operation, and on every edge input -> op the local derivative
      d(op output)/d(input) from ``node.local_grads``, with its formula when
      ``formulas`` (``sigmoid(x1) = 0.8``). A reused input has one edge per use.
      Into an op with several inputs, each label is underlined and tied to its
      own edge by a line (Graphviz ``decorate``), so two labels near one op
      cannot be mistaken for each other.
    - ``highlight``: a node (or its label): the edges on the paths from it up to
      ``root`` are drawn in red, and the caption states that the sum over those
      paths of the product of their local derivatives is its grad.
    - ``show_grads=False`` shows ``?`` instead of each grad (an exercise sheet).
    - ``params``: leaves to colour as parameters (e.g. ``model.parameters()``);
      other user leaves are inputs, numbers met by an operator are constants.
      Without ``params``, a leaf is a parameter when its label is ``w`` followed by digits
      or ``b`` with or without digits, optionally behind a dotted path (``w1``, ``b3``,
      ``b``, ``L1.n2.w1``: ``PARAM_LABEL``, the names of the articles and of nn), the rule
      ``python -m viz`` follows too; ``params=[]`` makes every leaf an input.
    - ``names``: a mapping Value -> the name to show instead of its label, in its
      box, in the edge formulas and in the caption (``viz.step_text.node_names``
      gives ``x1[1]``, ``x1[2]`` ... where a network run on several data points
      repeats a label). ``highlight="x1[2]"`` then finds the node by that name.
      Constants keep showing their number. An unlabelled node's position name
      (``-#19``) marks its box only: formulas write its expression in the names
      shown (``2·(observed[1] - predicted[1])``), or the position name where that is too long.
    - ``compact=True``: no op ovals; each computed value's box shows its op in a
      grey cell beside its name, and each edge goes straight from an input to
      the value it makes, labelled with d(value)/d(input). Half as many ranks,
      so a network fits a slide (``python -m viz --compact``).
    - ``precision``: significant digits; ``rankdir``: ``"LR"`` or ``"TB"`` (or ``"RL"``/``"BT"``).
    - ``title``: a line above the drawing; ``legend=False`` leaves out the key of colours.
    - More than ``max_nodes`` values, or a layout of more than ``max_layout`` pieces
      (``viz.layout.layout_size``: boxes, ops, edges and the ranks long edges cross,
      what Graphviz's time grows with), raises ``GraphTooLargeError`` before dot
      starts, saying what to draw instead. A box shows at most ``viz.layout.MAX_NAME``
      characters of a name, an edge at most ``MAX_FORMULA`` of a formula (else the number alone).

    Node ids are topological indices (``n0`` ... root last) and op nodes ``op<k>`` (none when ``compact``),
    so the same graph always gives the same DOT text.
    """
    return to_dot(drawing(root, highlight=highlight, show_grads=show_grads, precision=precision,
                          rankdir=rankdir, max_nodes=max_nodes, max_layout=max_layout,
                          formulas=formulas, params=params,
                          legend=legend, title=title, names=names, compact=compact))


# ---------------------------------------------------------------------- the drawing's context


@dataclass(frozen=True)
class Marks:
    """What a replay frame adds to a drawing (``viz.frames.draw_frame`` checks and makes them).

    ``grads``: the grad shown per node instead of ``node.grad`` (None = a blank
    cell; every grad cell then keeps room for a number, so that frames drawn
    with different grads keep one layout); ``focus``: the node whose box, op and
    input edges are emphasised, only its input ``focus_input`` when given;
    ``receiver``: the box outlined in the grads' colour (whose grad the step changes).
    """

    grads: Mapping[Value, float | None] | None = None
    focus: Value | None = None
    focus_input: int | None = None
    receiver: Value | None = None


@dataclass(frozen=True)
class Drawing:
    """One drawing's context: the graph in topological order and what ``draw``'s options resolve to.

    ``shown`` is each node's shown name (``names=`` or its label); ``target`` the
    highlighted node and ``on_path`` the nodes on its paths up to ``root``;
    ``namer`` names nodes in the edge formulas.
    """

    root: Value
    order: list[Value]
    index: dict[Value, int]  # each node's position in order: its box is n<i>, its op op<i>
    shown: dict[Value, str]
    params: set[Value]
    target: Value | None
    on_path: set[Value]
    namer: Namer
    precision: int = 3
    show_grads: bool = True
    rankdir: str = "LR"
    formulas: bool = True
    legend: bool = True
    title: str | None = None
    compact: bool = False
    marks: Marks = field(default_factory=Marks)


def drawing(
    root: Value,
    *,
    highlight: Value | str | None = None,
    show_grads: bool = True,
    precision: int = 3,
    rankdir: str = "LR",
    max_nodes: int = DEFAULT_MAX_NODES,
    max_layout: int = DEFAULT_MAX_LAYOUT,
    formulas: bool = True,
    params: Collection[Value] | None = None,
    legend: bool = True,
    title: str | None = None,
    names: Mapping[Value, str] | None = None,
    compact: bool = False,
) -> Drawing:
    """``draw``'s arguments checked (messages name ``draw``) and resolved into a ``Drawing``."""
    check_root(root, "draw")
    check_int(precision, "draw", "precision", 1, 17)
    check_int(max_nodes, "draw", "max_nodes", 1)
    check_int(max_layout, "draw", "max_layout", 1)
    for flag, arg in ((show_grads, "show_grads"), (formulas, "formulas"), (legend, "legend"),
                      (compact, "compact")):
        check_bool(flag, "draw", arg)
    if title is not None:
        check_str(title, "draw", "title")
    if params is not None and (isinstance(params, (str, bytes, Value)) or not isinstance(params, Iterable)):
        raise TypeError(f"draw: params must be a collection of Values (model.parameters()), "
                        f"got {type(params).__name__} {params!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw: rankdir must be 'LR', 'TB', 'RL' or 'BT', got {rankdir!r}")
    order = topological_order(root)
    _check_size(len(order), max_nodes)
    _check_layout(order, max_layout, compact)
    params_set = set(labelled_params(order) if params is None else params)
    for p in params_set:
        if not isinstance(p, Value):
            raise TypeError(f"draw: params must hold Values, got {type(p).__name__}")
    index = {node: i for i, node in enumerate(order)}
    shown = _shown_names(order, names)
    # By its shown name (names= or its label); messages say "labelled", as draw's docs do.
    target = None if highlight is None else find_node(root, highlight, "draw", "highlight",
                                                      names=shown, order=order, says="labelled")
    return Drawing(
        root, order, index, shown, params_set, target,
        on_path=set(nodes_on_paths(root, target, order=order)) if target is not None else set(),
        namer=Namer(precision, names=shown),
        precision=precision, show_grads=show_grads, rankdir=rankdir, formulas=formulas,
        legend=legend, title=title, compact=compact,
    )


# ---------------------------------------------------------------------- DOT


def to_dot(d: Drawing) -> ChainGraph:
    """The DOT graph of a checked ``Drawing``: a box per value, an oval per op, labelled edges."""
    g = ChainGraph(name="chaingrad", format="svg")
    g.attr(rankdir=d.rankdir, fontname=FONT, bgcolor="white", nodesep=NODESEP, ranksep=RANKSEP)
    if layout_size(d.order, compact=d.compact).total > EFFORT_ABOVE:
        g.attr(**EFFORT)  # Graphviz's own effort limits: a large drawing stays seconds, not minutes
    g.attr("node", fontname=FONT, fontsize=str(NODE_FONT_SIZE))
    g.attr("edge", fontname=FONT, fontsize="11", color=EDGE_COLOUR, arrowsize="0.7")

    marks, index = d.marks, d.index
    grad_width = number_width(d.precision) if marks.grads is not None and d.show_grads else None
    kinds_seen: list[str] = []
    for i, node in enumerate(d.order):
        kind = _kind(node, d)
        if kind not in kinds_seen:
            kinds_seen.append(kind)
        g.node(
            f"n{i}",
            label=value_label(node, _short(d.shown.get(node)), kind, _grad_text(node, d), d.precision,
                              node in d.on_path, grad_width,
                              op=op_text(node.op) if d.compact and node.inputs else None),
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
        into = f"n{i}" if d.compact else f"op{i}"
        if not d.compact:
            g.node(into, label=f"<{html_escape(op_text(node.op))}>",
                   **op_attrs(node is marks.focus, node in d.on_path))
        for k, (inp, local) in enumerate(zip(node.inputs, node.local_grads)):
            formula = _formula(node, k, d) if d.formulas else None
            # Where two or more edges meet one op, their labels sit side by side:
            # decorate ties each label to its own edge with a line.
            decorate = {"decorate": "true"} if len(node.inputs) > 1 else {}
            g.edge(
                f"n{index[inp]}",
                into,
                # compact: "= number" under its formula, a narrower label and so a narrower rank.
                label=edge_label(formula, local, d.precision, two_lines=d.compact),
                **decorate,
                **edge_emphasis(inp in d.on_path,
                                node is marks.focus and marks.focus_input in (None, k)),
            )
        if not d.compact:
            g.edge(into, f"n{i}", **edge_emphasis(node in d.on_path, node is marks.focus))

    caption = _caption(d, kinds_seen)
    if caption:
        # With a title the caption goes on top, where a title belongs; else it sits below.
        g.attr(label=caption, labelloc="t" if d.title is not None else "b", labeljust="c", fontsize="12")
    return g


def _formula(node: Value, k: int, d: Drawing) -> str | None:
    """The formula of the edge from ``node.inputs[k]``, at most ``MAX_FORMULA`` characters, or None.

    Unlabelled nodes are written as their expressions; where that makes the formula too long,
    as the position names of their boxes (``sigmoid(+#4)·(1 - sigmoid(+#4))``, only with
    ``names=``), else there is none: the number alone, as a label as long as the graph would slow dot down.
    """
    for namer in (d.namer, Namer(d.precision, names=d.shown, max_len=0)):
        formula = formula_text(edge_formula(node, k, namer), d.precision)
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
    return "interior"


def _grad_text(node: Value, d: Drawing) -> str:
    """The grad cell: ``?`` on an exercise sheet, a frame's grad (None: blank), else ``node.grad``."""
    if not d.show_grads:
        return "?"
    grads = d.marks.grads
    if grads is not None and node in grads:
        g = grads[node]
        if g is None:
            return ""
        if isinstance(g, bool) or not isinstance(g, (int, float)):
            raise TypeError(f"draw: grads values must be numbers or None, got {type(g).__name__}")
        return fmt(float(g), d.precision)
    return fmt(node.grad, d.precision)


def _box_name(node: Value, d: Drawing) -> str:
    """A node in the caption's d.../d...: the name on its box (``x1[2]``; ``(*#7)``, as the replay's
    captions write it), else as ``viz.formulas.node_name`` writes it (``(a·3)``, ``node7``)."""
    name = d.shown.get(node)
    if name is None:
        return node_name(node, d.namer, d.order)
    return name if is_one_word(name) else f"({name})"


def _caption(d: Drawing, kinds: list[str]) -> str | None:
    """The title, the highlight's claim (sum over its red paths = its grad) and the legend."""
    rows = []
    if d.title is not None:
        title = html_escape(shorten(d.title, MAX_TITLE))
        rows.append(f'<tr><td colspan="20"><font point-size="15"><b>{title}</b></font></td></tr>')
    if d.target is not None:
        n_paths, total = path_sum(d.root, d.target, order=d.order)
        t, r = (shorten(_box_name(n, d), MAX_NAME) for n in (d.target, d.root))
        paths = "1 red path" if n_paths == 1 else f"the {n_paths} red paths"
        claim = (
            f"d{r}/d{t} = sum over {paths} from {t} to {r} "
            f"of the product of the local derivatives on its edges"
        )
        if d.show_grads:
            claim += f" = {fmt(total, d.precision)} = the grad of {t}"
        else:
            claim += f" = the grad of {t}"
        rows.append(
            f'<tr><td colspan="20"><font color="{HIGHLIGHT}">{html_escape(claim)}</font></td></tr>'
        )
    if d.legend:
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


# ---------------------------------------------------------------------- checks and names


def _check_size(n_nodes: int, max_nodes: int) -> None:
    """Refuse more than ``max_nodes`` value nodes, before anything is laid out."""
    if n_nodes > max_nodes:
        raise GraphTooLargeError(
            f"draw: the graph has {n_nodes} value nodes, more than max_nodes={max_nodes}; "
            f"Graphviz would take long and the picture would be unreadable. "
            f"Pass max_nodes={n_nodes} (or --max-nodes {n_nodes} on the command line) "
            f"to draw it anyway, or draw a smaller part of the graph"
        )


def _check_layout(order: list[Value], max_layout: int, compact: bool) -> None:
    """Refuse, before dot starts, a drawing whose layout would take Graphviz long."""
    size = layout_size(order, compact=compact)
    if size.total <= max_layout:
        return
    hints = [] if compact else ["compact=True (half the ranks; --compact)"]
    hints.append("a smaller part of the graph (a sub-expression; a replay's leaf=, --leaf)")
    raise GraphTooLargeError(
        f"draw: laying out this graph means placing {size.describe()}, more than max_layout={max_layout}; "
        f"Graphviz could take minutes. Draw " + " or ".join(hints) + f", or pass max_layout={size.total} "
        f"(--max-layout {size.total}) to try anyway"
    )


def _shown_names(order: list[Value], names: Mapping[Value, str] | None) -> dict[Value, str]:
    """Each node's shown name: ``names[node]`` where given (not for constants), else its label."""
    if names is not None and not isinstance(names, Mapping):
        raise TypeError(f"draw: names must be a mapping Value -> str, got {type(names).__name__}")
    shown: dict[Value, str] = {}
    for node in order:
        # A constant's box shows its number, and formulas name it so: names= leaves it alone.
        name = node.label if names is None or node.is_constant else names.get(node, node.label)
        if name is not None and not isinstance(name, str):
            raise TypeError(f"draw: names values must be str, got {type(name).__name__} {name!r}")
        if name is not None:
            shown[node] = name
    return shown
