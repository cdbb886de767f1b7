"""Part 2: the output layer's derivatives dSSR/dw3, dSSR/dw4, dSSR/db3 (Details Pt. 1).

Run alone with ``python -m demos.output_layer``. The point is the articles':
the hidden layer at the published optimum, w3 = 0.36, w4 = 0.63, b3 = 0. Each
derivative is the chain rule dSSR/dpredicted x dpredicted/dparam, one product per
data point, with the factors read off the engine's graph; then the hand formula,
the engine's grad and a finite difference side by side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from demos import network as net
from demos._console import Console, cli, fixed
from demos._derivative import RESIDUAL, Derivative, Result, d_ssr_d_predicted, show_derivatives
from nn import statquest as sq

__all__ = ["POINT", "DERIVATIVES", "run", "main"]

#: Details Pt. 1's starting point: hidden layer at the published optimum.
POINT: dict[str, float] = sq.DETAILS_1_START

# The hand formulas, as the articles write them, evaluated in plain floats:
# dSSR/dpredicted = d/dpredicted (observed - predicted)^2 = -2 (observed - predicted),
# dpredicted/dw3 = y1, dpredicted/dw4 = y2, dpredicted/db3 = 1.
def _derivative(param: str, y: str | None) -> Derivative:
    """dSSR/d(param) = sum of -2 (observed - predicted) x dpredicted/d(param) (``y``, or 1)."""

    def factors(params, forward, dose, observed):
        return (d_ssr_d_predicted(observed, forward), forward[y] if y else 1.0)

    return Derivative(param, ("predicted",), (RESIDUAL, y or "1"), factors,
                      f"sum of {RESIDUAL} x {y or '1'}")


DERIVATIVES: list[Derivative] = [
    _derivative("w3", "y1"), _derivative("w4", "y2"), _derivative("b3", None)
]


def run(con: Console, params: Mapping[str, float] | None = None) -> list[Result]:
    """Print part 2 at ``params`` (default ``POINT``); raise ``Mismatch`` on disagreement."""
    params = dict(POINT if params is None else params)
    con.title("2. Output layer: dSSR/dw3, dSSR/dw4, dSSR/db3  (Details Pt. 1)")
    con.line()
    con.line("The point: the hidden layer at the published optimum, and the output layer's")
    con.line("starting values w3, w4 (drawn from a standard normal) and b3 = 0:")
    con.values({n: params[n] for n in sq.PARAMETER_NAMES})
    con.line()

    graph = net.build(params)
    graph.ssr.backward()
    con.table(
        ["input", "observed", "y1", "y2", "predicted", "(observed - predicted)^2"],
        [
            [fixed(p.input.data, 1), fixed(p.observed, 1), fixed(p.y1.data, 4), fixed(p.y2.data, 4),
             fixed(p.predicted.data, 4), fixed((p.observed - p.predicted.data) ** 2, 4)]
            for p in graph.points
        ],
        left=0,
    )
    con.line(f"  SSR = {fixed(graph.ssr.data, 4)}")
    con.line()
    con.lines(
        "predicted = y1 w3 + y2 w4 + b3, so dpredicted/dw3 = y1, dpredicted/dw4 = y2,\n"
        "dpredicted/db3 = 1; and dSSR/dpredicted = -2 (observed - predicted) for each\n"
        "point. The engine multiplies the local derivatives on the graph's edges;\n"
        "the columns below are those products, one row per data point."
    )
    con.pause()

    return show_derivatives(con, graph, params, DERIVATIVES)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m demos.output_layer [--step]``: print part 2; 1 if a check fails."""
    return cli("demos.output_layer", __doc__, lambda con, args: run(con), argv)


if __name__ == "__main__":
    raise SystemExit(main())
