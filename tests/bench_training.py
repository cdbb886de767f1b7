"""The benchmark's training rows: eager and compiled (``engine.trace``) side by side, beside micrograd.

Each workload is a set of named runs of the same computation; a round runs
each of them once, in alternating order, and a figure is the median over the
rounds, in CPU time of the process (see ``timed``). Every run is timed twice in a round, once with the cyclic garbage
collector on (what users run) and once with it off, so both columns come
from the same rounds. The targets (issue 13) are ratios of these medians:

* the articles' training, 1000 steps at lr 0.1 from Details Pt. 2 with its
  full ledger, ``train(..., compiled=True)`` with the trace included: at least
  30x faster than micrograd's equivalent loop (collector on);
* the MLP(2, [16, 16, 1]) demo step on 100 points (hinge loss + 1e-4 L2): the
  compiled step at least 15x faster than micrograd's with micrograd's collector
  off; trace plus compile plus the first call under 1 s and 20 MB;
* one articles' step in ``nn.train`` within 1.3x of the same step in plain
  engine ops (collector on); the eager MLP demo step in ``gradient_descent`` at
  least 1.5x faster than the loop it ran before (a ``zero_grad()`` walk before
  backward, a ``Step`` and three dicts per row, the collector running during the step).
"""

from __future__ import annotations

import gc
import importlib
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

from engine import Value, trace
from nn import MLP, SGD, Step, gradient_descent, ssr, train
from nn.statquest import DETAILS_2_START, INPUTS, OBSERVED, network
from tests import bench

Run = Callable[[], object]


def timed(run: Run, collector: bool) -> float:
    """CPU seconds one call of ``run`` takes, with the collector on or off (restored after).

    CPU time of this process (``time.process_time``), not wall time: on a
    machine shared with other work, a short run that happens to be preempted
    would otherwise count the other processes' time. The collector's work is
    this process's CPU time and is counted.
    """
    was = gc.isenabled()
    gc.collect()
    (gc.enable if collector else gc.disable)()
    try:
        t0 = time.process_time()
        run()
        return time.process_time() - t0
    finally:
        (gc.enable if was else gc.disable)()


def medians(runs: dict[str, Run], rounds: int) -> dict[tuple[str, bool], float]:
    """Median seconds of each run, collector on (True) and off (False), over alternating rounds."""
    times: dict[tuple[str, bool], list[float]] = {(name, c): [] for name in runs for c in (True, False)}
    names = list(runs)
    for r in range(rounds):
        for name in names if r % 2 == 0 else reversed(names):
            for collector in (True, False) if r % 2 == 0 else (False, True):
                times[name, collector].append(timed(runs[name], collector))
    return {key: statistics.median(values) for key, values in times.items()}


# ---------------------------------------------------------------- the articles' training


def articles_runs(steps: int, MV: object) -> dict[str, Run]:
    """1000 (``steps``) training steps of the articles' network, three ways (and micrograd's)."""
    runs: dict[str, Run] = {}

    def chaingrad(compiled: bool) -> Run:
        def run() -> object:
            model = network(DETAILS_2_START)
            return train(model, list(INPUTS), list(OBSERVED), lr=0.1, steps=steps, compiled=compiled)
        return run

    runs["nn.train, eager"] = chaingrad(False)
    runs["nn.train, compiled"] = chaingrad(True)

    def plain(V: object) -> Run:
        def run() -> None:
            forward, params, _ = bench.article_step(V)
            for _ in range(steps):
                root = forward()
                for p in params:
                    p.grad = 0.0
                root.backward()
                for p in params:
                    p.data -= 0.1 * p.grad
                del root
        return run

    runs["plain engine ops loop"] = plain(Value)
    if MV is not None:
        runs["micrograd loop"] = plain(MV)
    return runs


# ---------------------------------------------------------------- the MLP demo


def demo_data(points: int) -> tuple[list[tuple[float, float]], list[float]]:
    rng = random.Random(5)
    xs = [(rng.uniform(-2.0, 2.0), rng.uniform(-1.5, 1.5)) for _ in range(points)]
    return xs, [1.0 if x0 * x0 + x1 < 1.0 else -1.0 for x0, x1 in xs]


def demo_loss(model: Callable[[object], object], params: list, V: type, points: int) -> Callable[[], object]:
    """micrograd's demo loss, for either engine: mean hinge loss + 1e-4 x sum of squared parameters."""
    xs, ys = demo_data(points)

    def loss() -> object:
        inputs = [[V(a), V(b)] for a, b in xs]
        scores = [model(x) for x in inputs]
        losses = [(1 + -y * s).relu() for y, s in zip(ys, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in params)
        return data_loss + reg_loss

    return loss


def demo_models(MV: object) -> tuple[object, MLP]:
    """micrograd's MLP(2, [16, 16, 1]) and chaingrad's, with the same starting weights."""
    import micrograd.nn as mnn  # noqa: PLC0415 - optional

    random.seed(1337)
    theirs = mnn.MLP(2, [16, 16, 1])
    ours = MLP(2, [16, 16, 1], activations=("relu", "relu", "linear"))
    for p, q in zip(ours.parameters(), theirs.parameters()):
        p.data = float(q.data)
    return theirs, ours


def our_demo_model() -> MLP:
    rng = random.Random(1337)
    model = MLP(2, [16, 16, 1], activations=("relu", "relu", "linear"))
    for p in model.parameters():
        p.data = rng.uniform(-1.0, 1.0)
    return model


def articles_first_trace() -> float:
    """Seconds to trace and compile the articles' loss when its code is not cached yet."""
    caches = importlib.import_module("engine.trace")  # the module; engine.trace is the function
    caches._COMPILED.clear()
    caches._CODES.clear()
    model = network(DETAILS_2_START)
    params = dict(model.named_parameters())

    def loss() -> Value:
        return ssr(OBSERVED, [model(x) for x in INPUTS])

    t0 = time.process_time()
    trace(loss, params).descent()
    return time.process_time() - t0


@dataclass
class TraceCost:
    seconds: float  # CPU seconds: trace, write and compile the code, first call
    megabytes: float  # peak traced memory of the same, the eager graph that loss_fn builds included
    graph_megabytes: float  # of which the eager graph itself (what one eager step holds)
    lines: int


def trace_cost(points: int) -> TraceCost:
    """Trace plus compile plus the first call of the MLP demo loss: time, then peak traced memory.

    Each measurement traces a graph not traced before in the process (one more
    data point), so that no cached code hides the work.
    """
    model = our_demo_model()
    params = model.parameters()
    fn = demo_loss(model, params, Value, points)
    gc.collect()
    t0 = time.process_time()
    tape = trace(fn, params)
    tape()
    seconds = time.process_time() - t0
    fn2 = demo_loss(model, params, Value, points + 1)
    gc.collect()
    tracemalloc.start()
    try:
        graph = fn2()
        graph_bytes = tracemalloc.get_traced_memory()[0]
        del graph
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        tape2 = trace(fn2, params)
        tape2()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return TraceCost(seconds, peak / 1e6, graph_bytes / 1e6, tape.source.count("\n"))


def mlp_runs(points: int, steps: int, MV: object) -> dict[str, Run]:
    """One demo step (forward, backward, update) per call, ``steps`` calls per run."""
    runs: dict[str, Run] = {}
    if MV is not None:
        theirs, model = demo_models(MV)
        tparams = theirs.parameters()
        tloss = demo_loss(theirs, tparams, MV, points)

        def micrograd_step() -> None:
            for _ in range(steps):
                loss = tloss()
                theirs.zero_grad()
                loss.backward()
                for p in tparams:
                    p.data -= 0.01 * p.grad
                del loss

        runs["micrograd"] = micrograd_step
    else:
        model = our_demo_model()
    params = model.parameters()
    start = [p.data for p in params]
    loss_fn = demo_loss(model, params, Value, points)
    names = [f"p{i}" for i in range(len(params))]

    def reset() -> None:
        for p, d in zip(params, start):
            p.data = d

    def before() -> None:
        """The loop gradient_descent ran before issue 13, step by step."""
        reset()
        opt = SGD(params, 0.01)
        rows = []
        for k in range(steps):
            loss = loss_fn()
            loss.zero_grad()
            opt.zero_grad()
            loss.backward()
            grads = [p.grad for p in params]
            sizes = opt.step()
            rows.append(Step(k + 1, loss.data, dict(zip(names, grads)), dict(zip(names, sizes)),
                             {n: p.data for n, p in zip(names, params)}))

    def eager() -> None:
        reset()
        gradient_descent(loss_fn, params, lr=0.01, steps=steps)

    tape = trace(loss_fn, params)
    descent = tape.descent()

    def compiled() -> None:
        out: list[float] = []
        descent(start, 0.01, steps, -1.0, out.extend)

    runs["gradient_descent before"] = before
    runs["gradient_descent eager"] = eager
    runs["compiled step (traced once)"] = compiled
    return runs


# ---------------------------------------------------------------- report


def report(quick: bool, MV: object) -> list[str]:
    """Print the training tables; return the verdicts (PASS/MISS) of the targets."""
    rounds = 3 if quick else 11
    steps = 100 if quick else 1000
    points, mlp_steps = (10, 2) if quick else (100, 3)
    print(f"Training: medians of {rounds} alternating rounds, CPU time of this process; each run timed with")
    print("the collector on (as users run) and off.")
    art = medians(articles_runs(steps, MV), rounds)
    rows = []
    for name in ("micrograd loop", "plain engine ops loop", "nn.train, eager", "nn.train, compiled"):
        if (name, True) in art:
            rows.append([f"articles, {steps} steps", name, f"{art[name, True] / steps * 1e6:.2f}",
                         f"{art[name, False] / steps * 1e6:.2f}"])
    mlp = medians(mlp_runs(points, mlp_steps, MV), rounds)
    for name in ("micrograd", "gradient_descent before", "gradient_descent eager", "compiled step (traced once)"):
        if (name, True) in mlp:
            rows.append([f"MLP demo, {points} points", name, f"{mlp[name, True] / mlp_steps * 1e3:.3f} ms",
                         f"{mlp[name, False] / mlp_steps * 1e3:.3f} ms"])
    bench.print_table(["workload", "run", "per step, gc on (µs)", "gc off"], rows)

    cost = trace_cost(points)
    first = articles_first_trace()
    targets: list[tuple[str, float, str, bool]] = []
    if MV is not None:
        r = art["micrograd loop", True] / art["nn.train, compiled", True]
        targets.append(("articles: micrograd / train(compiled=True), gc on", r, ">= 30", r >= 30))
        r = mlp["micrograd", False] / mlp["compiled step (traced once)", False]
        targets.append(("MLP step: micrograd (gc off) / compiled (gc off)", r, ">= 15", r >= 15))
    r = art["nn.train, eager", True] / art["plain engine ops loop", True]
    targets.append(("articles step: nn.train eager / plain ops, gc on", r, "<= 1.3", r <= 1.3))
    r = mlp["gradient_descent before", True] / mlp["gradient_descent eager", True]
    targets.append(("MLP step: before / gradient_descent eager, gc on", r, ">= 1.5", r >= 1.5))
    targets.append(("MLP trace + compile + first call, CPU s", cost.seconds, "< 1", cost.seconds < 1.0))
    own = cost.megabytes - cost.graph_megabytes
    targets.append(("MLP trace + compile + first call, MB beyond the graph", own, "< 20", own < 20.0))
    print()
    print(f"The MLP demo's traced code: {cost.lines} lines; tracing it peaks at {cost.megabytes:.1f} MB, of which"
          f" {cost.graph_megabytes:.1f} MB is the graph loss_fn builds")
    print(f"(one eager step's). The articles' network: trace and compile {first * 1e3:.2f} ms the first time in a"
          " process; later traces of the same graph reuse the code.")
    bench.print_table(["target", "measured", "required", "verdict"],
                      [[name, f"{value:.2f}", need, "PASS" if ok else "MISS"] for name, value, need, ok in targets])
    return ["PASS" if ok else "MISS" for *_, ok in targets]
