"""nn.plots: the pictures hold the ledger's numbers (read back from the drawn artists, not pixels).

Independent checks: the descent curve is the SSR in plain floats (demos.network's
hand formula), each tangent's slope is also a central difference of that curve,
the first two steps are the Main Ideas article's published numbers, and the fit's
curves are the network's forward pass in plain floats.
"""

from __future__ import annotations

import io
import math
import subprocess
import sys
import warnings

import pytest

from demos import network as net
from demos import pictures
from nn import NonFiniteLossError, train
from nn import statquest as sq

matplotlib = pytest.importorskip("matplotlib", reason="matplotlib (the plot extra) is not installed")

from nn.plots import PlotError, descent_data, plot_descent, plot_fit, plot_loss  # noqa: E402


@pytest.fixture(scope="module")
def b3_ledger():
    return train(sq.network(sq.MAIN_IDEAS_START), sq.INPUTS, sq.OBSERVED, params=["b3"], lr=0.1)


def by_gid(axes, gid):
    (line,) = [line for line in axes.lines if line.get_gid() == gid]
    return [tuple(map(float, xy)) for xy in line.get_xydata()]


def test_descent_points_are_the_ledgers_values_and_losses(b3_ledger):
    fig = plot_descent(b3_ledger, pictures.b3_curve())
    points = by_gid(fig.axes[0], "points")
    values = [0.0] + [r.new_values["b3"] for r in b3_ledger]
    losses = [r.loss for r in b3_ledger] + [b3_ledger.final_loss]
    assert points == list(zip(values, losses))
    # Each point lies on the curve: the SSR of the hand formula at that b3.
    for b3, loss in points:
        assert loss == pytest.approx(net.ssr_floats({**sq.MAIN_IDEAS_START, "b3": b3}), rel=1e-12, abs=1e-15)
    assert len(points) == len(b3_ledger) + 1 == 11  # Main Ideas: 10 steps


def test_descent_tangents_have_the_engines_slope(b3_ledger):
    fig = plot_descent(b3_ledger, pictures.b3_curve())
    curve = pictures.b3_curve()
    h = 1e-6
    drawn = {line.get_gid() for line in fig.axes[0].lines}
    assert {"tangent1", "tangent2", "tangent3"} <= drawn  # the steps far apart each have theirs
    for k, row in enumerate(b3_ledger, start=1):
        if f"tangent{k}" not in drawn:
            continue  # a point crowded near the optimum
        (x0, y0), (x1, y1) = by_gid(fig.axes[0], f"tangent{k}")
        slope = (y1 - y0) / (x1 - x0)
        assert slope == pytest.approx(row.grads["b3"], rel=1e-9)
        old = b3_ledger.start["b3"] if k == 1 else b3_ledger[k - 2].new_values["b3"]
        assert (x0 + x1) / 2 == pytest.approx(old, abs=1e-12)  # centred on the point
        central = (curve(old + h) - curve(old - h)) / (2 * h)
        assert slope == pytest.approx(central, rel=1e-6, abs=1e-6)


def test_descent_legend_names_the_loss_and_the_parameter(b3_ledger):
    legend = [t.get_text() for t in plot_descent(b3_ledger, pictures.b3_curve()).axes[0].get_legend().get_texts()]
    assert legend == ["SSR as a function of b3", "tangent: slope = the engine's dSSR/db3",
                      "10 steps at lr = 0.1 (numbered)"]

def test_descent_steps_move_by_slope_times_lr(b3_ledger):
    fig = plot_descent(b3_ledger, pictures.b3_curve())
    arrows = {a.get_gid(): a for a in fig.axes[0].texts if str(a.get_gid()).startswith("step")}
    assert sorted(arrows) == sorted(f"step{k}" for k in range(1, 11))
    for k, row in enumerate(b3_ledger, start=1):
        start, end = arrows[f"step{k}"].xyann, arrows[f"step{k}"].xy
        assert end[0] - start[0] == pytest.approx(-row.grads["b3"] * 0.1, rel=1e-12)
    # The published Main Ideas steps: slope -15.7, step size -1.57, new b3 1.57; then -6.26, -0.626, 2.19.
    data = descent_data(b3_ledger)
    for k, (grad, size, new) in enumerate(sq.MAIN_IDEAS_STEPS):
        assert round(data.slopes[k], 2 if abs(grad) < 10 else 1) == grad
        assert round(data.step_sizes[k], 3 if abs(size) < 1 else 2) == size
        assert round(data.values[k + 1], 2) == new


def test_fit_curves_are_the_networks_predictions():
    slow = train(sq.network(sq.DETAILS_2_START), sq.INPUTS, sq.OBSERVED, lr=0.02, steps=50)
    fig = plot_fit({"start": pictures.prediction(sq.DETAILS_2_START),
                    "end": pictures.prediction(slow.final_values)},
                   sq.INPUTS, sq.OBSERVED, x_range=(0.0, 1.0), points=11)
    axes = fig.axes[0]
    assert by_gid(axes, "observed") == [(0.0, 0.0), (0.5, 1.0), (1.0, 0.0)]
    for label, params in (("start", sq.DETAILS_2_START), ("end", slow.final_values)):
        curve = by_gid(axes, f"curve:{label}")
        assert [x for x, _ in curve] == pytest.approx([i / 10 for i in range(11)])
        model = sq.network(params)  # the engine, against the plain-float curve
        for x, y in curve:
            assert y == pytest.approx(model(x).data, rel=1e-12, abs=1e-12)
    # The end fits better than the start: its SSR (plain floats) is the ledger's final loss.
    assert net.ssr_floats(slow.final_values) == pytest.approx(slow.final_loss, rel=1e-12)
    assert slow.final_loss < net.ssr_floats(sq.DETAILS_2_START)


def test_loss_plot_is_the_ledgers_losses_on_a_log_scale(b3_ledger):
    fig = plot_loss(b3_ledger)
    axes = fig.axes[0]
    (line,) = axes.lines
    assert [float(y) for y in line.get_ydata()] == [r.loss for r in b3_ledger] + [b3_ledger.final_loss]
    assert [float(x) for x in line.get_xdata()] == list(range(11))
    assert axes.get_yscale() == "log"
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    assert legend == ["10 steps at lr = 0.1; stopped because every step size was below 0.001."]


def test_loss_plot_of_a_diverged_run_leaves_out_the_infinite_loss():
    with pytest.raises(NonFiniteLossError) as info:
        train(sq.network(), sq.INPUTS, sq.OBSERVED, lr=10)
    ledger = info.value.ledger
    fig = plot_loss(ledger)
    (line,) = fig.axes[0].lines
    ys = [float(y) for y in line.get_ydata()]
    assert ys == [r.loss for r in ledger]  # the inf after the last step is not drawn
    assert all(math.isfinite(y) for y in ys)
    assert "diverged" in fig.axes[0].get_legend().get_texts()[0].get_text()
    # Every finite loss is on the chart, up to the last (7.9e305), on whole decades.
    bottom, top = fig.axes[0].get_ylim()
    assert bottom <= min(ys) and max(ys) <= top == 1e306 and max(ys) > 1e305
    assert not [t for t in fig.axes[0].texts if t.get_gid() == "clipped"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow in matplotlib's ticks
        fig.savefig(io.BytesIO(), format="png")


def test_loss_plot_turns_linear_for_a_zero_loss(b3_ledger):
    class Zero:  # a ledger-shaped record whose loss reaches exactly 0
        names, lr, start, loss_name, stop_reason = ("w",), 0.5, {"w": 1.0}, "L", "steps"
        rows = b3_ledger.rows[:2]
        final_loss = 0.0

        def summary(self, precision=4):
            return "2 steps"

    fig = plot_loss(Zero())
    assert fig.axes[0].get_yscale() == "linear"


def test_several_runs_share_axes(b3_ledger):
    fig = plot_loss(b3_ledger, label="a")
    plot_loss(b3_ledger, label="b", ax=fig.axes[0])
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["a", "b"]


# Hostile input: (function, args, kwargs, error type, words the message holds).
BAD = [
    (plot_loss, (None,), {}, TypeError, "plot_loss: ledger must be an nn Ledger"),
    (plot_loss, ("ledger",), {}, TypeError, "got str"),
    (plot_loss, ("b3",), {"label": 3}, TypeError, "plot_loss: label must be a str"),
    (plot_loss, ("b3",), {"ax": "axes"}, TypeError, "plot_loss: ax must be a matplotlib Axes"),
    (plot_descent, ("b3", None), {}, TypeError, "plot_descent: loss_at must be a function"),
    (plot_descent, ("b3", abs), {"labelled": -1}, ValueError, "labelled must be an int >= 0"),
    (plot_descent, ("b3", abs), {"param": "w1"}, ValueError, "plot_descent: param 'w1' is not trained"),
    (plot_descent, ("b3", abs), {"param": 1}, TypeError, "plot_descent: param must be a parameter name"),
    (plot_descent, ("seven", abs), {}, ValueError, "plot_descent: the ledger trains 7 parameters"),
    (plot_descent, ("seven", abs), {"param": "b3"}, ValueError, "train b3 alone (params=['b3'])"),
    (plot_descent, ("empty", abs), {}, ValueError, "plot_descent: the ledger has no steps"),
    (plot_fit, ({}, [0.0], [1.0]), {}, TypeError, "plot_fit: curves must be a non-empty dict"),
    (plot_fit, ({"a": 3}, [0.0], [1.0]), {}, TypeError, "curves['a'] must be a function"),
    (plot_fit, ({"a": abs}, "01", [1.0]), {}, TypeError, "inputs must be a sequence of numbers"),
    (plot_fit, ({"a": abs}, [0.0, True], [1.0, 2.0]), {}, TypeError, "inputs[2] must be a number, got bool"),
    (plot_fit, ({"a": abs}, [0.0], [math.nan]), {}, ValueError, "observed[1] must be finite"),
    (plot_fit, ({"a": abs}, [0.0], [1.0, 2.0]), {}, ValueError, "differ in length: 1 and 2"),
    (plot_fit, ({"a": abs}, [0.0], [1.0]), {}, ValueError, "x_range must be (low, high) with low < high"),
    (plot_fit, ({"a": abs}, [0.0, 1.0], [1.0, 2.0]), {"points": 1}, ValueError, "points must be an int >= 2"),
    (plot_fit, ({"a": abs}, [], []), {}, ValueError, "give x_range or at least one input"),
    (descent_data, ("empty",), {}, ValueError, "descent_data: the ledger has no steps"),
    (descent_data, (3,), {}, TypeError, "descent_data: ledger must be an nn Ledger (from train), got int"),
]


@pytest.mark.parametrize("func, args, kwargs, kind, words", BAD, ids=[row[-1][:40] for row in BAD])
def test_bad_input_is_a_clear_error(func, args, kwargs, kind, words, b3_ledger):
    seven = train(sq.network(sq.DETAILS_2_START), sq.INPUTS, sq.OBSERVED, steps=1)
    empty = train(sq.network(sq.MAIN_IDEAS_START), sq.INPUTS, sq.OBSERVED, params=["b3"], steps=1)
    empty.numbers.clear()  # the ledger keeps its steps as flat numbers; rows are built from them
    named = {"b3": b3_ledger, "seven": seven, "empty": empty}
    args = tuple(named.get(a, a) if isinstance(a, str) and a in named else a for a in args)
    with pytest.raises(kind) as info:
        func(*args, **kwargs)
    assert words in str(info.value)


def test_without_matplotlib_one_line_names_the_extra(monkeypatch, b3_ledger):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(PlotError) as info:
        plot_loss(b3_ledger)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("plot_loss: matplotlib is not installed;")
    assert 'pip install "chaingrad[plot]"' in message and '.[plot]' in message
    assert isinstance(info.value, ImportError)


def test_importing_the_packages_does_not_import_matplotlib():
    code = ("import sys, engine, nn, viz, nn.plots, demos.pictures;"
            " print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_pictures_never_touch_pyplot(b3_ledger):
    # Figures made without pyplot hold no global state and need no display.
    code = ("import sys; from nn import train; from nn import statquest as sq; from nn.plots import plot_loss;"
            " l = train(sq.network(sq.MAIN_IDEAS_START), sq.INPUTS, sq.OBSERVED, params=['b3']);"
            " plot_loss(l); print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_demo_pictures_are_written_and_deterministic(tmp_path):
    ledgers = pictures.runs()
    first = pictures.write(tmp_path / "a", ledgers)
    second = pictures.write(tmp_path / "b", ledgers)
    assert [p.name for p in first] == ["descent.png", "fit.png", "loss.png"]
    for a, b in zip(first, second):
        data = a.read_bytes()
        assert data.startswith(b"\x89PNG") and data == b.read_bytes()


def test_descent_tangents_are_short_of_one_length_and_the_curve_shows_through(b3_ledger):
    # The tangents once piled up near the optimum and the first one hid the steep curve: now each is
    # as long on the page as every other (a sixth of the axes), drawn thinner than the curve and dashed,
    # and a point closer than a tangent's length to one that has a tangent gets none.
    from nn.plot_descent import TANGENT_LENGTH

    axes = plot_descent(b3_ledger, pictures.b3_curve()).axes[0]
    (curve,) = [line for line in axes.lines if line.get_gid() == "curve"]
    tangents = [line for line in axes.lines if str(line.get_gid()).startswith("tangent")]
    assert 3 <= len(tangents) < len(b3_ledger)
    transform = axes.transData
    lengths, centres = [], []
    for t in tangents:
        assert t.get_color() not in (curve.get_color(), "#d95f02")  # neither the curve's nor the steps' colour
        assert t.get_linewidth() < curve.get_linewidth() and t.get_zorder() > curve.get_zorder()
        assert t.get_linestyle() == "--"
        (a, b) = transform.transform(t.get_xydata())
        lengths.append(math.dist(a, b))
        centres.append((a + b) / 2)
    assert max(lengths) == pytest.approx(min(lengths), rel=1e-6)
    assert lengths[0] == pytest.approx(TANGENT_LENGTH * axes.bbox.width, rel=1e-6)
    assert min(math.dist(p, q) for i, p in enumerate(centres) for q in centres[i + 1:]) >= lengths[0] * 0.999


def test_descent_steps_are_numbered_where_an_arrow_has_room(b3_ledger):
    axes = plot_descent(b3_ledger, pictures.b3_curve()).axes[0]
    numbers = {t.get_gid(): t for t in axes.texts if str(t.get_gid()).startswith("number")}
    data = descent_data(b3_ledger)
    assert ["number1", "number2", "number3"] == sorted(numbers)[:3]
    for gid, text in numbers.items():
        k = int(gid[len("number"):])
        assert text.get_text() == str(k)
        # at the middle of step k's arrow, from (value, loss) before step k to after it
        mid = ((data.values[k - 1] + data.values[k]) / 2, (data.losses[k - 1] + data.losses[k]) / 2)
        assert text.xy == pytest.approx(mid)
    assert len(numbers) < len(b3_ledger)  # the last steps, a few hundredths long, carry none


def test_a_long_runs_steps_are_on_a_log_scale_and_its_overshoot_is_pointed_out():
    # Details Pt. 2's start at lr 0.1: SSR 1.896 -> 4.2 -> 7.41 before it falls (the ledger's own losses).
    from nn.plots import rise

    fast = train(sq.network(sq.DETAILS_2_START), sq.INPUTS, sq.OBSERVED, lr=0.1, steps=300)
    losses = [r.loss for r in fast] + [fast.final_loss]
    assert rise(losses) == (1, 2) and losses[2] > losses[1] > losses[0]
    axes = plot_loss(fast, label="lr = 0.1").axes[0]
    assert axes.get_xscale() == "symlog" and axes.get_xlim()[0] < 0  # step 0 keeps off the axis
    (note,) = [t for t in axes.texts if str(t.get_gid()).startswith("rise:")]
    assert note.get_text() == f"steps 1 to 2: SSR grows, {losses[0]:.3g} → {losses[2]:.3g} (an overshoot)"
    assert note.xy == (2, losses[2])
    # Short runs keep linear steps, and a run that only falls has nothing pointed out.
    b3 = train(sq.network(sq.MAIN_IDEAS_START), sq.INPUTS, sq.OBSERVED, params=["b3"], lr=0.1)
    short = plot_loss(b3).axes[0]
    assert short.get_xscale() == "linear" and not [t for t in short.texts if str(t.get_gid()).startswith("rise")]
    assert plot_loss(b3, log_steps=True).axes[0].get_xscale() == "symlog"
    assert rise([3.0, 2.0, 1.0]) is None and rise([1.0, math.inf, 2.0]) is None


def test_dpi_sets_a_new_figures_pixels_per_inch(b3_ledger):
    import io as _io

    from PIL import Image

    sizes = {}
    for dpi in (100, 300):
        buf = _io.BytesIO()
        fig = plot_loss(b3_ledger, dpi=dpi)
        assert fig.get_dpi() == dpi
        fig.savefig(buf, format="png")
        sizes[dpi] = Image.open(_io.BytesIO(buf.getvalue())).size
    assert sizes[300] == (3 * sizes[100][0], 3 * sizes[100][1]) == (1920, 1200)
    assert plot_descent(b3_ledger, pictures.b3_curve(), dpi=150).get_dpi() == 150
    assert plot_fit({"f": abs}, [0.0, 1.0], [0.0, 1.0], dpi=72).get_dpi() == 72
