"""``draw(root)``: a computation graph as a ``graphviz.Digraph``, and ``draw_frame``, a replay frame's drawing.

``draw`` checks and resolves its options (``viz.graph.resolve``) and writes the DOT
text (``viz.graph.dot_source``); the ``ChainGraph`` it returns displays inline in
Jupyter, and ``viz.render`` writes it to SVG, PNG or DOT (``render(root, "graph.svg")``).
``draw_frame`` draws the same with what one step of backward shows on top (the grads
known so far, the edge the step uses), for the replay's frames and the explorer page.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import Any

from engine import Value
from viz.chainrule.numbers import fmt
from viz.graph.chaingraph import ChainGraph
from viz.graph.dot_source import to_dot
from viz.graph.layout import DEFAULT_MAX_LAYOUT
from viz.graph.resolve import DEFAULT_MAX_NODES, Marks, drawing

__all__ = ["draw", "draw_frame"]


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
      ``b``, ``L1.n2.w1``: ``viz.drawing.PARAM_LABEL``, the names of the articles and of nn), the rule
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


def draw_frame(
    root: Value,
    *,
    grads: Mapping[Value, float | None] | None = None,
    focus: Value | None = None,
    focus_edge: tuple[Value, int] | None = None,
    **draw_options: Any,
) -> ChainGraph:
    """``viz.draw(root, **draw_options)`` with what a replay frame shows on top of it.

    - ``grads`` overrides the grad shown per node (``None`` leaves the cell blank;
      with ``grads`` every grad cell keeps room for a number, so that frames
      drawn with different grads keep one layout).
    - ``focus`` emphasises one node: its box, its op and its input edges.
    - ``focus_edge=(consumer, i)``: one step of backward, ``inputs[i].grad +=
      consumer.grad x local_grads[i]``: the consumer's box and op, the edge
      ``consumer.inputs[i]`` -> op (whose local derivative the step uses) and
      the op's edge into the consumer are emphasised, the other input edges are
      not, and the receiving box (``consumer.inputs[i]``, whose grad the step
      changes) is outlined in the grads' colour. Not together with ``focus``.
      With ``compact`` the emphasised edge is the one input -> consumer.
    """
    d = drawing(root, **draw_options)
    if grads is not None and not isinstance(grads, Mapping):
        raise TypeError(f"draw: grads must be a mapping Value -> float | None, got {type(grads).__name__}")
    if focus is not None and (not isinstance(focus, Value) or focus not in d.index):
        raise ValueError("draw: focus must be a node of the graph being drawn")
    marks = Marks(grads, focus)
    if focus_edge is not None:
        if focus is not None:
            raise ValueError("draw: give focus or focus_edge, not both")
        consumer, i = _check_focus_edge(focus_edge, d.index, d.shown)
        marks = Marks(grads, consumer, focus_input=i, receiver=consumer.inputs[i])
    return to_dot(replace(d, marks=marks))


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
