"""Backward, one ``+=`` at a time: the steps of ``Value.backward()`` as data.

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
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

from engine.graph import topological_order
from engine.value import Value

__all__ = [
    "BackwardStep",
    "backward_steps",
    "iter_backward_steps",
    "start_grads",
    "grads_after",
    "nodes_on_paths",
    "node_names",
    "format_number",
    "is_one_word",
    "d_name",
    "step_equation",
    "replay_lines",
    "print_replay",
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


def _check_root(root: object, where: str) -> Value:
    if not isinstance(root, Value):
        raise TypeError(f"{where}: root must be a Value, got {type(root).__name__}")
    return root


def start_grads(root: Value, *, accumulate: bool = False) -> dict[Value, float]:
    """The grads known before the first step: ``{root: 1.0}``.

    With ``accumulate=True`` (leaves keep their current ``.grad``, as
    ``backward()`` does) every leaf is known from the start with its current
    grad, and a leaf root is seeded with ``root.grad + 1``.
    """
    _check_root(root, "start_grads")
    known: dict[Value, float] = {}
    if accumulate:
        for node in topological_order(root):
            if node.is_leaf:
                known[node] = node.grad
    # backward(): interior grads are set to 0, then ``root.grad += 1.0``.
    known[root] = (known.get(root, 0.0) if root.is_leaf else 0.0) + 1.0
    return known


def nodes_on_paths(root: Value, leaf: Value) -> list[Value]:
    """The nodes on some path from ``leaf`` up to ``root``, in topological order.

    A node is on a path when it is ``leaf`` or one of its inputs is on a path.
    ``ValueError`` if ``leaf`` is not in ``root``'s graph.
    """
    _check_root(root, "nodes_on_paths")
    if not isinstance(leaf, Value):
        raise TypeError(f"nodes_on_paths: leaf must be a Value, got {type(leaf).__name__}")
    on: dict[Value, bool] = {}
    for node in topological_order(root):
        on[node] = node is leaf or any(on[i] for i in node.inputs)
    if leaf not in on:
        raise ValueError(
            f"nodes_on_paths: leaf {_describe(leaf)} is not in the graph of root {_describe(root)}"
        )
    return [n for n, keep in on.items() if keep]


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
    _check_root(root, "backward_steps")
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


# ---------------------------------------------------------------- names and text


def _describe(node: Value) -> str:
    return repr(node.label) if node.label is not None else f"<{node.op or 'leaf'} {node.data:g}>"


def node_names(root: Value) -> dict[Value, str]:
    """A short, unique, deterministic name for every node of ``root``'s graph.

    A label used once is the name; a label used by several nodes gets its
    occurrence number in topological order (``x1[1]``, ``x1[2]`` ... one per
    data point when a network is run on several). Constants are named by their
    number (``2``); other unlabelled nodes by their op and topological
    position (``*#7``), the same position the drawings use. A name that would
    still be shared gets the node's position appended (``2#3``, ``2#5``).
    """
    _check_root(root, "node_names")
    order = topological_order(root)
    counts: dict[str, int] = {}
    for node in order:
        if node.label is not None:
            counts[node.label] = counts.get(node.label, 0) + 1
    seen: dict[str, int] = {}
    names: dict[Value, str] = {}
    for index, node in enumerate(order):
        if node.label is not None:
            if counts[node.label] == 1:
                names[node] = node.label
            else:
                seen[node.label] = seen.get(node.label, 0) + 1
                names[node] = f"{node.label}[{seen[node.label]}]"
        elif node.is_constant:
            names[node] = format_number(node.data)
        else:
            names[node] = f"{node.op or 'leaf'}#{index}"
    # Two constants of the same value (or a label that looks like a generated name)
    # would share a name: those get their topological position too, which is unique.
    uses: dict[str, int] = {}
    for name in names.values():
        uses[name] = uses.get(name, 0) + 1
    for index, node in enumerate(order):
        if uses[names[node]] > 1:
            names[node] = f"{names[node]}#{index}"
    return names


def format_number(x: float, digits: int = 4) -> str:
    """``x`` with ``digits`` significant digits, no exponent for everyday sizes.

    ``-4.70312`` -> ``'-4.703'``, ``0.0`` -> ``'0'``, ``1e-7`` -> ``'1e-07'``.
    """
    if x == 0.0:
        return "0"  # also for -0.0: a learner should never see "-0"
    if not math.isfinite(x):
        return repr(x)
    return f"{x:.{digits}g}"


_ONE_WORD = re.compile(r"[\w.']+(?:\[\d+\])*")


def is_one_word(name: str) -> bool:
    """True for a name that needs no parentheses after a ``d``: letters, digits, ``_ . '``,
    and a data point's index in brackets (``w3``, ``x1[2]``); False for one holding an
    operator or a space (``sq[1]+sq[2]``, ``*#7``, ``w1·x + b1``).
    """
    return _ONE_WORD.fullmatch(name) is not None


def d_name(name: str) -> str:
    """``d`` before a name, the rule every d.../d... in chaingrad follows.

    ``w3`` -> ``dw3``, ``x1[2]`` -> ``dx1[2]``; a name with an operator gets
    parentheses: ``d(sq[1]+sq[2])``, ``d(*#7)``.
    """
    return f"d{name}" if is_one_word(name) else f"d({name})"


_d = d_name


def step_equation(
    step: BackwardStep, names: dict[Value, str], root: Value, *, digits: int = 4, times: str = "x"
) -> str:
    """The chain rule of one step, symbols then numbers, on one line.

    ``dSSR/dw3 += dSSR/dpredicted x dpredicted/dw3 : 0 + -4.56 x 1.03 = -4.7``
    (grad of the input += grad of the consumer x local derivative).
    """
    r, c, i = names[root], names[step.consumer], names[step.input]
    f = lambda x: format_number(x, digits)  # noqa: E731 - local shorthand
    # A negative factor in parentheses, so "+ -5.2 x -1" reads "+ (-5.2) x (-1)".
    factor = lambda x: f"({f(x)})" if x < 0 else f(x)  # noqa: E731
    return (
        f"{_d(r)}/{_d(i)} += {_d(r)}/{_d(c)} {times} {_d(c)}/{_d(i)} :  "
        f"{f(step.before)} + {factor(step.upstream)} {times} {factor(step.local_grad)} = {f(step.after)}"
    )


def replay_lines(
    root: Value,
    steps: Sequence[BackwardStep] | None = None,
    *,
    leaf: Value | None = None,
    digits: int = 4,
    equations: bool = False,
) -> list[str]:
    """The replay as text: a few header lines, then one line per ``+=`` (``steps``, by default all).

    As an aligned table for an 80-column terminal: each line reads
    ``before + upstream x local = after``, the consumer's grad (upstream)
    times d(consumer)/d(node) added to the node's grad; with the articles'
    names and 4 digits a line is at most 80 characters. With ``equations=True``,
    each step as its chain-rule equation (``step_equation``), wider but spelled out:
    ``step 13  dSSR/db3 += dSSR/dpredicted[1] x dpredicted[1]/db3 :  -10.45 + (-5.207) x 1 = -15.66  final``.
    ``final`` marks the step that completes a grad. ``leaf``: only the steps
    on the paths from that node (when ``steps`` is not given).
    """
    _check_root(root, "replay_lines")
    if steps is None:
        steps = backward_steps(root, leaf=leaf)
    names = node_names(root)
    if equations:
        return _equation_lines(root, steps, names, digits)
    return _table_lines(root, steps, names, digits)


def _equation_lines(
    root: Value, steps: Sequence[BackwardStep], names: dict[Value, str], digits: int
) -> list[str]:
    r = names[root]
    width = len(str(len(steps)))
    return [
        f"Backward from {r}, one += per line:",
        f"  {_d(r)}/dnode += {_d(r)}/dconsumer x dconsumer/dnode",
        "",
    ] + [
        f"step {k:>{width}}  {step_equation(s, names, root, digits=digits)}" + ("  final" if s.final else "")
        for k, s in enumerate(steps, 1)
    ]


def _table_lines(
    root: Value, steps: Sequence[BackwardStep], names: dict[Value, str], digits: int
) -> list[str]:
    r = names[root]
    f = lambda x: format_number(x, digits)  # noqa: E731 - local shorthand
    cells = [
        (names[s.input], names[s.consumer], f(s.before), f(s.upstream), f(s.local_grad), f(s.after), s.final)
        for s in steps
    ]
    # Column widths from the content, so short graphs make short lines.
    wi = max([len("grad of")] + [len(c[0]) for c in cells])
    wc = max([len("consumer")] + [len(c[1]) for c in cells])
    wn = max([len("upstream")] + [len(x) for c in cells for x in c[2:6]])
    ws = max(4, len(str(len(cells))))
    lines = [
        f"Backward from {r}, one += per line (grad(n) = {_d(r)}/dn; {r} starts at 1):",
        "  grad(node) += grad(consumer) x local,   local = d(consumer)/d(node)",
        "",
        f"{'step':>{ws}}  {'grad of':<{wi}}  {'consumer':<{wc}} {'before':>{wn}}   "
        f"{'upstream':>{wn}}   {'local':>{wn}}   {'after':>{wn}}",
    ]
    for k, (i, c, before, up, local, after, final) in enumerate(cells, 1):
        mark = " final" if final else ""
        lines.append(
            f"{k:>{ws}}  {i:<{wi}}  {c:<{wc}} {before:>{wn}} + {up:>{wn}} x {local:>{wn}} = {after:>{wn}}{mark}"
        )
    return lines


def print_replay(
    root: Value,
    *,
    leaf: Value | None = None,
    digits: int = 4,
    equations: bool = False,
    file: TextIO | None = None,
) -> list[BackwardStep]:
    """Print the replay of ``root.backward()`` (to ``file``, default stdout) and return its steps.

    The lines of ``replay_lines``: an aligned table, or with ``equations=True``
    the chain-rule equations. ``leaf``: only the steps on the paths from that
    node to ``root``.
    """
    steps = backward_steps(root, leaf=leaf)
    out = sys.stdout if file is None else file
    for line in replay_lines(root, steps, digits=digits, equations=equations):
        print(line, file=out)
    return steps
