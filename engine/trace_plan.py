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

from dataclasses import dataclass

from engine.graph import topological_order
from engine.value import Value

__all__ = ["Recorded", "Loop", "record", "find_loops", "ROLL_MIN_NODES"]

#: Graphs with fewer nodes are written out in full (straight-line code is the fastest).
ROLL_MIN_NODES = 2000
#: A loop must replace at least this many nodes.
_MIN_COVER = 64
#: Candidate periods tried at each position before giving up on it.
_MAX_TRIES = 3

# An input reference: ("n", index of a recorded node), ("p", parameter index)
# or ("c", constant value).
Ref = tuple[str, int] | tuple[str, float]


@dataclass
class Recorded:
    """The recorded graph: ``nodes`` in topological order, each with its input references."""

    nodes: list[Value]
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
    """The nodes of ``root``'s graph that depend on a parameter of ``pindex``, with their inputs."""
    if root in pindex:
        return Recorded([], [], ("p", pindex[root]))
    nodes: list[Value] = []
    refs: list[tuple[Ref, ...]] = []
    index: dict[Value, int] = {}
    for node in topological_order(root, include_leaves=False):
        row: list[Ref] = []
        depends = False
        for inp in node.inputs:
            if inp in index:
                row.append(("n", index[inp]))
                depends = True
            elif inp in pindex:
                row.append(("p", pindex[inp]))
                depends = True
            else:
                row.append(("c", inp.data))
        if depends:
            index[node] = len(nodes)
            nodes.append(node)
            refs.append(tuple(row))
    if root in index:
        return Recorded(nodes, refs, ("n", index[root]))
    return Recorded(nodes, refs, ("c", root.data))


def shapes(rec: Recorded) -> list[int]:
    """Each node's shape as a small int: its op and its inputs (relative distance, parameter or constant)."""
    interned: dict[tuple[object, ...], int] = {}
    out = []
    for i, (node, row) in enumerate(zip(rec.nodes, rec.refs)):
        key = (node.op, *((kind, i - x) if kind == "n" else (kind, x) if kind == "p" else ("c",)
                          for kind, x in row))
        out.append(interned.setdefault(key, len(interned)))
    return out


def find_loops(rec: Recorded, min_nodes: int = ROLL_MIN_NODES) -> list[Loop]:
    """Runs of repeating shapes that the generated code can write as loops (none for small graphs).

    A run qualifies when each repetition reads only its own nodes, the
    previous repetition's and nodes before the run, and only the last
    repetition is read after the run (so every value crossing a repetition's
    edge is a loop-carried variable).
    """
    n = len(rec.nodes)
    if n < min_nodes:
        return []
    sig = shapes(rec)
    reach = _last_reader(rec)
    nxt = [-1] * n
    seen: dict[int, int] = {}
    for i in range(n - 1, -1, -1):
        nxt[i] = seen.get(sig[i], -1)
        seen[sig[i]] = i
    loops: list[Loop] = []
    i = 0
    while i < n:
        found = None
        cand, tries = nxt[i], 0
        while cand != -1 and tries < _MAX_TRIES and found is None:
            length = cand - i
            if i + 2 * length > n:
                break
            block = sig[i:cand]
            reps = 1
            while i + (reps + 1) * length <= n and sig[i + reps * length: i + (reps + 1) * length] == block:
                reps += 1
            if reps >= 2 and reps * length >= _MIN_COVER:
                reps = _valid_reps(rec, i, length, reps, reach)
            if reps >= 2 and reps * length >= _MIN_COVER:
                found = Loop(i, length, reps)
            cand, tries = nxt[cand], tries + 1
        if found is not None:
            loops.append(found)
            i = found.stop
        else:
            i += 1
    return loops


def _last_reader(rec: Recorded) -> list[int]:
    """For each node, the index of the last node that reads it (-1 for none)."""
    last = [-1] * len(rec.nodes)
    for i, row in enumerate(rec.refs):
        for kind, x in row:
            if kind == "n":
                last[int(x)] = i
    return last


def _valid_reps(rec: Recorded, start: int, length: int, reps: int, reach: list[int]) -> int:
    """How many of ``reps`` repetitions from ``start`` can be one loop (0: none)."""
    for j in range(length):
        i = start + j
        for kind, x in rec.refs[i]:
            if kind == "n" and i - int(x) > j + length:
                return 0  # reads further back than the previous repetition
    for k in range(reps - 1):
        # Repetition k may be read by itself and by the next one only.
        limit = start + (k + 2) * length
        base = start + k * length
        if any(reach[base + j] >= limit for j in range(length)):
            return k + 1
    return reps
