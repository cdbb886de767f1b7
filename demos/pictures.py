"""Pictures of training: descent.png, fit.png and loss.png (matplotlib, the plot extra).

Run alone with ``python -m demos.pictures [--out DIR]``; ``python -m demos``
writes them after part 5 (the graph), from the runs part 4 trained.

* ``descent.png``: SSR as a function of b3 (the other parameters at the
  published optimum) and the Main Ideas run on it: each step's point, its
  tangent with the engine's slope dSSR/db3, and the step to the next point;
* ``fit.png``: the network's prediction over the inputs 0 to 1 beside the
  three observed points, at the start and at the end of the seven-parameter
  run (learning rate 0.02, 5000 steps);
* ``loss.png``: the SSR after each step of the seven-parameter runs at 0.1 and
  0.02, on a log scale, with why each stopped.

Without matplotlib the pictures are skipped with one line saying how to get them.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from demos import network as net
from demos._console import Console, cli
from engine.files import make_dirs, write_bytes
from nn import Ledger, train
from nn import statquest as sq
from nn.plots import EXTRA_HINT, PlotError, plot_descent, plot_fit, plot_loss

if TYPE_CHECKING:  # matplotlib is imported when a picture is drawn
    from matplotlib.figure import Figure

__all__ = ["FILES", "b3_curve", "prediction", "runs", "loss_figure", "write", "run", "main"]

#: The files written, in order.
FILES = ("descent.png", "fit.png", "loss.png")
#: Pixels per inch of the PNGs: 6.4 x 4 inches -> 960 x 600 pixels, sharp on a slide.
DPI = 150


def b3_curve(start: dict[str, float] | None = None) -> Callable[[float], float]:
    """SSR as a function of b3 alone, the others at ``start`` (Main Ideas'), in plain floats."""
    params = dict(sq.MAIN_IDEAS_START if start is None else start)

    def ssr_at(b3: float) -> float:
        return net.ssr_floats({**params, "b3": b3})

    return ssr_at


def prediction(params: dict[str, float]) -> Callable[[float], float]:
    """The network's prediction for one input at ``params``, in plain floats."""
    fixed = dict(params)
    return lambda dose: net.forward_floats(fixed, dose)["predicted"]


def runs() -> dict[str, Ledger]:
    """The runs the pictures show, trained as part 4 trains them: "b3", "fast" (lr 0.1), "slow" (lr 0.02)."""
    def seven(lr: float) -> Ledger:
        return train(sq.network(sq.DETAILS_2_START), sq.INPUTS, sq.OBSERVED, lr=lr, steps=sq.DETAILS_2_STEPS)

    b3 = train(sq.network(sq.MAIN_IDEAS_START), sq.INPUTS, sq.OBSERVED, params=["b3"], lr=sq.LEARNING_RATE)
    return {"b3": b3, "fast": seven(sq.LEARNING_RATE), "slow": seven(sq.DETAILS_2_LEARNING_RATE)}


def write(out: Path, ledgers: dict[str, Ledger]) -> list[Path]:
    """Write the three PNGs into ``out`` (created); ``PlotError`` without matplotlib."""
    b3, fast, slow = ledgers["b3"], ledgers["fast"], ledgers["slow"]
    descent = plot_descent(b3, b3_curve())
    fit = plot_fit(
        {
            "start (Details Pt. 2)": prediction(sq.DETAILS_2_START),
            f"after {len(slow)} steps at lr {slow.lr:g}": prediction(slow.final_values),
        },
        sq.INPUTS, sq.OBSERVED, x_range=(0.0, 1.0),
    )
    fit.axes[0].set_title("The fit: the prediction over the input range, before and after training", fontsize=10)
    loss = loss_figure(slow, fast)
    make_dirs(out, "demos.pictures")
    written = []
    for name, figure in zip(FILES, (descent, fit, loss)):
        png = io.BytesIO()
        # No date or software version in the file: the same run gives the same bytes.
        figure.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
        # Written here, not by matplotlib: an error names the file and its cause.
        written.append(write_bytes(out / name, png.getvalue(), "demos.pictures"))
    return written


def loss_figure(*ledgers: Ledger) -> Figure:
    """The runs' losses on one axes, each named by its learning rate (``lr = 0.02``).

    What the runs share, how many steps and why they stopped, is said once, above
    the names; a run that differs in it says its own after its name.
    """
    if not ledgers:
        raise ValueError("loss_figure: give at least one ledger")
    stops = [_stop(led) for led in ledgers]
    shared = len(set(stops)) == 1
    fig = plot_loss(ledgers[0], label=_lr_label(ledgers[0], stops[0], shared))
    for led, stop in zip(ledgers[1:], stops[1:]):
        plot_loss(led, label=_lr_label(led, stop, shared), ax=fig.axes[0])
    legend = fig.axes[0].get_legend()
    if shared and legend is not None:
        legend.set_title(f"each run: {stops[0]}")
        legend.get_title().set_fontsize(8)
    return fig


def _lr_label(ledger: Ledger, stop: str, shared: bool) -> str:
    return f"lr = {ledger.lr:g}" if shared else f"lr = {ledger.lr:g}: {stop}"


def _stop(ledger: Ledger) -> str:
    """How many steps and why training stopped: the summary's first line without its learning rate.

    "5000 steps at lr = 0.1; stopped because X." -> "5000 steps; stopped because X."
    """
    first = ledger.summary().splitlines()[0]
    steps, _, why = first.partition("; ")
    return f"{steps.split(' at lr = ')[0]}; {why}"


def run(con: Console, out: Path, ledgers: dict[str, Ledger] | None = None) -> list[Path]:
    """Write the pictures and list them; without matplotlib, say once how to get them."""
    con.title("Pictures of training")
    con.line()
    try:
        written = write(out, runs() if ledgers is None else ledgers)
    except PlotError:
        con.paragraph(f"Skipped descent.png, fit.png and loss.png: matplotlib is not installed; {EXTRA_HINT}.")
        return []
    for path in written:
        con.line(f"  written: {path}")
    con.pause()
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m demos.pictures [--out DIR]``: train the runs and write the PNGs."""

    def body(con: Console, args: argparse.Namespace) -> None:
        run(con, args.out)  # cli refuses --no-graph: this demo only draws

    return cli("demos.pictures", __doc__, body, argv, draws=True, only_draws=True)


if __name__ == "__main__":
    raise SystemExit(main())
