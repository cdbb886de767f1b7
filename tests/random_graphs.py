"""Random expression graphs over every op, as programs that any engine can replay.

A program is a list of ``(kind, i, j, c, swap)``: apply op ``kind`` to nodes ``i``
(and ``j``), with the number ``c`` where the op takes one, the number on the left
when ``swap``. Each op is kept well inside its domain and away from kinks (relu's 0,
a small base of a fractional power), so that first and second derivatives exist and
a central difference of step 1e-5 stays on the same side.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from operator import methodcaller
from typing import Any

from engine import Value

KINDS = ("+", "-", "*", "/", "num+", "num-", "num*", "num/", "neg", "**n", "**v", "exp",
         "log", "softplus", "sigmoid", "tanh", "relu", "square")

Program = list[tuple[str, int, int, float, bool]]


def _admits(kind: str, a: float, b: float, c: float) -> bool:
    """True when ``kind`` on these values stays clear of its domain's edges."""
    if kind == "/":
        return abs(b) > 0.3
    if kind == "num/":
        return abs(c) > 0.5
    if kind == "**v":
        return 0.2 < a < 5.0 and abs(b) < 3.0
    if kind == "**n":
        return not ((c < 0 and abs(a) < 0.3) or (c != int(c) and a < 0.2) or abs(a) > 10)
    if kind == "exp":
        return a < 5.0
    if kind == "log":
        return a > 0.1
    if kind == "relu":
        return abs(a) > 0.1
    if kind in ("*", "square"):
        return max(abs(a), abs(b)) < 1e3
    return True


def random_program(rng: random.Random, n_leaves: int, n_ops: int) -> tuple[Program, list[float]]:
    """A random program of ``n_ops`` ops on ``n_leaves`` leaves in [-2, 2], and the leaves' values.

    Nodes are reused freely: shared subexpressions, ``a*a`` and diamonds.
    """
    leaves = [rng.uniform(-2.0, 2.0) for _ in range(n_leaves)]
    nodes = [Value(x) for x in leaves]
    program: Program = []
    while len(program) < n_ops:
        i, j = rng.randrange(len(nodes)), rng.randrange(len(nodes))
        kind = rng.choice(KINDS)
        c = rng.choice([2, 3, -1, 0.5, 1.5, 2.5]) if kind == "**n" else round(rng.uniform(-3.0, 3.0), 3)
        if not _admits(kind, nodes[i].data, nodes[j].data, c):
            continue
        swap = rng.random() < 0.5
        program.append((kind, i, j, c, swap))
        nodes.append(apply(kind, nodes[i], nodes[j], c, swap, _OURS))
    return program, leaves


def apply(kind: str, a: Any, b: Any, c: float, swap: bool, functions: dict[str, Callable[[Any], Any]]) -> Any:
    """One op of a program on ``a`` (and ``b``); ``functions`` maps the named ops (exp ...) to the engine's."""
    if kind == "+":
        return a + b
    if kind == "-":
        return a - b
    if kind == "*":
        return a * b
    if kind == "/":
        return a / b
    if kind == "num+":
        return c + a if swap else a + c
    if kind == "num-":
        return c - a if swap else a - c
    if kind == "num*":
        return c * a if swap else a * c
    if kind == "num/":
        return a / c
    if kind == "neg":
        return -a
    if kind == "**n":
        return a**c
    if kind == "**v":
        return a**b
    return functions[kind](a)


_OURS: dict[str, Callable[[Any], Any]] = {
    name: methodcaller(name) for name in ("exp", "log", "softplus", "sigmoid", "tanh", "relu", "square")
}


def run(program: Program, leaves: Sequence[Any], functions: dict[str, Callable[[Any], Any]] | None = None) -> Any:
    """Replay ``program`` on ``leaves`` (Values, or another engine's scalars with its ``functions``).

    Returns the root: the sum of the last few nodes, so that it depends on much of the graph.
    """
    fns = _OURS if functions is None else functions
    nodes = list(leaves)
    for kind, i, j, c, swap in program:
        nodes.append(apply(kind, nodes[i], nodes[j], c, swap, fns))
    root = nodes[-1]
    for k in range(2, min(5, len(program)) + 1):
        root = root + nodes[-k]
    return root
