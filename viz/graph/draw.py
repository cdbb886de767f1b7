"""``draw(root)``: a computation graph as a ``graphviz.Digraph``, and ``draw_frame``, a replay frame's drawing.

``draw`` checks and resolves its options (``viz.graph.resolve``) and writes the DOT
text (``viz.graph.dot_source``); the ``ChainGraph`` it returns displays inline in
Jupyter, and ``viz.render`` writes it to SVG, PNG or DOT (``render(root, "graph.svg")``).
``draw_frame`` draws the same with what one step of backward shows on top (the grads
known so far, the edge the step uses), for the replay's frames and the explorer page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from engine import Value
from viz.checks import check_focus, check_focus_edge, check_frame_grads, check_root
from viz.graph.chaingraph import ChainGraph
from viz.graph.dot_source import to_dot
from viz.graph.options import DrawOptions
from viz.graph.resolve import Marks, resolve
from viz.keywords import keyword_options, read_options

__all__ = ["draw", "draw_frame"]


@keyword_options(DrawOptions)
def draw(root: Value, **options: Any) -> ChainGraph:
    """The computation graph below ``root`` as a ``graphviz.Digraph``.

    - One box per value: its label (if any), ``data`` and ``grad`` (= d root / d node).
    - One oval per operation, and on every edge input -> op the local derivative
      d(op output)/d(input) from ``node.local_grads``, with its formula when
      ``formulas`` (``sigmoid(x1) = 0.8``). A reused input has one edge per use.
      Each label sits beside its own edge, a margin of white around its text
      keeping it off the edge's line and off the arrows.
    - ``highlight``: a node (or its label): the edges on the paths from it up to
      ``root`` are drawn in red, and the caption states that the sum over those
      paths of the product of their local derivatives is its grad.
    - ``show_grads=False`` shows ``?`` instead of each grad (an exercise sheet).
    - ``params``: leaves to colour as parameters (e.g. ``model.parameters()``);
      other user leaves are inputs, numbers met by an operator are constants.
      Without ``params``, a leaf is a parameter when its label is ``w`` followed by digits
      or ``b`` with or without digits, optionally behind a dotted path (``w1``, ``b3``,
      ``b``, ``L1.n2.w1``: ``viz.graph.options.PARAM_LABEL``, the names of the articles and of nn), the rule
      ``python -m viz`` follows too; ``params=[]`` makes every leaf an input.
    - ``names``: a mapping Value -> the name to show instead of its label, in its
      box, in the edge formulas and in the caption (``viz.chainrule.names.node_names``
      gives ``x1[1]``, ``x1[2]`` ... where a network run on several data points
      repeats a label). ``highlight="x1[2]"`` then finds the node by that name.
      Constants keep showing their number. An unlabelled node's position name
      (``-#19``) marks its box only: formulas write its expression in the names
      shown (``2·(observed[1] - predicted[1])``), or the position name where that is too long.
    - ``compact=True``: no op ovals; each computed value's box shows its op in a
      grey cell beside its name, and each edge goes straight from an input to
      the value it makes, labelled with d(value)/d(input). Half as many ranks,
      so a network fits a slide (``python -m viz --compact``).
    - ``forward``: the forward graph's output (a loss) when ``root`` is a gradient made by
      ``engine.grad(loss, ..., create_graph=True)``: the computed nodes of the forward pass
      that the gradient reads are drawn in their own colour ("forward pass"), apart from
      the nodes the backward pass made.
    - ``slide=True``: a drawing for a 16:9 slide (``--slide``): compact, every text in 14
      points (the title 18), boxes that show their data above their grad without the
      words ``data`` and ``grad``, and a page padded to 16:9 when rendered. The articles'
      one-point network then reads at 14 points on a 1280-pixel-wide slide.
    - ``fade``: nodes drawn faded, as small grey boxes without text, their edges thin and
      unlabelled (the other data points of a loss, to show one in full on a slide).
    - ``precision``: significant digits; ``rankdir``: ``"LR"`` or ``"TB"`` (or ``"RL"``/``"BT"``).
    - ``title``: a line above the drawing; ``legend=False`` leaves out the key of colours.
    - More than ``max_nodes`` values, or a layout of more than ``max_layout`` pieces
      (``viz.graph.layout.layout_size``: boxes, ops, edges and the ranks long edges cross,
      what Graphviz's time grows with), raises ``GraphTooLargeError`` before dot
      starts, saying what to draw instead. A box shows at most ``viz.graph.layout.MAX_NAME``
      characters of a name, an edge at most ``MAX_FORMULA`` of a formula (else the number alone).

    Node ids are topological indices (``n0`` ... root last) and op nodes ``op<k>`` (none when ``compact``),
    so the same graph always gives the same DOT text.
    """
    check_root(root, "draw")
    return to_dot(resolve(root, read_options(DrawOptions, options, "draw")))


@keyword_options(DrawOptions)
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
    check_root(root, "draw")
    d = resolve(root, read_options(DrawOptions, draw_options, "draw"))
    check_frame_grads(grads, "draw")
    marks = Marks(grads, check_focus(focus, d.index, "draw"))
    if focus_edge is not None:
        if focus is not None:
            raise ValueError("draw: give focus or focus_edge, not both")
        consumer, i = check_focus_edge(focus_edge, d.index, d.shown, "draw")
        marks = Marks(grads, consumer, focus_input=i, receiver=consumer.inputs[i])
    return to_dot(replace(d, marks=marks))
