"""nn.plots at the edges of the floats: what can be drawn is, with no warning or error from matplotlib.

The losses near 1e308 and 5e-324, all NaN, both signs near ±1e308, a descent that
diverged, a loss_at that returns an engine Value: each picture is saved as a PNG
with warnings turned into errors, and its artists hold the numbers given.
"""

from __future__ import annotations

import io
import math
import warnings

import pytest

from demos import pictures
from engine import Value
from nn import NonFiniteLossError, train
from nn import statquest as sq

pytest.importorskip("matplotlib", reason="matplotlib (the plot extra) is not installed")

from nn.plot_axes import LINEAR_MAX, linear_limits  # noqa: E402
from nn.plots import plot_descent, plot_fit, plot_loss  # noqa: E402


class Ledger:
    """What the plots read of a ledger, with any losses (``final`` after the last step)."""

    names, lr, start, loss_name, stop_reason = ("b3",), 0.1, {"b3": 0.0}, "L", "steps"

    def __init__(self, losses, final):
        row = train(sq.network(sq.MAIN_IDEAS_START), sq.INPUTS, sq.OBSERVED, params=["b3"], steps=1).rows[0]
        self.rows = [type(row)(k + 1, y, row.grads, row.step_sizes, row.new_values) for k, y in enumerate(losses)]
        self.final_loss = final

    def summary(self, precision=4):
        return f"{len(self.rows)} steps"


def saved(fig) -> bytes:
    """The figure as PNG bytes; any warning (an overflow inside matplotlib) fails the test."""
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.savefig(buf, format="png")
    assert buf.getvalue().startswith(b"\x89PNG")
    return buf.getvalue()


def loss_line(fig):
    (line,) = [line for line in fig.axes[0].lines if str(line.get_gid()).startswith("loss:")]
    return [float(y) for y in line.get_ydata()]


def notes(fig):
    return [t.get_text() for t in fig.axes[0].texts if t.get_gid() in ("clipped", "nothing")]


LOG_CASES = [
    ([3e306, 3.1e306], 3.2e306),  # a diverging run's last steps
    ([1e308, 1.7e308], 1.79e308),  # the last decade of the floats
    ([5e-324, 1e-300], 1.7e308),  # from the smallest subnormal to the largest float
    ([1e-320, 5e-324], 5e-324),  # subnormals only
    ([1.0], 1.0),  # one decade of nothing
]


@pytest.mark.parametrize("losses, final", LOG_CASES, ids=[f"{c[0][0]:g}" for c in LOG_CASES])
def test_log_losses_anywhere_in_the_floats_are_all_drawn(losses, final):
    fig = plot_loss(Ledger(losses, final))
    saved(fig)
    axes = fig.axes[0]
    assert loss_line(fig) == [*losses, final] and axes.get_yscale() == "log"
    bottom, top = axes.get_ylim()
    assert 0 < bottom <= min(losses + [final]) and max(losses + [final]) <= top < math.inf
    assert notes(fig) == []
    # The labelled ticks in view are powers of ten, each labelled with its power.
    ticks = [(float(t), lab.get_text()) for t, lab in zip(axes.get_yticks(), axes.get_yticklabels())
             if bottom <= t <= top]
    assert ticks
    for value, text in ticks:
        if text:
            exponent = int(text.strip("$").replace("10^{", "").rstrip("}").replace("\\mathdefault{", "")
                           .replace("−", "-"))
            assert value == pytest.approx(10.0 ** exponent, rel=1e-9, abs=1e-323)


def test_an_all_nan_ledger_draws_empty_axes_and_says_why():
    fig = plot_loss(Ledger([math.nan, math.nan], math.nan))
    saved(fig)
    assert loss_line(fig) == []
    assert notes(fig) == ["no finite L to draw: every one is NaN or infinite"]
    bottom, top = fig.axes[0].get_xlim()
    assert bottom < 0.0 and 2.0 < top < 2.1  # the steps there were, with a margin before step 0
    # Another run on the same axes: drawn, and the note goes.
    plot_loss(Ledger([2.0, 1.0], 0.5), label="finite", ax=fig.axes[0])
    saved(fig)
    assert notes(fig) == [] and fig.axes[0].get_yscale() == "log"


def test_losses_of_both_signs_near_the_largest_float_are_clipped_and_said_so():
    fig = plot_loss(Ledger([-1e308, 1e308], 1e308))
    saved(fig)
    assert loss_line(fig) == [-1e308, 1e308, 1e308] and fig.axes[0].get_yscale() == "linear"
    bottom, top = fig.axes[0].get_ylim()
    assert -1.1 * LINEAR_MAX <= bottom < -LINEAR_MAX and LINEAR_MAX < top <= 1.1 * LINEAR_MAX
    assert notes(fig) == ["L beyond ±4e307 is off the chart"]


@pytest.mark.parametrize("values, expected", [
    ([1.0, 3.0], (1.0 - 0.16, 3.0 + 0.16, False)),  # 8 % of the range either side
    ([2.0], (1.0, 3.0, False)),  # a single value: 1 either side
    ([math.nan, -math.inf, 5.0], (4.0, 6.0, False)),
    ([-1e308, 1e308], (-LINEAR_MAX * (1 + 0.16), LINEAR_MAX * (1 + 0.16), True)),
])
def test_linear_limits(values, expected):
    bottom, top, clipped = linear_limits(values)
    low, high = max(-1.1 * LINEAR_MAX, expected[0]), min(1.1 * LINEAR_MAX, expected[1])
    assert (bottom, top, clipped) == (pytest.approx(low), pytest.approx(high), expected[2])
    assert linear_limits([math.nan]) is None


@pytest.fixture(scope="module")
def b3_ledger():
    return train(sq.network(sq.MAIN_IDEAS_START), sq.INPUTS, sq.OBSERVED, params=["b3"], lr=0.1)


def test_descent_takes_a_loss_at_that_returns_a_value(b3_ledger):
    curve = pictures.b3_curve()
    fig = plot_descent(b3_ledger, lambda v: Value(curve(v)) * 1.0)
    saved(fig)
    (line,) = [line for line in fig.axes[0].lines if line.get_gid() == "curve"]
    for x, y in line.get_xydata():
        assert y == pytest.approx(curve(float(x)), rel=1e-12, abs=1e-15)


def test_descent_of_a_diverged_run_draws_its_finite_steps():
    with pytest.raises(NonFiniteLossError) as info:
        train(sq.network(sq.MAIN_IDEAS_START), sq.INPUTS, sq.OBSERVED, params=["b3"], lr=10)
    ledger = info.value.ledger
    fig = plot_descent(ledger, pictures.b3_curve())  # the curve overflows far from the data: gaps
    saved(fig)
    points = [line for line in fig.axes[0].lines if line.get_gid() == "points"][0].get_xydata()
    finite_steps = [(v, y) for v, y in zip([0.0] + [r.new_values["b3"] for r in ledger],
                                           [r.loss for r in ledger] + [ledger.final_loss]) if math.isfinite(y)]
    assert [tuple(map(float, p)) for p in points] == finite_steps
    assert notes(fig) == ["SSR beyond ±4e307 is off the chart"]


def test_fit_takes_values_and_clips_huge_predictions():
    fig = plot_fit({"engine": lambda x: Value(x) * 2}, [0.0, 1.0], [0.0, 2.0], points=5)
    saved(fig)
    (line,) = [line for line in fig.axes[0].lines if line.get_gid() == "curve:engine"]
    assert [tuple(map(float, p)) for p in line.get_xydata()] == [(i / 4, i / 2) for i in range(5)]
    fig = plot_fit({"huge": lambda x: 1e308 * (2 * x - 1)}, [0.0, 1.0], [0.0, 0.0])
    saved(fig)
    assert notes(fig) == ["predictions beyond ±4e307 are off the chart"]
    fig = plot_fit({"nan": lambda x: math.nan, "overflow": lambda x: math.exp(1000 * x)}, [], [], x_range=(1, 2))
    saved(fig)  # nothing finite to draw: empty axes, no error
