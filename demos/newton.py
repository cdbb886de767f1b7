"""Part 7: second derivatives from the engine, and Newton's method beside gradient descent.

Run alone with ``python -m demos.newton [--out DIR]``.

* d²SSR/db3² from the engine (``engine.grad`` twice): 6 at every b3, beside the
  hand derivation (predicted is linear in b3, so d/db3 of sum -2 (observed -
  predicted) is sum 2 = 2 n), and explained path by path on dSSR/db3's own graph.
* Newton's step on b3: new b3 = 0 - (-15.66) / 6 = 2.61, the minimum in one step,
  beside gradient descent's ten (``nn.newton`` and ``nn.train``, the same ledger).
* All seven parameters from Details Pt. 2's start: the 7x7 Hessian there is not
  positive definite, so Newton's plain step stops with what to do; damped and
  adaptive (Levenberg-Marquardt) runs beside gradient descent, steps to the stop rule.
* Pictures (unless --no-graph): ``newton.png``, the one jump on the parabola
  (matplotlib), and ``gradient.svg``, dSSR/dw1 of one data point drawn as a graph.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Sequence
from pathlib import Path

from demos._console import Console, Mismatch, check_close, cli, fixed
from demos.pictures import DPI, b3_curve
from engine import grad
from engine.files import make_dirs, write_bytes
from nn import Ledger, NotPositiveDefiniteError, newton, ssr, train
from nn import statquest as sq
from viz import DotNotFoundError, draw, explain, render
from viz.chainrule.names import node_names

__all__ = ["B3_VALUES", "PICTURE", "GRAPH", "second_derivative", "run", "main"]

#: Where d²SSR/db3² is shown (the other parameters at the published optimum).
B3_VALUES = (0.0, 1.0, 2.61, -3.0, 10.0)
PICTURE, GRAPH = "newton.png", "gradient.svg"
#: Newton's first b3 is -dSSR/db3(0) / 6 to within this.
HAND_TOL = 1e-12


def second_derivative(b3: float) -> tuple[float, float]:
    """(dSSR/db3, d²SSR/db3²) at ``b3`` (the others at Main Ideas' start), both from the engine."""
    model = sq.network({**sq.MAIN_IDEAS_START, "b3": b3})
    p = model.parameter("b3")
    (g,) = grad(sq.loss(model), p, create_graph=True)
    (h,) = grad(g, p)
    return g.data, h


def _show_second_derivative(con: Console) -> None:
    con.heading("d²SSR/db3² from the engine")
    con.paragraph("engine.grad(SSR, b3, create_graph=True) builds dSSR/db3 as a graph of its own, out of"
                  " the same Value operations; differentiating that graph again gives d²SSR/db3².")
    con.line()
    con.lines("By hand: predicted = y1 w3 + y2 w4 + b3, so dpredicted/db3 = 1 and\n"
              "  dSSR/db3   = sum over the data of -2 (observed - predicted)\n"
              f"  d²SSR/db3² = sum over the data of -2 (0 - 1) = 2 n = 2 x {len(sq.INPUTS)}"
              f" = {2 * len(sq.INPUTS)}, for every b3")
    con.line()
    rows = []
    for b3 in B3_VALUES:
        g, h = second_derivative(b3)
        if h != 2.0 * len(sq.INPUTS):
            raise Mismatch(f"d²SSR/db3² at b3 = {b3}: the engine gives {h!r}, the hand derivation 6")
        rows.append([fixed(b3, 2), fixed(g, 4), fixed(h, 4), "6"])
    con.table(["b3", "dSSR/db3", "d²SSR/db3²", "by hand"], rows, left=0)
    con.line()
    con.ok("the engine's d²SSR/db3² is 6 at every b3, exactly")


def _show_paths(con: Console) -> None:
    """explain(dSSR/db3, b3): one path per data point through the gradient's own graph."""
    model = sq.network(sq.MAIN_IDEAS_START)
    loss, b3 = sq.loss(model), model.parameter("b3")
    (g,) = grad(loss, b3, create_graph=True)
    g.backward()
    e = explain(g, b3, names=node_names(loss))
    con.heading("d²SSR/db3² path by path: explain(dSSR/db3, b3)")
    con.paragraph(f"dSSR/db3's graph is the backward pass; viz.explain writes d{e.root_name}/d{e.leaf_name}"
                  f" as a sum over its {len(e.paths)} paths down to b3, one per data point:")
    con.line()
    for k, path in enumerate(e.paths, start=1):
        through = path.factors[0].bottom.label
        values = " × ".join(fixed(f.value, 0) for f in path.factors)
        con.line(f"  path {k}, through {through}: {values} = {fixed(path.product, 0)}")
    con.line(f"  sum over paths = {fixed(e.total, 0)} = b3.grad after dSSR/db3.backward()")
    con.paragraph("The middle factor is d(dSSR/dpredicted)/dpredicted = 2: dSSR/dpredicted ="
                  " -2 (observed - predicted) rises by 2 for each unit of predicted.", indent=2)
    if not (e.agrees and e.total == 6.0):
        raise Mismatch(f"explain(dSSR/db3, b3) sums to {e.total!r}, b3.grad is {e.grad!r}; both should be 6")


def _show_b3_runs(con: Console) -> tuple[Ledger, Ledger]:
    """Newton's one step on b3 beside gradient descent's ten, from the same ledger columns."""
    con.heading("Newton's step on b3")
    start = sq.MAIN_IDEAS_START
    n = newton(sq.network(start), sq.INPUTS, sq.OBSERVED, params=["b3"])
    d = train(sq.network(start), sq.INPUTS, sq.OBSERVED, params=["b3"], lr=sq.LEARNING_RATE)
    g = n[0].grads["b3"]
    con.line("  new b3 = old b3 - (dSSR/db3) / (d²SSR/db3²)")
    con.line(f"         = 0 - ({fixed(g, 4)}) / 6 = {fixed(n[0].new_values['b3'], 4)}:"
             " the parabola's lowest point, in one step")
    check_close("Newton's first b3", n[0].new_values["b3"], -g / 6.0, ("nn.newton", "-dSSR/db3 / 6"), HAND_TOL)
    con.line()
    con.line(f"  Left: nn.newton(..., params=['b3']). Right: nn.train(..., lr={sq.LEARNING_RATE:g}).")
    con.line()
    rows = []
    for k in range(max(len(n), len(d))):
        left = [fixed(n[k].grads["b3"], 4), fixed(n[k].step_sizes["b3"], 4), fixed(n[k].new_values["b3"], 4)] \
            if k < len(n) else ["", "", ""]
        right = [fixed(d[k].grads["b3"], 4), fixed(d[k].step_sizes["b3"], 4), fixed(d[k].new_values["b3"], 4)]
        rows.append([str(k + 1), *left, "|", *right])
    con.table(["step", "dSSR/db3", "step size", "new b3", "|", "dSSR/db3", "step size", "new b3"], rows, left=0)
    con.line()
    con.paragraph(f"Newton: {len(n)} steps to the stopping rule (the second finds dSSR/db3 = 0 to rounding,"
                  f" a step below {sq.MIN_STEP_SIZE:g}); gradient descent: {len(d)}. Each descent step moves"
                  " 0.1 x the slope, shrinking as the slope does; Newton's divides the slope by the"
                  " curvature 6, and a parabola's slope over its curvature is its distance to the bottom.")
    if (len(n), len(d)) != (2, 10):
        raise Mismatch(f"b3 alone: Newton took {len(n)} steps and descent {len(d)}; expected 2 and 10")
    return n, d


def _show_all_seven(con: Console) -> None:
    con.heading("All seven parameters (Details Pt. 2's start)")
    try:
        newton(sq.network(sq.DETAILS_2_START), sq.INPUTS, sq.OBSERVED)
    except NotPositiveDefiniteError as e:
        refusal = e
    else:
        raise Mismatch("Newton's plain step from Details Pt. 2's start should meet a Hessian that is not"
                       " positive definite")
    names = sq.PARAMETER_NAMES
    con.line("The Hessian d²SSR/(dp dq) at the start, from engine.hessian:")
    con.line()
    con.table(["", *names], [[p, *[fixed(h, 2) for h in row]] for p, row in zip(names, refusal.hessian)])
    con.line()
    con.paragraph(f"nn.newton with no damping stops at once: {str(refusal).split(': ', 1)[1]}")
    runs = [("gradient descent, lr 0.1", train(sq.network(sq.DETAILS_2_START), sq.INPUTS, sq.OBSERVED, lr=0.1,
                                               compiled=True)),
            ("gradient descent, lr 0.02", train(sq.network(sq.DETAILS_2_START), sq.INPUTS, sq.OBSERVED,
                                                lr=0.02, compiled=True)),
            ("Newton, damping 10", newton(sq.network(sq.DETAILS_2_START), sq.INPUTS, sq.OBSERVED, damping=10.0)),
            ("Newton, adaptive=True", newton(sq.network(sq.DETAILS_2_START), sq.INPUTS, sq.OBSERVED,
                                             adaptive=True))]
    con.line()
    con.line(f"Steps to the stopping rule (every step size below {sq.MIN_STEP_SIZE:g}):")
    con.line()
    con.table(["", "steps", "SSR at the end"],
              [[what, str(len(led)), f"{led.final_loss:.1e}"] for what, led in runs])
    adaptive = runs[-1][1]
    if not (adaptive.final_loss is not None and adaptive.final_loss < 1e-9 and len(adaptive) < len(runs[0][1])):
        raise Mismatch(f"adaptive Newton: {len(adaptive)} steps to SSR {adaptive.final_loss!r}")
    con.line()
    con.paragraph(
        "lr 0.02 stops on a plateau (its steps fall below 0.001 before the fit is done). A fixed damping"
        " keeps Newton's system solvable but shortens every step; adaptive damping (Levenberg-Marquardt)"
        " grows only while a step would raise the SSR and falls as steps succeed, so the last steps are"
        f" nearly Newton's own. It ends at another zero-SSR point (w1 = {adaptive.final_values['w1']:.2f},"
        f" b1 = {adaptive.final_values['b1']:.2f}): three data points and seven parameters leave a valley of"
        " them. Where SSR = 0 the Hessian is 2 x the sum over the points of grad(predicted) grad(predicted)ᵀ,"
        " of rank 3 at most: singular, flat along the valley, so no undamped Newton step is determined there.")


def _write_pictures(con: Console, out: Path, b3_runs: tuple[Ledger, Ledger]) -> list[Path]:
    """newton.png (with matplotlib) and gradient.svg (with a dot); each skipped with one line without."""
    make_dirs(out, "demos.newton")
    written = []
    try:
        from nn.plot_newton import plot_newton  # matplotlib is imported when the picture is drawn

        figure = plot_newton(b3_runs[0], b3_curve(), descent=b3_runs[1])
        png = io.BytesIO()
        figure.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
        written.append(write_bytes(out / PICTURE, png.getvalue(), "demos.newton"))
    except ImportError as err:
        con.paragraph(f"Skipped {PICTURE}: {err}")
    model = sq.network(sq.MAIN_IDEAS_START)
    loss = ssr([1.0], [model(0.5)])
    (g,) = grad(loss, model.parameter("w1"), create_graph=True)
    g.backward()
    try:
        written.append(render(draw(g, forward=loss, compact=True, title="dSSR/dw1 as a graph of its own:"
                                   " the backward pass of one data point (input 0.5), b3 = 0"), out / GRAPH))
    except DotNotFoundError as err:
        con.paragraph(f"Skipped {GRAPH}: {err}")
    for path in written:
        con.line(f"  written: {path}")
    return written


def run(con: Console, out: Path | None = None) -> None:
    """Print part 7; with ``out``, write its pictures there. ``Mismatch`` if a check fails."""
    con.title("7. Second derivatives and Newton's method")
    con.line()
    con.paragraph("Why does gradient descent need ten steps on b3? SSR is a parabola in b3, and a parabola's"
                  " second derivative says how far away its bottom is.")
    _show_second_derivative(con)
    con.pause()
    _show_paths(con)
    con.pause()
    b3_runs = _show_b3_runs(con)
    con.pause()
    _show_all_seven(con)
    con.pause()
    if out is not None:
        con.heading("Pictures")
        _write_pictures(con, out, b3_runs)
        con.pause()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m demos.newton [--step] [--out DIR] [--no-graph]``: print part 7; 1 if a check fails."""

    def body(con: Console, args: argparse.Namespace) -> None:
        run(con, None if args.no_graph else args.out)

    return cli("demos.newton", __doc__, body, argv, draws=True)


if __name__ == "__main__":
    raise SystemExit(main())
