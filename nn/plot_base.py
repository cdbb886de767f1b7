"""What the pictures of training share: matplotlib imported when asked for, the figure, the checks, the colours.

``nn.plots`` (the fit, the loss per step) and ``nn.plot_descent`` (a one-parameter run on its
loss curve) draw with these. matplotlib is imported when a picture is drawn, never on
``import nn``; without it a picture raises ``PlotError`` saying how to install the extra.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:  # only for the annotations; matplotlib is imported when a picture is drawn
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

from nn.public import CALLER

__all__ = ["PlotError", "EXTRA_HINT", "LedgerLike", "CURVE", "STEP", "TANGENT", "OBSERVED", "START", "END",
           "MIN_DPI", "MAX_DPI", "new_axes", "check_ledger", "check_function", "note"]

#: How to get matplotlib, as every "not installed" message says it.
EXTRA_HINT = "pip install \"chaingrad[plot]\" (in a checkout: pip install -e \".[plot]\")"

#: The colours: a dark blue curve, orange steps, magenta tangents, black data (told apart in greys too).
CURVE, STEP, TANGENT, OBSERVED, START, END = "#1f4e79", "#d95f02", "#c51b7d", "#000000", "#9e9ac8", "#1b9e77"
#: The pixels per inch a new figure may ask for (``dpi=``): matplotlib's default is 100.
MIN_DPI, MAX_DPI = 10, 600


class PlotError(ImportError):
    """matplotlib is missing: the message names the ``plot`` extra to install."""


class LedgerLike(Protocol):
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


def _check_dpi(dpi: object) -> float | None:
    if dpi is None:
        return None
    if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not math.isfinite(dpi) \
            or not MIN_DPI <= dpi <= MAX_DPI:
        raise ValueError(f"{CALLER}: dpi must be a number of pixels per inch from {MIN_DPI} to {MAX_DPI}, got {dpi!r}")
    return float(dpi)


def new_axes(ax: Axes | None, dpi: object = None) -> Axes:
    """``ax`` checked, or the axes of a new Figure without pyplot (no global state, no window) at ``dpi``.

    ``PlotError`` without matplotlib; ``dpi`` with ``ax`` is a ``ValueError`` (the figure is the caller's).
    """
    resolution = _check_dpi(dpi)
    if ax is None:
        try:
            import matplotlib.figure  # noqa: F401 - checked on every call, the class below is made once
            cls = _figure_class()
        except ImportError:
            raise PlotError(f"{CALLER}: matplotlib is not installed; {EXTRA_HINT}") from None
        return cls(figsize=(6.4, 4.0), layout="constrained", dpi=resolution or 100.0).add_subplot()
    try:
        from matplotlib.axes import Axes as _Axes
    except ImportError:
        raise PlotError(f"{CALLER}: matplotlib is not installed; {EXTRA_HINT}") from None
    if not isinstance(ax, _Axes):
        raise TypeError(f"{CALLER}: ax must be a matplotlib Axes, got {type(ax).__name__}")
    if resolution is not None:
        raise ValueError(f"{CALLER}: dpi sets a new figure's pixels per inch; with ax= the figure is yours"
                         " (ax.figure.set_dpi, or savefig(dpi=...))")
    return ax


def check_ledger(ledger: object) -> LedgerLike:
    for attr in ("names", "rows", "lr", "start", "loss_name", "final_loss"):
        if not hasattr(ledger, attr):
            raise TypeError(f"{CALLER}: ledger must be an nn Ledger (from train), got {type(ledger).__name__}")
    return cast(LedgerLike, ledger)


def check_function(f: object, what: str) -> Callable[[float], float]:
    if not callable(f):
        raise TypeError(f"{CALLER}: {what} must be a function of one number, got {type(f).__name__}")
    return cast(Callable[[float], float], f)


def note(axes: Axes, text: str, gid: str = "clipped") -> None:
    """A line of text in the axes' top left corner: what the picture leaves out."""
    axes.text(0.02, 0.97, text, transform=axes.transAxes, fontsize=8, va="top", gid=gid)
