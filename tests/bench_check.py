"""viz.practice.check and viz.explain on long chains: linear in the graph, timed against backward() on the same chain.

    python -m tests.bench --check           # chains of 1e4, 1e5 and 1e6 steps
    python -m tests.bench --check --quick   # 1e3 and 1e4: a smoke test

For each length n the chain y = x·1.0001·1.0001··· (one path of n edges; only x and y
are labelled) is built once. Then ``y.backward()``, ``check`` with a formula that agrees,
``check`` with one that disagrees (its diagnoses walk the graph again) and ``explain(y,
x)`` run in turn, ROUNDS rounds, garbage collector on (as a learner's session has it);
the table shows each one's median seconds and its ratio to backward's median. Targets,
at the largest n (at the smallest, fixed costs such as the first formulas' parsing
weigh on the ratios): every ratio <= RATIO_TARGET, and the time per node within
LINEAR_TARGET times that at the next smaller n (linear, not quadratic). The machine's
load moves the seconds; the ratios, taken in one process in alternation, move less.
The exit status is 1 when a figure misses its target.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from engine import Value
from viz import explain
from viz.practice.check import check

RATIO_TARGET = 25.0  # seconds of check (or explain) / seconds of backward on the same chain
LINEAR_TARGET = 2.0  # time per node at the largest n / at the smallest
STEP = 1.0001


def chain(n: int) -> tuple[Value, Value]:
    x = Value(0.5, "x")
    y = x
    for _ in range(n):
        y = y * STEP
    return y.relabel("y"), x


def _seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def measure(n: int, rounds: int) -> dict[str, float]:
    """Median seconds of each task on the chain of ``n`` steps, the tasks alternating within each round."""
    y, x = chain(n)
    y.backward()
    right = f"{STEP}^{n}"
    tasks: dict[str, Callable[[], object]] = {
        "backward": y.backward,
        "check, agrees": lambda: check(y, "x", right),
        "check, disagrees": lambda: check(y, "x", f"2*{right}"),
        "explain": lambda: explain(y, x),
    }
    assert check(y, "x", right).agrees and not check(y, "x", f"2*{right}").agrees
    times: dict[str, list[float]] = {name: [] for name in tasks}
    for _ in range(rounds):
        for name, task in tasks.items():
            times[name].append(_seconds(task))
    return {name: statistics.median(ts) for name, ts in times.items()}


def main(quick: bool = False) -> int:
    sizes, rounds = ([10**3, 10**4], 3) if quick else ([10**4, 10**5, 10**6], 3)
    print("check and explain on a chain of n steps: median seconds of", rounds, "rounds, gc on,")
    print(f"ratio = seconds / backward's seconds (target <= {RATIO_TARGET:g} at n = {sizes[-1]:g})")
    print()
    results = {n: measure(n, rounds) for n in sizes}
    names = list(results[sizes[0]])
    head = ["n", *names, *(f"{name} ratio" for name in names[1:])]
    rows = []
    misses = 0
    for n, r in results.items():
        ratios = [r[name] / r["backward"] for name in names[1:]]
        if n == sizes[-1]:
            misses += sum(ratio > RATIO_TARGET for ratio in ratios)
        rows.append([f"{n:g}", *(f"{r[name]:.3f}" for name in names), *(f"{q:.1f}" for q in ratios)])
    widths = [max(len(c) for c in col) for col in zip(head, *rows)]
    for row in [head, *rows]:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths)))
    small, large = sizes[-2], sizes[-1]
    print()
    for name in names[1:]:
        growth = (results[large][name] / large) / (results[small][name] / small)
        verdict = "PASS" if growth <= LINEAR_TARGET else "MISS"
        misses += verdict == "MISS"
        print(f"{name}: time per node at n = {large:g} / at n = {small:g} = {growth:.2f}"
              f" (target <= {LINEAR_TARGET:g}) {verdict}")
    print(f"\ntargets: {'all PASS' if not misses else f'{misses} MISS'}")
    return 1 if misses else 0
