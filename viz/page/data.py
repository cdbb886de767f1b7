"""What the explorer page knows about a graph, as JSON-ready data.

``page_data(root, ...)`` describes the graph for the page's script: every node
in topological order (its name, op, inputs, data, local derivatives and grad),
the parameters the page lets the learner change, the backward steps (which
edge each ``+=`` uses), and for every node the chain-rule explanation that
``viz.explain`` gives with the boxes' names (``node_names``: ``sq[1]``), as
structure: the header text, and per path its edges and how they group into
named factors with their formulas. The page computes
every number itself (forward, local derivatives, backward, path products) from
this structure, so that a changed parameter changes all of them; the text it
writes is laid out as ``str(explain(...))`` and ``step_equation`` lay it out.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from engine import Value, topological_order
from engine.backward_steps import backward_steps, grads_after
from engine.graph import iter_paths
from viz.chainrule.explanation import TooManyPathsError, explain
from viz.chainrule.names import d_name, node_names
from viz.graph.options import labelled_params
from viz.page.svg_markup import GraphText

__all__ = ["page_data"]

Edge = tuple[int, int]  # (consumer's topological index, input position)


def _explanation(root: Value, target: Value, index: dict[Value, int], names: dict[Value, str], precision: int,
                 max_paths: int) -> dict[str, Any]:
    """``explain(root, target, names=names)`` as structure: header lines, names, and per path its factors' edges.

    ``names`` are the boxes' names of the labelled nodes (``node_names``): the panel's paths read
    ``dsq[1]/dresidual[1]``; an unlabelled node is still written as its expression
    (``-2·(observed[1] - predicted[1])``, clearer than its box's ``-#19``).
    """
    try:
        e = explain(root, target, precision=precision, max_paths=max_paths, names=names)
    except TooManyPathsError as err:
        return {"error": str(err)}
    text = str(e).split("\n")
    header = text[: text.index("")]
    paths = []
    for chain, edges in zip(e.paths, iter_paths(root, target), strict=True):
        factors, at = [], 0
        for f in chain.factors:
            group = edges[at: at + f.steps]
            # The grouping explain made: from f.top down to f.bottom over f.steps edges.
            if not group or group[0][0] is not f.top or group[-1][0].inputs[group[-1][1]] is not f.bottom:
                raise RuntimeError(f"explore: the path of {f.name} does not match explain's factors")
            factors.append({"name": f.name, "formula": f.formula, "steps": f.steps})
            at += f.steps
        if at != len(edges):
            raise RuntimeError("explore: explain's factors do not cover the whole path")
        paths.append({"edges": [[index[c], k] for c, k in edges], "factors": factors})
    return {"header": header, "root": e.root_name, "leaf": e.leaf_name, "paths": paths}


def page_data(
    root: Value,
    *,
    params: Collection[Value] | None = None,
    leaf: Value | None = None,
    precision: int = 3,
    max_paths: int = 64,
) -> tuple[dict[str, Any], GraphText]:
    """The page's description of ``root``'s graph, and the numbers the drawing's attributes hold.

    Numbers are the engine's: data and local derivatives as the nodes hold them,
    grads as ``root.zero_grad(); root.backward()`` would leave them (computed by
    ``backward_steps``, no ``.grad`` is changed). ``leaf``: the steps are those on
    the paths from ``leaf`` to ``root``.
    """
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    names = node_names(root)
    labelled = {node: name for node, name in names.items() if node.label is not None}
    every_step = backward_steps(root)
    grads = grads_after(root, every_step, len(every_step))
    chosen = labelled_params(order) if params is None else list(params)
    steps = every_step if leaf is None else backward_steps(root, leaf=leaf)
    nodes = []
    for node in order:
        nodes.append({
            "name": names[node],
            "dname": d_name(names[node]),
            "label": node.label,
            "op": node.op,
            "inputs": [index[inp] for inp in node.inputs],
            "data": node.data,
            "locals": list(node.local_grads),
            "grad": grads.get(node, 0.0),
            "constant": node.is_constant,
        })
    r = d_name(names[root])
    data: dict[str, Any] = {
        "precision": precision,
        "nodes": nodes,
        "params": [index[p] for p in chosen],
        "leaf": None if leaf is None else index[leaf],
        "steps": [[index[s.consumer], s.edge] for s in steps],
        "start": f"start: {r}/{r} = 1; every other grad is still unknown",
        "explanations": [_explanation(root, node, index, labelled, precision, max_paths) for node in order],
    }
    edges = [(i, k) for i, node in enumerate(order) for k in range(len(node.inputs))]
    graph = GraphText(
        names=[names[n] for n in order],
        data=[n.data for n in order],
        grads=[grads.get(n, 0.0) for n in order],
        constant=[n.is_constant for n in order],
        edges=edges,
        inputs=[[index[inp] for inp in n.inputs] for n in order],
        locals_=[order[i].local_grads[k] for i, k in edges],
    )
    return data, graph
