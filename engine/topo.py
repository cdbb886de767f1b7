"""Graph walks: the topological order that backward follows."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from engine.value import Value

__all__ = ["topological_order"]


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
    if not include_leaves and not root.inputs:
        return []
    order: list[Value] = []
    expanded = set()  # nodes whose inputs have been pushed
    emitted = set()  # nodes already in `order`
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
