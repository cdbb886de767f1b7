"""Benchmark of the engine: training steps eager and compiled, time per op (forward, backward), bytes per node.

    python -m tests.bench                   # full sizes, a few minutes
    python -m tests.bench --quick           # small sizes, a smoke test of some seconds
    python -m tests.bench --no-micrograd    # ours only
    python -m tests.bench --deep-micrograd  # micrograd on deep graphs too (recursion limit raised)
    python -m tests.bench --drawing         # drawing time of the largest admitted graphs (bench_drawing)
    python -m tests.bench --check           # check and explain on long chains, against backward (bench_check)
    python -m tests.bench --training-only   # only the training rows (tests/bench_training.py)

``python -m tests.bench`` runs from the repository root: ``tests`` is not
installed with chaingrad. From any other directory, run the file:
``python path/to/chaingrad/tests/bench.py`` (it imports only chaingrad's engine).

Where ``micrograd`` (``pip install micrograd==0.1.0``) is installed, the same
workloads run on it in the same process and the table shows the ratio
ours / micrograd beside the target (time: <= 0.4, memory: <= 0.5).

How it measures, so that the figures mean what a user would see:

* Each engine runs in blocks of consecutive steps (at least 50,000 ops per
  block, as in a training loop) with the garbage collector enabled; a block
  starts after ``gc.collect()`` and one untimed warm-up step,
  so each engine pays for its own garbage (micrograd's graphs are reference
  cycles through their closures and are freed only by the collector; ours are
  freed by reference counting when the root is dropped, which is timed).
* A step is forward, then backward (with zeroing and an SGD update for the
  training workloads), then dropping the graph. "fwd" and "bwd" are mean
  times per step divided by the number of ops; "total" also includes dropping
  the graph. Blocks of the two engines alternate; the figures are those of
  each engine's best block (best of N block means: the collector's work stays
  in every block, noise from other processes is dropped).
* "ops" is the number of operation nodes our engine makes for the workload
  (constants and leaves are not ops); both engines are divided by the same
  count, so the ratio is a ratio of wall times of the same computation.
* Bytes per node: ``tracemalloc`` over building the graph from existing
  leaves, so everything a node owns (its tuples, floats, closures, sets) counts.
"""

from __future__ import annotations

import argparse
import gc
import math
import platform
import random
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from engine import Value, topological_order

TIME_TARGET = 0.4  # ours / micrograd, forward + backward per op
MEMORY_TARGET = 0.5  # ours / micrograd, bytes per node

# ---------------------------------------------------------------- micrograd

try:  # optional: the comparison runs only where micrograd is installed
    import micrograd.engine as _micrograd_engine
except ImportError:  # pragma: no cover - depends on the environment
    _micrograd_engine = None


def _micrograd_tanh(self):
    """tanh for micrograd 0.1.0 (which has none), in micrograd's closure style."""
    t = math.tanh(self.data)
    out = type(self)(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


def _micrograd_softplus(self):
    """softplus for micrograd 0.1.0 (which has none), in micrograd's closure style."""
    x = self.data
    out = type(self)(max(x, 0.0) + math.log1p(math.exp(-abs(x))), (self,), "softplus")

    def _backward():
        # d softplus(x)/dx = sigmoid(x), written without overflow
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        self.grad += s * out.grad

    out._backward = _backward
    return out


def micrograd_value():
    """micrograd's Value with ``tanh`` and ``softplus`` attached, or None."""
    if _micrograd_engine is None:
        return None
    V = _micrograd_engine.Value
    if not hasattr(V, "tanh"):
        V.tanh = _micrograd_tanh
    if not hasattr(V, "softplus"):
        V.softplus = _micrograd_softplus
    return V


def micrograd_max_depth(margin: int = 30) -> int:
    """The deepest graph micrograd's recursive topological sort can take here."""
    return sys.getrecursionlimit() - margin


# ---------------------------------------------------------------- workloads
# A workload is made for one Value class; it returns (forward, params, reset):
# forward() builds the graph and returns its root; params get zeroed and
# updated by SGD after backward (training steps); reset() restores them so
# that every step computes the same numbers.

Workload = tuple[Callable[[], object], list, Callable[[], None]]


def tanh_chain(V, n: int) -> Workload:
    """y = tanh(tanh(... tanh(x))), n ops deep."""
    x = V(0.5)

    def forward():
        y = x
        for _ in range(n):
            y = y.tanh()
        return y

    return forward, [], lambda: None


def wide_sum(V, n: int) -> Workload:
    """a0*b0 + a1*b1 + ... over n products (2n - 1 ops), summed left to right."""
    rng = random.Random(1)
    a = [V(rng.uniform(-1.0, 1.0)) for _ in range(n)]
    b = [V(rng.uniform(-1.0, 1.0)) for _ in range(n)]

    def forward():
        s = a[0] * b[0]
        for i in range(1, n):
            s = s + a[i] * b[i]
        return s

    return forward, [], lambda: None


class TinyMLP:
    """A dense MLP written with nothing but a Value class: relu hidden layers, linear output.

    The same code, weights and data drive both engines, so the graphs match op for op.
    """

    def __init__(self, V, nin: int, nouts: Sequence[int], seed: int = 0) -> None:
        rng = random.Random(seed)
        sizes = [nin] + list(nouts)
        self.layers = [
            [([V(rng.uniform(-1.0, 1.0)) for _ in range(sizes[k])], V(0.0)) for _ in range(sizes[k + 1])]
            for k in range(len(nouts))
        ]

    def parameters(self) -> list:
        return [p for layer in self.layers for w, b in layer for p in w + [b]]

    def __call__(self, x):
        last = len(self.layers) - 1
        for k, layer in enumerate(self.layers):
            out = []
            for w, b in layer:
                act = b
                for wi, xi in zip(w, x):
                    act = act + wi * xi
                out.append(act if k == last else act.relu())
            x = out
        return x[0]


def mlp_step(V, points: int) -> Workload:
    """One training step of MLP(2, [16, 16, 1]) on `points` points, mean squared error."""
    model = TinyMLP(V, 2, [16, 16, 1], seed=0)
    params = model.parameters()
    start = [p.data for p in params]
    rng = random.Random(2)
    xs = [(rng.uniform(-2.0, 2.0), rng.uniform(-2.0, 2.0)) for _ in range(points)]
    ys = [1.0 if x0 * x1 > 0 else -1.0 for x0, x1 in xs]

    def forward():
        loss = None
        for x, y in zip(xs, ys):
            term = (model(x) - y) ** 2
            loss = term if loss is None else loss + term
        return loss * (1.0 / points)

    def reset():
        for p, d in zip(params, start):
            p.data = d

    return forward, params, reset


# The articles' drug-dosage network: input -> two softplus neurons -> linear
# output, trained on the sum of squared residuals over three doses. Starting
# parameters and data are those of StatQuest's "Backpropagation Details Pt. 2".
ARTICLE_START = {"w1": 2.74, "b1": 0.0, "w2": -1.13, "b2": 0.0, "w3": 0.36, "w4": 0.63, "b3": 0.0}
ARTICLE_DOSES = (0.0, 0.5, 1.0)
ARTICLE_OBSERVED = (0.0, 1.0, 0.0)


def article_step(V, repeat: int = 1) -> Workload:
    """One full-batch training step of the articles' network (all seven parameters)."""
    p = {name: V(value) for name, value in ARTICLE_START.items()}
    params = list(p.values())

    def forward():
        ssr = None
        for dose, observed in zip(ARTICLE_DOSES, ARTICLE_OBSERVED):
            y1 = (dose * p["w1"] + p["b1"]).softplus()
            y2 = (dose * p["w2"] + p["b2"]).softplus()
            predicted = y1 * p["w3"] + y2 * p["w4"] + p["b3"]
            term = (observed - predicted) ** 2
            ssr = term if ssr is None else ssr + term
        return ssr

    def reset():
        for v, d in zip(params, ARTICLE_START.values()):
            v.data = d

    return forward, params, reset


# ---------------------------------------------------------------- timing


@dataclass
class Timing:
    fwd: float  # seconds per step
    bwd: float
    total: float


def run_block(workload: Workload, steps: int, lr: float = 0.01) -> Timing:
    """Mean times of `steps` consecutive steps, after a collection and a warm-up step."""
    forward, params, reset = workload
    gc.collect()
    fwd = bwd = total = 0.0
    for i in range(steps + 1):
        reset()
        t0 = time.perf_counter()
        root = forward()
        t1 = time.perf_counter()
        for p in params:
            p.grad = 0.0
        root.backward()
        for p in params:
            p.data -= lr * p.grad
        t2 = time.perf_counter()
        del root  # ours is freed here; micrograd's cycles wait for the collector
        t3 = time.perf_counter()
        if i:  # step 0 warms up
            fwd += t1 - t0
            bwd += t2 - t1
            total += t3 - t0
    return Timing(fwd / steps, bwd / steps, total / steps)


def compare(makers: list[Callable[[], Workload]], rounds: int, steps: int) -> list[Timing]:
    """The best block of each workload maker, blocks alternating between makers.

    Each block is a mean over consecutive steps with the collector on, so it
    carries its share of collections; taking the best block drops only blocks
    slowed by other processes on the machine.
    """
    workloads = [make() for make in makers]
    blocks: list[list[Timing]] = [[] for _ in workloads]
    for r in range(rounds):
        order = list(range(len(workloads)))
        if r % 2:
            order.reverse()
        for k in order:
            blocks[k].append(run_block(workloads[k], steps))
    return [min(b, key=lambda t: t.total) for b in blocks]


def count_ops(workload: Workload) -> int:
    """Operation nodes our engine makes for one forward pass (leaves excluded)."""
    root = workload[0]()
    return len(topological_order(root, include_leaves=False))


# ---------------------------------------------------------------- memory


def bytes_per_node(build: Callable[[], object], nodes: int) -> float:
    """Traced bytes allocated by build() and still held by its result, per node."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        root = build()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del root
    return (after - before) / nodes


# ---------------------------------------------------------------- report


@dataclass
class Row:
    workload: str
    size: str
    ops: int
    ours: Timing
    theirs: Timing | None

    def cells(self) -> list[str]:
        us = 1e6 / self.ops
        o = self.ours
        cells = [self.workload, self.size, str(self.ops),
                 f"{o.fwd * us:.3f}", f"{o.bwd * us:.3f}", f"{o.total * us:.3f}"]
        if self.theirs is None:
            return cells + ["-", "-", "-", "-", "-", "-"]
        t = self.theirs
        ratio = o.total / t.total
        verdict = "PASS" if ratio <= TIME_TARGET else "MISS"
        return cells + [
            f"{t.fwd * us:.3f}",
            f"{t.bwd * us:.3f}",
            f"{t.total * us:.3f}",
            f"{ratio:.2f}",
            f"<={TIME_TARGET}",
            verdict,
        ]


HEADER = [
    "workload", "size", "ops",
    "ours fwd", "ours bwd", "ours total",
    "mg fwd", "mg bwd", "mg total",
    "ratio", "target", "verdict",
]


def print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]

    def line(cells):
        # first two columns left-aligned (names), numbers right-aligned
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke test of a few seconds")
    parser.add_argument("--no-micrograd", action="store_true", help="time our engine only")
    parser.add_argument(
        "--deep-micrograd",
        action="store_true",
        help="also run micrograd on graphs deeper than its recursion allows (up to 1e5 ops), "
        "with sys.setrecursionlimit raised around those rows",
    )
    parser.add_argument("--drawing", action="store_true",
                        help="instead: drawing time of the largest graphs draw() admits, with every dot at hand "
                        "(tests/bench_drawing.py)")
    parser.add_argument("--check", action="store_true",
                        help="instead: viz.practice.check and explain on chains of 1e4..1e6 steps, timed against "
                        "backward (tests/bench_check.py)")
    parser.add_argument("--training-only", action="store_true", help="only the training rows (eager and compiled)")
    args = parser.parse_args(argv)
    if args.drawing:
        from tests import bench_drawing

        return bench_drawing.main(quick=args.quick)
    if args.check:
        from tests import bench_check

        return bench_check.main(quick=args.quick)

    MV = None if args.no_micrograd else micrograd_value()
    if args.quick:
        rounds, steps, depth, block_ops = 2, 1, 200, 5_000
        chain_sizes, wide_sizes, mlp_points = [1000], [1000], 5
    else:
        rounds, steps, depth, block_ops = 5, 1, micrograd_max_depth(), 50_000
        chain_sizes, wide_sizes, mlp_points = [10**4, 10**5, 10**6], [10**4, 10**5], 100

    print(f"chaingrad engine benchmark ({'quick' if args.quick else 'full'})")
    print(f"Python {platform.python_version()} ({platform.python_implementation()}), {platform.machine()}, "
          f"gc thresholds {gc.get_threshold()}")
    if MV is None:
        print("micrograd: not installed (pip install micrograd==0.1.0 to compare); ours only")
    else:
        print("micrograd: 0.1.0 in the same process. It has no tanh or softplus: this script attaches")
        print("  closure-style ones (defined in tests/bench.py) to its Value. Its recursive sort takes")
        print(f"  graphs up to depth ~{sys.getrecursionlimit()}, so it is compared at depth {depth} (chain, sum)",
              end="")
        print("; deeper rows are ours only." if not args.deep_micrograd else
              ";\n  deeper rows up to 1e5 ops run it with the recursion limit raised (--deep-micrograd).")
    print(f"Times: microseconds per op, mean over a block of steps (>= {block_ops:,} ops, gc on), best block;")
    print("total = fwd + bwd + freeing the graph; ratio = ours total / micrograd total.")
    print()

    # The training rows first, in a process that has not yet built (and freed) the
    # per-op rows' million-node graphs, as a training script would run.
    training = bench_training.report(args.quick, MV)
    print()
    if args.training_only:
        print(f"targets: {training.count('PASS')} PASS, {training.count('MISS')} MISS")
        return 0

    rows: list[Row] = []

    def add(name: str, size: str, maker, ops_depth: int, n_rounds: int = rounds):
        ops = count_ops(maker(Value))
        # Blocks of at least `block_ops` ops: long enough for collections of every
        # generation to happen as they do in a training loop.
        n_steps = max(steps, -(-block_ops // ops))
        makers = [lambda: maker(Value)]
        limit = sys.getrecursionlimit()
        with_micrograd = MV is not None and (ops_depth <= depth or (args.deep_micrograd and ops <= 2 * 10**5))
        if with_micrograd:
            makers.append(lambda: maker(MV))
            if ops_depth > depth:
                sys.setrecursionlimit(max(limit, ops_depth + 1000))
        try:
            timings = compare(makers, n_rounds, n_steps)
        finally:
            sys.setrecursionlimit(limit)
        rows.append(Row(name, size, ops, timings[0], timings[1] if len(timings) > 1 else None))

    add("tanh chain", f"{depth}", lambda V: tanh_chain(V, depth), depth)
    for n in chain_sizes:
        add("tanh chain", f"{n:g}", lambda V, n=n: tanh_chain(V, n), n, 3 if n >= 10**5 else rounds)
    # Summed left to right, the add chain is as deep as the number of terms.
    wide = depth - 10
    add("wide sum", f"{wide} products", lambda V: wide_sum(V, wide), wide + 2)
    for n in wide_sizes:
        add("wide sum", f"{n:g} products", lambda V, n=n: wide_sum(V, n), n + 2, 3)
    add("MLP(2,[16,16,1]) step", f"{mlp_points} points", lambda V: mlp_step(V, mlp_points), 0, 3)
    add("articles' network step", "3 points", lambda V: article_step(V), 0)

    print_table(HEADER, [r.cells() for r in rows])

    # ---- memory
    print()
    mem_rows = []
    n_mem = 2000 if args.quick else 20000
    for name, make in (
        ("tanh chain", lambda V: tanh_chain(V, n_mem)),
        ("wide sum", lambda V: wide_sum(V, n_mem // 2)),
    ):
        ours_wl = make(Value)
        ours_nodes = count_ops(ours_wl)
        ours = bytes_per_node(ours_wl[0], ours_nodes)
        cells = [name, str(ours_nodes), f"{ours:.0f}"]
        if MV is not None:
            theirs_wl = make(MV)
            theirs = bytes_per_node(theirs_wl[0], ours_nodes)
            ratio = ours / theirs
            verdict = "PASS" if ratio <= MEMORY_TARGET else "MISS"
            cells += [f"{theirs:.0f}", f"{ratio:.2f}", f"<={MEMORY_TARGET}", verdict]
            gc.collect()
        else:
            cells += ["-", "-", "-", "-"]
        mem_rows.append(cells)
    print_table(["bytes per node", "nodes", "ours", "micrograd", "ratio", "target", "verdict"], mem_rows)

    verdicts = [r.cells()[-1] for r in rows] + [r[-1] for r in mem_rows] + training
    if MV is not None:
        note = " (quick sizes are a smoke test; judge the full run)" if args.quick else ""
        print(f"\ntargets: {verdicts.count('PASS')} PASS, {verdicts.count('MISS')} MISS{note}")
    return 0


from tests import bench_training  # noqa: E402 - it reads this module's workloads

if __name__ == "__main__":
    sys.exit(main())
