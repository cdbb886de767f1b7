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
from collections.abc import Mapping, Sequence

from demos import network as net
from demos._console import Console, cli, fixed
from demos._derivative import RESIDUAL, Derivative, Result, d_ssr_d_predicted, show_derivatives
from nn import statquest as sq

__all__ = ["POINT", "DERIVATIVES", "run", "main"]

#: Details Pt. 2's starting point.
POINT: dict[str, float] = sq.DETAILS_2_START


# The hand formulas, as the articles write them, evaluated in plain floats with
# math.exp: d softplus(x)/dx = e^x / (1 + e^x); dx1/dw1 = input, dx1/db1 = 1.
def _d_y_d_x(x: float) -> float:
    """dy/dx for y = log(1 + e^x): e^x / (1 + e^x)."""
    return math.exp(x) / (1.0 + math.exp(x))


def _derivative(param: str, weight: str, x: str) -> Derivative:
    """dSSR/d(param) for a hidden neuron's weight or bias ``param``, whose sum is ``x``.

    = sum of -2 (observed - predicted) x ``weight`` x e^x/(1 + e^x) x (input, or 1 for a
    bias), where ``weight`` carries the neuron's output y to predicted.
    """
    last = "1" if param.startswith("b") else "input"

    def factors(params, forward, dose, observed):
        return (d_ssr_d_predicted(observed, forward), params[weight],
                _d_y_d_x(forward[x]), 1.0 if last == "1" else dose)

    softplus_slope = f"e^{x}/(1+e^{x})"
    return Derivative(
        param, ("predicted", "y" + x[1:], x), (RESIDUAL, weight, softplus_slope, last), factors,
        f"sum of {RESIDUAL} x {weight} x {softplus_slope} x {last}",
    )


DERIVATIVES: list[Derivative] = [
    _derivative("w1", "w3", "x1"), _derivative("b1", "w3", "x1"),
    _derivative("w2", "w4", "x2"), _derivative("b2", "w4", "x2"),
]


def run(con: Console, params: Mapping[str, float] | None = None) -> list[Result]:
    """Print part 3 at ``params`` (default ``POINT``); raise ``Mismatch`` on disagreement."""
    params = dict(POINT if params is None else params)
    con.title("3. Hidden layer: dSSR/dw1, dSSR/db1, dSSR/dw2, dSSR/db2  (Details Pt. 2)")
    con.line()
    con.line("The point: Details Pt. 2's starting values, where every gradient is far from")
    con.line("0 (at the published optimum SSR is about 0, and so is every gradient):")
    con.values({n: params[n] for n in sq.PARAMETER_NAMES})
    con.line()

    graph = net.build(params)
    graph.ssr.backward()
    con.table(
        ["input", "observed", "x1", "y1", "x2", "y2", "predicted"],
        [
            [fixed(p.input.data, 1), fixed(p.observed, 1),
             *[fixed(getattr(p, n).data, 4) for n in ("x1", "y1", "x2", "y2", "predicted")]]
            for p in graph.points
        ],
        left=0,
    )
    con.line(f"  SSR = {fixed(graph.ssr.data, 4)}")
    con.line()
    con.lines(
        "w1 reaches the SSR through x1 = input w1 + b1, y1 = softplus(x1) and\n"
        "predicted = y1 w3 + ..., so the chain has four links: dx1/dw1 = input,\n"
        "dy1/dx1 = e^x1/(1 + e^x1) (the derivative of softplus), dpredicted/dy1 = w3,\n"
        "and dSSR/dpredicted = -2 (observed - predicted), as for the output layer."
    )
    con.pause()

    return show_derivatives(con, graph, params, DERIVATIVES)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m demos.hidden_layer [--step]``: print part 3; 1 if a check fails."""
    return cli("demos.hidden_layer", __doc__, lambda con, args: run(con), argv)


if __name__ == "__main__":
    raise SystemExit(main())
