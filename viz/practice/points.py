"""The data points of a loss: a root that adds one term per data point, split into its terms.

The articles' SSR is a sum of one squared residual per data point,
``SSR = (observed - predicted)^2 [point 1] + ... [point 2] + ... [point 3]``, and each
term is computed from nodes of its own (``input``, ``x1``, ``y1`` ... ``predicted``)
and the shared parameters. A formula written per data point, as the articles write
them (``-2 (observed - predicted) y1``), is evaluated at each point with that point's
nodes; and since d SSR / d term = 1,

    dSSR/dw = sum over the points k of d term_k / dw.

``data_points(root)`` splits the root when it is a sum (``+`` nodes, unlabelled below
the root; or labelled too, when only that finds the points: the replay names SSR's
partial sum ``sq[1]+sq[2]``) of two or more terms that carry the same labels; otherwise
the whole graph is one data point.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from engine import Value, topological_order
from engine.backward_steps import fresh_grads
from viz.checks import check_root

__all__ = ["DataPoint", "data_points", "term_grads", "term_magnitudes", "shared_leaves", "point_leaves",
           "root_factor_name"]


@dataclass(frozen=True)
class DataPoint:
    """One data point: its ``term`` of the root and its labelled nodes.

    ``nodes`` maps each label used once in the term's graph to its node (the shared
    parameters included); ``ambiguous`` holds the labels used by several of its nodes,
    which a formula cannot name. ``index`` counts from 1. A root that is not split is
    one point whose ``term`` is the root itself. ``order`` is the term's topological
    order, walked once here for every pass over the point.
    """

    index: int
    term: Value
    nodes: Mapping[str, Value]
    ambiguous: frozenset[str]
    order: Sequence[Value] = field(default=(), repr=False, compare=False)

    def values(self) -> dict[str, float]:
        """label -> the node's value at this point: what a formula may name."""
        return {label: node.data for label, node in self.nodes.items()}


def _terms(root: Value, *, through_labels: bool = False) -> list[Value]:
    """The terms of the root's sum, left to right (``[root]`` when the root is not a sum).

    A labelled ``+`` below the root is a term, unless ``through_labels``: then it is split
    too (a partial sum given a name, as the replay names ``sq[1]+sq[2]``).
    """
    if root.op != "+":
        return [root]
    terms: list[Value] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.op == "+" and (node is root or node.label is None or through_labels):
            stack.extend(reversed(node.inputs))  # inputs[0] on top: walked first
        else:
            terms.append(node)
    return terms


def _labelled(term: Value) -> tuple[dict[str, Value], frozenset[str], list[Value]]:
    nodes: dict[str, Value] = {}
    twice: set[str] = set()
    order = topological_order(term)
    for node in order:
        if node.label is None:
            continue
        if node.label in nodes and nodes[node.label] is not node:
            twice.add(node.label)
        nodes[node.label] = node
    for label in twice:
        del nodes[label]
    return nodes, frozenset(twice), order


def data_points(root: Value) -> list[DataPoint]:
    """The data points of ``root``: one per term of its sum, or the whole graph as one point.

    The sum is split only when every term carries the same labels (one set of nodes
    per data point); ``x*w + b`` is one point, since ``b`` is not a term like ``x*w``.
    """
    check_root(root, "data_points")
    # Unlabelled partial sums first; labelled ones only when that finds no points.
    for through_labels in (False, True):
        terms = _terms(root, through_labels=through_labels)
        if len(terms) > 1:
            found = [_labelled(t) for t in terms]
            first = set(found[0][0]) | found[0][1]
            if first and all(set(n) | a == first for n, a, _ in found):
                return [DataPoint(k, t, n, a, o) for k, (t, (n, a, o)) in enumerate(zip(terms, found), 1)]
    nodes, ambiguous, order = _labelled(root)
    return [DataPoint(1, root, nodes, ambiguous, order)]


def term_grads(point: DataPoint) -> dict[Value, float]:
    """d term / d node for every node below the point's term, as a fresh ``backward()`` gives them;
    no node's ``.grad`` is touched."""
    return fresh_grads(point.term, order=point.order or None)


def term_magnitudes(point: DataPoint) -> dict[Value, float]:
    """For every node below the point's term, the sum over its paths of |product of the local
    derivatives|: the size of the terms its d term / d node sums, the scale of its round-off."""
    return fresh_grads(point.term, order=point.order or None, absolute=True)


def shared_leaves(points: list[DataPoint]) -> dict[str, Value]:
    """The labelled leaves every point shares (the parameters), in topological order."""
    first = points[0]
    return {
        label: node
        for label, node in first.nodes.items()
        if node.is_leaf and all(p.nodes.get(label) is node for p in points)
    }


def point_leaves(points: list[DataPoint]) -> list[str]:
    """Labels of the leaves that differ from point to point (the data: ``input``, ``observed``), sorted."""
    if len(points) < 2:
        return []
    shared = shared_leaves(points)
    return sorted(label for label, node in points[0].nodes.items() if node.is_leaf and label not in shared)


def root_factor_name(name: str, term_name: str, root_name: str) -> str:
    """A factor of a point's term named as a factor of the root: ``d(square(...))/dpredicted`` -> ``dSSR/dpredicted``.

    d root / d term = 1, so the factor is the same number under either name.
    """
    head = f"d{term_name}/"
    return f"d{root_name}/" + name[len(head):] if name.startswith(head) else name
