"""What ``draw``'s options resolve to against one graph: the ``Drawing`` that ``to_dot`` writes.

``resolve(root, options)`` walks the graph once and returns a ``Drawing``: the graph in
topological order, each node's shown name (``names=`` or its label), the parameters
(``params=``, else ``viz.graph.options.PARAM_LABEL``), the highlighted node and its paths
up to the root. What only the graph can say is checked here, in ``draw``'s words: a graph
too large to lay out quickly (``GraphTooLargeError``, before dot starts), a ``highlight``
that names no node, ``params`` or ``names`` holding something else. A replay frame adds its
``Marks`` (``viz.graph.draw.draw_frame``, ``viz.replay.frames``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from engine import Value
from engine.graph import find_node, nodes_on_paths, topological_order
from viz.chainrule.formulas import Namer
from viz.checks import check_names, check_param_values
from viz.graph.layout import check_fits
from viz.graph.options import DrawOptions, labelled_params
from viz.graph.style import SCREEN, SLIDE, Look

__all__ = ["Drawing", "Marks", "resolve"]


@dataclass(frozen=True)
class Marks:
    """What a replay frame adds to a drawing (``viz.graph.draw.draw_frame`` checks and makes them).

    ``grads``: the grad shown per node instead of ``node.grad`` (None = a blank
    cell; every grad cell then keeps room for a number, so that frames drawn
    with different grads keep one layout); ``focus``: the node whose box, op and
    input edges are emphasised, only its input ``focus_input`` when given;
    ``receiver``: the box outlined in the grads' colour (whose grad the step changes);
    ``title_width``: points, the title's fixed width (the longest of a replay's titles).
    """

    grads: Mapping[Value, float | None] | None = None
    focus: Value | None = None
    focus_input: int | None = None
    receiver: Value | None = None
    title_width: int | None = None


@dataclass(frozen=True)
class Drawing:
    """One drawing's context: the graph in topological order and what ``draw``'s options resolve to.

    ``shown`` is each node's shown name (``names=`` or its label); ``target`` the
    highlighted node and ``on_path`` the nodes on its paths up to ``root``;
    ``namer`` names nodes in the edge formulas; ``options`` are the options as given;
    ``faded`` the nodes of the graph drawn faded (``fade=``).
    """

    root: Value
    order: list[Value]
    index: dict[Value, int]  # each node's position in order: its box is n<i>, its op op<i>
    shown: dict[Value, str]
    params: set[Value]
    target: Value | None
    on_path: set[Value]
    namer: Namer
    options: DrawOptions
    marks: Marks = field(default_factory=Marks)
    forward: frozenset[Value] = frozenset()  # the forward graph's computed nodes a gradient's graph reads
    faded: frozenset[Value] = frozenset()

    @property
    def compact(self) -> bool:
        """Ops inside the boxes: ``compact=True``, or a slide (whose boxes are always compact)."""
        return self.options.compact or self.options.slide

    @property
    def look(self) -> Look:
        """The fonts and spacing: a slide's, or the screen's."""
        return SLIDE if self.options.slide else SCREEN

    def framed(self, title: str, marks: Marks) -> Drawing:
        """The same drawing with another title and a replay frame's marks."""
        return replace(self, options=replace(self.options, title=title), marks=marks)


def resolve(root: Value, options: DrawOptions) -> Drawing:
    """``options`` (checked by ``viz.checks.check_options``) resolved against ``root``'s graph."""
    order = topological_order(root)
    check_fits(order, options.max_nodes, options.max_layout, options.compact or options.slide)
    params = check_param_values(labelled_params(order) if options.params is None else options.params, "draw")
    faded = set() if options.fade is None else check_param_values(options.fade, "draw", "fade")
    index = {node: i for i, node in enumerate(order)}
    shown = _shown_names(order, options.names)
    # By its shown name (names= or its label); messages say "labelled", as draw's docs do.
    target = None if options.highlight is None else find_node(
        root, options.highlight, "draw", "highlight", names=shown, order=order, says="labelled")
    return Drawing(
        root, order, index, shown, params, target,
        on_path=set(nodes_on_paths(root, target, order=order)) if target is not None else set(),
        namer=Namer(options.precision, names=shown),
        options=options,
        forward=frozenset() if options.forward is None else _read_forward(order, options.forward),
        faded=frozenset(faded & set(order)),  # a node of another graph fades nothing here
    )


def _read_forward(order: list[Value], forward: Value) -> frozenset[Value]:
    """The computed nodes of ``forward``'s graph that are in the drawing (its leaves keep their own colours)."""
    drawn = set(order)
    return frozenset(n for n in topological_order(forward, include_leaves=False) if n in drawn)


def _shown_names(order: list[Value], names: Mapping[Value, str] | None) -> dict[Value, str]:
    """Each node's shown name: ``names[node]`` where given (not for constants; None for no name), else its label."""
    given = {} if names is None else check_names(names, order, "draw")
    shown: dict[Value, str] = {}
    for node in order:
        name = given[node] if node in given else node.label
        if name is not None:
            shown[node] = name
    return shown
