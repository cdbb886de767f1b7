"""Backward, one ``+=`` at a time: the steps of ``Value.backward()`` as data.

The text of a replay (tables, equations) is ``viz.replay.step_text``; the nodes' names are
``viz.chainrule.names``'.

``backward()`` runs the chain rule as one loop::

    for node in reversed(topological_order(root)):       # consumers first
        for i, inp in enumerate(node.inputs):
            inp.grad += node.local_grads[i] * node.grad  # local x upstream

``backward_steps(root)`` walks the same loop in the same order, but instead of
writing ``grad`` on the nodes it records each ``+=`` as a ``BackwardStep``
(the grad before and after, the local derivative and the upstream grad) and
keeps the running grads in a dict of its own. **The graph is never modified**:
``.grad`` on every node is left exactly as it was.

Choices, made to match ``backward()`` number for number:

* The root is seeded with 1 (``droot/droot = 1``); every other node starts at 0.
  Leaves start at 0 too, so the replay shows one fresh backward pass, equal to
  ``root.zero_grad(); root.backward()``. (``backward()`` itself lets leaves
  *accumulate* across calls; pass ``accumulate=True`` to start each leaf from
  its current ``.grad`` instead, which then equals what one more
  ``backward()`` call would leave.)
* Every edge is one step, including those out of a consumer whose grad is
  exactly 0.0. ``backward()`` skips such consumers; for them the step is listed
  with ``after == before`` (the ``+=`` adds nothing), so every edge is shown
  and the numbers stay identical to ``backward()``'s.
* Each step's ``after`` is computed as ``before + local_grad * upstream``, the
  very float operations ``backward()`` performs, so the last value replayed
  for each node equals its ``grad`` after ``backward()`` exactly (``==``).
* A node's grad is *final* once every edge into it from its consumers has been
  replayed; the step that completes it has ``final=True``. Reverse topological
  order guarantees a node is final before it is itself processed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from engine.checks import check_value
from engine.graph import nodes_on_paths, topological_order
from engine.value import Value

__all__ = [
    "BackwardStep",
    "backward_steps",
    "iter_backward_steps",
    "start_grads",
    "grads_after",
    "nodes_on_paths",
    "fresh_grads",
    "first_non_finite",
]


@dataclass(frozen=True)
class BackwardStep:
    """One ``input.grad += local_grad x consumer.grad`` of the backward pass.

    ``consumer`` is the node being processed, ``input`` is ``consumer.inputs[edge]``,
    ``local_grad`` is ``consumer.local_grads[edge]`` = d(consumer)/d(input),
    ``upstream`` is the consumer's (final) grad = d(root)/d(consumer), and
    ``after = before + local_grad * upstream`` (``after == before`` when
    ``upstream`` is 0.0, as ``backward()`` skips such consumers).
    ``final`` is True when this step is the last one into ``input``: its
    grad d(root)/d(input) is then complete.
    """

    consumer: Value
    input: Value
    edge: int
    local_grad: float
    upstream: float
    before: float
    after: float
    final: bool

    # Frozen dataclasses compare by fields; Value compares by identity, so two
    # steps are equal when they are the same edge with the same numbers.


def start_grads(root: Value, *, accumulate: bool = False) -> dict[Value, float]:
    """The grads known before the first step: ``{root: 1.0}``.

    With ``accumulate=True`` (leaves keep their current ``.grad``, as
    ``backward()`` does) every leaf is known from the start with its current
    grad, and a leaf root is seeded with ``root.grad + 1``.
    """
    check_value(root, "start_grads", "root")
    known: dict[Value, float] = {}
    if accumulate:
        for node in topological_order(root):
            if node.is_leaf:
                known[node] = node.grad
    # backward(): interior grads are set to 0, then ``root.grad += 1.0``.
    known[root] = (known.get(root, 0.0) if root.is_leaf else 0.0) + 1.0
    return known


def iter_backward_steps(
    root: Value, *, leaf: Value | None = None, accumulate: bool = False
) -> Iterator[BackwardStep]:
    """Yield the steps of ``root.backward()`` in order, without touching any ``.grad``.

    Order: consumers in reverse topological order (``topological_order(root)``
    reversed, root first); within a consumer, its inputs in order
    (``inputs[0]`` first). With ``leaf``, only the steps on paths from
    ``leaf`` to ``root`` are yielded; their numbers are those of the full pass
    (every consumer of a node on such a path is on one too, so these grads
    are complete).
    """
    check_value(root, "backward_steps", "root")
    keep = None if leaf is None else set(nodes_on_paths(root, leaf))
    grads = start_grads(root, accumulate=accumulate)
    order = topological_order(root, include_leaves=False)
    # Edges still to come into each node, with multiplicity (a*a has two).
    pending: dict[Value, int] = {}
    for node in order:
        for inp in node.inputs:
            pending[inp] = pending.get(inp, 0) + 1
    for node in reversed(order):
        upstream = grads[node]
        for edge, (inp, local) in enumerate(zip(node.inputs, node.local_grads)):
            before = grads.get(inp, 0.0)
            # The same float operations as backward(), which skips g == 0.0.
            after = before if upstream == 0.0 else before + local * upstream
            grads[inp] = after
            pending[inp] -= 1
            if keep is None or inp in keep:
                yield BackwardStep(node, inp, edge, local, upstream, before, after, pending[inp] == 0)


def backward_steps(
    root: Value, *, leaf: Value | None = None, accumulate: bool = False
) -> list[BackwardStep]:
    """The list of ``+=`` steps of ``root.backward()``; see ``iter_backward_steps``.

    The last ``after`` recorded for each node equals the ``grad`` that
    ``root.zero_grad(); root.backward()`` gives it (``accumulate=True``: that
    one more ``root.backward()`` gives it). No node's ``.grad`` is changed.

        >>> from engine import Value
        >>> a, b = Value(2.0, "a"), Value(3.0, "b")
        >>> c = (a * b).relabel("c")
        >>> [(s.input.label, s.local_grad, s.after) for s in backward_steps(c)]
        [('a', 3.0, 3.0), ('b', 2.0, 2.0)]
    """
    return list(iter_backward_steps(root, leaf=leaf, accumulate=accumulate))


def grads_after(
    root: Value, steps: Sequence[BackwardStep], count: int, *, accumulate: bool = False
) -> dict[Value, float]:
    """The grads known after the first ``count`` of ``steps``: node -> grad so far.

    Nodes not yet reached by any step are absent (shown blank in a frame).
    ``grads_after(root, steps, len(steps))`` holds each node's final grad.
    """
    if not 0 <= count <= len(steps):
        raise ValueError(f"grads_after: count must be in 0..{len(steps)}, got {count!r}")
    known = start_grads(root, accumulate=accumulate)
    for step in steps[:count]:
        known[step.input] = step.after
    return known


def fresh_grads(root: Value, *, order: Sequence[Value] | None = None, absolute: bool = False) -> dict[Value, float]:
    """d root / d node for every node below ``root``, as one fresh ``backward()`` leaves them; no ``.grad`` touched.

    The same float operations in the same order as ``root.zero_grad(); root.backward()``
    (so the numbers are equal, ``==``), without a step object per edge: one dict,
    linear in the graph. ``absolute=True`` runs the pass on ``|local_grad|``: each
    node gets the sum over its paths of ``|product of the local derivatives|``, the
    size of the terms whose sum its grad is (the scale its round-off is measured on).
    ``order``: ``topological_order(root)``, when the caller has it already.
    """
    check_value(root, "fresh_grads", "root")
    nodes = topological_order(root) if order is None else order
    grads: dict[Value, float] = {node: 0.0 for node in nodes}
    grads[root] = 1.0
    for node in reversed(nodes):
        upstream = grads[node]
        if upstream == 0.0 or not node.inputs:
            continue  # backward() skips a zero grad: it adds nothing (and 0 x inf would be nan)
        for inp, local in zip(node.inputs, node.local_grads):
            grads[inp] += (abs(local) if absolute else local) * upstream
    return grads


def first_non_finite(root: Value, *, leaf: Value | None = None) -> BackwardStep | None:
    """The first step of a fresh ``root.backward()`` whose grad is not finite: where a nan or inf is made.

    Every later nan or inf of the pass comes from this one (a grad is summed from
    its consumers', all processed before it). ``leaf``: only the steps on the
    paths from ``leaf`` to the root, those that make ``leaf``'s grad. None when
    the pass stays finite.
    """
    # A nan or inf on a path from leaf stays one down to leaf (inf + x, 0 x inf, inf - inf):
    # a finite grad says no step is needed; the steps (an object each) only when one is not.
    grads = fresh_grads(root)
    if all(map(math.isfinite, grads.values() if leaf is None else (grads.get(leaf, 0.0),))):
        return None
    for step in iter_backward_steps(root, leaf=leaf):
        if not math.isfinite(step.after):
            return step
    return None
