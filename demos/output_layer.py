"""Part 2: the output layer's derivatives dSSR/dw3, dSSR/dw4, dSSR/db3 (Details Pt. 1).

Run alone with ``python -m demos.output_layer``. The point is the articles':
the hidden layer at the published optimum, w3 = 0.36, w4 = 0.63, b3 = 0. Each
derivative is the chain rule dSSR/dpredicted x dpredicted/dparam, one product per
data point, with the factors read off the engine's graph; then the hand formula,
the engine's grad and a finite difference side by side.
"""

from __future__ import annotations

from typing import Dict, List, Mapping, Optional, Sequence

from demos import network as net
from demos._console import Console, fmt, parse_args, run_main
from demos._derivative import (
    Derivative,
    Result,
    finite_differences,
    show_derivative,
    show_summary,
)

__all__ = ["POINT", "DERIVATIVES", "run", "main"]

#: Details Pt. 1's starting point: hidden layer at the published optimum.
POINT: Dict[str, float] = net.DETAILS_1_START

RESIDUAL = "-2 (observed - predicted)"

# The hand formulas, as the articles write them, evaluated in plain floats:
# dSSR/dpredicted = d/dpredicted (observed - predicted)^2 = -2 (observed - predicted),
# dpredicted/dw3 = y1, dpredicted/dw4 = y2, dpredicted/db3 = 1.


def _hand_w3(params: Mapping[str, float]) -> float:
    """dSSR/dw3 = sum of -2 (observed - predicted) x y1."""
    return sum(-2.0 * (obs - f["predicted"]) * f["y1"] for _, obs, f in net.forward_all(params))


def _hand_w4(params: Mapping[str, float]) -> float:
    """dSSR/dw4 = sum of -2 (observed - predicted) x y2."""
    return sum(-2.0 * (obs - f["predicted"]) * f["y2"] for _, obs, f in net.forward_all(params))


def _hand_b3(params: Mapping[str, float]) -> float:
    """dSSR/db3 = sum of -2 (observed - predicted) x 1."""
    return sum(-2.0 * (obs - f["predicted"]) * 1.0 for _, obs, f in net.forward_all(params))


DERIVATIVES: List[Derivative] = [
    Derivative(
        "w3", ("predicted",), (RESIDUAL, "y1"),
        lambda p, f, x, obs: (-2.0 * (obs - f["predicted"]), f["y1"]),
        _hand_w3, "sum of -2 (observed - predicted) x y1",
    ),
    Derivative(
        "w4", ("predicted",), (RESIDUAL, "y2"),
        lambda p, f, x, obs: (-2.0 * (obs - f["predicted"]), f["y2"]),
        _hand_w4, "sum of -2 (observed - predicted) x y2",
    ),
    Derivative(
        "b3", ("predicted",), (RESIDUAL, "1"),
        lambda p, f, x, obs: (-2.0 * (obs - f["predicted"]), 1.0),
        _hand_b3, "sum of -2 (observed - predicted) x 1",
    ),
]


def run(con: Console, params: Optional[Mapping[str, float]] = None) -> List[Result]:
    """Print part 2 at ``params`` (default ``POINT``); raise ``Mismatch`` on disagreement."""
    params = dict(POINT if params is None else params)
    con.title("2. Output layer: dSSR/dw3, dSSR/dw4, dSSR/db3  (Details Pt. 1)")
    con.line()
    con.line("The point: the hidden layer at the published optimum, and the output layer's")
    con.line("starting values w3, w4 (drawn from a standard normal) and b3 = 0:")
    con.values({n: params[n] for n in net.PARAMETER_NAMES})
    con.line()

    graph = net.build(params)
    graph.ssr.backward()
    con.table(
        ["input", "observed", "y1", "y2", "predicted", "(obs - pred)^2"],
        [
            [fmt(p.input.data, 1), fmt(p.observed, 1), fmt(p.y1.data, 4), fmt(p.y2.data, 4),
             fmt(p.predicted.data, 4), fmt((p.observed - p.predicted.data) ** 2, 4)]
            for p in graph.points
        ],
        left=0,
    )
    con.line(f"  SSR = {fmt(graph.ssr.data, 4)}")
    con.line()
    con.lines(
        "predicted = y1 w3 + y2 w4 + b3, so dpredicted/dw3 = y1, dpredicted/dw4 = y2,\n"
        "dpredicted/db3 = 1; and dSSR/dpredicted = -2 (observed - predicted) for each\n"
        "point. The engine multiplies the local derivatives on the graph's edges;\n"
        "the columns below are those products, one row per data point."
    )
    con.pause()

    numeric = finite_differences(params)
    results = []
    for d in DERIVATIVES:
        results.append(show_derivative(con, graph, params, d, numeric[d.param]))
        con.pause()
    show_summary(con, results)
    con.pause()
    return results


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m demos.output_layer [--step]``: print part 2; 1 if a check fails."""
    args = parse_args("python -m demos.output_layer", __doc__.splitlines()[0], argv)
    con = Console(step=args.step)
    return run_main(lambda: run(con), "demos.output_layer")


if __name__ == "__main__":
    raise SystemExit(main())
