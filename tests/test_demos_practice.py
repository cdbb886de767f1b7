"""python -m demos.practice driven through a pipe: right, wrong and formula answers, early end, bad options."""

from __future__ import annotations

import io
import math
import subprocess
import sys

import pytest

from demos import practice
from tests.articles import hand_forward, sigmoid

START = {"w1": 2.74, "b1": 0.0, "w2": -1.13, "b2": 0.0, "w3": 0.36, "w4": 0.63, "b3": 0.0}
SET = ["--set", *[f"{n}={v}" for n, v in START.items()]]


def right_answers_w1_point2() -> list[float]:
    """The 11 answers for dSSR/dw1 at data point 2 (input 0.5, observed 1), by hand."""
    x1, y1, x2, y2, predicted = hand_forward(START, 0.5)
    factors = [-2 * (1.0 - predicted), START["w3"], sigmoid(x1), 0.5]
    total = 0.0
    for i, o in zip([0.0, 0.5, 1.0], [0.0, 1.0, 0.0]):
        a1, _, _, _, p = hand_forward(START, i)
        total += -2 * (o - p) * START["w3"] * sigmoid(a1) * i
    return [x1, y1, x2, y2, predicted, *factors, math.prod(factors), total]


def run(answers: list[str], *args: str) -> tuple[int, str]:
    out = io.StringIO()
    status = practice.main([*SET, "--param", "w1", "--point", "2", *args],
                           inp=io.StringIO("".join(a + "\n" for a in answers)), out=out)
    return status, out.getvalue()


def test_all_right_through_a_pipe():
    answers = [f"{v:.4f}" for v in right_answers_w1_point2()]
    status, text = run(answers)
    assert status == 0
    assert text.count("right:") == 11 and "not quite" not in text
    assert text.rstrip().endswith("score: 11/11")
    assert "Data point 2: input = 0.5, observed = 1" in text


def test_wrong_then_right_and_wrong_twice():
    answers = [f"{v:.4f}" for v in right_answers_w1_point2()]
    dy1dx1 = sigmoid(hand_forward(START, 0.5)[0])
    tries = answers[:7] + ["0.5", "sigmoid(x1)"] + answers[8:9] + ["1", "2"] + answers[10:]
    status, text = run(tries)
    assert status == 0
    assert "Hint: dy1/dx1: how y1 changes with x1; d softplus(x)/dx = sigmoid(x)" in " ".join(text.split())
    assert f"right: {dy1dx1:.6g} = sigmoid(x1)" in text
    product = right_answers_w1_point2()[9]
    assert f"The answer: {product:.6g}" in " ".join(text.split())
    assert text.rstrip().endswith("score: 10/11")


def test_formula_answers():
    answers = ["input*w1 + b1", "softplus(x1)", "input*w2+b2", "log(1 + e^x2)", "y1*w3 + y2*w4 + b3",
               "-2*(Observed - Predicted)", "w3", "e^x1/(1+e^x1)", "input",
               "-2*(observed - predicted)*w3*sigmoid(x1)*input",
               "-2*(observed - predicted)*w3*sigmoid(x1)*input"]  # the sum: checked by viz.practice.check
    status, text = run(answers)
    assert status == 0 and text.rstrip().endswith("score: 11/11"), text
    # the sum's formula with the sign the article's way round is wrong
    status, text = run(answers[:10] + ["-2*(predicted - observed)*w3*sigmoid(x1)*input", "0"])
    assert text.rstrip().endswith("score: 10/11")


def test_unreadable_and_empty_answers_are_tries():
    status, text = run(["__import__('os')", "", "1.37"])
    assert "cannot read that: refused" in " ".join(text.split())
    assert "(no answer)" in text
    assert text.rstrip().endswith("score: 0/11")


def test_a_line_that_is_not_utf8_is_an_unreadable_try_and_the_lines_after_it_count():
    answers = [f"{v:.4f}" for v in right_answers_w1_point2()]
    # Strict decoding, as under PYTHONIOENCODING=utf-8:strict: the bad line is one try, not the end.
    data = "\n".join([answers[0], "\udcff\udcfe1", *answers[1:]]).encode("utf-8", "surrogateescape") + b"\n"
    inp = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="strict")
    out = io.StringIO()
    status = practice.main([*SET, "--param", "w1", "--point", "2"], inp=inp, out=out)
    text = out.getvalue()
    assert status == 0
    assert "= \\xff\\xfe1\n" in text  # the echo shows the bytes that were not text
    assert "not quite (cannot read that: the line is not utf-8 text)" in text
    # The bad line was question 2's first try; its second try and every question after it are right.
    assert text.count("right:") == 11 and text.rstrip().endswith("score: 11/11")


def test_a_text_stream_without_bytes_that_fails_to_decode_still_scores():
    class Failing(io.StringIO):
        def readline(self, *args):  # type: ignore[override]
            if self.tell() == 0 and not getattr(self, "failed", False):
                self.failed = True
                raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")
            return super().readline(*args)

    out = io.StringIO()
    status = practice.main([*SET, "--param", "w1", "--point", "2"], inp=Failing("1\n"), out=out)
    assert status == 0 and "= \\xff\n" in out.getvalue() and "score: 0/11" in out.getvalue()


@pytest.mark.parametrize("given, score", [(0, 0), (3, 3), (10, 10)])
def test_early_end_of_input_still_scores(given, score):
    answers = [f"{v:.4f}" for v in right_answers_w1_point2()][:given]
    status, text = run(answers)
    assert status == 0
    assert f"(the input ended: {11 - given} question{'s' if 11 - given > 1 else ''} not answered)" in text
    assert text.rstrip().endswith(f"score: {score}/11")


def test_all_points_and_the_seed():
    status, text = run([], "--point", "all")
    assert text.rstrip().endswith("score: 0/31")  # 3 points x (5 forward + 4 factors + 1 product) + the sum
    a = io.StringIO()
    b = io.StringIO()
    practice.main(["--seed", "5"], inp=io.StringIO(""), out=a)
    practice.main(["--seed", "5"], inp=io.StringIO(""), out=b)
    assert a.getvalue() == b.getvalue()
    values, param, point = practice.draw_point(5)
    assert f"Practice: dSSR/d{param} " in a.getvalue() and f"Data point {point}:" in a.getvalue()
    assert all(round(v, 2) == v for v in values.values())


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--param", "w9"], "--param w9: choose one of w1, b1, w2, b2, w3, w4, b3"),
        (["--point", "5"], "--point 5: give a data point 1..3 or 'all'"),
        (["--point", "-1"], "--point -1"),
        (["--set", "w9=1"], "--set w9: unknown parameter"),
        (["--set", "w1=nan"], "not a finite number"),
        (["--set", "w1=1e308", "w3=1e308"], "the SSR is inf"),
        (["--seed", "x"], "invalid int value"),
        (["extra"], "unrecognized arguments"),
    ],
)
def test_usage_errors(capsys, argv, words):
    try:
        status = practice.main(argv, inp=io.StringIO(""), out=io.StringIO())
    except SystemExit as exit_:
        status = exit_.code
    assert status == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and err.startswith("python -m demos.practice: error: ")


def test_a_real_pipe():
    answers = "".join(f"{v:.4f}\n" for v in right_answers_w1_point2()[:4]) + "0\n0\n"
    run_ = subprocess.run(
        [sys.executable, "-m", "demos.practice", *SET, "--param", "w1", "--point", "2"],
        input=answers, capture_output=True, text=True, timeout=60,
    )
    assert run_.returncode == 0 and run_.stderr == ""
    assert run_.stdout.rstrip().splitlines()[-1] == "score: 4/11"
    assert "one more try = 0" in run_.stdout  # answers from a pipe are echoed


class _Interrupt(io.StringIO):
    """An input that gives two answers, then Ctrl-C."""

    def __init__(self, answers: list[str]) -> None:
        super().__init__("".join(a + "\n" for a in answers))
        self.left = len(answers)

    def readline(self, *args: object) -> str:  # type: ignore[override]
        if self.left == 0:
            raise KeyboardInterrupt
        self.left -= 1
        return super().readline()


def test_ctrl_c_still_scores():
    answers = [f"{v:.4f}" for v in right_answers_w1_point2()][:2]
    out = io.StringIO()
    status = practice.main([*SET, "--param", "w1", "--point", "2"], inp=_Interrupt(answers), out=out)
    assert status == 130 and out.getvalue().rstrip().endswith("score: 2/11")


@pytest.mark.parametrize("module", ["demos.practice", "demos.check"])
def test_help_fits_80_columns(module):
    run_ = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=60)
    assert run_.returncode == 0
    assert max(len(line) for line in run_.stdout.splitlines()) <= 80
    assert "exit status" in run_.stdout
    assert ("score: K/N" in run_.stdout) == (module == "demos.practice")
