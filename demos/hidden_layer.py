"""Part 3: the hidden layer's derivatives dSSR/dw1, db1, dw2, db2 (Details Pt. 2).

Run alone with ``python -m demos.hidden_layer``. Each derivative is four factors
deep, one product per data point, for example::

    dSSR/dw1 = dSSR/dpredicted x dpredicted/dy1 x dy1/dx1 x dx1/dw1
             = -2 (observed - predicted) x w3 x e^x1/(1 + e^x1) x input

The point is Details Pt. 2's starting values (w1 = 2.74, b1 = 0, w2 = -1.13,
b2 = 0, w3 = 0.36, w4 = 0.63, b3 = 0): at the published optimum the SSR is
nearly 0 and so are all the gradients, which would show nothing.
"""

from __future__ import annotations

import math
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

#: Details Pt. 2's starting point.
POINT: Dict[str, float] = net.DETAILS_2_START


# The hand formulas, as the articles write them, evaluated in plain floats with
# math.exp: d softplus(x)/dx = e^x / (1 + e^x); dx1/dw1 = input, dx1/db1 = 1.
def _d_y_d_x(x: float) -> float:
    """dy/dx for y = log(1 + e^x): e^x / (1 + e^x)."""
    return math.exp(x) / (1.0 + math.exp(x))


def _hand_w1(params: Mapping[str, float]) -> float:
    """dSSR/dw1 = sum of -2 (observed - predicted) x w3 x e^x1/(1 + e^x1) x input."""
    return sum(
        -2.0 * (obs - f["predicted"]) * params["w3"] * _d_y_d_x(f["x1"]) * x
        for x, obs, f in net.forward_all(params)
    )


def _hand_b1(params: Mapping[str, float]) -> float:
    """dSSR/db1 = sum of -2 (observed - predicted) x w3 x e^x1/(1 + e^x1) x 1."""
    return sum(
        -2.0 * (obs - f["predicted"]) * params["w3"] * _d_y_d_x(f["x1"]) * 1.0
        for x, obs, f in net.forward_all(params)
    )


def _hand_w2(params: Mapping[str, float]) -> float:
    """dSSR/dw2 = sum of -2 (observed - predicted) x w4 x e^x2/(1 + e^x2) x input."""
    return sum(
        -2.0 * (obs - f["predicted"]) * params["w4"] * _d_y_d_x(f["x2"]) * x
        for x, obs, f in net.forward_all(params)
    )


def _hand_b2(params: Mapping[str, float]) -> float:
    """dSSR/db2 = sum of -2 (observed - predicted) x w4 x e^x2/(1 + e^x2) x 1."""
    return sum(
        -2.0 * (obs - f["predicted"]) * params["w4"] * _d_y_d_x(f["x2"]) * 1.0
        for x, obs, f in net.forward_all(params)
    )


def _factors(weight: str, x_name: str, last_is_input: bool):
    """Hand factors for one point: (-2 (obs - pred), weight, e^x/(1+e^x), input or 1)."""

    def factors(params, f, dose, observed):
        # names of the formula: d_ssr_d_predicted x d_predicted_d_y x d_y_d_x x d_x_d_param
        d_ssr_d_predicted = -2.0 * (observed - f["predicted"])
        d_predicted_d_y = params[weight]
        d_y_d_x = _d_y_d_x(f[x_name])
        d_x_d_param = dose if last_is_input else 1.0
        return (d_ssr_d_predicted, d_predicted_d_y, d_y_d_x, d_x_d_param)

    return factors


RESIDUAL = "-2 (observed - predicted)"
DERIVATIVES: List[Derivative] = [
    Derivative(
        "w1", ("predicted", "y1", "x1"),
        (RESIDUAL, "w3", "e^x1/(1+e^x1)", "input"),
        _factors("w3", "x1", True), _hand_w1,
        "sum of -2 (obs - pred) x w3 x e^x1/(1+e^x1) x input",
    ),
    Derivative(
        "b1", ("predicted", "y1", "x1"),
        (RESIDUAL, "w3", "e^x1/(1+e^x1)", "1"),
        _factors("w3", "x1", False), _hand_b1,
        "sum of -2 (obs - pred) x w3 x e^x1/(1+e^x1) x 1",
    ),
    Derivative(
        "w2", ("predicted", "y2", "x2"),
        (RESIDUAL, "w4", "e^x2/(1+e^x2)", "input"),
        _factors("w4", "x2", True), _hand_w2,
        "sum of -2 (obs - pred) x w4 x e^x2/(1+e^x2) x input",
    ),
    Derivative(
        "b2", ("predicted", "y2", "x2"),
        (RESIDUAL, "w4", "e^x2/(1+e^x2)", "1"),
        _factors("w4", "x2", False), _hand_b2,
        "sum of -2 (obs - pred) x w4 x e^x2/(1+e^x2) x 1",
    ),
]


def run(con: Console, params: Optional[Mapping[str, float]] = None) -> List[Result]:
    """Print part 3 at ``params`` (default ``POINT``); raise ``Mismatch`` on disagreement."""
    params = dict(POINT if params is None else params)
    con.title("3. Hidden layer: dSSR/dw1, dSSR/db1, dSSR/dw2, dSSR/db2  (Details Pt. 2)")
    con.line()
    con.line("The point: Details Pt. 2's starting values, where every gradient is far from")
    con.line("0 (at the published optimum SSR is about 0, and so is every gradient):")
    con.values({n: params[n] for n in net.PARAMETER_NAMES})
    con.line()

    graph = net.build(params)
    graph.ssr.backward()
    con.table(
        ["input", "observed", "x1", "y1", "x2", "y2", "predicted"],
        [
            [fmt(p.input.data, 1), fmt(p.observed, 1),
             *[fmt(getattr(p, n).data, 4) for n in ("x1", "y1", "x2", "y2", "predicted")]]
            for p in graph.points
        ],
        left=0,
    )
    con.line(f"  SSR = {fmt(graph.ssr.data, 4)}")
    con.line()
    con.lines(
        "w1 reaches the SSR through x1 = input w1 + b1, y1 = softplus(x1) and\n"
        "predicted = y1 w3 + ..., so the chain has four links: dx1/dw1 = input,\n"
        "dy1/dx1 = e^x1/(1 + e^x1) (the derivative of softplus), dpredicted/dy1 = w3,\n"
        "and dSSR/dpredicted = -2 (observed - predicted), as for the output layer."
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
    """``python -m demos.hidden_layer [--step]``: print part 3; 1 if a check fails."""
    args = parse_args("python -m demos.hidden_layer", __doc__.splitlines()[0], argv)
    con = Console(step=args.step)
    return run_main(lambda: run(con), "demos.hidden_layer")


if __name__ == "__main__":
    raise SystemExit(main())
