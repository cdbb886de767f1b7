"""nn.plot_newton: the picture holds the Newton ledger's numbers (read back from the artists, not pixels).

Independent checks: the curve is the SSR in plain floats (demos.network's hand formula),
the fitted parabola is the second-order Taylor polynomial written out here, and its
lowest point is the hand value b3 = 0 - dSSR/db3 / 6.
"""

from __future__ import annotations

import math

import pytest

from demos import network as net
from demos import pictures
from nn import newton, train
from nn import statquest as sq

matplotlib = pytest.importorskip("matplotlib", reason="matplotlib (the plot extra) is not installed")

from nn.plot_newton import newton_data, plot_newton  # noqa: E402
from nn.plots import plot_descent  # noqa: E402


@pytest.fixture(scope="module")
def runs():
    start = sq.MAIN_IDEAS_START
    return (newton(sq.network(start), sq.INPUTS, sq.OBSERVED, params=["b3"]),
            train(sq.network(start), sq.INPUTS, sq.OBSERVED, params=["b3"], lr=0.1))


def by_gid(axes, gid):
    (line,) = [line for line in axes.lines if line.get_gid() == gid]
    return [tuple(map(float, xy)) for xy in line.get_xydata()]


def test_the_points_the_parabola_and_the_jump_are_the_ledgers(runs):
    ledger, descent = runs
    axes = plot_newton(ledger, pictures.b3_curve(), descent=descent).axes[0]
    points = by_gid(axes, "points")
    assert points == [(0.0, ledger[0].loss), (ledger[0].new_values["b3"], ledger[1].loss),
                      (ledger[1].new_values["b3"], ledger.final_loss)]
    for b3, loss in points:
        assert loss == pytest.approx(net.ssr_floats({**sq.MAIN_IDEAS_START, "b3": b3}), rel=1e-12, abs=1e-15)
    # The fitted parabola at the first point: loss + g t + 6 t² / 2, with t = b3 - 0.
    g = ledger[0].grads["b3"]
    for t, y in by_gid(axes, "parabola1"):
        assert y == pytest.approx(ledger[0].loss + g * t + 3.0 * t * t, rel=1e-12, abs=1e-12)
        # SSR in b3 is that parabola itself (predicted is linear in b3)
        assert y == pytest.approx(net.ssr_floats({**sq.MAIN_IDEAS_START, "b3": t}), rel=1e-9, abs=1e-9)
    (jump,) = [a for a in axes.texts if a.get_gid() == "jump1"]
    assert jump.xy[0] == pytest.approx(-g / 6.0, abs=1e-12) and jump.xyann == (0.0, ledger[0].loss)
    (x0, y0), (x1, y1) = by_gid(axes, "tangent1")
    assert (y1 - y0) / (x1 - x0) == pytest.approx(g, rel=1e-9)
    grey = by_gid(axes, "descent")
    assert [x for x, _ in grey] == [0.0] + [r.new_values["b3"] for r in descent]
    labels = [t.get_text() for t in axes.get_legend().get_texts()]
    assert "gradient descent: 10 steps" in labels and "Newton's method: 2 steps" in labels
    assert any("step = -15.7 / 6 = -2.61" in t.get_text() for t in axes.texts)


def test_newton_data_holds_slope_curvature_and_damping(runs):
    ledger, _ = runs
    data = newton_data(ledger)
    assert data.curvatures == (6.0, 6.0) and data.dampings == (0.0, 0.0)
    assert data.step_sizes[0] == data.slopes[0] / 6.0
    damped = newton(sq.network(sq.MAIN_IDEAS_START), sq.INPUTS, sq.OBSERVED, params=["b3"], damping=3.0, steps=2)
    fig = plot_newton(damped, pictures.b3_curve())
    assert any("/ (6 + 3)" in t.get_text() for t in fig.axes[0].texts)


def test_the_pictures_refuse_each_others_ledgers(runs):
    ledger, descent = runs
    with pytest.raises(ValueError, match=r"^plot_newton: the ledger is not a run of Newton's method"):
        plot_newton(descent, pictures.b3_curve())
    with pytest.raises(ValueError, match=r"^plot_descent: the ledger is a run of Newton's method"):
        plot_descent(ledger, pictures.b3_curve())
    with pytest.raises(ValueError, match=r"^plot_newton: descent must be a gradient-descent ledger"):
        plot_newton(ledger, pictures.b3_curve(), descent=ledger)
    seven = newton(sq.network(sq.DETAILS_2_START), sq.INPUTS, sq.OBSERVED, adaptive=True, steps=1)
    with pytest.raises(ValueError, match=r"^newton_data: the ledger trains 7 parameters"):
        newton_data(seven)
    assert math.isfinite(seven.final_loss)
