"""viz.practice.check and its commands: verdicts against hand formulas, every diagnosis, hostile formulas refused.

The network is tests.articles' (built here from Values, not nn's), and every number a
verdict rests on is recomputed by hand in plain floats.
"""

from __future__ import annotations

import io
import math
import subprocess
import sys

import pytest

import demos.check as demos_check
from demos import article_formulas
from demos._console import Console
from engine import Value
from tests.articles import INPUTS, OBSERVED, hand_forward, network, sigmoid
from viz.cli import command as viz_cli
from viz.practice.check import check
from viz.practice.hand_formula import FormulaError, read_formula, split_gradient

START = {"w1": 2.74, "b1": 0.0, "w2": -1.13, "b2": 0.0, "w3": 0.36, "w4": 0.63, "b3": 0.0}


def hand_terms(param: str, params=START) -> list[float]:
    """dSSR/dparam per data point, the chain rule written out in floats."""
    out = []
    for i, o in zip(INPUTS, OBSERVED):
        x1, y1, x2, y2, predicted = hand_forward(params, i)
        r = -2 * (o - predicted)
        out.append({
            "w1": r * params["w3"] * sigmoid(x1) * i, "b1": r * params["w3"] * sigmoid(x1),
            "w2": r * params["w4"] * sigmoid(x2) * i, "b2": r * params["w4"] * sigmoid(x2),
            "w3": r * y1, "w4": r * y2, "b3": r,
        }[param])
    return out


RIGHT = {
    "w1": "-2*(observed - predicted) * w3 * e^x1/(1 + e^x1) * input",
    "b1": "-2*(Observed - Predicted) * w3 * sigmoid(x1)",
    "w2": "-2*(observed - predicted) * W4 * exp(x2)/(1 + exp(x2)) * Input",
    "b2": "-2 * (observed - predicted) ** 1 * w4 * sigmoid(x2) * 1",
    "w3": "-2*(observed - predicted)*y1",
    "w4": "2*(predicted - observed)*log(1 + e^x2)",
    "b3": "-2*(observed - predicted)",
}


@pytest.fixture(scope="module")
def root() -> Value:
    return network(START)[0]


@pytest.mark.parametrize("param", sorted(RIGHT))
def test_right_formulas_agree_with_hand_numbers(root, param):
    r = check(root, param, RIGHT[param])
    assert r.agrees and r.verdict == "agrees" and r.diagnosis is None
    terms = hand_terms(param)
    assert [p.engine for p in r.points] == pytest.approx(terms, rel=1e-12, abs=1e-15)
    assert [p.formula for p in r.points] == pytest.approx(terms, rel=1e-12, abs=1e-15)
    assert r.engine_sum == pytest.approx(sum(terms), rel=1e-12)
    assert r.finite_difference == pytest.approx(sum(terms), rel=1e-6, abs=1e-9)
    assert str(r).splitlines()[-1].startswith("agrees")


def test_intermediate_node_and_one_point(root):
    x1, _, _, _, predicted = hand_forward(START, 0.5)
    r = check(root, "x1", "dSSR/dx1 = -2*(observed - predicted)*w3*sigmoid(x1)", point=2)
    assert r.agrees and [p.index for p in r.points] == [2]
    assert r.engine_sum == pytest.approx(-2 * (1.0 - predicted) * START["w3"] * sigmoid(x1), rel=1e-12)
    assert "data point 2 alone" in str(r)


# A deliberately wrong formula for each diagnosis: (param, formula, kind, words in its message).
WRONG = [
    ("w3", "-2*(predicted - observed)*y1", "opposite sign", "the opposite sign"),
    ("w1", "-2*(observed - predicted)*w3*input", "missing factor", "lacks dy1/dx1 = sigmoid(x1)"),
    ("w1", "-2*(observed - predicted)*sigmoid(x1)*input", "missing factor", "lacks dpredicted/dy1 = w3"),
    ("w1", "-2*(observed - predicted)*w3*sigmoid(x1)*input*input", "extra factor", "extra dx1/dw1 = input"),
    ("w3", "-4*(observed - predicted)*y1", "constant factor", "constant factor 2:"),
    ("w3", "-(observed - predicted)*y1", "constant factor", "constant factor 1/2:"),
    ("w3", "2*(observed - predicted)*y1*2", "constant factor", "constant factor -2:"),
    ("w3", "-2*(observed - predicted)*y2", "other gradient", "gives dSSR/dw4, not dSSR/dw3"),
    ("w3", "-2*(observed - predicted)*y1 + input", "differs", "at data point 2 (input = 0.5, observed = 1)"),
]


@pytest.mark.parametrize("param, formula, kind, words", WRONG)
def test_each_diagnosis(root, param, formula, kind, words):
    r = check(root, param, formula)
    assert not r.agrees and r.verdict == "disagrees"
    assert r.diagnosis is not None and r.diagnosis.kind == kind
    assert words in r.diagnosis.message
    # the numbers behind it: the formula's own value at each point, the engine's is the hand one
    assert [p.engine for p in r.points] == pytest.approx(hand_terms(param), rel=1e-12, abs=1e-15)
    text = str(r)
    assert "disagrees:" in text and "summed over" not in text.splitlines()[0]
    assert "is its sum over the 3 points" in text


def test_opposite_sign_numbers(root):
    r = check(root, "w3", "-2*(predicted - observed)*y1")
    terms = hand_terms("w3")
    assert [p.formula for p in r.points] == pytest.approx([-t for t in terms], rel=1e-12)
    assert f"sum {-sum(terms):.6g} against {sum(terms):.6g}" in r.diagnosis.message


def test_gradient_named_on_the_left_must_match(root):
    assert check(root, "w3", "dSSR/dw3 = -2*(observed - predicted)*y1").agrees
    assert check(root, "predicted", "dssr/d(Predicted) = 2*(observed - predicted)*-1").agrees
    with pytest.raises(FormulaError, match="not dSSR/dw3"):
        check(root, "w3", "dSSR/dw4 = y2")
    with pytest.raises(FormulaError, match="'L' is not the root"):
        check(root, "w3", "dL/dw3 = y1")


# Hostile and broken formulas: (formula, error type, words in the one-line message).
HOSTILE = [
    ("__import__('os').system('ls')", FormulaError, "refused"),
    ("open('x')", FormulaError, "not one of the functions"),
    ("y1.real", FormulaError, "attribute access"),
    ("(lambda: 1)()", FormulaError, "refused"),
    ("[y1][0]", FormulaError, "subscripts"),
    ("y1 if y2 else 1", FormulaError, "conditional"),
    ("'y1'", FormulaError, "not a number"),
    ("y1 = 2", FormulaError, "one expression"),
    ("y1; y2", FormulaError, "one expression"),
    ("y1 @ y2", FormulaError, "@"),
    ("y9 * 2", FormulaError, "did you mean 'y1'"),
    ("SSR", FormulaError, "unknown name 'SSR'"),
    ("softplus(y1, y2)", FormulaError, "exactly one argument"),
    ("2 ^ 10 ^ 10", FormulaError, "too large"),
    ("10 ** 400", FormulaError, "too large"),
    ("log(input)", FormulaError, "at data point 1: cannot evaluate"),
    ("1 / (y1 - y1)", FormulaError, "division by zero"),
    ("(-1) ^ 0.5", FormulaError, "no real value"),
    ("(" * 400 + "y1" + ")" * 400, FormulaError, "cannot parse"),
    ("y1 + " * 3000 + "y1", FormulaError, "more than 10000"),
    ("", FormulaError, "empty"),
    ("y1 \x00", FormulaError, "cannot parse"),
]


@pytest.mark.parametrize("formula, error, words", HOSTILE)
def test_hostile_formulas_are_refused(root, formula, error, words):
    with pytest.raises(error) as info:
        check(root, "w3", formula)
    message = str(info.value)
    assert words in message and "\n" not in message.strip()


@pytest.mark.parametrize(
    "args, error, words",
    [
        (("not a value", "w3", "y1"), TypeError, "root must be an engine Value"),
        ((None, "w3", "y1"), TypeError, "root must be an engine Value"),
        (("ROOT", "w3", None), TypeError, "formula must be a str"),
        (("ROOT", 3, "y1"), TypeError, "node must be a Value or a label"),
        (("ROOT", "w9", "y1"), FormulaError, "no node named 'w9'"),
        (("ROOT", Value(1.0), "y1"), ValueError, "labelled node"),
    ],
)
def test_bad_arguments(root, args, error, words):
    args = tuple(root if a == "ROOT" else a for a in args)
    with pytest.raises(error, match=words):
        check(*args)


@pytest.mark.parametrize("point", [0, 4, True, "2"])
def test_bad_point(root, point):
    with pytest.raises(ValueError, match="point must be a data point 1..3"):
        check(root, "w3", "y1", point=point)


def test_formula_reading():
    f = read_formula("E^X1 + Ln(Y1) + SIGMOID(x1)", ["x1", "y1"])
    v = f.value({"x1": 0.3, "y1": 2.0})
    assert v == pytest.approx(math.exp(0.3) + math.log(2.0) + sigmoid(0.3), rel=1e-12)
    assert f.labels == ["x1", "y1"]
    # a node called e is the node, not Euler's number
    assert read_formula("e^2", ["e"]).value({"e": 3.0}) == 9.0
    with pytest.raises(FormulaError, match="could be any of"):
        read_formula("yy", ["yY", "Yy"])  # two labels differ only in case: the name must be exact
    assert split_gradient("dSSR/d(predicted) = 1") == ("SSR", "predicted", "1")
    with pytest.raises(FormulaError, match="write the gradient"):
        split_gradient("w3 = 1")


# --- python -m demos.check ---------------------------------------------------------------
ARTICLE_W3 = "dSSR/dw3 = -2 * (Predicted - Observed) * y1"

CLI = [
    # (argv, exit status, words in stdout (0/1) or in the one stderr line (2))
    (["dSSR/dw3 = -2 * (Observed - Predicted) * y1"], 0, "agrees:"),
    ([ARTICLE_W3], 1, "disagrees: the opposite sign"),
    (["--point", "2", "dSSR/db3 = -2*(observed - predicted)"], 0, "data point 2 alone"),
    (["--set", "w3=1", "B3=2", ARTICLE_W3], 1, "w3 = 1, w4 = 0.63, b3 = 2"),
    (["w3 = 1"], 2, "write the gradient, then its formula"),
    (["dSSR/dw3 = import os"], 2, "refused import"),
    (["dSSR/dw9 = 1"], 2, "no node named 'w9'"),
    (["dL/dw3 = y1"], 2, "'L' is not the root"),
    (["dSSR/dw3 = y9"], 2, "did you mean 'y1'"),
    (["--point", "4", ARTICLE_W3], 2, "--point 4: the data points are 1..3"),
    (["--point", "x", ARTICLE_W3], 2, "invalid int value"),
    (["--set", "w9=1", ARTICLE_W3], 2, "--set w9: unknown parameter"),
    (["--set", "w1=inf", ARTICLE_W3], 2, "not a finite number"),
    (["--set", "w1=abc", ARTICLE_W3], 2, "'abc' is not a number"),
    (["--set", "w1=1e308", "w3=1e308", ARTICLE_W3], 2, "the SSR is inf"),
    (["--set", "w1", ARTICLE_W3], 2, "--set expects NAME=VALUE"),
    (["--set", "w1=1", "W1=2", ARTICLE_W3], 2, "gives w1 twice"),
    (["--set", "w1=1", "w1=2", ARTICLE_W3], 2, "gives 'w1' twice"),
    ([], 2, "give one gradient"),
    ([ARTICLE_W3, "--set", "dSSR/dw4 = y2"], 2, "give one gradient"),
]


@pytest.mark.parametrize("argv, status, words", CLI)
def test_demos_check_command(capsys, argv, status, words):
    with pytest.raises(SystemExit) if status == 2 and words in ("invalid int value", "give one gradient") \
            else _nothing():
        got = demos_check.main(argv)
        assert got == status
    out, err = capsys.readouterr()
    if status == 2:
        assert out == "" and words in err
        assert err.count("\n") == 1 and err.startswith("python -m demos.check: error: ")
    else:
        assert words in out and err == ""


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False


def test_demos_check_as_a_process():
    run = subprocess.run([sys.executable, "-m", "demos.check", ARTICLE_W3], capture_output=True, text=True)
    assert run.returncode == 1 and "the formula is per data point" in run.stdout
    run = subprocess.run([sys.executable, "-m", "demos.check", "--help"], capture_output=True, text=True)
    assert run.returncode == 0
    assert "w1=2.74, b1=0, w2=-1.13, b2=0, w3=0.36, w4=0.63, b3=0" in run.stdout  # the default parameters


# --- python -m viz --check ---------------------------------------------------------------
PROGRAM = "x1 = input*w1 + b1; y1 = softplus(x1); L = (observed - y1)**2"
SET = ["--set", "input=0.5", "observed=1", "w1=3.34", "b1=-1.43"]


@pytest.mark.parametrize(
    "check_args, status, words",
    [
        (["--check", "dL/dw1 = -2*(observed - y1)*sigmoid(x1)*input"], 0, "agrees"),
        (["--check", "dL/dw1 = 2*(observed - y1)*sigmoid(x1)*input"], 1, "the opposite sign"),
        (["--check", "dL/dw1 = -2*(observed - y1)*input"], 1, "lacks dy1/dx1 = sigmoid(x1)"),
        (["--check", "dL/db1 = -2*(observed - y1)*sigmoid(x1)",
          "--check", "dL/dw1 = -2*(observed - y1)*input"], 1, "agrees"),
        (["--check", "dL/dz = 1"], 2, "no node named 'z'"),
        (["--check", "w1 = 1"], 2, "write the gradient"),
        (["--check", "dL/dw1 = exec('1')"], 2, "refused"),
    ],
)
def test_viz_check_option(capsys, check_args, status, words):
    assert viz_cli.main([PROGRAM, *SET, *check_args]) == status
    out, err = capsys.readouterr()
    if status == 2:
        assert words in err and err.count("\n") == 1
    else:
        assert words in " ".join(out.split())
    if status != 2:
        x1 = 0.5 * 3.34 - 1.43
        grad = -2 * (1 - math.log1p(math.exp(x1))) * sigmoid(x1) * 0.5
        assert f"{grad:.6g}" in out


# --- python -m demos: the articles' formulas ---------------------------------------------
def test_article_formulas_verdicts():
    p1 = {"w1": 3.34, "b1": -1.43, "w2": -3.53, "b2": 0.57, "w3": 0.36, "w4": 0.63, "b3": 0.0}
    for printed, corrected in article_formulas.OUTPUT_LAYER:
        bad = article_formulas.check_formula(p1, printed)
        assert bad.diagnosis is not None and bad.diagnosis.kind == "opposite sign", printed
        assert article_formulas.check_formula(p1, corrected).agrees, corrected
        param = split_gradient(printed)[1]
        if param != "predicted":
            assert bad.engine_sum == pytest.approx(sum(hand_terms(param, p1)), rel=1e-12)
            assert bad.formula_sum == pytest.approx(-sum(hand_terms(param, p1)), rel=1e-12)
    for text in article_formulas.HIDDEN_LAYER:
        r = article_formulas.check_formula(START, text)
        assert r.agrees, text
        assert r.engine_sum == pytest.approx(sum(hand_terms(split_gradient(text)[1])), rel=1e-12)


def test_article_formulas_part_prints():
    out = io.StringIO()
    results = article_formulas.run(Console(out))
    text = out.getvalue()
    assert len(results) == 12
    assert text.count("disagrees: opposite sign") == 4 and text.count("   agrees\n") == 4
    assert "dSSR/dw1 = -2 * (Observed - Predicted) * w3 * (e^x1 / (1 + e^x1)) * input" in text


def test_a_label_of_several_nodes_cannot_be_named():
    from nn import mse
    from nn.statquest import network as nn_network

    model = nn_network(START)
    loss = mse([0.0, 1.0, 0.0], [model(x) for x in INPUTS])  # MSE = SSR / 3: not a sum of one term per point
    loss.backward()
    with pytest.raises(FormulaError, match="'x1' labels several nodes"):
        check(loss, "w1", "x1")
    r = check(loss, "w1", "w1 * 0")
    assert r.engine_sum == pytest.approx(sum(hand_terms("w1")) / 3, rel=1e-12)


def test_a_node_with_two_paths_per_point(root):
    r = check(root, "input", "-2*(observed - predicted)*(w3*sigmoid(x1)*w1 + w4*sigmoid(x2)*w2)")
    terms = []
    for i, o in zip(INPUTS, OBSERVED):
        x1, _, x2, _, predicted = hand_forward(START, i)
        terms.append(-2 * (o - predicted) * (START["w3"] * sigmoid(x1) * START["w1"]
                                             + START["w4"] * sigmoid(x2) * START["w2"]))
    assert r.agrees and [p.engine for p in r.points] == pytest.approx(terms, rel=1e-12)
    assert r.finite_difference == pytest.approx(sum(terms), rel=1e-6)  # each point's input moved in turn
    assert "a sum over 2 paths" in str(r)
    lacking = check(root, "input", "-2*(observed - predicted)*(w3*w1 + w4*sigmoid(x2)*w2)")
    assert lacking.diagnosis.kind == "missing factor" and "lacks dy1/dx1 = sigmoid(x1)" in lacking.diagnosis.message
