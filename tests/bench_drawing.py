"""Drawing time: the largest graphs the default limits admit, rendered by every dot at hand.

    python -m tests.bench --drawing            # every shape, drawn plain and compact
    python -m tests.bench --drawing --quick    # one shape: a smoke test

For each shape (a product x*x*...*x, where x feeds every factor; a fan-out
t + x*1 + x*2 + ...; a dense layer; leaves used at both ends of a chain; a wide
sum; a deep chain), the largest size ``draw`` admits with its default limits is
found, and its render time is measured with each dot found (graphviz-pure, and
a system Graphviz where one is installed: ``/usr/bin/dot`` or the path in
``CHAINGRAD_DOT``), once each, garbage collector on (wall time of the dot
process). The next size up must be refused; the time to refuse it is shown too.
Targets: a render within ``RENDER_TARGET`` seconds, a refusal within ``REFUSE_TARGET``.
The exit status is 1 when a figure misses its target.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable

from engine import Value, topological_order
from viz import draw
from viz.graph.layout import GraphTooLargeError

RENDER_TARGET = 10.0  # seconds, the largest admitted drawing of each shape
REFUSE_TARGET = 1.0  # seconds, the smallest refused one, before dot starts


def product(n: int) -> Value:
    """x * x * ... * x, n factors: x feeds every product, the layout Graphviz finds hardest."""
    x = Value(1.0, "x")
    y = x
    for _ in range(n - 1):
        y = y * x
    return y


def fan_out(n: int) -> Value:
    x, t = Value(0.3, "x"), Value(0.0, "t")
    for i in range(n):
        t = t + x * float(i + 1)
    return t


def dense(n: int) -> Value:
    xs = [Value(0.1 * i, f"x{i}") for i in range(n)]
    outs = []
    for j in range(n):
        s = xs[0] * Value(0.2, f"w{j}_0")
        for i in range(1, n):
            s = s + xs[i] * Value(0.1, f"w{j}_{i}")
        outs.append(s.tanh())
    total = outs[0]
    for o in outs[1:]:
        total = total + o
    return total


def both_ends(n: int) -> Value:
    xs = [Value(0.1 * i + 0.1, f"x{i}") for i in range(n)]
    y = xs[0]
    for v in xs[1:]:
        y = y * v
    for v in xs:
        y = y + v
    return y


def wide_sum(n: int) -> Value:
    xs = [Value(float(i), f"x{i}") for i in range(n)]
    y = xs[0]
    for v in xs[1:]:
        y = y + v
    return y


def deep_chain(n: int) -> Value:
    y = Value(0.5, "x")
    for i in range(n):
        y = (y * 1.01).tanh() if i % 2 else y + 0.1
    return y


SHAPES: dict[str, Callable[[int], Value]] = {
    "product": product, "fan-out": fan_out, "dense": dense, "both ends": both_ends,
    "wide sum": wide_sum, "deep chain": deep_chain,
}


def dots() -> list[str]:
    """graphviz-pure and the system Graphviz, where present (each once)."""
    found = []
    for candidate in (shutil.which("graphviz-pure", path=os.path.dirname(sys.executable)),
                      os.environ.get("CHAINGRAD_DOT"), "/usr/bin/dot", "/usr/bin/dot-debian"):
        path = shutil.which(candidate) if candidate else None
        if path and os.path.realpath(path) not in {os.path.realpath(p) for p in found}:
            found.append(path)
    return found


def admitted(make: Callable[[int], Value], compact: bool, high: int = 400) -> int:
    """The largest n whose drawing ``draw`` admits (binary search; admitted sizes are contiguous)."""
    low = 1
    while low < high:
        mid = (low + high + 1) // 2
        root = make(mid)
        try:
            draw(root, compact=compact)
            low = mid
        except GraphTooLargeError:
            high = mid - 1
    return low


def render_seconds(dot: str, source: str) -> float:
    start = time.perf_counter()
    proc = subprocess.run([dot, "-Kdot", "-Tsvg"], input=source.encode(), capture_output=True,
                          timeout=10 * RENDER_TARGET)
    if proc.returncode != 0:
        raise RuntimeError(f"{dot} failed: {proc.stderr.decode(errors='replace')[:200]}")
    return time.perf_counter() - start


def main(quick: bool = False) -> int:
    executables = dots()
    names = [os.path.basename(d) for d in executables]
    print(f"drawing: render seconds of the largest admitted drawing (target <= {RENDER_TARGET:g} s), "
          f"refusal of the next size (target <= {REFUSE_TARGET:g} s); gc on")
    header = ["shape", "compact", "n", "values", *names, "refuse"]
    rows, ok = [], True
    shapes = ["product"] if quick else list(SHAPES)
    for shape in shapes:
        for compact in ((False,) if quick else (False, True)):
            make = SHAPES[shape]
            n = admitted(make, compact)
            root = make(n)
            root.backward()
            source = draw(root, compact=compact).source
            times = [render_seconds(d, source) for d in executables]
            bigger = make(n + 1)
            start = time.perf_counter()
            try:
                draw(bigger, compact=compact)
                refuse = "admitted"
                ok = False
            except GraphTooLargeError:
                seconds = time.perf_counter() - start
                refuse = f"{seconds:.3f}"
                ok = ok and seconds <= REFUSE_TARGET
            ok = ok and all(t <= RENDER_TARGET for t in times)
            values = len(topological_order(root))
            rows.append([shape, str(compact), str(n), str(values), *[f"{t:.1f}" for t in times], refuse])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print("  " + "  ".join(c.rjust(w) for c, w in zip(r, widths)))
    print("drawing: " + ("all within target" if ok else "MISSED a target"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main("--quick" in sys.argv[1:]))
