"""What ``draw``'s options resolve to: one drawing's context, checked before anything is drawn.

``drawing(root, ...)`` takes ``draw``'s arguments, checks them (messages name ``draw``) and
returns a ``Drawing``: the graph in topological order, each node's shown name
(``names=`` or its label), the parameters (``params=``, else ``PARAM_LABEL``), the
highlighted node and its paths up to the root. A graph too large to lay out quickly
raises ``GraphTooLargeError`` here, before dot starts. ``viz.draw.to_dot`` writes a
``Drawing`` as DOT; ``viz.frames`` adds a replay frame's ``Marks`` to one.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from engine import Value
from engine.checks import check_bool, check_int, check_str
from engine.graph import find_node, nodes_on_paths, topological_order
from viz.chainrule.formulas import Namer
from viz.checks import check_root
from viz.graph.layout import DEFAULT_MAX_LAYOUT, layout_size

__all__ = ["Drawing", "Marks", "drawing", "GraphTooLargeError", "DEFAULT_MAX_NODES", "PARAM_LABEL", "labelled_params"]

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
