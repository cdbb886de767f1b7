"""Drawing a computation graph: values, ops, and the local derivative on every edge.

``draw(root)`` returns a ``graphviz.Digraph`` (DOT text, displayed inline in
Jupyter); ``render(root, "graph.svg")`` writes SVG, PNG or DOT; ``to_svg``
turns a drawing into SVG text. Rendering goes through the dot executable that
``viz.find_dot`` finds, so ``pip install chaingrad`` alone is enough.

The picture, for ``y = softplus(x*w + b)``::

    [w | data | grad] --input = 0.5--> (x) --> [...] --1--> (+) --> [...] --sigmoid(...) = 0.8--> (softplus) --> [y]

One box per value (label, data, grad), one small oval per operation, and on
each edge input -> op the local derivative d(op output)/d(input), the number
the chain rule multiplies along that edge.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import graphviz

from engine import Value, topological_order
from viz.dotexe import DotNotFoundError, run_dot
from viz.formulas import Namer, Symbol, edge_formula, formula_text, node_name
from viz.text import fmt, html_escape

__all__ = [
    "draw",
    "render",
    "to_svg",
    "to_png",
    "ChainGraph",
    "GraphTooLargeError",
    "DEFAULT_MAX_NODES",
    "FORMATS",
    "PARAM_LABEL",
]

#: Drawings with more value nodes than this raise ``GraphTooLargeError`` (``max_nodes=`` to change).
DEFAULT_MAX_NODES = 200

#: Without ``params=``, leaves labelled like this are drawn as parameters: the articles' names
#: (``w1`` ... ``b3``) and nn's (a neuron's ``w1``, ``w2`` and bias ``b``; in a layer or network
#: the same behind a dotted path, ``L1.n2.w1``, ``L2.n1.b``). A ``w`` without digits stays an input.
PARAM_LABEL = re.compile(r"(?:\w+\.)*(?:w\d+|b\d*)")

#: File types ``render`` writes, by suffix.
FORMATS = ("svg", "png", "dot")

FONT = "Helvetica"
NODE_FONT_SIZE = 13
CELL_PADDING = 3
# Inches between boxes in one rank and between ranks: tight, so that a network of a dozen
# values fits a slide's width at a readable size (the edge labels keep their own room).
NODESEP = "0.2"
RANKSEP = "0.25"


class GraphTooLargeError(ValueError):
    """The graph has more value nodes than ``max_nodes``; the message says how to raise the limit."""


@dataclass(frozen=True)
class _Style:
    name: str  # as shown in the legend
    fill: str
    border: str


# Colours chosen to stay distinct when printed and for the common colour-vision deficiencies:
# hue and lightness both differ between kinds.
STYLES: dict[str, _Style] = {
    "param": _Style("parameter", "#FFE3A3", "#B7791F"),
    "leaf": _Style("input", "#D6E8FF", "#2B6CB0"),
    "const": _Style("constant", "#EDEDED", "#8A8A8A"),
    "interior": _Style("intermediate", "#FFFFFF", "#5A5A5A"),
    "root": _Style("output (root)", "#CDEFD6", "#2F855A"),
}
OP_FILL, OP_BORDER = "#F3F3F3", "#9A9A9A"
EDGE_COLOUR = "#6B6B6B"
GRAD_COLOUR = "#0B7285"  # grads in teal: apart from data at a glance, and from the red highlight
HIGHLIGHT = "#D62728"
FOCUS = "#5B3CC4"
RECEIVER_WIDTH = 4  # points: the outline of the box whose grad a backward step changes


class ChainGraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` that renders through the dot executable chaingrad finds.

    Jupyter displays it inline (``_repr_mimebundle_`` calls ``pipe``), and
    ``pipe(format="svg")`` works even when no ``dot`` is on ``PATH`` but
    ``graphviz-pure`` is installed.
    """

    def pipe(  # type: ignore[override]
        self,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        *,
        engine: str | None = None,
        encoding: str | None = None,
    ) -> bytes | str:
        """The drawing rendered as ``format`` (default: this graph's format) by the found dot."""
        if renderer or formatter or neato_no_op or (engine not in (None, "dot")):
            raise ValueError("ChainGraph.pipe: only format= and encoding= are supported")
        out = run_dot(self.source, format or self.format)
        return out.decode(encoding) if encoding else out

    def render(  # type: ignore[override]
        self,
        filename: str | Path | None = None,
        directory: str | Path | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        *,
        outfile: str | Path | None = None,
        **unsupported,
    ) -> str:
        """graphviz's ``render``, through the found dot: saves the DOT source, writes the image.

        ``g.render("graph", format="png")`` writes ``graph`` (DOT) and ``graph.png``;
        ``g.render(outfile="graph.svg")`` writes ``graph.gv`` and ``graph.svg``.
        Returns the image's path. (``viz.render(root, path)`` writes just the image.)
        """
        if view or unsupported:
            extra = ", ".join(sorted(unsupported)) or "view"
            raise ValueError(f"ChainGraph.render: {extra} is not supported; use viz.render(root, path)")
        if outfile is not None:
            out = Path(outfile)
            fmt_name = format or out.suffix.lstrip(".")
            source_path = Path(filename) if filename is not None else out.with_suffix(".gv")
        else:
            source_path = Path(filename if filename is not None else self.filename)
            fmt_name = format or self.format
            out = source_path.with_name(f"{source_path.name}.{fmt_name}")
        if directory is not None:
            source_path, out = Path(directory) / source_path, Path(directory) / out
        _write(source_path, self.source.encode("utf-8"))
        _write(out, run_dot(self.source, fmt_name))
        if cleanup:
            source_path.unlink()
        return str(out)


def to_svg(digraph: graphviz.Digraph | graphviz.Source | str) -> str:
    """SVG text of a drawing (or of DOT source text), rendered by the found dot executable."""
    return run_dot(_source(digraph, "to_svg"), "svg").decode("utf-8")


def to_png(digraph: graphviz.Digraph | graphviz.Source | str) -> bytes:
    """PNG bytes of a drawing (or of DOT source text), rendered by the found dot executable."""
    return run_dot(_source(digraph, "to_png"), "png")


def _source(digraph: object, where: str = "viz") -> str:
    if isinstance(digraph, str):
        if digraph.lstrip().startswith("<"):
            # SVG (or other XML) is already a rendered picture: dot would report a syntax error.
            kind = "SVG" if "<svg" in digraph[:2000] else "XML/HTML"
            raise ValueError(
                f"{where}: got {kind} text; it takes DOT source (digraph {{ ... }}) or the "
                "graphviz.Digraph that viz.draw returns (to_svg(draw(root)), to_png(draw(root)))"
            )
        return digraph
    source = getattr(digraph, "source", None)
    if not isinstance(source, str):
        raise TypeError(
            f"{where}: expected a graphviz.Digraph (from viz.draw) or DOT text, got {type(digraph).__name__}"
        )
    return source


# ---------------------------------------------------------------------- drawing


def draw(
    root: Value,
    *,
    highlight: Value | str | None = None,
    show_grads: bool = True,
    precision: int = 3,
    rankdir: str = "LR",
    grads: Mapping[Value, float | None] | None = None,
    focus: Value | None = None,
    focus_edge: tuple[Value, int] | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
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
    - ``show_grads=False`` shows ``?`` instead of each grad (an exercise sheet);
      ``grads`` overrides the grad shown per node (``None`` leaves the cell blank;
      with ``grads`` every grad cell keeps room for a number, so that frames
      drawn with different grads keep one layout);
      ``focus`` emphasises one node and its input edges (both used by the replay).
    - ``focus_edge=(consumer, i)``: one step of backward, ``inputs[i].grad +=
      consumer.grad x local_grads[i]``: the consumer's box and op, the edge
      ``consumer.inputs[i]`` -> op (whose local derivative the step uses) and
      the op's edge into the consumer are emphasised, the other input edges are
      not, and the receiving box (``consumer.inputs[i]``, whose grad the step
      changes) is outlined in the grads' colour. Not together with ``focus``.
    - ``params``: leaves to colour as parameters (e.g. ``model.parameters()``);
      other user leaves are inputs, numbers met by an operator are constants.
      Without ``params``, a leaf is a parameter when its label is ``w`` followed by digits
      or ``b`` with or without digits, optionally behind a dotted path (``w1``, ``b3``,
      ``b``, ``L1.n2.w1``: ``PARAM_LABEL``, the names of the articles and of nn), the rule
      ``python -m viz`` follows too; ``params=[]`` makes every leaf an input.
    - ``names``: a mapping Value -> the name to show instead of its label, in its
      box, in the edge formulas and in the caption (``engine.replay.node_names``
      gives ``x1[1]``, ``x1[2]`` ... where a network run on several data points
      repeats a label). ``highlight="x1[2]"`` then finds the node by that name.
      Constants keep showing their number.
    - ``compact=True``: no op ovals; each computed value's box shows its op in a
      grey cell beside its name, and each edge goes straight from an input to
      the value it makes, labelled with d(value)/d(input). Half as many ranks,
      so a network fits a slide (``python -m viz --compact``). ``focus_edge``
      then emphasises the edge input -> consumer.
    - ``precision``: significant digits; ``rankdir``: ``"LR"`` or ``"TB"`` (or ``"RL"``/``"BT"``).
    - More than ``max_nodes`` values raises ``GraphTooLargeError``.

    Node ids are topological indices (``n0`` ... root last) and op nodes ``op<k>`` (none when ``compact``),
    so the same graph always gives the same DOT text.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw: root must be an engine Value, got {type(root).__name__}")
    _check_int("precision", precision, 1, 17)
    _check_int("max_nodes", max_nodes, 1, None)
    if not isinstance(compact, bool):
        raise TypeError(f"draw: compact must be True or False, got {compact!r}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"draw: rankdir must be 'LR', 'TB', 'RL' or 'BT', got {rankdir!r}")
    _check_size(root, max_nodes)

    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    if params is not None:
        params_set = set(params)
    else:  # the naming conventions of the articles (w1 ... b3) and of nn (w1, b, L1.n2.w1)
        params_set = {n for n in order if n.is_leaf and not n.is_constant and n.label is not None
                      and PARAM_LABEL.fullmatch(n.label)}
    for p in params_set:
        if not isinstance(p, Value):
            raise TypeError(f"draw: params must hold Values, got {type(p).__name__}")
    if grads is not None and not isinstance(grads, Mapping):
        raise TypeError(f"draw: grads must be a mapping Value -> float | None, got {type(grads).__name__}")
    shown_name = _shown_names(order, names)
    target = _resolve(highlight, order, index, shown_name, "highlight")
    if focus is not None and (not isinstance(focus, Value) or focus not in index):
        raise ValueError("draw: focus must be a node of the graph being drawn")
    focus_input: int | None = None  # with focus_edge: the one emphasised input edge
    receiver: Value | None = None  # with focus_edge: the box whose grad the step changes
    if focus_edge is not None:
        if focus is not None:
            raise ValueError("draw: give focus or focus_edge, not both")
        focus, focus_input = _check_focus_edge(focus_edge, index, shown_name)
        receiver = focus.inputs[focus_input]

    on_path = _on_paths(order, target) if target is not None else set()
    name = _ShownNamer(precision, shown_name)

    g = ChainGraph(name="chaingrad", format="svg")
    g.attr(rankdir=rankdir, fontname=FONT, bgcolor="white", nodesep=NODESEP, ranksep=RANKSEP)
    g.attr("node", fontname=FONT, fontsize=str(NODE_FONT_SIZE))
    g.attr("edge", fontname=FONT, fontsize="11", color=EDGE_COLOUR, arrowsize="0.7")

    grad_width = _number_width(precision) if grads is not None and show_grads else None
    kinds_seen: list[str] = []
    for i, node in enumerate(order):
        kind = _kind(node, root, params_set)
        if kind not in kinds_seen:
            kinds_seen.append(kind)
        shown = _grad_text(node, grads, show_grads, precision)
        g.node(
            f"n{i}",
            label=_value_label(node, shown_name.get(node), kind, shown, precision,
                               node in on_path, grad_width,
                               op=_op_text(node.op) if compact and node.inputs else None),
            # The focus is outlined around the box, which keeps its size: frames that
            # focus one node after another keep one layout.
            **(outline_attrs(FOCUS, 3) if node is focus
               else outline_attrs(GRAD_COLOUR, RECEIVER_WIDTH) if node is receiver
               else {"shape": "plain"}),
        )
        if node.inputs:
            # Without compact, an op oval sits between the inputs and the value; with it,
            # the op is in the value's box and each input's edge goes straight to the value.
            into = f"n{i}" if compact else f"op{i}"
            if not compact:
                op_attrs = dict(
                    shape="ellipse",
                    style="filled",
                    fillcolor=OP_FILL,
                    color=OP_BORDER,
                    fontsize="12",
                    height="0.3",
                    margin="0.05,0.02",
                )
                if node is focus:
                    op_attrs.update(color=FOCUS, penwidth="2.5")
                elif node in on_path:
                    op_attrs.update(color=HIGHLIGHT, penwidth="2")
                g.node(into, label=f"<{html_escape(_op_text(node.op))}>", **op_attrs)
            for k, (inp, local) in enumerate(zip(node.inputs, node.local_grads)):
                formula = formula_text(edge_formula(node, k, name), precision) if formulas else None
                # Where two or more edges meet one op, their labels sit side by side:
                # decorate ties each label to its own edge with a line.
                decorate = {"decorate": "true"} if len(node.inputs) > 1 else {}
                g.edge(
                    f"n{index[inp]}",
                    into,
                    # compact: "= number" under its formula, a narrower label and so a narrower rank.
                    label=_edge_label(formula, local, precision, two_lines=compact),
                    **decorate,
                    **_edge_emphasis(inp in on_path,
                                     node is focus and focus_input in (None, k)),
                )
            if not compact:
                g.edge(into, f"n{i}", **_edge_emphasis(node in on_path, node is focus))

    caption = _caption(root, target, order, on_path, kinds_seen, name, legend, title,
                       show_grads, precision)
    if caption:
        # With a title the caption goes on top, where a title belongs; else it sits below.
        g.attr(label=caption, labelloc="t" if title is not None else "b", labeljust="c", fontsize="12")
    return g


def _check_focus_edge(
    focus_edge: object, index: Mapping[Value, int], shown: Mapping[Value, str]
) -> tuple[Value, int]:
    """``(consumer, i)`` checked: a node of the graph and one of its input positions."""
    if not (isinstance(focus_edge, tuple) and len(focus_edge) == 2):
        raise TypeError(f"draw: focus_edge must be a pair (consumer, input index), got {focus_edge!r}")
    consumer, i = focus_edge
    if not isinstance(consumer, Value) or consumer not in index:
        raise ValueError("draw: focus_edge's consumer must be a node of the graph being drawn")
    n = len(consumer.inputs)
    if n == 0:  # no index can be right: say why rather than quote an empty range
        if consumer in shown:
            what = repr(shown[consumer])
        elif consumer.is_constant:
            what = f"(the constant {fmt(consumer.data)})"
        else:
            what = f"(the unnamed leaf holding {fmt(consumer.data)})"
        raise ValueError(f"draw: focus_edge: the consumer {what} is a leaf: it has no input edges")
    if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < n:
        raise ValueError(
            f"draw: focus_edge's input index must be an int in 0..{n - 1} "
            f"(the consumer has {n} inputs), got {i!r}"
        )
    return consumer, i


def _check_int(what: str, value: object, low: int, high: int | None) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < low or (
        high is not None and value > high
    ):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ValueError(f"draw: {what} must be an int {bound}, got {value!r}")


def _check_size(root: Value, max_nodes: int) -> None:
    """Count the value nodes (without recursion) and refuse more than ``max_nodes``."""
    seen = {root}
    stack = [root]
    while stack:
        for inp in stack.pop().inputs:
            if inp not in seen:
                seen.add(inp)
                stack.append(inp)
    if len(seen) > max_nodes:
        raise GraphTooLargeError(
            f"draw: the graph has {len(seen)} value nodes, more than max_nodes={max_nodes}; "
            f"Graphviz would take long and the picture would be unreadable. "
            f"Pass max_nodes={len(seen)} (or --max-nodes {len(seen)} on the command line) "
            f"to draw it anyway, or draw a smaller part of the graph"
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


class _ShownNamer(Namer):
    """Formulas that call each node by its shown name (``sigmoid(x1[2])``), else as ``Namer`` does."""

    def __init__(self, precision: int, shown: Mapping[Value, str]) -> None:
        super().__init__(precision)
        self._shown = shown

    def _name(self, node: Value, depth: int) -> Symbol | None:
        if node in self._shown:
            return Symbol(self._shown[node], True)
        return super()._name(node, depth)


def _resolve(node: Value | str | None, order, index, shown: Mapping[Value, str],
             what: str) -> Value | None:
    """A node given as a Value or as its shown name (its label), checked to be in the graph."""
    if node is None:
        return None
    if isinstance(node, Value):
        if node not in index:
            raise ValueError(f"draw: the {what} node {node!r} is not in the graph being drawn")
        return node
    if isinstance(node, str):
        matches = [n for n in order if shown.get(n) == node]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            labels = sorted(set(shown.values()))
            raise ValueError(
                f"draw: no node labelled {node!r} to {what}; labels in the graph: "
                + (", ".join(labels) if labels else "(none)")
            )
        raise ValueError(
            f"draw: {len(matches)} nodes are labelled {node!r}; pass the Value itself to {what}"
        )
    raise TypeError(f"draw: {what} must be a Value or a label, got {type(node).__name__}")


def _on_paths(order: list[Value], target: Value) -> set:
    """Nodes on some path from ``target`` up to the root: ``target`` and all that depend on it."""
    reached = {target}
    for node in order:  # inputs come before their consumers
        if any(inp in reached for inp in node.inputs):
            reached.add(node)
    return reached


def path_sum(order: list[Value], target: Value):
    """(number of paths, sum over paths of the product of local derivatives) from ``target`` to the root.

    Forward accumulation along the topological order: d(node)/d(target) =
    sum over the node's inputs of local_grad x d(input)/d(target), which sums
    the path products without listing the paths.
    """
    deriv = {target: 1.0}
    count = {target: 1}
    for node in order:
        if node is target:
            continue
        d, c = 0.0, 0
        for inp, local in zip(node.inputs, node.local_grads):
            if inp in deriv:
                d += local * deriv[inp]
                c += count[inp]
        if c:
            deriv[node], count[node] = d, c
    root = order[-1]
    return count.get(root, 0), deriv.get(root, 0.0)


def _kind(node: Value, root: Value, params: set) -> str:
    if node is root:
        return "root"
    if node.is_constant:
        return "const"
    if not node.inputs:
        return "param" if node in params else "leaf"
    return "interior"


def _op_text(op: str) -> str:
    """How an op is shown in its oval: ``*`` as ``×``, ``**2`` as ``^2``."""
    if op == "*":
        return "×"
    if op == "/":
        return "÷"
    if op.startswith("**"):
        return "^" + op[2:] if op != "**" else "^"
    return op


def _grad_text(node: Value, grads, show_grads: bool, precision: int) -> str:
    if not show_grads:
        return "?"
    if grads is not None and node in grads:
        g = grads[node]
        if g is None:
            return ""
        if isinstance(g, bool) or not isinstance(g, (int, float)):
            raise TypeError(f"draw: grads values must be numbers or None, got {type(g).__name__}")
        return fmt(float(g), precision)
    return fmt(node.grad, precision)


def _number_width(precision: int) -> int:
    """Points a grad cell needs for a number such as ``-0.523`` (``precision`` digits, sign, point).

    From Helvetica's advance widths in ems (digit 0.556, minus 0.333, point 0.278)
    at the node font size, plus the cell's padding on both sides and a point of slack.
    Numbers of that length or shorter (and a blank) then leave the box's width alone.
    """
    ems = 0.556 * (precision + 1) + 0.333 + 0.278
    return math.ceil(ems * NODE_FONT_SIZE) + 2 * CELL_PADDING + 1


def _value_label(node: Value, name: str | None, kind: str, grad: str, precision: int,
                 on_path: bool = False, grad_width: int | None = None,
                 op: str | None = None) -> str:
    style = STYLES[kind]
    colour, width = (HIGHLIGHT, 2) if on_path else (style.border, 1)
    table = (
        f'<table border="{width}" cellborder="0" cellspacing="0" cellpadding="{CELL_PADDING}" '
        f'color="{colour}" bgcolor="{style.fill}" style="rounded">'
    )
    data = html_escape(fmt(node.data, precision))
    if kind == "const":  # a plain number: its value is all there is to show
        return f"<{table}<tr><td>{data}</td></tr></table>>"
    rows = []
    # compact: the op in a grey cell on the left of the header, where the input edges arrive.
    op_cell = (f'<td bgcolor="{OP_FILL}" style="rounded">{html_escape(op)}</td>'
               if op is not None else "")
    if name is not None and op is not None:
        rows.append(f'<tr>{op_cell}<td><b>{html_escape(name)}</b></td></tr><hr/>')
    elif name is not None:
        rows.append(f'<tr><td colspan="2"><b>{html_escape(name)}</b></td></tr><hr/>')
    elif op is not None:
        rows.append(f'<tr><td colspan="2" bgcolor="{OP_FILL}" style="rounded">{html_escape(op)}</td></tr><hr/>')
    rows.append(f'<tr><td align="left">data</td><td align="right">{data}</td></tr>')
    grad_cell = html_escape(grad) if grad else " "
    fixed = f' width="{grad_width}"' if grad_width is not None else ""
    rows.append(
        f'<tr><td align="left"><font color="{GRAD_COLOUR}">grad</font></td>'
        f'<td align="right"{fixed}><font color="{GRAD_COLOUR}">{grad_cell}</font></td></tr>'
    )
    return f"<{table}{''.join(rows)}</table>>"


def _edge_label(formula: str | None, local: float, precision: int, two_lines: bool = False) -> str:
    number = html_escape(fmt(local, precision))
    if formula is None or formula == fmt(local, precision):
        return f"<<b>{number}</b>>"
    return f"<{html_escape(formula)}{'<br/>' if two_lines else ' '}= <b>{number}</b>>"


def outline_attrs(colour: str, width: float) -> dict[str, str]:
    """Node attributes that draw a value box's outline in ``colour``, ``width`` points thick.

    The outline is the node's own shape, drawn around the box's table at its
    exact size (no margin): unlike a thicker table border it leaves the box's
    size, and so the layout, as it is; a frame can emphasise any box without
    moving the others.
    """
    return dict(shape="box", style="rounded", color=colour, penwidth=str(width),
                margin="0", width="0", height="0")


def _edge_emphasis(on_path: bool, focused: bool) -> dict:
    if focused:
        return dict(color=FOCUS, penwidth="2.6", fontcolor=FOCUS)
    if on_path:
        return dict(color=HIGHLIGHT, penwidth="2.2", fontcolor=HIGHLIGHT)
    return {}


def _caption(root, target, order, on_path, kinds, name, legend, title, show_grads, precision):
    rows = []
    if title is not None:
        rows.append(f'<tr><td colspan="20"><font point-size="15"><b>{html_escape(title)}</b></font></td></tr>')
    if target is not None:
        n_paths, total = path_sum(order, target)
        t, r = node_name(target, name, order), node_name(root, name, order)
        paths = "1 red path" if n_paths == 1 else f"the {n_paths} red paths"
        claim = (
            f"d{r}/d{t} = sum over {paths} from {t} to {r} "
            f"of the product of the local derivatives on its edges"
        )
        if show_grads:
            claim += f" = {fmt(total, precision)} = the grad of {t}"
        else:
            claim += f" = the grad of {t}"
        rows.append(
            f'<tr><td colspan="20"><font color="{HIGHLIGHT}">{html_escape(claim)}</font></td></tr>'
        )
    if legend:
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
        rows.append(
            '<tr><td colspan="20">'
            "edge numbers: local derivative d(output)/d(input) of each step; "
            f'<font color="{GRAD_COLOUR}">grad</font>: d{html_escape(node_name(root, name, order))}/d(node)'
            "</td></tr>"
        )
    if not rows:
        return None
    return f'<<table border="0" cellspacing="4" cellpadding="3">{"".join(rows)}</table>>'


# ---------------------------------------------------------------------- files


def render(
    root: Value | graphviz.Digraph,
    path: str | Path,
    *,
    format: str | None = None,
    **draw_options,
) -> Path:
    """Draw ``root`` (or take an already drawn ``Digraph``) and write it to ``path``.

    The file type comes from the suffix (``.svg``, ``.png`` or ``.dot``) unless
    ``format`` names one. SVG and PNG go through the found dot executable; if
    none is found, the DOT source is written beside ``path`` (suffix ``.dot``)
    and ``DotNotFoundError`` says where and how to install dot.
    Returns the path written.
    """
    path = Path(path)
    fmt_name = (format or path.suffix.lstrip(".")).lower()
    if fmt_name not in FORMATS:
        what = f"format {format!r}" if format else (
            f"suffix {path.suffix!r}" if path.suffix else "no suffix"
        )
        raise ValueError(
            f"render: cannot tell what to write for {str(path)!r} ({what}); "
            "use a .svg, .png or .dot file name, or pass format='svg' / 'png' / 'dot'"
        )
    if isinstance(root, (graphviz.Digraph, graphviz.Source)):
        if draw_options:
            raise TypeError("render: drawing options apply to a Value, not to an already drawn graph")
        source = root.source
    else:
        source = draw(root, **draw_options).source
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"render: cannot write {str(path)!r}: the directory {str(path.parent)!r} does not exist"
        )
    if fmt_name == "dot":
        _write(path, source.encode("utf-8"))
        return path
    try:
        data = run_dot(source, fmt_name)
    except DotNotFoundError as err:
        dot_path = path.with_suffix(".dot")
        _write(dot_path, source.encode("utf-8"))
        raise DotNotFoundError(
            f"{err}. The DOT source was written to {str(dot_path)!r}; "
            f"once dot is installed: dot -T{fmt_name} {dot_path} -o {path}"
        ) from None
    _write(path, data)
    return path


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as err:
        raise type(err)(f"render: cannot write {str(path)!r}: {err.strerror or err}") from None
