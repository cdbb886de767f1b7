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

import functools
import io
import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:  # only for the annotations; matplotlib is imported when a picture is drawn
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

from nn.plot_axes import LINEAR_MAX, finite, linear_limits, log_axis, number
from nn.public import CALLER, public

__all__ = ["PlotError", "DescentData", "descent_data", "plot_descent", "plot_fit", "plot_loss", "loss_curve",
           "EXTRA_HINT"]

#: How to get matplotlib, as every "not installed" message says it.
EXTRA_HINT = "pip install \"chaingrad[plot]\" (in a checkout: pip install -e \".[plot]\")"

#: The colours: a dark blue curve, orange steps, magenta tangents, black data (told apart in greys too).
CURVE, STEP, TANGENT, OBSERVED, START, END = "#1f4e79", "#d95f02", "#c51b7d", "#000000", "#9e9ac8", "#1b9e77"


class PlotError(ImportError):
    """matplotlib is missing: the message names the ``plot`` extra to install."""


class _Ledger(Protocol):
    """What the pictures read of ``nn.Ledger``."""

    names: tuple[str, ...]
    lr: float
    start: dict[str, float]
    loss_name: str
    rows: list[Any]  # nn.Step: step, loss, grads, step_sizes, new_values
    final_loss: float | None
    stop_reason: str | None

    def summary(self, precision: int = 4) -> str: ...


@functools.cache
def _figure_class() -> type[Figure]:
    """matplotlib's Figure with a PNG for Jupyter (``ImportError`` without matplotlib)."""
    from matplotlib.figure import Figure

    class PlotFigure(Figure):
        """A Figure that Jupyter shows as a PNG even when pyplot was never imported."""

        def _repr_png_(self) -> bytes:
            buf = io.BytesIO()
            self.savefig(buf, format="png")
            return buf.getvalue()

    return PlotFigure


def _pyplot_free_figure() -> Figure:
    """A new Figure without pyplot (no global state, no window), or ``PlotError``."""
    try:
        import matplotlib.figure  # noqa: F401 - checked on every call, the class below is made once
        cls = _figure_class()
    except ImportError:
        raise PlotError(f"{CALLER}: matplotlib is not installed; {EXTRA_HINT}") from None
    return cls(figsize=(6.4, 4.0), layout="constrained")


def _axes(ax: Axes | None) -> Axes:
    if ax is None:
        return _pyplot_free_figure().add_subplot()
    try:
        from matplotlib.axes import Axes as _Axes
    except ImportError:
        raise PlotError(f"{CALLER}: matplotlib is not installed; {EXTRA_HINT}") from None
    if not isinstance(ax, _Axes):
        raise TypeError(f"{CALLER}: ax must be a matplotlib Axes, got {type(ax).__name__}")
    return ax


def _check_ledger(ledger: object) -> _Ledger:
    for attr in ("names", "rows", "lr", "start", "loss_name", "final_loss"):
        if not hasattr(ledger, attr):
            raise TypeError(f"{CALLER}: ledger must be an nn Ledger (from train), got {type(ledger).__name__}")
    return cast(_Ledger, ledger)


def _check_callable(f: object, what: str) -> Callable[[float], float]:
    if not callable(f):
        raise TypeError(f"{CALLER}: {what} must be a function of one number, got {type(f).__name__}")
    return cast(Callable[[float], float], f)


# ---------------------------------------------------------------- descent


@dataclass(frozen=True)
class DescentData:
    """What ``plot_descent`` draws, from the ledger alone.

    ``values[k]``/``losses[k]`` are the parameter and the loss before step
    ``k + 1`` (the last entry: after the last step); ``slopes[k]`` is the
    ledger's d loss/d param at step ``k + 1`` and ``step_sizes[k] = slopes[k] x lr``.
    """

    param: str
    lr: float
    values: tuple[float, ...]
    losses: tuple[float, ...]
    slopes: tuple[float, ...]
    step_sizes: tuple[float, ...]


@public("descent_data")
def descent_data(ledger: object, param: str | None = None) -> DescentData:
    """The points, slopes and step sizes of a one-parameter training run, read from its ledger."""
    return _descent_data(ledger, param)


def _descent_data(ledger: object, param: str | None) -> DescentData:
    led = _check_ledger(ledger)
    if getattr(led, "method", None) == "newton":  # its steps are slope / curvature, not slope x lr
        raise ValueError(f"{CALLER}: the ledger is a run of Newton's method; nn.plot_newton.plot_newton draws it")
    if param is None:
        if len(led.names) != 1:
            raise ValueError(
                f"{CALLER}: the ledger trains {len(led.names)} parameters ({', '.join(led.names)}); the loss"
                " curve over one parameter holds the others fixed, so train one (params=['b3'])"
            )
        param = led.names[0]
    if not isinstance(param, str):
        raise TypeError(f"{CALLER}: param must be a parameter name (str), got {type(param).__name__}")
    if param not in led.names:
        raise ValueError(f"{CALLER}: param {param!r} is not trained in this ledger; it trains {', '.join(led.names)}")
    if len(led.names) != 1:
        raise ValueError(
            f"{CALLER}: the ledger trains {len(led.names)} parameters ({', '.join(led.names)}); the loss curve"
            f" over {param} holds the others fixed, which they were not: train {param} alone (params=[{param!r}])"
        )
    if not led.rows:
        raise ValueError(f"{CALLER}: the ledger has no steps to draw")
    values = [led.start[param]] + [r.new_values[param] for r in led.rows]
    final = led.final_loss if led.final_loss is not None else math.nan
    losses = [r.loss for r in led.rows] + [final]
    return DescentData(
        param=param,
        lr=led.lr,
        values=tuple(values),
        losses=tuple(losses),
        slopes=tuple(r.grads[param] for r in led.rows),
        step_sizes=tuple(r.step_sizes[param] for r in led.rows),
    )


@public("plot_descent")
def plot_descent(
    ledger: object,
    loss_at: Callable[[float], float],
    param: str | None = None,
    *,
    labelled: int = 2,
    ax: Axes | None = None,
) -> Figure:
    """The loss as a function of one parameter, and each gradient-descent step on it.

    ``loss_at(v)`` is the loss with the parameter at ``v`` (the others as in
    training). For each step: the point (value, loss), the tangent whose slope is
    the ledger's d loss/d param there, and an arrow to the next point
    (``new = old - slope x lr``). The first ``labelled`` tangents carry their
    numbers. Returns the Figure; draws into ``ax`` when given.
    """
    data = _descent_data(ledger, param)
    loss_at = _check_callable(loss_at, "loss_at")
    if isinstance(labelled, bool) or not isinstance(labelled, int) or labelled < 0:
        raise ValueError(f"{CALLER}: labelled must be an int >= 0, got {labelled!r}")
    axes = _axes(ax)
    axes.set_autoscale_on(False)  # the limits are set below: matplotlib's margins overflow near 1e308
    name, lname = data.param, _check_ledger(ledger).loss_name

    x_limits = linear_limits(data.values, pad=0.15)
    if x_limits is None or x_limits[2]:
        raise ValueError(f"{CALLER}: the ledger's values of {name} are not finite numbers within ±4e307;"
                         " there is no range of them to draw")
    lo, hi, _ = x_limits
    xs = [lo + (hi - lo) * i / 200 for i in range(201)]
    ys = [number(loss_at, x, "loss_at") for x in xs]
    axes.plot(xs, ys, color=CURVE, linewidth=2, label=f"{lname} as a function of {name}", gid="curve")
    _draw_steps(axes, data, lname, 0.125 * (hi - lo), labelled)

    # Keep steep tangents from stretching the axes: the curve decides the height.
    y_limits = linear_limits(ys)
    if y_limits is not None:
        axes.set_ylim(y_limits[0], y_limits[1])
        if y_limits[2]:
            _note(axes, f"{lname} beyond ±4e307 is off the chart")
    else:  # loss_at gave no finite number: the points alone decide the height
        axes.set_ylim(*(linear_limits(data.losses) or (0.0, 1.0))[:2])
    axes.set_xlim(lo, hi)
    axes.set_xlabel(name)
    axes.set_ylabel(lname)
    axes.set_title(f"Gradient descent on {name}: new {name} = old {name} - d{lname}/d{name} × {data.lr:g}",
                   fontsize=10)
    axes.legend(fontsize=8, loc="upper right")
    return axes.figure  # type: ignore[return-value]


def _draw_steps(axes: Axes, data: DescentData, lname: str, half: float, labelled: int) -> None:
    """Each step of ``data`` on the curve: its point, its tangent (``half`` wide either side; the
    first ``labelled`` with their numbers) and an arrow to the next point. A diverged step's
    point, tangent or arrow that is not finite is left out."""
    name = data.param
    # Tangents: a segment through each point with the engine's slope, as wide as a quarter of the
    # axis (it leaves the curve visibly on either side), drawn over the curve in another colour.
    for k, (v, loss, slope) in enumerate(zip(data.values, data.losses, data.slopes), start=1):
        if not all(math.isfinite(t) for t in (v, loss, slope * half)):
            continue  # a diverged step: no point to draw a tangent through
        axes.plot([v - half, v + half], [loss - slope * half, loss + slope * half], color=TANGENT,
                  linewidth=2, linestyle=(0, (4, 2)), zorder=3, gid=f"tangent{k}",
                  label=f"tangent: slope = the engine's d{lname}/d{name}" if k == 1 else None)
        if k <= labelled:
            axes.annotate(f"slope {slope:.3g}\nstep size {slope:.3g} × {data.lr:g} = {slope * data.lr:.3g}",
                          (v, loss), xytext=(10, 4), textcoords="offset points", fontsize=8, color=TANGENT)
    # Steps: old point -> new point along the curve.
    for k in range(len(data.slopes)):
        if not all(map(math.isfinite, (*data.values[k:k + 2], *data.losses[k:k + 2]))):
            continue
        arrow = axes.annotate("", xy=(data.values[k + 1], data.losses[k + 1]),
                              xytext=(data.values[k], data.losses[k]),
                              arrowprops=dict(arrowstyle="->", color=STEP, linewidth=1.2))
        arrow.set_gid(f"step{k + 1}")
    shown = [(v, y) for v, y in zip(data.values, data.losses) if math.isfinite(y)]
    axes.plot([v for v, _ in shown], [y for _, y in shown], "o", color=STEP, markersize=5, zorder=4,
              label=f"{len(data.slopes)} steps at lr = {data.lr:g}", gid="points")


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
) -> Figure:
    """Each curve's prediction over the input range, with the observed data points.

    ``curves`` maps a legend label to a function input -> prediction (e.g.
    ``{"start": f, "after training": g}``), drawn at ``points`` inputs evenly
    spaced over ``x_range`` (default: from the smallest to the largest input).
    """
    if not isinstance(curves, Mapping) or not curves:
        raise TypeError(f"{CALLER}: curves must be a non-empty dict of label -> function, got {curves!r}")
    for label, f in curves.items():
        _check_callable(f, f"curves[{label!r}]")
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
    axes = _axes(ax)
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
        _note(axes, "predictions beyond ±4e307 are off the chart")
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
    return _loss_curve(_check_ledger(ledger))


def _loss_curve(led: _Ledger) -> tuple[list[int], list[float]]:
    losses = [r.loss for r in led.rows]
    if led.final_loss is not None:
        losses.append(led.final_loss)
    for k, y in enumerate(losses):
        if isinstance(y, bool) or not isinstance(y, (int, float)):
            after = f"after {k} step{'s' if k != 1 else ''}" if k else "before training"
            raise TypeError(f"{CALLER}: the ledger's loss {after} must be a number, got {type(y).__name__}")
    return list(range(len(losses))), [float(y) for y in losses]


@public("plot_loss")
def plot_loss(ledger: object, *, label: str | None = None, ax: Axes | None = None) -> Figure:
    """The loss after each step of a training ``Ledger``, on a log scale, with why training stopped.

    Point ``k`` is the loss after ``k`` steps (``k = 0``: before training). The
    scale is logarithmic when every loss is positive (linear otherwise); losses
    that are not finite (a diverged run) are left out, and the text says so.
    Draw several ledgers into one ``ax`` to compare runs (``label`` names each).
    """
    led = _check_ledger(ledger)
    if label is not None and not isinstance(label, str):
        raise TypeError(f"{CALLER}: label must be a str, got {type(label).__name__}")
    if not led.rows:
        raise ValueError(f"{CALLER}: the ledger has no steps to draw")
    steps, losses = _loss_curve(led)
    axes = _axes(ax)
    shown = [(k, y) for k, y in zip(steps, losses) if math.isfinite(y)]
    reason = "\n".join(textwrap.wrap(led.summary().splitlines()[0], 75))
    axes.plot([k for k, _ in shown], [y for _, y in shown], marker="." if len(shown) <= 60 else None,
              linewidth=1.5, label=label or reason, gid=f"loss:{label or led.lr}")
    # Every loss drawn on these axes (this run's and earlier ones'): log scale when all are positive.
    drawn = [float(y) for line in axes.lines if str(line.get_gid()).startswith("loss:")
             for y in cast(Sequence[float], line.get_ydata())]
    for text in [t for t in axes.texts if t.get_gid() in ("clipped", "nothing")]:
        text.remove()  # said again below, for all the runs now drawn
    axes.set_autoscaley_on(False)  # the limits are set here: matplotlib's margins overflow near 1e308
    if not finite(drawn):
        axes.set_yscale("linear")
        axes.set_ylim(0.0, 1.0)
        axes.set_xlim(0, max(1, steps[-1]))  # the steps there were, though none has a loss to show
        _note(axes, f"no finite {led.loss_name} to draw: every one is NaN or infinite", "nothing")
    elif all(y > 0 for y in drawn):
        log_axis(axes, drawn)
    else:
        axes.set_yscale("linear")
        bottom, top, clipped = linear_limits(drawn, pad=0.05) or (0.0, 1.0, False)
        axes.set_ylim(bottom, top)
        if clipped:
            _note(axes, f"{led.loss_name} beyond ±4e307 is off the chart")
    axes.set_xlabel("steps taken")
    axes.set_ylabel(f"{led.loss_name} (log scale)" if axes.get_yscale() == "log" else led.loss_name)
    axes.set_title(f"{led.loss_name} after each step", fontsize=10)
    # Below the axes: the stopping reasons are long and a loss curve can fill any corner.
    axes.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), frameon=False)
    return axes.figure  # type: ignore[return-value]


def _note(axes: Axes, text: str, gid: str = "clipped") -> None:
    """A line of text in the axes' top left corner: what the picture leaves out."""
    axes.text(0.02, 0.97, text, transform=axes.transAxes, fontsize=8, va="top", gid=gid)
