"""What a trace records: the nodes that depend on the parameters, and which runs of them repeat.

``record`` walks the graph once. A node that depends on no parameter (data,
constants, anything computed only from them) is a constant of the trace: its
value cannot change while only the parameters do. The other nodes are kept in
the order ``backward()`` visits them in reverse (``topological_order``).

``find_loops`` looks for runs of nodes that repeat with the same shape: the
same ops on the same parameters, inputs at the same distance back, only the
constants differing - one data point's graph after another's. The generated
code then loops over the data points instead of spelling every node out, so a
model with many points gives code the size of one point's graph.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from engine.graph import topological_order
from engine.value import Value

__all__ = ["Recorded", "Loop", "record", "exact", "find_loops", "last_readers", "ROLL_MIN_NODES"]

#: Graphs with fewer nodes are written out in full (straight-line code is the fastest).
ROLL_MIN_NODES = 2000
#: A loop must replace at least this many nodes.
_MIN_COVER = 64
#: Candidate periods tried at each position before giving up on it.
_MAX_TRIES = 3

# An input reference, kept small (a graph can have a million nodes): an int
# i >= 0 is recorded node i, an int -1 - j is parameter j, a float is a constant
# (always a float: ``record`` refuses other data). A ref's kind is its type: refs
# are compared by type and bits (``exact``), never by ``==``, for which 1 == 1.0
# (node 1 and the constant 1.0) and 0.0 == -0.0.
Ref = int | float


def is_node(ref: Ref) -> bool:
    return type(ref) is int and ref >= 0


def is_param(ref: Ref) -> bool:
    return type(ref) is int and ref < 0


@dataclass
class Recorded:
    """The recorded graph: each node's op, label and input references, in topological order.

    Plain strings and numbers, no Values: once recorded, the graph itself can be freed.
    """

    ops: list[str]
    labels: list[str | None]
    refs: list[tuple[Ref, ...]]
    root: Ref  # the loss: a node, a parameter, or a constant


@dataclass(frozen=True)
class Loop:
    """Nodes ``start .. start + length * reps - 1`` as ``reps`` repetitions of ``length`` nodes."""

    start: int
    length: int
    reps: int

    @property
    def stop(self) -> int:
        return self.start + self.length * self.reps


def record(root: Value, pindex: dict[Value, int]) -> Recorded:
    """The nodes of ``root``'s graph that depend on a parameter of ``pindex``, with their inputs.

    A constant the recorded nodes read must hold a float: ``TypeError`` naming
    it and its reader otherwise (see ``_constant``).
    """
    index: dict[Value, int] = {p: -1 - j for p, j in pindex.items()}
    if root in index:
        return Recorded([], [], [], index[root])
    ops: list[str] = []
    labels: list[str | None] = []
    refs: list[tuple[Ref, ...]] = []
    get = index.get
    for node in topological_order(root, include_leaves=False):
        ins = node.inputs
        # A unique marker for "not a parameter, not a recorded node", never a number: a
        # constant's data is read only once the node is known to depend on a parameter,
        # so an int in a leaf's .data cannot pass for a reference.
        row = tuple([get(inp, _CONSTANT) for inp in ins])
        n = row.count(_CONSTANT)
        if n:
            if n == len(row):
                continue  # depends on no parameter: a constant of the trace
            row = tuple([r if r is not _CONSTANT else _constant(inp, node, len(ops)) for r, inp in zip(row, ins)])
        index[node] = len(ops)
        ops.append(node.op)
        labels.append(node.label)
        refs.append(row)
    return Recorded(ops, labels, refs, index[root] if root in index else _constant(root, None, -1))


#: The marker of a constant input in a row being built (typed Any: it sits among refs until replaced).
_CONSTANT: Any = object()


def _constant(value: Value, reader: Value | None, k: int) -> float:
    """``value.data``, a constant of the trace read by ``reader`` (recorded node ``k``; None: the loss itself).

    Only a float: the generated code writes constants as float literals, while
    eager arithmetic computes with the object itself (an int times an int is
    exact, a numpy float divides by zero without raising ...), so anything
    else would make the two paths differ. ``Value()`` converts; an assignment
    to ``.data`` does not.
    """
    data = value.data
    if type(data) is float:
        return data
    if value.inputs:
        what = f"the {value.op!r} node{_named(value)} (computed from constants)"
    else:
        what = f"the leaf{_named(value)}"
    where = "(the loss)" if reader is None else f"read by node {k + 1} ({reader.op!r}{_named(reader)})"
    text = repr(data)
    raise TypeError(
        f"trace: {what} {where} holds {type(data).__name__} {text if len(text) <= 40 else text[:37] + '...'},"
        f" not a float: the traced code would compute with a float where eager arithmetic computes with"
        f" the {type(data).__name__} itself; set its .data to a float (Value(x) converts x)"
    )


def _named(node: Value) -> str:
    return f" {node.label!r}" if node.label else ""


def exact(rows: Sequence[tuple[Ref, ...]]) -> tuple[object, ...]:
    """``rows`` of refs as data equal only for the same refs: the rows' lengths, each ref's type, its bits.

    Node 1 and the constant 1.0 differ in type, 0.0 and -0.0 in bits, and a nan
    equals a nan of the same bits (where ``nan != nan``). Refs that are ints are
    node and parameter indices, far below 2**53: exact as doubles.
    """
    flat = list(chain.from_iterable(rows))
    return tuple(map(len, rows)), tuple(map(type, flat)), struct.pack(f"<{len(flat)}d", *flat)


def shapes(rec: Recorded) -> tuple[list[int], list[tuple[object, ...]]]:
    """Each node's shape as a small int, and the shapes: its op and inputs (distance back, parameter, constant)."""
    interned: dict[tuple[object, ...], int] = {}
    out = []
    for i, (op, row) in enumerate(zip(rec.ops, rec.refs)):
        # a node by its distance back, a parameter by its index, a constant by its kind only
        key = (op, *((i - r if r >= 0 else r) if type(r) is int else None for r in row))
        out.append(interned.setdefault(key, len(interned)))
    return out, list(interned)


def find_loops(rec: Recorded, min_nodes: int = ROLL_MIN_NODES) -> list[Loop]:
    """Runs of repeating shapes that the generated code can write as loops (none for small graphs).

    A run qualifies when each repetition reads only its own nodes, the
    previous repetition's and nodes before the run, and only the last
    repetition is read after the run (so every value crossing a repetition's
    edge is a loop-carried variable).
    """
    n = len(rec.ops)
    if n < min_nodes:
        return []
    sig, keys = shapes(rec)
    reach = last_readers(rec)
    nxt = [-1] * n
    seen: dict[int, int] = {}
    for i in range(n - 1, -1, -1):
        nxt[i] = seen.get(sig[i], -1)
        seen[sig[i]] = i
    loops: list[Loop] = []
    i = 0
    while i < n:
        found = None
        skip = 1
        cand, tries = nxt[i], 0
        while cand != -1 and tries < _MAX_TRIES and found is None:
            length = cand - i
            if i + 2 * length > n:
                break
            block = sig[i:cand]
            reps = 1
            while i + (reps + 1) * length <= n and sig[i + reps * length: i + (reps + 1) * length] == block:
                reps += 1
            if reps == 1 and tries == 0:
                # The first mismatch fails this period for every start up to it too:
                # try again after it (a shortcut: a loop starting in between is missed).
                skip = next(t for t, (a, b) in enumerate(zip(block, sig[cand:cand + length])) if a != b) + 1
            if reps >= 2 and reps * length >= _MIN_COVER:
                reps = _valid_reps(rec, i, length, reps, reach)
            if reps >= 2 and reps * length >= _MIN_COVER:
                found = Loop(i, length, reps)
            cand, tries = nxt[cand], tries + 1
        if found is not None:
            found = _extend_back(found, sig, keys, reach, loops[-1].stop if loops else 0)
            loops.append(found)
            i = found.stop
        else:
            i += skip
    return loops


def last_readers(rec: Recorded) -> list[int]:
    """For each node, the index of the last node that reads it (-1 for none)."""
    last = [-1] * len(rec.ops)
    for i, row in enumerate(rec.refs):
        for r in row:
            if type(r) is int and r >= 0:
                last[r] = i
    return last


def _valid_reps(rec: Recorded, start: int, length: int, reps: int, reach: list[int]) -> int:
    """How many of ``reps`` repetitions from ``start`` can be one loop (0: none)."""
    for j in range(length):
        i = start + j
        for r in rec.refs[i]:
            if type(r) is int and r >= 0 and i - r > j + length:
                return 0  # reads further back than the previous repetition
    for k in range(reps - 1):
        # Repetition k may be read by itself and by the next one only.
        limit = start + (k + 2) * length
        base = start + k * length
        if any(reach[base + j] >= limit for j in range(length)):
            return k + 1
    return reps


def _extend_back(loop: Loop, sig: list[int], keys: list[tuple[object, ...]], reach: list[int], floor: int) -> Loop:
    """``loop`` with one more repetition before it, if that one differs only by reading constants.

    A sum over data points that starts from a number (``sum(terms)`` is
    ``0 + term_1 + term_2 ...``) reads the number where later points read the
    previous point's partial sum: that first point can still be the loop's first
    repetition, its carried value being the constant.
    """
    start, length = loop.start, loop.length
    first = start - length
    if first < floor:
        return loop
    for j in range(length):
        if reach[first + j] >= start + length:
            return loop  # read after the next repetition
        a, b = keys[sig[first + j]], keys[sig[start + j]]
        if a[0] != b[0] or len(a) != len(b):
            return loop
        for x, y in zip(a[1:], b[1:]):
            carried_constant = x is None and type(y) is int and y > j
            if x != y and not carried_constant:
                return loop
    return Loop(first, length, loop.reps + 1)
