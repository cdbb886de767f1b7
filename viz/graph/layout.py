"""What a drawing costs Graphviz to lay out, and the bounds that keep every drawing quick.

dot places every box and op oval, every edge label, and a bend point for each
rank an edge crosses: an input that feeds ops all along a chain (``x`` in
``x*x*...*x``) makes edges crossing many ranks, and the work grows with all
of these, not with the number of values alone. ``layout_size`` counts them
before dot starts (``check_fits`` refuses more than ``max_layout``, and more
than ``max_nodes`` values, with ``GraphTooLargeError``), and large drawings
get Graphviz's own effort limits (``EFFORT``), so that every drawing the
default limits admit is laid out in seconds.

Labels are bounded too: a box shows at most ``MAX_NAME`` characters of a name
and an edge at most ``MAX_FORMULA`` of a formula (the numbers stay exact).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine import Value

__all__ = [
    "DEFAULT_MAX_LAYOUT", "EFFORT", "EFFORT_ABOVE", "MAX_NAME", "MAX_FORMULA", "MAX_TITLE",
    "LayoutSize", "layout_size", "shorten", "GraphTooLargeError", "check_fits",
]

#: Drawings whose ``layout_size(...).total`` is larger are refused (``max_layout=`` to change).
#: Measured: the largest drawings this admits take dot a few seconds (see tests/bench.py).
DEFAULT_MAX_LAYOUT = 2500

#: Graphviz's effort limits (crossing minimisation and network simplex iterations),
#: given to drawings of more than ``EFFORT_ABOVE`` layout pieces; smaller drawings
#: keep dot's full effort (and so their exact layout).
EFFORT = {"mclimit": "0.5", "nslimit": "2", "nslimit1": "2", "searchsize": "20"}
EFFORT_ABOVE = 400

#: The most characters a box shows of a name, a title, and an edge of its formula.
MAX_NAME = 60
MAX_TITLE = 200
MAX_FORMULA = 40


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class LayoutSize:
    """The pieces dot places: ``boxes`` (values), ``ops`` (ovals), ``edges``, and ``bends``.

    ``bends`` is the number of ranks crossed by edges beyond their first (an edge
    from rank 2 to rank 9 bends 6 times), ``labels`` the labelled edges; ``total``
    adds them all: what dot's layout time grows with.
    """

    boxes: int
    ops: int
    edges: int
    bends: int
    labels: int

    @property
    def total(self) -> int:
        return self.boxes + self.ops + self.edges + self.bends + self.labels

    def describe(self) -> str:
        ops = f", {self.ops} operations" if self.ops else ""
        return (f"{self.boxes} values{ops}, {self.edges} edges and {self.bends} rank crossings "
                f"of long edges: {self.total} pieces")


def layout_size(order: Sequence[Value], *, compact: bool = False, labels: bool = True) -> LayoutSize:
    """How much dot has to place for a drawing of ``order`` (a topological order, root last).

    Ranks as dot would choose them for such a graph: each computed value one rank
    after its latest input (two, with its op oval between, unless ``compact``), each
    leaf just before its first consumer. Edge labels put a rank between every two
    (Graphviz doubles each edge's length to make room), so with ``labels`` each edge
    crosses twice as many.
    """
    step = 1 if compact else 2
    rank: dict[Value, int] = {}
    for node in order:
        if node.inputs:
            rank[node] = max(rank.get(i, 0) for i in node.inputs) + step
    for node in order:
        if not node.inputs:
            rank[node] = 0
    # A leaf sits just before its earliest consumer (dot pulls it there to shorten its edges).
    first_use: dict[Value, int] = {}
    for node in order:
        for inp in node.inputs:
            if not inp.inputs:
                r = rank[node] - step
                first_use[inp] = min(first_use.get(inp, r), r)
    rank.update(first_use)
    scale = 2 if labels else 1
    edges = bends = n_labels = ops = 0
    for node in order:
        if not node.inputs:
            continue
        if not compact:
            ops += 1
            edges += 1  # op -> value
        for inp in node.inputs:
            span = (rank[node] - (0 if compact else 1) - rank[inp]) * scale
            edges += 1
            n_labels += 1 if labels else 0
            bends += max(span - 1, 0)
    return LayoutSize(len(order), ops, edges, bends, n_labels)


class GraphTooLargeError(ValueError):
    """The graph has more value nodes than ``max_nodes``; the message says how to raise the limit."""


def check_fits(order: Sequence[Value], max_nodes: int, max_layout: int, compact: bool) -> None:
    """Refuse, before dot starts, a drawing of more than ``max_nodes`` values or ``max_layout`` pieces."""
    n_nodes = len(order)
    if n_nodes > max_nodes:
        raise GraphTooLargeError(
            f"draw: the graph has {n_nodes} value nodes, more than max_nodes={max_nodes}; "
            f"Graphviz would take long and the picture would be unreadable. "
            f"Pass max_nodes={n_nodes} (or --max-nodes {n_nodes} on the command line) "
            f"to draw it anyway, or draw a smaller part of the graph"
        )
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
