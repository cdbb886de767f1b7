"""A one-parameter run on its loss curve: ``plot_descent(ledger, loss_at)`` (matplotlib, the ``plot`` extra).

The curve is the loss as a function of the parameter (``loss_at(v)``, the others held); on it,
each step of the ledger: the point (value before step ``k``, loss before step ``k``), the
tangent whose slope is the ledger's d loss/d param there, and a numbered arrow to the next
point (``step size = slope x lr``). The tangents are short and of one length on the page
whatever their slope, and where the points crowd near the optimum only those a tangent's
length apart get one; the arrows long enough to hold a number carry theirs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for the annotations; matplotlib is imported when a picture is drawn
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

from nn.plot_axes import linear_limits, number
from nn.plot_base import CURVE, STEP, TANGENT, check_function, check_ledger, new_axes, note
from nn.public import CALLER, public

__all__ = ["DescentData", "descent_data", "plot_descent", "TANGENT_LENGTH"]

#: A tangent's length on the page, as a fraction of the axes' width (and a step's arrow needs a
#: tenth of it to carry its number).
TANGENT_LENGTH = 0.16


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
    led = check_ledger(ledger)
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
    dpi: float | None = None,
) -> Figure:
    """The loss as a function of one parameter, and each gradient-descent step on it.

    ``loss_at(v)`` is the loss with the parameter at ``v`` (the others as in
    training). For each step: the point (value, loss), the tangent whose slope is
    the ledger's d loss/d param there (short, all of one length on the page; where the
    points crowd, only those a tangent's length apart), and a numbered arrow to the next
    point (``new = old - slope x lr``). The first ``labelled`` tangents carry their
    numbers. Returns the Figure (``dpi``: its pixels per inch); draws into ``ax`` when given.
    """
    data = _descent_data(ledger, param)
    loss_at = check_function(loss_at, "loss_at")
    if isinstance(labelled, bool) or not isinstance(labelled, int) or labelled < 0:
        raise ValueError(f"{CALLER}: labelled must be an int >= 0, got {labelled!r}")
    axes = new_axes(ax, dpi)
    axes.set_autoscale_on(False)  # the limits are set below: matplotlib's margins overflow near 1e308
    name, lname = data.param, check_ledger(ledger).loss_name

    x_limits = linear_limits(data.values, pad=0.15)
    if x_limits is None or x_limits[2]:
        raise ValueError(f"{CALLER}: the ledger's values of {name} are not finite numbers within ±4e307;"
                         " there is no range of them to draw")
    lo, hi, _ = x_limits
    xs = [lo + (hi - lo) * i / 200 for i in range(201)]
    ys = [number(loss_at, x, "loss_at") for x in xs]
    axes.plot(xs, ys, color=CURVE, linewidth=2.5, label=f"{lname} as a function of {name}", gid="curve")
    # Keep steep tangents from stretching the axes: the curve decides the height.
    y_limits = linear_limits(ys)
    if y_limits is not None:
        axes.set_ylim(y_limits[0], y_limits[1])
        if y_limits[2]:
            note(axes, f"{lname} beyond ±4e307 is off the chart")
    else:  # loss_at gave no finite number: the points alone decide the height
        axes.set_ylim(*(linear_limits(data.losses) or (0.0, 1.0))[:2])
    axes.set_xlim(lo, hi)
    _draw_tangents(axes, data, lname, labelled)
    _draw_steps(axes, data)
    axes.set_xlabel(name)
    axes.set_ylabel(lname)
    axes.set_title(f"Gradient descent on {name}: new {name} = old {name} - d{lname}/d{name} × {data.lr:g}",
                   fontsize=10)
    axes.legend(fontsize=8, loc="upper right")
    return axes.figure  # type: ignore[return-value]


def _axes_inches(axes: Axes) -> tuple[float, float]:
    """The axes' width and height on the page, in inches (as laid out so far)."""
    return axes.bbox.width / axes.figure.dpi, axes.bbox.height / axes.figure.dpi


def _page_scale(axes: Axes) -> tuple[float, float]:
    """Inches on the page per unit of x and of y, at the axes' limits."""
    width, height = _axes_inches(axes)
    (x0, x1), (y0, y1) = axes.get_xlim(), axes.get_ylim()
    return width / (x1 - x0), height / (y1 - y0)


def _draw_tangents(axes: Axes, data: DescentData, lname: str, labelled: int) -> None:
    """A tangent through each step's point with the ledger's slope, ``TANGENT_LENGTH`` of the axes long on
    the page whatever the slope; a point nearer than that to one already given a tangent gets none (the
    steps crowd near the optimum). Thinner than the curve and dashed, so the curve shows through."""
    sx, sy = _page_scale(axes)
    length = TANGENT_LENGTH * _axes_inches(axes)[0]
    drawn: list[tuple[float, float]] = []
    for k, (v, loss, slope) in enumerate(zip(data.values, data.losses, data.slopes), start=1):
        if not all(math.isfinite(t) for t in (v, loss, slope * sy)):
            continue  # a diverged step: no point to draw a tangent through
        if any(math.hypot((v - u) * sx, (loss - w) * sy) < length for u, w in drawn):
            continue
        drawn.append((v, loss))
        half = length / 2 / math.hypot(sx, slope * sy)  # in units of x
        axes.plot([v - half, v + half], [loss - slope * half, loss + slope * half], color=TANGENT,
                  linewidth=1.6, linestyle=(0, (3, 2)), zorder=3, gid=f"tangent{k}",
                  label=f"tangent: slope = the engine's d{lname}/d{data.param}" if len(drawn) == 1 else None)
        if k <= labelled:
            axes.annotate(f"slope {slope:.3g}\nstep size {slope:.3g} × {data.lr:g} = {slope * data.lr:.3g}",
                          (v, loss), xytext=(10, 9), textcoords="offset points", fontsize=8, color=TANGENT)


def _draw_steps(axes: Axes, data: DescentData) -> None:
    """An arrow from each step's point to the next, numbered at its middle when it is long enough to hold
    the number (a tenth of a tangent); a diverged step whose point is not finite is left out."""
    sx, sy = _page_scale(axes)
    room = TANGENT_LENGTH / 10 * _axes_inches(axes)[0]
    for k in range(len(data.slopes)):
        (v0, v1), (y0, y1) = data.values[k:k + 2], data.losses[k:k + 2]
        if not all(map(math.isfinite, (v0, v1, y0, y1))):
            continue
        arrow = axes.annotate("", xy=(v1, y1), xytext=(v0, y0),
                              arrowprops=dict(arrowstyle="->", color=STEP, linewidth=1.2))
        arrow.set_gid(f"step{k + 1}")
        if math.hypot((v1 - v0) * sx, (y1 - y0) * sy) >= room:
            axes.annotate(str(k + 1), ((v0 + v1) / 2, (y0 + y1) / 2), xytext=(0, 7), textcoords="offset points",
                          ha="center", va="bottom", fontsize=8, color=STEP, fontweight="bold",
                          gid=f"number{k + 1}")
    shown = [(v, y) for v, y in zip(data.values, data.losses) if math.isfinite(y)]
    axes.plot([v for v, _ in shown], [y for _, y in shown], "o", color=STEP, markersize=5, zorder=4,
              label=f"{len(data.slopes)} steps at lr = {data.lr:g} (numbered)", gid="points")
