"""A data point's chain-rule factors, for ``viz.practice.check``: its term's paths to a node, and all its factors.

A factor is d(top)/d(bottom) between two labelled nodes (or the point's term on top,
named as the root: d root / d term = 1) along edges through unlabelled nodes, cut
where ``viz.chainrule.explanation`` cuts a path: ``dSSR/dpredicted × dpredicted/dy1 × dy1/dx1 ×
dx1/dw1``. Its value is the product of the local derivatives of its edges, its
formula theirs (``viz.chainrule.formulas``), written only when a message shows it.

Both walks are bounded, so that ``check`` stays linear in the graph: a node reached
by more than ``MAX_PATHS`` paths has no list of paths (``paths_to`` says how many
there are), and a node with more than ``MAX_PATHS`` factors below it offers none.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from engine import Value
from engine.graph import Edge, count_paths, iter_paths
from viz.chainrule.explanation import DEFAULT_MAX_PATHS, MAX_FORMULA_STEPS
from viz.chainrule.formulas import Namer, edge_formula, formula_text, multiply
from viz.chainrule.names import is_one_word
from viz.chainrule.numbers import fmt
from viz.practice.points import DataPoint

__all__ = ["Path", "PointFactors", "MAX_PATHS"]

#: The most paths (down to one node) listed, and factors (below one node) offered, per data point.
MAX_PATHS = DEFAULT_MAX_PATHS

#: Digits of the numbers inside formulas.
PRECISION = 4

Path = tuple[list[tuple[str, float, str]], float]  # [(factor name, value, formula)], product


class PointFactors:
    """The factors of one point's term; ``root_name`` names the term on top of a factor."""

    def __init__(self, point: DataPoint, root_name: str) -> None:
        self.point = point
        self.root_name = root_name
        self._namer = Namer(PRECISION)

    def _name(self, node: Value) -> str:
        if node is self.point.term:
            return self.root_name
        label = node.label or ""
        return label if is_one_word(label) else f"({label})"

    def _factor(self, top: Value, edges: list[Edge]) -> tuple[str, float, str]:
        """(name, value, formula) of the factor from ``top`` down along ``edges``."""
        consumer, k = edges[-1]
        value = math.prod(c.local_grads[i] for c, i in edges)
        formula = None
        if len(edges) <= MAX_FORMULA_STEPS:
            formula = formula_text(multiply(edge_formula(c, i, self._namer) for c, i in edges), PRECISION)
        name = f"d{self._name(top)}/d{self._name(consumer.inputs[k])}"
        return name, value, formula if formula is not None else fmt(value, PRECISION)

    def paths_to(self, node: Value) -> list[Path] | int:
        """Each path from the term down to ``node`` as its factors, with the product of all its local
        derivatives; the number of paths instead when there are more than ``MAX_PATHS``."""
        term = self.point.term
        if node is term:
            return [([], 1.0)]
        count = count_paths(term, node, order=self.point.order or None)
        total = count.get(term, 0)
        if total > MAX_PATHS:
            return total
        out: list[Path] = []
        for edges in iter_paths(term, node, count=count):
            factors, product, start = [], 1.0, 0
            for j, (consumer, k) in enumerate(edges):
                product *= consumer.local_grads[k]
                below = consumer.inputs[k]
                if below is node or below.label is not None:
                    factors.append(self._factor(edges[start][0], edges[start:j + 1]))
                    start = j + 1
            out.append((factors, product))
        return out

    def every_factor(self) -> Iterator[tuple[str, float, str]]:
        """Every factor of the term's graph: from the term and each labelled node down to the labelled
        nodes below it (the tops with more than ``MAX_PATHS`` factors below them are left out)."""
        for top in self.point.order or ():
            if top.inputs and (top is self.point.term or top.label is not None):
                found = self._segments(top)
                if found is not None:
                    yield from (self._factor(top, edges) for edges in found)

    def _segments(self, top: Value) -> list[list[Edge]] | None:
        """The edge lists from ``top`` down through unlabelled nodes to a labelled one; None past MAX_PATHS.

        Routes that end at numbers (unlabelled leaves) count too, so that an unlabelled
        region with many routes through it is given up early rather than walked.
        """
        found: list[list[Edge]] = []
        routes = 0
        # Each edge list is built as a linked list (edge, rest): a chain of a million edges is walked once.
        stack: list[tuple[Value, _Linked | None]] = [(top, None)]
        while stack:
            node, prefix = stack.pop()
            onward = False
            for k in reversed(range(len(node.inputs))):
                below = node.inputs[k]
                if below.label is not None:
                    found.append(_edges(((node, k), prefix)))
                    onward = True
                elif below.inputs:  # an unlabelled leaf (a number) ends no factor
                    stack.append((below, ((node, k), prefix)))
                    onward = True
            routes += not onward
            if len(found) > MAX_PATHS or routes + len(found) > 4 * MAX_PATHS:
                return None
        return found


_Linked = tuple[Edge, "_Linked | None"]


def _edges(linked: _Linked | None) -> list[Edge]:
    """A linked list (last edge, rest) as the list of its edges, first edge first."""
    out: list[Edge] = []
    while linked is not None:
        edge, linked = linked
        out.append(edge)
    out.reverse()
    return out
