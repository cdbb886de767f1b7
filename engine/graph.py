"""Graph walks: the topological order, the paths between a node and the root, nodes by name.

Everything that walks a graph for the engine, the drawings, the explanations
and the replay is here, once. The walks are iterative (no recursion limit on a
chain of a million nodes) and deterministic: their order depends only on the
graph's structure (``inputs[0]`` before ``inputs[1]``), never on ``id()``.

A *path* from ``leaf`` to ``root`` follows edges from a node up to a consumer
that uses it; ``a*a`` has two edges from ``a``, so two paths through it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from engine.checks import check_choice, check_value, did_you_mean

if TYPE_CHECKING:  # pragma: no cover
    from engine.value import Value

__all__ = [
    "topological_order",
    "nodes_on_paths",
    "count_paths",
    "iter_paths",
    "path_sum",
    "find_node",
    "describe",
    "Edge",
]

#: An edge of a path: ``(consumer, k)`` is the edge from ``consumer.inputs[k]`` up to ``consumer``.
Edge = tuple["Value", int]


def topological_order(root: Value, *, include_leaves: bool = True) -> list[Value]:
    """Every node that ``root`` depends on, inputs before the nodes made from them.

    ``root`` comes last; a node reached along several paths appears once.
    With ``include_leaves=False`` only nodes that have inputs are listed
    (all that backward needs to visit: a leaf passes nothing on).

    The walk is an iterative depth-first search with an explicit stack, so a
    chain of a million operations needs no recursion and no raised limit.
    The order depends only on the graph's structure, never on ``id()``:
    ``inputs[0]``'s subgraph comes before ``inputs[1]``'s.
    """
    try:
        inputs = root.inputs
    except AttributeError:  # not a Value: say so in the function's words (backward pays nothing here)
        check_value(root, "topological_order", "root")
        raise
    if include_leaves is not True and include_leaves is not False:
        raise TypeError(f"topological_order: include_leaves must be True or False, got {include_leaves!r}")
    if not include_leaves and not inputs:
        return []
    order: list[Value] = []
    expanded: set[Value] = set()  # nodes whose inputs have been pushed
    emitted: set[Value] = set()  # nodes already in `order`
    # Each node is popped twice: first to push itself back beneath its inputs,
    # then, with its inputs all emitted, to be emitted itself. The stack holds
    # plain nodes, no (node, state) tuples: the walk then makes no objects the
    # cyclic garbage collector tracks, so a big live graph is not rescanned by
    # collections that the walk itself would trigger.
    stack = [root]
    push, pop = stack.append, stack.pop
    expand, mark, emit = expanded.add, emitted.add, order.append
    while stack:
        node = pop()
        if node not in expanded:
            expand(node)
            push(node)
            # Reversed, so that inputs[0] is on top: walked and emitted first.
            for inp in reversed(node.inputs):
                if (inp.inputs or include_leaves) and inp not in expanded:
                    push(inp)
        elif node not in emitted:  # a node can sit on the stack twice
            mark(node)
            emit(node)
    return order


def describe(node: Value) -> str:
    """A node for a message: its label quoted (``'w1'``), else its op and number (``<* 6>``)."""
    return repr(node.label) if node.label is not None else f"<{node.op or 'leaf'} {node.data:g}>"


def _order(root: Value, order: Sequence[Value] | None) -> Sequence[Value]:
    return topological_order(root) if order is None else order


def nodes_on_paths(root: Value, leaf: Value, *, order: Sequence[Value] | None = None) -> list[Value]:
    """The nodes on some path from ``leaf`` up to ``root``, in topological order.

    A node is on a path when it is ``leaf`` or one of its inputs is on a path
    (``leaf`` and every node that depends on it). ``order``: ``root``'s
    topological order, when the caller has it already.
    ``ValueError`` if ``leaf`` is not in ``root``'s graph.
    """
    check_value(root, "nodes_on_paths", "root")
    check_value(leaf, "nodes_on_paths", "leaf")
    on: dict[Value, bool] = {}
    for node in _order(root, order):
        on[node] = node is leaf or any(on[i] for i in node.inputs)
    if leaf not in on:
        raise ValueError(
            f"nodes_on_paths: leaf {describe(leaf)} is not in the graph of root {describe(root)}"
        )
    return [n for n, keep in on.items() if keep]


def count_paths(root: Value, leaf: Value, *, order: Sequence[Value] | None = None) -> dict[Value, int]:
    """For each node, the number of paths from it down to ``leaf`` (nodes with none are absent).

    ``count_paths(root, leaf).get(root, 0)`` is the number of root-to-leaf paths;
    counted by dynamic programming along the topological order, never listed.
    """
    count: dict[Value, int] = {leaf: 1}
    get = count.get
    for node in _order(root, order):
        if node is leaf:
            continue
        c = 0
        for inp in node.inputs:  # a plain loop: a generator per node costs more than the sum
            c += get(inp, 0)
        if c:
            count[node] = c
    return count


def iter_paths(root: Value, leaf: Value, *, count: Mapping[Value, int] | None = None) -> Iterator[list[Edge]]:
    """Each path from ``root`` down to ``leaf``, as its edges ``(consumer, k)``, root's edge first.

    Paths come in input order (through ``inputs[0]`` before ``inputs[1]``).
    Depth-first with backtracking: the path walked so far is one list of nodes and
    one of input positions, so a path costs its length once, when it is yielded.
    Only inputs that lead to ``leaf`` are followed (``count``, from ``count_paths``,
    says which), so the work is the number of paths times their length. ``leaf is
    root``: one empty path.
    """
    if count is None:
        count = count_paths(root, leaf)
    if root not in count:
        return
    if root is leaf:
        yield []
        return
    nodes: list[Value] = [root]  # the path so far, root first
    taken: list[int] = [-1]  # for each of them, the input followed last
    while nodes:
        node = nodes[-1]
        inputs = node.inputs
        k = taken[-1] + 1
        while k < len(inputs) and inputs[k] not in count:
            k += 1
        if k == len(inputs):  # every input tried: back up one edge
            nodes.pop()
            taken.pop()
            continue
        taken[-1] = k
        below = inputs[k]
        if below is leaf:
            yield list(zip(nodes, taken))
        else:
            nodes.append(below)
            taken.append(-1)


def path_sum(root: Value, leaf: Value, *, order: Sequence[Value] | None = None) -> tuple[int, float]:
    """(number of paths, sum over paths of the product of the local derivatives) from ``leaf`` to ``root``.

    The sum is d(root)/d(leaf) by forward accumulation along the topological
    order: d(node)/d(leaf) = sum over the node's inputs of local_grad x
    d(input)/d(leaf), which sums the path products without listing the paths.
    """
    deriv = {leaf: 1.0}
    count = {leaf: 1}
    for node in _order(root, order):
        if node is leaf:
            continue
        d, c = 0.0, 0
        for inp, local in zip(node.inputs, node.local_grads):
            if inp in deriv:
                d += local * deriv[inp]
                c += count[inp]
        if c:
            deriv[node], count[node] = d, c
    return count.get(root, 0), deriv.get(root, 0.0)


def find_node(
    root: Value,
    key: Value | str,
    func: str,
    arg: str,
    *,
    names: Mapping[Value, str] | None = None,
    order: Sequence[Value] | None = None,
    says: Literal["labelled", "named"] | None = None,
) -> Value:
    """The node of ``root``'s graph that ``key`` means: a ``Value`` in the graph, or its name.

    A name is matched against ``names[node]`` where ``names`` is given (a node
    missing from it is matched by its label), else against labels. Errors name
    ``func`` and the argument ``arg``: ``TypeError`` for a key of another type;
    ``ValueError`` for a Value outside the graph, for a name no node has (with
    the closest names and the list: ``no node labelled 'w5'; did you mean
    'w1'? labels in the graph: b1, w1``) and for a name several nodes share.
    With ``names``, messages say "named" instead of "labelled" (``says`` picks
    the word when the names shown to the user are labels for most nodes).
    """
    from engine.value import Value  # here: value.py imports this module

    nodes = _order(root, order)
    if isinstance(key, Value):
        if key not in set(nodes):
            raise ValueError(f"{func}: {arg} {key!r} is not in the graph of the root")
        return key
    if not isinstance(key, str):
        raise TypeError(f"{func}: {arg} must be a Value or a label, got {type(key).__name__}")
    if says is None:
        verb = "labelled" if names is None else "named"
    else:
        verb = check_choice(says, ("labelled", "named"), "find_node", "says")
    noun = "labels" if verb == "labelled" else "names"

    def name_of(node: Value) -> str | None:
        return node.label if names is None else names.get(node, node.label)

    matches = [n for n in nodes if name_of(n) == key]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ValueError(
            f"{func}: {len(matches)} nodes are {verb} {key!r}; pass the Value itself as {arg}"
        )
    known = sorted({name for name in map(name_of, nodes) if name is not None})
    raise ValueError(
        f"{func}: no node {verb} {key!r}; {did_you_mean(key, known)}"
        f"{noun} in the graph: {', '.join(known) if known else '(none)'}"
    )
