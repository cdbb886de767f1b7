"""Tests of the demos: every main() runs, and the numbers it prints are right.

The numbers printed are checked against values computed here, independently
of the engine and of the demos' own code: the network's formulas and the hand
derivatives written out again in plain floats, gradient descent re-run in plain
floats, and the published numbers copied from the articles.
"""

from __future__ import annotations

import dataclasses
import io
import math
import re
import sys

import pytest

import demos.__main__ as demos_main
from demos import forward, gradient_descent, graph, hidden_layer, output_layer
from demos import network as net
from demos._console import Console, Mismatch
from demos._derivative import finite_differences, show_derivative

# --- Published numbers, copied from StatQuest's "Neural Networks Pt. 2:
# Backpropagation Main Ideas" and "Backpropagation Details Pt. 1 and Pt. 2".
INPUTS = [0.0, 0.5, 1.0]
OBSERVED = [0.0, 1.0, 0.0]
OPTIMUM = {"w1": 3.34, "b1": -1.43, "w2": -3.53, "b2": 0.57, "w3": -1.22, "w4": -2.30, "b3": 2.61}
MAIN_IDEAS = {**OPTIMUM, "b3": 0.0}
PUB_PREDICTED_B3_0 = [-2.6, -1.6, -2.61]
PUB_SSR_B3_0 = 20.4
PUB_STEPS = [(-15.7, -1.57, 1.57), (-6.26, -0.626, 2.19)]  # dSSR/db3, step size, new b3
PUB_FINAL_B3 = 2.61
DETAILS_1 = {**OPTIMUM, "w3": 0.36, "w4": 0.63, "b3": 0.0}
DETAILS_2 = {"w1": 2.74, "b1": 0.0, "w2": -1.13, "b2": 0.0, "w3": 0.36, "w4": 0.63, "b3": 0.0}
NAMES = ["w1", "b1", "w2", "b2", "w3", "w4", "b3"]

NUMBER = r"-?\d+\.\d+(?:e[-+]\d+)?"


# --- The network and its derivatives, by hand, in plain floats.
def softplus(x: float) -> float:
    return math.log(1.0 + math.exp(x))


def forward_pass(p: dict[str, float], x: float) -> dict[str, float]:
    x1 = x * p["w1"] + p["b1"]
    x2 = x * p["w2"] + p["b2"]
    y1, y2 = softplus(x1), softplus(x2)
    return {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "predicted": y1 * p["w3"] + y2 * p["w4"] + p["b3"]}


def ssr(p: dict[str, float]) -> float:
    return sum((o - forward_pass(p, x)["predicted"]) ** 2 for x, o in zip(INPUTS, OBSERVED))


def factors(p: dict[str, float], x: float, o: float) -> dict[str, list[float]]:
    """The chain-rule factors of each parameter's derivative for one data point."""
    f = forward_pass(p, x)
    r = -2.0 * (o - f["predicted"])  # dSSR/dpredicted
    s1 = math.exp(f["x1"]) / (1.0 + math.exp(f["x1"]))  # dy1/dx1
    s2 = math.exp(f["x2"]) / (1.0 + math.exp(f["x2"]))
    return {
        "w3": [r, f["y1"]], "w4": [r, f["y2"]], "b3": [r, 1.0],
        "w1": [r, p["w3"], s1, x], "b1": [r, p["w3"], s1, 1.0],
        "w2": [r, p["w4"], s2, x], "b2": [r, p["w4"], s2, 1.0],
    }


def gradients(p: dict[str, float]) -> dict[str, float]:
    out = dict.fromkeys(NAMES, 0.0)
    for x, o in zip(INPUTS, OBSERVED):
        for name, fs in factors(p, x, o).items():
            out[name] += math.prod(fs)
    return out


def descend(p: dict[str, float], lr: float, steps: int, names=NAMES) -> dict[str, float]:
    p = dict(p)
    for _ in range(steps):
        g = gradients(p)
        for n in names:
            p[n] -= lr * g[n]
    return p


# --- Running a demo and reading its output.
def run(module, argv, capsys, monkeypatch, stdin: str = ""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    rc = module.main(argv)
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


def section(text: str, heading: str) -> str:
    """The text from a heading line up to the next heading (a line followed by dashes)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == heading)
    end = len(lines)
    for i in range(start + 2, len(lines) - 1):
        if lines[i + 1] and set(lines[i + 1]) == {"-"} and len(lines[i + 1]) == len(lines[i]):
            end = i
            break
        if lines[i].startswith("====="):
            end = i
            break
    return "\n".join(lines[start:end])


def numbers_after(text: str, prefix: str) -> list[float]:
    """The numbers after ``prefix`` on the first line that starts (after spaces) with it and has some."""
    for line in text.splitlines():
        if line.strip().startswith(prefix):
            nums = re.findall(NUMBER, line.strip()[len(prefix):])
            if nums:
                return [float(x) for x in nums]
    raise AssertionError(f"no line starting with {prefix!r} in:\n{text}")


def rows_by_input(text: str) -> dict[float, list[float]]:
    """Table rows that start with an input 0.0 / 0.5 / 1.0: input -> the other numbers."""
    rows = {}
    for line in text.splitlines():
        nums = re.findall(NUMBER, line)
        if nums and line.startswith(" ") and line.split()[0] in ("0.0", "0.5", "1.0"):
            rows.setdefault(float(nums[0]), [float(x) for x in nums[1:]])
    return rows


def assert_fits(out: str, long_path=None) -> None:
    """Every line fits 80 columns (except one naming ``long_path``, a pytest tmp dir); no ANSI."""
    for line in out.splitlines():
        if long_path is not None and str(long_path) in line:
            continue
        assert len(line) <= 80, f"line longer than 80 columns: {line!r}"
    assert "\x1b" not in out, "ANSI escape in output that is not a terminal"


# ----------------------------------------------------------------- part 1
def test_forward_prints_the_forward_pass_and_the_ssr(capsys, monkeypatch):
    rc, out, err = run(forward, [], capsys, monkeypatch)
    assert rc == 0, err
    assert_fits(out)
    rows = rows_by_input(out)
    for k, x in enumerate(INPUTS):
        f = forward_pass(MAIN_IDEAS, x)
        observed, x1, y1, x2, y2, pred, published = rows[x]
        assert observed == OBSERVED[k]
        for printed, want in zip((x1, y1, x2, y2, pred), (f["x1"], f["y1"], f["x2"], f["y2"], f["predicted"])):
            assert printed == pytest.approx(want, abs=5e-5)
        assert published == PUB_PREDICTED_B3_0[k]
        assert round(pred, 2) == pytest.approx(PUB_PREDICTED_B3_0[k], abs=0.011)
    total = numbers_after(out, "= ")[0]
    assert total == pytest.approx(ssr(MAIN_IDEAS), abs=5e-5)
    assert round(total, 1) == PUB_SSR_B3_0


# ----------------------------------------------------------------- parts 2 and 3
@pytest.mark.parametrize(
    "module, point, names",
    [(output_layer, DETAILS_1, ["w3", "w4", "b3"]), (hidden_layer, DETAILS_2, ["w1", "b1", "w2", "b2"])],
)
def test_layer_demos_print_factors_and_three_agreeing_numbers(module, point, names, capsys, monkeypatch):
    rc, out, err = run(module, [], capsys, monkeypatch)
    assert rc == 0, err
    assert_fits(out)
    want = gradients(point)
    for name in names:
        part = section(out, f"dSSR/d{name}")
        # One row per data point: the factors, then their product.
        rows = rows_by_input(part)
        assert sorted(rows) == INPUTS
        for x, o in zip(INPUTS, OBSERVED):
            fs = factors(point, x, o)[name]
            printed = rows[x]
            assert len(printed) == len(fs) + 1
            for p, w in zip(printed, fs + [math.prod(fs)]):
                assert p == pytest.approx(w, abs=5e-5)
        assert numbers_after(part, "sum")[0] == pytest.approx(want[name], abs=5e-5)
        engine, hand, numeric, d_hand, d_fd = numbers_after(part, f"dSSR/d{name} ")
        for value in (engine, hand, numeric):
            assert value == pytest.approx(want[name], abs=5e-7)
        assert d_hand <= 1e-9 and d_fd <= 1e-6
    # The summary table repeats the three numbers for every parameter.
    summary = out[out.index("side by side"):]
    for name in names:
        assert numbers_after(summary, f"dSSR/d{name}")[0] == pytest.approx(want[name], abs=5e-7)


def test_hidden_layer_gradients_are_not_all_near_zero():
    # The point was chosen so the derivations show something: at the optimum they would be ~0.
    assert min(abs(gradients(DETAILS_2)[n]) for n in ("w1", "b1", "w2", "b2")) > 0.1
    assert max(abs(g) for g in gradients(OPTIMUM).values()) < 0.05


# ----------------------------------------------------------------- part 4
def test_gradient_descent_one_step_by_hand_and_the_runs(capsys, monkeypatch):
    rc, out, err = run(gradient_descent, [], capsys, monkeypatch)
    assert rc == 0, err
    assert_fits(out)
    # The two hand steps on b3: by hand, engine, published.
    b3 = 0.0
    tables = re.findall(r"dSSR/db3 +(\S+) +(\S+) +(\S+)\n"
                        r" +step size +(\S+) +(\S+) +(\S+)\n"
                        r" +new b3 +(\S+) +(\S+) +(\S+)", out)
    assert len(tables) == 2
    for (g_h, g_e, g_p, s_h, s_e, s_p, n_h, n_e, n_p), (pub_g, pub_s, pub_n) in zip(tables, PUB_STEPS):
        grad = gradients({**MAIN_IDEAS, "b3": b3})["b3"]
        for printed, want in ((g_h, grad), (g_e, grad), (s_h, grad * 0.1), (s_e, grad * 0.1),
                              (n_h, b3 - grad * 0.1), (n_e, b3 - grad * 0.1)):
            assert float(printed) == pytest.approx(want, abs=5e-5)
        assert (float(g_p), float(s_p), float(n_p)) == (pub_g, pub_s, pub_n)
        for want, pub in ((grad, pub_g), (grad * 0.1, pub_s), (b3 - grad * 0.1, pub_n)):
            decimals = len(repr(pub).split(".")[1])
            assert abs(want - pub) <= 0.5 * 10**-decimals + 1e-12
        b3 -= grad * 0.1
    # b3 alone, trained by the stopping rule: ends at the published 2.61.
    line = next(line for line in out.splitlines() if "final b3 =" in line)
    printed_b3 = float(re.search(r"final b3 = (" + NUMBER + ")", line).group(1))
    b3 = 0.0
    while True:  # the articles' rule: stop once the step size is below 0.001
        step = 0.1 * gradients({**MAIN_IDEAS, "b3": b3})["b3"]
        b3 -= step
        if abs(step) < 0.001:
            break
    assert printed_b3 == pytest.approx(b3, abs=5e-5)
    assert round(printed_b3, 2) == PUB_FINAL_B3
    # w3, w4, b3 (Details Pt. 1): by the stopping rule, and for 1000 steps.
    out_layer = ["w3", "w4", "b3"]
    p, n = dict(DETAILS_1), 0
    while True:
        g = gradients(p)
        sizes = [0.1 * g[name] for name in out_layer]
        for name, size in zip(out_layer, sizes):
            p[name] -= size
        n += 1
        if all(abs(size) < 0.001 for size in sizes) or n == 1000:
            break
    fixed = descend(DETAILS_1, 0.1, 1000, out_layer)
    pt1 = section(out, "Training w3, w4, b3 (Details Pt. 1, learning rate 0.1)")
    assert numbers_after(pt1, f"stopping rule, {n} steps")[:3] == pytest.approx(
        [p[name] for name in out_layer], abs=5e-4)
    assert numbers_after(pt1, "fixed, 1000 steps")[:3] == pytest.approx(
        [fixed[name] for name in out_layer], abs=5e-4)
    assert [round(fixed[name], 2) for name in out_layer] == [OPTIMUM[name] for name in out_layer]
    # All seven: re-run gradient descent here, in plain floats, for both learning rates.
    fast = descend(DETAILS_2, 0.1, 5000)
    slow = descend(DETAILS_2, 0.02, 5000)
    ends = section(out, "Where they end, beside the published optimum")
    for name in NAMES:
        start, at_fast, at_slow, published = numbers_after(ends, name)
        assert start == pytest.approx(DETAILS_2[name], abs=0.005)
        assert at_fast == pytest.approx(fast[name], abs=5e-4)
        assert at_slow == pytest.approx(slow[name], abs=5e-4)
        assert published == OPTIMUM[name]
        assert round(slow[name], 2) == pytest.approx(OPTIMUM[name], abs=1e-9)
    assert ssr(fast) < 1e-6 and ssr(slow) < 1e-6
    assert abs(fast["b1"] - OPTIMUM["b1"]) > 0.1  # lr 0.1 lands elsewhere
    # The overshoot the explanation speaks of: SSR rises in the first steps at lr 0.1.
    first = [ssr(DETAILS_2), ssr(descend(DETAILS_2, 0.1, 1)), ssr(descend(DETAILS_2, 0.1, 2))]
    assert first[1] > first[0] and first[2] > first[1]
    assert " -> ".join(f"{v:.2f}" for v in first) in " ".join(out.split())


# ----------------------------------------------------------------- part 5
def test_graph_writes_svgs_and_prints_their_paths(tmp_path, capsys, monkeypatch):
    out_dir = tmp_path / "pictures"
    rc, out, err = run(graph, ["--out", str(out_dir)], capsys, monkeypatch)
    assert rc == 0, err
    assert_fits(out, tmp_path)
    for name in (graph.ONE_POINT_FILE, graph.WHOLE_FILE, graph.ONE_POINT_SLIDE, graph.WHOLE_SLIDE):
        path = out_dir / name
        assert path.is_file()
        assert "<svg" in path.read_text(encoding="utf-8")
        assert f"written: {path}" in out
    # The slide versions beside the full ones: 16:9 pages (viz.draw's slide=True; tests/test_viz_slide.py
    # measures their text), the three-point one with the points other than input 0.5 faded.
    for name in (graph.ONE_POINT_SLIDE, graph.WHOLE_SLIDE):
        w, h = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', (out_dir / name).read_text("utf-8")).groups()
        assert float(w) / float(h) == pytest.approx(16 / 9, abs=0.01), name
    slide = re.findall(r'font-weight="bold"[^>]*>([^<]*)<', (out_dir / graph.WHOLE_SLIDE).read_text("utf-8"))
    assert "x1[2]" in slide and "x1[1]" not in slide and "x1[3]" not in slide
    # Each data point's nodes are told apart as the replay names them; none is left unnumbered.
    whole = (out_dir / graph.WHOLE_FILE).read_text(encoding="utf-8")
    boxes = re.findall(r'font-weight="bold"[^>]*>([^<]*)<', whole)  # the names in the boxes
    for label in ("input", "x1", "y1", "x2", "y2", "predicted", "observed"):
        assert [f"{label}[{k}]" in boxes for k in (1, 2, 3)] == [True] * 3, label
        assert label not in boxes, label
    # The terms between them carry the articles' names, not an op and a position (*#7).
    for label in ("y1w3", "y2w4", "residual", "sq"):
        assert [f"{label}[{k}]" in boxes for k in (1, 2, 3)] == [True] * 3, label
    for name in (graph.ONE_POINT_FILE, graph.WHOLE_FILE, graph.ONE_POINT_SLIDE, graph.WHOLE_SLIDE):
        shown = re.findall(r'font-weight="bold"[^>]*>([^<]*)<', (out_dir / name).read_text("utf-8"))
        assert not [b for b in shown if re.search(r"(?<!&)#\d", b)], name
    # The red path's factors for input 0.5 at Details Pt. 2's start, and their product.
    fs = factors(DETAILS_2, 0.5, 1.0)["w1"]
    printed = numbers_after(out, "red path")
    assert printed == pytest.approx(fs + [math.prod(fs)], abs=5e-5)
    terms = [math.prod(factors(DETAILS_2, x, o)["w1"]) for x, o in zip(INPUTS, OBSERVED)]
    assert numbers_after(out, "dSSR/dw1 =") == pytest.approx(terms + [sum(terms)], abs=5e-5)


@pytest.mark.parametrize("argv, says", [
    (["--no-graph"], "demos.graph only draws, so it would do nothing"),
    (["--no-graph", "--out", "x"], "--no-graph draws none"),
])
def test_graph_refuses_a_no_graph_that_would_leave_nothing(argv, says, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        graph.main(argv)
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.count("\n") == 1 and says in err, err
    assert not any(tmp_path.iterdir())


# ----------------------------------------------------------------- python -m demos
def test_main_runs_every_part_in_order(tmp_path, capsys, monkeypatch):
    rc, out, err = run(demos_main, ["--out", str(tmp_path)], capsys, monkeypatch)
    assert rc == 0, err
    assert_fits(out, tmp_path)
    titles = ["1. The network and the data", "2. Output layer", "3. Hidden layer",
              "4. Gradient descent", "5. The computation graph", "7. Second derivatives and Newton's method"]
    positions = [out.index(t) for t in titles]
    assert positions == sorted(positions)
    assert (tmp_path / graph.ONE_POINT_FILE).is_file()
    assert "python -m demos.replay" in out
    # Notation: a negative number after a minus sign is parenthesised, the residual is written
    # as the articles write it, and a heading counts the steps that follow it.
    assert not re.search(r"(- |x )-\d", out), re.search(r".*(- |x )-\d.*", out).group(0)
    assert "obs - pred" not in out and "(0.0 - (-2.6037))" in out
    steps = re.findall(r"^Step (\d+), at b3", out, re.MULTILINE)
    assert steps == ["1", "2"] and f"The first {len(steps)} steps by hand" in out
    assert "published SSR: computed here at the published values" in out


def test_main_default_out_dir_is_created_in_the_current_directory(tmp_path, capsys, monkeypatch):
    # The training runs are checked above; skipping them here keeps the suite quick.
    monkeypatch.setattr(gradient_descent, "run", lambda con: None)
    monkeypatch.chdir(tmp_path)
    rc, out, _ = run(demos_main, [], capsys, monkeypatch)
    assert rc == 0
    assert_fits(out)  # the default path is short
    assert (tmp_path / "chaingrad-out" / graph.WHOLE_FILE).is_file()


def test_main_no_graph(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(gradient_descent, "run", lambda con: None)
    monkeypatch.chdir(tmp_path)
    rc, out, _ = run(demos_main, ["--no-graph"], capsys, monkeypatch)
    assert rc == 0
    assert "5. The computation graph" not in out
    assert not (tmp_path / "chaingrad-out").exists()


@pytest.mark.parametrize("module", [output_layer, hidden_layer, gradient_descent])
def test_step_pauses_until_enter_and_eof_ends_pausing(module, capsys, monkeypatch):
    prompt = "-- press Enter to go on --"
    rc, quiet, _ = run(module, [], capsys, monkeypatch)
    assert rc == 0 and prompt not in quiet
    # One Enter, then end of input: one answered pause, a second that meets EOF, no more
    # (these demos pause at least three times).
    rc, out, _ = run(module, ["--step"], capsys, monkeypatch, stdin="\n")
    assert rc == 0
    assert out.count(prompt) == 2
    assert out.replace(prompt, "").replace("\n", "") == quiet.replace("\n", "")
    # Closed stdin from the start: one prompt, then the demo runs to the end.
    rc, out, _ = run(module, ["--step"], capsys, monkeypatch, stdin="")
    assert rc == 0 and out.count(prompt) == 1


def test_a_pause_answered_from_a_pipe_ends_its_line():
    # A pipe does not echo the Enter: the prompt's line must still end before the next line.
    from demos._console import Console

    out = io.StringIO()
    con = Console(out, step=True, inp=io.StringIO("\n"))
    con.pause()
    con.line("next")
    assert out.getvalue() == "-- press Enter to go on --\nnext\n"


def test_ctrl_c_during_a_replay_pause_exits_130_without_a_traceback():
    import signal
    import subprocess

    proc = subprocess.Popen([sys.executable, "-m", "demos.replay", "--step"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        seen = ""
        while "press Enter" not in seen:  # the first pause: the replay waits on stdin
            seen += proc.stdout.read(1)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130 and "Traceback" not in err


# ----------------------------------------------------------------- failing loudly
def test_a_wrong_local_derivative_fails_the_hidden_layer_demo(capsys, monkeypatch):
    # Break softplus's local derivative (forward values stay right): only backward is wrong.
    # Patched through the public method, so the test does not depend on how softplus is written.
    from engine import Value

    right_softplus = Value.softplus

    def softplus_with_wrong_local_grad(self):
        out = right_softplus(self)
        out.local_grads = (0.5,)  # the true d softplus(x)/dx is sigmoid(x)
        return out

    monkeypatch.setattr(Value, "softplus", softplus_with_wrong_local_grad)
    rc, out, err = run(hidden_layer, [], capsys, monkeypatch)
    assert rc == 1
    assert "MISMATCH" in err and "dy1/dx1" in err and "hand formula" in err
    assert "Traceback" not in err


def test_a_wrong_forward_pass_fails_python_m_demos(capsys, monkeypatch, tmp_path):
    import engine.value

    real = engine.value.Value.softplus
    monkeypatch.setattr(engine.value.Value, "softplus", lambda self: real(self) * 1.001)
    rc, out, err = run(demos_main, ["--out", str(tmp_path)], capsys, monkeypatch)
    assert rc == 1
    assert "MISMATCH" in err and "forward pass" in err


def test_a_wrong_gradient_fails_the_output_layer_demo(capsys, monkeypatch):
    # A backward that adds a little too much on every edge: grads are off, factors are not.
    import engine.value

    real_backward = engine.value.Value.backward

    def backward(self):
        real_backward(self)
        for node in engine.topological_order(self):
            if node.label == "w4":
                node.grad *= 1.01

    monkeypatch.setattr(engine.value.Value, "backward", backward)
    rc, out, err = run(output_layer, [], capsys, monkeypatch)
    assert rc == 1
    assert "dSSR/dw4" in err


# ----------------------------------------------------------------- console and factors
class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    tty = _Terminal()
    Console(tty).heading("x")
    assert "\x1b[" in tty.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    tty = _Terminal()
    Console(tty).heading("x")
    assert "\x1b[" not in tty.getvalue()
    plain = io.StringIO()
    monkeypatch.delenv("NO_COLOR")
    Console(plain).heading("x")
    assert "\x1b[" not in plain.getvalue()


def test_factors_cut_elsewhere_than_the_articles_say_are_a_mismatch():
    # The demos read the factors off viz.explain; if its cuts ever differ from the
    # articles' names, the demo says so instead of printing mislabelled columns.
    d = dataclasses.replace(output_layer.DERIVATIVES[0], through=("predicted", "y1"))
    built = net.build(DETAILS_1)
    built.ssr.backward()
    numeric = finite_differences(DETAILS_1)["w3"]
    with pytest.raises(Mismatch, match=r"viz.explain cuts a path into dSSR/dpredicted x"
                                       r" dpredicted/dw3, the articles into dSSR/dpredicted x"
                                       r" dpredicted/dy1 x dy1/dw3"):
        show_derivative(Console(io.StringIO()), built, DETAILS_1, d, numeric)
