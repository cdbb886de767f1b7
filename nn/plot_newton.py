"""Newton's method pictured (matplotlib, the ``plot`` extra): ``plot_newton(ledger, loss_at)``.

On the loss as a function of one parameter, each Newton step from the ledger: the
point, the tangent (slope d loss/d param), the parabola Newton fits there (the same
value, slope and second derivative: ``q(t) = loss + slope (t - v) + curvature (t - v)² / 2``)
and the jump to that parabola's lowest point, ``v - slope / curvature``. For SSR in b3
the fitted parabola is the curve itself, and one jump lands on the minimum; with
``descent=`` a gradient-descent ledger on the same parameter is drawn beside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nn.plot_axes import linear_limits, number
from nn.plot_base import CURVE, STEP, TANGENT, check_function, check_ledger, new_axes
from nn.plot_descent import _descent_data
from nn.public import CALLER, public

if TYPE_CHECKING:  # only for the annotations; matplotlib is imported when a picture is drawn
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["NewtonData", "newton_data", "plot_newton"]

#: The fitted parabola's colour (a purple, apart from the curve's blue and the tangents' magenta);
#: gradient descent's points, drawn beside Newton's for comparison, in grey.
MODEL, DESCENT = "#6a3d9a", "#8c8c8c"


@dataclass(frozen=True)
class NewtonData:
    """What ``plot_newton`` draws, from a one-parameter ``nn.newton`` ledger.

    ``values[k]``/``losses[k]``: the parameter and the loss before step ``k + 1``
    (the last entry: after the last step); ``slopes[k]``, ``curvatures[k]`` and
    ``dampings[k]``: d loss/d param, d² loss/d param² and the damping at step ``k + 1``;
    ``step_sizes[k] = slopes[k] / (curvatures[k] + dampings[k])``.
    """

    param: str
    values: tuple[float, ...]
    losses: tuple[float, ...]
    slopes: tuple[float, ...]
    curvatures: tuple[float, ...]
    dampings: tuple[float, ...]
    step_sizes: tuple[float, ...]


@public("newton_data")
def newton_data(ledger: object) -> NewtonData:
    """The points, slopes, second derivatives and steps of a one-parameter Newton run, from its ledger."""
    return _newton_data(ledger)


def _newton_data(ledger: object) -> NewtonData:
    led = check_ledger(ledger)
    if getattr(led, "method", None) != "newton":
        raise ValueError(f"{CALLER}: the ledger is not a run of Newton's method (nn.newton); gradient"
                         " descent's is drawn by nn.plots.plot_descent")
    if len(led.names) != 1:
        raise ValueError(f"{CALLER}: the ledger trains {len(led.names)} parameters ({', '.join(led.names)});"
                         " the loss curve over one parameter holds the others fixed, so train one (params=['b3'])")
    if not led.rows:
        raise ValueError(f"{CALLER}: the ledger has no steps to draw")
    (name,) = led.names
    final = led.final_loss if led.final_loss is not None else math.nan
    return NewtonData(
        param=name,
        values=(led.start[name], *[r.new_values[name] for r in led.rows]),
        losses=(*[r.loss for r in led.rows], final),
        slopes=tuple(r.grads[name] for r in led.rows),
        curvatures=tuple(r.hessian[0][0] for r in led.rows),
        dampings=tuple(r.damping for r in led.rows),
        step_sizes=tuple(r.step_sizes[name] for r in led.rows),
    )


@public("plot_newton")
def plot_newton(
    ledger: object,
    loss_at: Callable[[float], float],
    *,
    descent: object = None,
    labelled: int = 1,
    ax: Axes | None = None,
) -> Figure:
    """The loss over one parameter, and each of Newton's steps on it: tangent, fitted parabola, jump.

    ``loss_at(v)`` is the loss with the parameter at ``v`` (the others as in the
    run). ``descent``: a gradient-descent ledger of the same parameter, whose
    points are drawn in grey for comparison. The first ``labelled`` steps carry
    their numbers (slope, second derivative, step). Returns the Figure; draws into ``ax`` when given.
    """
    data = _newton_data(ledger)
    loss_at = check_function(loss_at, "loss_at")
    if isinstance(labelled, bool) or not isinstance(labelled, int) or labelled < 0:
        raise ValueError(f"{CALLER}: labelled must be an int >= 0, got {labelled!r}")
    other = None if descent is None else _descent_points(descent, data.param)
    name, lname = data.param, check_ledger(ledger).loss_name
    # The first jump's mirror image too, so the fitted parabola shows both of its sides.
    mirror = 2.0 * data.values[1] - data.values[0]
    x_limits = linear_limits([*data.values, mirror, *(other[0] if other else ())], pad=0.08)
    if x_limits is None or x_limits[2]:
        raise ValueError(f"{CALLER}: the ledger's values of {name} are not finite numbers within ±4e307;"
                         " there is no range of them to draw")
    axes = new_axes(ax)
    axes.set_autoscale_on(False)  # the limits are set below: matplotlib's margins overflow near 1e308
    lo, hi, _ = x_limits
    xs = [lo + (hi - lo) * i / 200 for i in range(201)]
    ys = [number(loss_at, x, "loss_at") for x in xs]
    axes.plot(xs, ys, color=CURVE, linewidth=2, label=f"{lname} as a function of {name}", gid="curve")
    if other is not None:
        axes.plot(*other, "o-", color=DESCENT, markersize=4, linewidth=0.8, zorder=2, gid="descent",
                  label=f"gradient descent: {len(other[0]) - 1} steps")
    _draw_newton_steps(axes, data, lname, (lo, hi), labelled)
    y_limits = linear_limits(ys) or linear_limits(data.losses) or (0.0, 1.0, False)
    axes.set_ylim(y_limits[0], y_limits[1])
    axes.set_xlim(lo, hi)
    axes.set_xlabel(name)
    axes.set_ylabel(lname)
    axes.set_title(f"Newton's method on {name}: new {name} = old {name} - (d{lname}/d{name}) / (d²{lname}/d{name}²)",
                   fontsize=10)
    axes.legend(fontsize=8, loc="upper center")
    return axes.figure  # type: ignore[return-value]


def _descent_points(descent: object, param: str) -> tuple[list[float], list[float]]:
    """A gradient-descent ledger's points (value, loss), for ``plot_newton``'s comparison."""
    if not hasattr(descent, "rows") or not hasattr(descent, "lr"):
        raise TypeError(f"{CALLER}: descent must be a gradient-descent Ledger (from nn.train), got"
                        f" {type(descent).__name__}")
    if getattr(descent, "method", None) == "newton":
        raise ValueError(f"{CALLER}: descent must be a gradient-descent ledger (nn.train), got one of Newton's method")
    d = _descent_data(descent, param)
    shown = [(v, y) for v, y in zip(d.values, d.losses) if math.isfinite(v) and math.isfinite(y)]
    return [v for v, _ in shown], [y for _, y in shown]


def _draw_newton_steps(axes: Axes, data: NewtonData, lname: str, x_range: tuple[float, float], labelled: int) -> None:
    """Each step: its point, tangent, fitted parabola and the jump to the parabola's lowest point."""
    name = data.param
    lo, hi = x_range
    half = 0.125 * (hi - lo)
    for k, (v, loss, slope, h, lam) in enumerate(
            zip(data.values, data.losses, data.slopes, data.curvatures, data.dampings), start=1):
        new = data.values[k]
        if not all(math.isfinite(t) for t in (v, loss, slope * half, h, new)):
            continue  # a diverged step: nothing finite to draw
        first = k == 1
        axes.plot([v - half, v + half], [loss - slope * half, loss + slope * half], color=TANGENT, linewidth=2,
                  linestyle=(0, (4, 2)), zorder=3, gid=f"tangent{k}",
                  label=f"tangent: slope = the engine's d{lname}/d{name}" if first else None)
        ts = [lo + (hi - lo) * i / 200 for i in range(201)]
        # Dotted over the curve: where the loss is itself a parabola, the two coincide.
        axes.plot(ts, [loss + slope * (t - v) + 0.5 * h * (t - v) ** 2 for t in ts], color=MODEL, linewidth=2.5,
                  linestyle=(0, (1, 2.5)), zorder=3, gid=f"parabola{k}",
                  label=f"the parabola Newton fits: slope and d²{lname}/d{name}² at the point" if first else None)
        bottom = loss + slope * (new - v) + 0.5 * h * (new - v) ** 2
        jump = axes.annotate("", xy=(new, bottom), xytext=(v, loss),
                             arrowprops=dict(arrowstyle="->", color=STEP, linewidth=1.6))
        jump.set_gid(f"jump{k}")
        if k <= labelled:
            over = f"({h:.3g} + {lam:.3g})" if lam else f"{h:.3g}"
            axes.annotate(f"slope {slope:.3g}, d²{lname}/d{name}² = {h:.3g}\n"
                          f"step = {slope:.3g} / {over} = {data.step_sizes[k - 1]:.3g}\n"
                          f"new {name} = {v:.3g} - ({data.step_sizes[k - 1]:.3g}) = {new:.3g}",
                          ((v + new) / 2, (loss + bottom) / 2), xytext=(10, 6), textcoords="offset points",
                          fontsize=8, color=STEP)  # beside the jump's middle, clear of the curve
    shown = [(v, y) for v, y in zip(data.values, data.losses) if math.isfinite(v) and math.isfinite(y)]
    n = len(data.slopes)
    axes.plot([v for v, _ in shown], [y for _, y in shown], "o", color=STEP, markersize=6, zorder=4, gid="points",
              label=f"Newton's method: {n} step{'s' if n != 1 else ''}")
