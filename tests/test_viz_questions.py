"""viz.practice.questions: the practice questions, checked against the articles' formulas in plain floats."""

from __future__ import annotations

import json
import math

import pytest

from demos import network as net
from engine import Value
from nn import statquest as sq
from viz.chainrule.names import node_names
from viz.practice.points import data_points
from viz.practice.questions import Tolerance, make_questions, rule_text

START = {"w1": 2.74, "b1": 0.0, "w2": -1.13, "b2": 0.0, "w3": 0.36, "w4": 0.63, "b3": 0.0}
DATA = [(0.0, 0.0), (0.5, 1.0), (1.0, 0.0)]


def softplus(x: float) -> float:
    return math.log(1.0 + math.exp(x))


def hand(p: dict[str, float], dose: float, observed: float) -> dict[str, float]:
    """The forward pass and dSSR/dw1's four factors, written out by hand."""
    x1, x2 = dose * p["w1"] + p["b1"], dose * p["w2"] + p["b2"]
    y1, y2 = softplus(x1), softplus(x2)
    predicted = y1 * p["w3"] + y2 * p["w4"] + p["b3"]
    return {
        "x1": x1, "y1": y1, "x2": x2, "y2": y2, "predicted": predicted,
        "dSSR/dpredicted": -2 * (observed - predicted), "dpredicted/dy1": p["w3"],
        "dy1/dx1": math.exp(x1) / (1 + math.exp(x1)), "dx1/dw1": dose,
    }


def quiz(param: str = "w1", points=None):
    return make_questions(net.build(START).ssr, param, points=points)


def test_w1_questions_match_the_hand_derivation():
    q = quiz()
    by_id = {x.id: x for x in q.questions}
    total = 0.0
    for k, (dose, observed) in enumerate(DATA, 1):
        h = hand(START, dose, observed)
        for name in ("x1", "y1", "x2", "y2", "predicted"):
            assert by_id[f"forward:{name}[{k}]"].expected == pytest.approx(h[name], rel=1e-12)
        factors = ["dSSR/dpredicted", "dpredicted/dy1", "dy1/dx1", "dx1/dw1"]
        for name in factors:
            assert by_id[f"local:{name}[{k}]"].expected == pytest.approx(h[name], rel=1e-12, abs=1e-15)
        product = math.prod(h[n] for n in factors)
        assert by_id[f"product:{k}"].expected == pytest.approx(product, rel=1e-12, abs=1e-15)
        total += product
    assert by_id["sum"].expected == pytest.approx(total, rel=1e-12)
    # the order of a hand derivation: forward, then factors, then the product, per point; the sum last
    kinds = [x.kind for x in q.questions]
    assert kinds[:11] == ["forward"] * 5 + ["local"] * 4 + ["product"] + ["forward"]
    assert kinds[-1] == "sum"


def test_sum_question_gives_the_other_points_products():
    q = quiz(points=[2])
    assert q.asked == [2]
    assert {x.point for x in q.questions if x.kind != "sum"} == {2}
    h3 = hand(START, 1.0, 0.0)
    p3 = h3["dSSR/dpredicted"] * h3["dpredicted/dy1"] * h3["dy1/dx1"] * h3["dx1/dw1"]
    assert f"point 3 gives {p3:.6g}" in q.questions[-1].prompt
    assert "point 1 gives 0" in q.questions[-1].prompt


@pytest.mark.parametrize("param", sq.PARAMETER_NAMES)
def test_every_parameter_has_questions_whose_sum_is_the_gradient(param):
    g = net.build(START)
    g.ssr.backward()
    q = make_questions(g.ssr, param)
    assert q.questions[-1].expected == pytest.approx(g.params[param].grad, rel=1e-12, abs=1e-15)
    assert q.gradient == f"dSSR/d{param}"


def test_hints_name_the_factor_and_the_rule():
    by_id = {x.id: x for x in quiz().questions}
    hint = by_id["local:dy1/dx1[2]"].hint
    assert hint.startswith("dy1/dx1")
    assert "d softplus(x)/dx = sigmoid(x)" in hint
    assert "d square(x)/dx = 2·x; d(a - b)/db = -1" in by_id["local:dSSR/dpredicted[1]"].hint
    assert "x1 = input·w1 + b1" in by_id["forward:x1[2]"].hint


def test_quiz_is_json():
    data = json.loads(json.dumps(quiz().to_dict()))
    assert data["gradient"] == "dSSR/dw1"
    assert data["parameters"] == START
    assert data["data"] == [{"input": d, "observed": o} for d, o in DATA]
    assert data["questions"][0]["tolerance"] == {"rel": 0.01, "abs": 5e-05}


@pytest.mark.parametrize(
    "answer, expected, right",
    [
        (0.7974, 0.79738, True),  # the shown precision
        (0.80, 0.79738, True),  # within 1 %
        (0.81, 0.79738, False),
        (0.0, 0.0, True),
        (0.00004, 0.0, True),  # half a unit of the 4th decimal
        (0.0001, 0.0, False),
        (-0.7974, 0.79738, False),
        (float("nan"), 0.0, False),
        (float("inf"), 1e300, False),
    ],
)
def test_tolerance(answer, expected, right):
    assert Tolerance().accepts(answer, expected) is right


def test_single_expression_is_one_point():
    w, x = Value(2.0, "w"), Value(0.5, "x")
    y = (w * x + Value(1.0, "b")).relabel("y")
    assert len(data_points(y)) == 1
    q = make_questions(y, "w")
    assert [x.id for x in q.questions] == ["forward:y", "local:dy/dw", "product:1", "sum"]
    assert q.questions[1].expected == 0.5  # dy/dw = x


@pytest.mark.parametrize(
    "param, points, error",
    [
        ("w9", None, ValueError),
        (3, None, TypeError),
        ("w1", [0], ValueError),
        ("w1", [4], ValueError),
        ("w1", [True], ValueError),
    ],
)
def test_bad_arguments(param, points, error):
    with pytest.raises(error, match="make_questions"):
        quiz(param, points)


@pytest.mark.parametrize(
    "op, index, rule",
    [
        ("softplus", 0, "d softplus(x)/dx = sigmoid(x)"),
        ("-", 1, "d(a - b)/db = -1"),
        ("*", 0, "d(a·b)/da = b"),
        ("/", 1, "d(a/b)/db = -a/b^2"),
        ("**3", 0, "d(x^3)/dx = 3·x^2"),
        ("**2", 0, "d(x^2)/dx = 2·x"),
        ("square", 0, "d square(x)/dx = 2·x"),
        ("", 0, "the local derivative of a leaf"),
    ],
)
def test_rule_text(op, index, rule):
    assert rule_text(op, index) == rule


def test_every_declared_op_has_a_rule():
    from engine.ops import OPS

    for spec in OPS.values():
        op = "**2" if spec.name == "**n" else spec.name
        for k in range(spec.arity):
            assert "{" not in rule_text(op, k) and rule_text(op, k).startswith("d")


@pytest.mark.parametrize("param", ["w1", "b3", "input", "x1", "predicted"])
def test_nodes_are_named_as_the_replay_names_them(param):
    root = net.build(START).ssr
    names = set(node_names(root).values())
    q = make_questions(root, param)
    assert {x.node for x in q.questions} - {None} <= names
    assert (q.questions[-1].node is None) == (param not in sq.PARAMETER_NAMES)


def test_the_root_itself_is_refused():
    y = (Value(2.0, "w") * Value(0.5, "x")).relabel("y")
    with pytest.raises(ValueError, match="is the root itself"):
        make_questions(y, "y")


def test_data_points_split_a_sum_of_one_term_per_point():
    from tests.articles import network

    root, params = network(START)
    pts = data_points(root)
    assert [p.index for p in pts] == [1, 2, 3]
    assert [p.nodes["input"].data for p in pts] == [0.0, 0.5, 1.0]
    assert all(p.nodes["w1"] is params["w1"] for p in pts)  # the parameters are shared
    assert math.fsum(p.term.data for p in pts) == pytest.approx(root.data, rel=1e-15)
    # not split: a sum whose terms carry different labels, and a root that is not a sum
    a, b, c = Value(1.0, "a"), Value(2.0, "b"), Value(3.0, "c")
    assert len(data_points((a * b + c).relabel("y"))) == 1
    assert len(data_points((a * b).relabel("y"))) == 1
    # a label used twice in one point is ambiguous there
    twice = (Value(1.0, "u") * Value(2.0, "u")).relabel("y")
    assert data_points(twice)[0].ambiguous == frozenset({"u"})
    with pytest.raises(TypeError, match="data_points: root must be an engine Value"):
        data_points(3.0)


def test_data_points_see_through_a_named_partial_sum():
    # The replay names SSR's partial sum sq[1]+sq[2]; its points are still the three data points.
    root, params = net.articles_network(START)
    pts = data_points(root)
    assert [p.nodes["input"].data for p in pts] == [0.0, 0.5, 1.0]
    for p, (dose, observed) in zip(pts, DATA):
        assert p.nodes["x1"].data == pytest.approx(hand(START, dose, observed)["x1"], rel=1e-15, abs=1e-15)
        assert p.nodes["y1"].data == pytest.approx(hand(START, dose, observed)["y1"], rel=1e-15)
    # its questions name the boxes of the replay's drawing: x1[2], not x1
    names = set(node_names(root).values())
    q = make_questions(root, "w1", points=[2])
    asked = {x.node for x in q.questions} - {None}
    assert "x1[2]" in asked and asked <= names
    # a named partial sum whose terms carry different labels is still not split
    a, b, c, d = Value(1.0, "a"), Value(2.0, "b"), Value(3.0, "c"), Value(4.0, "d")
    assert len(data_points(((a * b + c).relabel("s") + d).relabel("y"))) == 1
