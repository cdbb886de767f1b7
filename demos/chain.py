"""Chain-rule factors read off the engine's graph.

The gradient of a root with respect to a leaf is the sum, over every path from
the root down to the leaf, of the product of the local derivatives on the path's
edges (each edge's ``local_grads[i]``). Grouping a path's edges between named
nodes gives the factors the articles write, for one data point::

    dSSR/dw1 = dSSR/dpredicted x dpredicted/dy1 x dy1/dx1 x dx1/dw1

Nothing here computes a derivative: every number is a product of the local
derivatives the engine stored when it built the graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

from engine import Value, topological_order

__all__ = ["PathFactors", "chain_factors", "factor_names"]


@dataclass(frozen=True)
class PathFactors:
    """One path from the root to the leaf, cut at the named nodes.

    ``stops[k]`` is the node named ``through[k]`` on this path; ``factors[k]`` is
    the product of the local derivatives from the previous stop (the root for
    k = 0) down to the next one (the leaf for the last factor).
    """

    stops: Tuple[Value, ...]
    factors: Tuple[float, ...]

    @property
    def product(self) -> float:
        """The path's contribution to d(root)/d(leaf): the product of its factors."""
        out = 1.0
        for f in self.factors:
            out *= f
        return out


def _name(node: Value) -> str:
    return node.label if node.label is not None else node.op or "?"


def factor_names(root: Value, leaf: Value, through: Sequence[str]) -> List[str]:
    """``['dSSR/dpredicted', 'dpredicted/dw3']`` for root SSR, through predicted, leaf w3."""
    names = [_name(root), *through, _name(leaf)]
    return [f"d{a}/d{b}" for a, b in zip(names, names[1:])]


def chain_factors(root: Value, leaf: Value, through: Sequence[str]) -> List[PathFactors]:
    """Every path from ``root`` to ``leaf``, as factors cut at nodes labelled ``through``.

    ``through`` names, in order from the root down, the nodes at which each path
    is cut (e.g. ``("predicted", "y1", "x1")``); every path must pass through
    a node of each name, in that order, or a ``ValueError`` says which does not.
    Paths come in the graph's deterministic order (``inputs[0]`` first).
    """
    through = tuple(through)
    order = topological_order(root)
    if leaf not in set(order):
        raise ValueError(f"chain_factors: {_name(leaf)!r} is not in the graph of {_name(root)!r}")
    # Nodes from which the leaf can be reached: only their edges lie on a path.
    reaches: Dict[Value, bool] = {}
    for node in order:  # inputs before the nodes made from them
        reaches[node] = node is leaf or any(reaches[i] for i in node.inputs)

    paths: List[PathFactors] = []

    def walk(node: Value, running: float, factors: Tuple[float, ...], stops: Tuple[Value, ...]):
        for inp, local in zip(node.inputs, node.local_grads):
            if not reaches[inp]:
                continue
            value = running * local
            if inp is leaf:
                if len(stops) != len(through):
                    missing = through[len(stops)]
                    raise ValueError(
                        f"chain_factors: a path from {_name(root)!r} to {_name(leaf)!r}"
                        f" does not pass through a node labelled {missing!r}"
                    )
                paths.append(PathFactors(stops, factors + (value,)))
            elif len(stops) < len(through) and inp.label == through[len(stops)]:
                walk(inp, 1.0, factors + (value,), stops + (inp,))
            else:
                walk(inp, value, factors, stops)

    walk(root, 1.0, (), ())
    return paths
