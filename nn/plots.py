"""Pictures of training with matplotlib (the ``plot`` extra): descent, fit, loss per step.

    plot_descent(ledger, loss_at)      # the loss curve over one parameter, each step on it
    plot_fit({"start": f, "end": g}, inputs, observed)   # predictions over the input range
    plot_loss(ledger)                  # the loss after each step, log scale, why it stopped

Each takes plain data: a training ``Ledger`` (read through its attributes) and
callables that give a number for a number. Each
returns the ``matplotlib.figure.Figure`` (shown inline by Jupyter; save with
``fig.savefig("loss.png")``), or draws into ``ax=`` when given one.

matplotlib is imported when a picture is asked for, never on ``import nn``;
without it the call raises ``PlotError`` saying how to install the extra.
The descent's points and tangent slopes are the ledger's numbers (each step
``k`` starts at ``(value before k, loss before k)`` with slope
``d loss/d param`` there, and moves by ``step size = slope x lr``).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:  # only for the annotations; matplotlib is imported when a picture is drawn
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

from nn.plot_axes import LINEAR_MAX, finite, linear_limits, log_axis, number
from nn.plot_base import (
    CURVE,
    END,
    EXTRA_HINT,
    OBSERVED,
    START,
    STEP,
    LedgerLike,
    PlotError,
    check_function,
    check_ledger,
    new_axes,
    note,
)
from nn.plot_descent import DescentData, descent_data, plot_descent
from nn.public import CALLER, public

__all__ = ["PlotError", "DescentData", "descent_data", "plot_descent", "plot_fit", "plot_loss", "loss_curve",
           "rise", "EXTRA_HINT", "LOG_STEPS_ABOVE"]

# ---------------------------------------------------------------- fit


@public("plot_fit")
def plot_fit(
    curves: Mapping[str, Callable[[float], float]],
    inputs: Sequence[float],
    observed: Sequence[float],
    *,
    x_range: tuple[float, float] | None = None,
    points: int = 101,
    ax: Axes | None = None,
    dpi: float | None = None,
) -> Figure:
    """Each curve's prediction over the input range, with the observed data points.

    ``curves`` maps a legend label to a function input -> prediction (e.g.
    ``{"start": f, "after training": g}``), drawn at ``points`` inputs evenly
    spaced over ``x_range`` (default: from the smallest to the largest input).
    ``dpi``: a new figure's pixels per inch.
    """
    if not isinstance(curves, Mapping) or not curves:
        raise TypeError(f"{CALLER}: curves must be a non-empty dict of label -> function, got {curves!r}")
    for label, f in curves.items():
        check_function(f, f"curves[{label!r}]")
    xs_data = _numbers(inputs, "inputs")
    ys_data = _numbers(observed, "observed")
    if len(xs_data) != len(ys_data):
        raise ValueError(f"{CALLER}: inputs and observed differ in length: {len(xs_data)} and {len(ys_data)}")
    if isinstance(points, bool) or not isinstance(points, int) or points < 2:
        raise ValueError(f"{CALLER}: points must be an int >= 2, got {points!r}")
    if x_range is None:
        if not xs_data:
            raise ValueError(f"{CALLER}: give x_range or at least one input")
        x_range = (min(xs_data), max(xs_data))
    lo, hi = _numbers(x_range, "x_range")
    if not lo < hi or max(-lo, hi) > LINEAR_MAX:
        raise ValueError(f"{CALLER}: x_range must be (low, high) with low < high, within ±4e307, got {x_range!r}")
    axes = new_axes(ax, dpi)
    axes.set_autoscale_on(False)  # the limits are set below: matplotlib's margins overflow near 1e308
    xs = [lo + (hi - lo) * i / (points - 1) for i in range(points)]
    colours = [START, END, CURVE, STEP]
    drawn: list[float] = list(ys_data)
    for i, (label, f) in enumerate(curves.items()):
        ys = [number(f, x, f"curves[{label!r}]") for x in xs]
        drawn += ys
        axes.plot(xs, ys, color=colours[i % len(colours)], linewidth=2,
                  linestyle="--" if i == 0 and len(curves) > 1 else "-", label=label, gid=f"curve:{label}")
    axes.plot(xs_data, ys_data, "o", color=OBSERVED, markersize=7, label="observed", gid="observed")
    x_limits = linear_limits([lo, hi], pad=0.05)
    limits = linear_limits(drawn, pad=0.05) or (0.0, 1.0, False)  # no data, no finite prediction: empty
    assert x_limits is not None  # lo and hi are finite
    axes.set_xlim(x_limits[0], x_limits[1])
    axes.set_ylim(limits[0], limits[1])  # matplotlib's own margins: 5 %
    if limits[2]:
        note(axes, "predictions beyond ±4e307 are off the chart")
    axes.set_xlabel("input")
    axes.set_ylabel("prediction")
    axes.legend(fontsize=8)
    return axes.figure  # type: ignore[return-value]


def _numbers(xs: object, what: str) -> list[float]:
    if isinstance(xs, (str, bytes)) or not isinstance(xs, Sequence):
        raise TypeError(f"{CALLER}: {what} must be a sequence of numbers, got {type(xs).__name__}")
    out = []
    for i, x in enumerate(xs, start=1):
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            raise TypeError(f"{CALLER}: {what}[{i}] must be a number, got {type(x).__name__} {x!r}")
        if not math.isfinite(x):
            raise ValueError(f"{CALLER}: {what}[{i}] must be finite, got {x!r}")
        out.append(float(x))
    return out


# ---------------------------------------------------------------- loss per step


@public("loss_curve")
def loss_curve(ledger: object) -> tuple[list[int], list[float]]:
    """(steps taken, loss): the loss after 0, 1, ... n steps (the last one is ``final_loss``)."""
    return _loss_curve(check_ledger(ledger))


def _loss_curve(led: LedgerLike) -> tuple[list[int], list[float]]:
    losses = [r.loss for r in led.rows]
    if led.final_loss is not None:
        losses.append(led.final_loss)
    for k, y in enumerate(losses):
        if isinstance(y, bool) or not isinstance(y, (int, float)):
            after = f"after {k} step{'s' if k != 1 else ''}" if k else "before training"
            raise TypeError(f"{CALLER}: the ledger's loss {after} must be a number, got {type(y).__name__}")
    return list(range(len(losses))), [float(y) for y in losses]


@public("plot_loss")
def plot_loss(ledger: object, *, label: str | None = None, ax: Axes | None = None, log_steps: bool | None = None,
              dpi: float | None = None) -> Figure:
    """The loss after each step of a training ``Ledger``, on a log scale, with why training stopped.

    Point ``k`` is the loss after ``k`` steps (``k = 0``: before training). The
    scale is logarithmic when every loss is positive (linear otherwise); losses
    that are not finite (a diverged run) are left out, and the text says so.
    Draw several ledgers into one ``ax`` to compare runs (``label`` names each).
    ``log_steps``: the steps on a log scale too (linear from 0 to 1), so that the first
    steps of a long run (an overshoot at step 1) are as wide as its last thousands;
    by default when more than ``LOG_STEPS_ABOVE`` steps are drawn. ``dpi``: a new figure's
    pixels per inch.
    """
    led = check_ledger(ledger)
    if label is not None and not isinstance(label, str):
        raise TypeError(f"{CALLER}: label must be a str, got {type(label).__name__}")
    if not led.rows:
        raise ValueError(f"{CALLER}: the ledger has no steps to draw")
    if log_steps is not None and not isinstance(log_steps, bool):
        raise TypeError(f"{CALLER}: log_steps must be True, False or None, got {type(log_steps).__name__}")
    steps, losses = _loss_curve(led)
    axes = new_axes(ax, dpi)
    shown = [(k, y) for k, y in zip(steps, losses) if math.isfinite(y)]
    reason = "\n".join(textwrap.wrap(led.summary().splitlines()[0], 75))
    # A dot per step where the steps can be told apart: all of a short run, the first ten of a long one.
    line = axes.plot([k for k, _ in shown], [y for _, y in shown], marker=".",
                     markevery=None if len(shown) <= 60 else list(range(min(11, len(shown)))),
                     linewidth=1.5, label=label or reason, gid=f"loss:{label or led.lr}")[0]
    _mark_rise(axes, losses, led.loss_name, line.get_color(), label or f"{led.lr:g}")
    # Every loss drawn on these axes (this run's and earlier ones'): log scale when all are positive.
    drawn = [float(y) for line in axes.lines if str(line.get_gid()).startswith("loss:")
             for y in cast(Sequence[float], line.get_ydata())]
    for text in [t for t in axes.texts if t.get_gid() in ("clipped", "nothing")]:
        text.remove()  # said again below, for all the runs now drawn
    axes.set_autoscaley_on(False)  # the limits are set here: matplotlib's margins overflow near 1e308
    if not finite(drawn):
        axes.set_yscale("linear")
        axes.set_ylim(0.0, 1.0)
        note(axes, f"no finite {led.loss_name} to draw: every one is NaN or infinite", "nothing")
    elif all(y > 0 for y in drawn):
        log_axis(axes, drawn)
    else:
        axes.set_yscale("linear")
        bottom, top, clipped = linear_limits(drawn, pad=0.05) or (0.0, 1.0, False)
        axes.set_ylim(bottom, top)
        if clipped:
            note(axes, f"{led.loss_name} beyond ±4e307 is off the chart")
    _steps_axis(axes, log_steps, steps[-1])
    axes.set_ylabel(f"{led.loss_name} (log scale)" if axes.get_yscale() == "log" else led.loss_name)
    axes.set_title(f"{led.loss_name} after each step", fontsize=10)
    # Below the axes: the stopping reasons are long and a loss curve can fill any corner.
    axes.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), frameon=False)
    return axes.figure  # type: ignore[return-value]



#: ``plot_loss`` puts the steps on a log scale when more steps than this are drawn.
LOG_STEPS_ABOVE = 100


def _steps_axis(axes: Axes, log_steps: bool | None, steps: int) -> None:
    """The x axis of the steps (``steps`` of this run, and those drawn already): linear, or symmetric-log
    (linear from 0 to 1, a decade per tick beyond), with a margin before step 0 so that the first point
    keeps off the axis."""
    last = max([float(x) for line in axes.lines if str(line.get_gid()).startswith("loss:")
                for x in cast(Sequence[float], line.get_xdata())] + [float(steps), 1.0])
    if log_steps is None:
        log_steps = last > LOG_STEPS_ABOVE
    if log_steps:
        axes.set_xscale("symlog", linthresh=1.0, linscale=0.6)
        axes.set_xlim(-0.25, max(1.0, last) * 1.4)
        axes.set_xlabel("steps taken (log scale after step 1)")
    else:
        axes.set_xscale("linear")
        axes.set_xlim(-0.03 * max(1.0, last), max(1.0, last) * 1.03)
        axes.set_xlabel("steps taken")


def rise(losses: Sequence[float]) -> tuple[int, int] | None:
    """(first, peak): the steps of a run's first rise of the loss, from the step after which it first grew
    (by more than a hundredth) to the step where it stopped growing; None when it never grew."""
    for k in range(1, len(losses)):
        before, now = losses[k - 1], losses[k]
        if math.isfinite(before) and math.isfinite(now) and now > before * 1.01 and now > 0:
            peak = k
            while peak + 1 < len(losses) and math.isfinite(losses[peak + 1]) and losses[peak + 1] > losses[peak]:
                peak += 1
            return k, peak
    return None


def _mark_rise(axes: Axes, losses: Sequence[float], name: str, colour: object, run: str) -> None:
    """Point at a run's first rise of the loss (an overshoot: the step went past the minimum), saying its numbers,
    in the run's ``colour`` (a line's colour, as matplotlib gives it)."""
    found = rise(losses)
    if found is None:
        return
    first, peak = found
    steps = f"step {first}" if first == peak else f"steps {first} to {peak}"
    # The text in the open middle left of the axes (a loss curve starts high and falls to the right),
    # one line lower for each run already marked; the arrow points at the peak.
    below = len([t for t in axes.texts if str(t.get_gid()).startswith("rise:")])
    axes.annotate(f"{steps}: {name} grows, {losses[first - 1]:.3g} → {losses[peak]:.3g} (an overshoot)",
                  (peak, losses[peak]), xytext=(0.08, 0.6 - 0.08 * below), textcoords="axes fraction",
                  fontsize=8, color=colour, ha="left", va="top", gid=f"rise:{run}",
                  arrowprops=dict(arrowstyle="->", color=colour, linewidth=1, shrinkA=2, shrinkB=3))
