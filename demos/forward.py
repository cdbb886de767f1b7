"""Part 1: the network, the data, the forward pass for each input and the SSR.

Run alone with ``python -m demos.forward``. The forward pass is evaluated at the
Main Ideas point (every parameter at the published optimum except b3 = 0), where
the articles publish the predictions and the SSR; each number the engine gives
is checked against the same arithmetic in plain floats, and against the
published value at the precision it is published.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from demos import network as net
from demos._console import Console, check_close, check_published, cli, decimals_of, fixed
from nn import statquest as sq

__all__ = ["run", "main", "DIAGRAM"]

#: The drawing of the network shown first.
DIAGRAM = """\
           x1 = input*w1 + b1       y1 = softplus(x1)
        +--------------------> softplus ---- y1 x w3 ----+
  input-+                                                +--> + b3 --> predicted
        +--------------------> softplus ---- y2 x w4 ----+
           x2 = input*w2 + b2       y2 = softplus(x2)

  softplus(x) = log(1 + e^x)        predicted = y1 w3 + y2 w4 + b3
  SSR = sum over the data of (observed - predicted)^2"""

TOL = 1e-12  # engine vs the same formula in plain floats: only round-off may differ


def run(con: Console) -> None:
    """Print part 1; raise ``Mismatch`` if the engine disagrees with plain floats."""
    con.title("1. The network and the data")
    con.line()
    con.lines(DIAGRAM)

    con.heading("The data: three doses and the observed efficacy")
    con.table(
        ["", *[f"point {k + 1}" for k in range(len(sq.INPUTS))]],
        [
            ["input", *[fixed(x, 1) for x in sq.INPUTS]],
            ["observed", *[fixed(y, 1) for y in sq.OBSERVED]],
        ],
    )
    con.pause()

    params = sq.MAIN_IDEAS_START
    con.heading("The forward pass (the engine computes every node)")
    con.line("At the Main Ideas point: the published optimum, except b3 = 0:")
    con.values({n: params[n] for n in sq.PARAMETER_NAMES})
    con.line()
    graph = net.build(params)
    _forward_table(con, graph, params)
    _ssr_lines(con, graph, params)

    best = net.build(sq.PUBLISHED_OPTIMUM)
    con.line()
    con.line(f"With b3 = {sq.PUBLISHED_OPTIMUM['b3']:g} (the published optimum) the predictions are")
    con.line(
        "  " + ", ".join(fixed(p.predicted.data, 4) for p in best.points)
        + f"  and SSR = {best.ssr.data:.2g}: the fit the articles arrive at."
    )
    con.pause()


def _forward_table(con: Console, graph: net.Network, params: Mapping[str, float]) -> None:
    """Each point's forward pass, checked against plain floats and the published predictions."""
    published = sq.MAIN_IDEAS_PREDICTED
    rows = []
    for k, pt in enumerate(graph.points):
        hand = net.forward_floats(params, pt.input.data)
        for name in ("x1", "y1", "x2", "y2", "predicted"):
            check_close(
                f"forward pass, point {k + 1}, {name}",
                getattr(pt, name).data,
                hand[name],
                ("engine", "plain-float formula"),
                TOL,
            )
        check_published(
            f"predicted for input {pt.input.data}", pt.predicted.data, published[k],
            decimals_of(published[k]),
        )
        rows.append(
            [
                fixed(pt.input.data, 1),
                fixed(pt.observed, 1),
                *[fixed(getattr(pt, n).data, 4) for n in ("x1", "y1", "x2", "y2", "predicted")],
                f"{published[k]:g}",
            ]
        )
    con.table(
        ["input", "observed", "x1", "y1", "x2", "y2", "predicted", "published"], rows, left=0
    )


def _ssr_lines(con: Console, graph: net.Network, params: Mapping[str, float]) -> None:
    """The SSR written out, checked against plain floats and the published value."""
    ssr = graph.ssr.data
    check_close("SSR", ssr, net.ssr_floats(params), ("engine", "plain-float formula"), TOL)
    pub_ssr = sq.MAIN_IDEAS_SSR
    check_published("SSR at b3 = 0", ssr, pub_ssr, decimals_of(pub_ssr))
    con.line()
    con.line(
        "  SSR = " + " + ".join(f"({fixed(p.observed, 1)} - {fixed(p.predicted.data, 4, parens=True)})^2"
                                for p in graph.points)
    )
    con.line(f"      = {fixed(ssr, 4)}        (published: {pub_ssr:g})")
    con.line()
    con.ok("the engine's forward pass equals the formulas evaluated in plain floats")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m demos.forward [--step]``: print part 1; 1 if a check fails."""
    return cli("demos.forward", __doc__, lambda con, args: run(con), argv)


if __name__ == "__main__":
    raise SystemExit(main())
