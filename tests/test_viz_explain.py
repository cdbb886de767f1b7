"""viz.explain: d root / d leaf written as the sum over paths of chain-rule products."""

import math
import time

import pytest

from engine import Value
from tests.articles import (
    INPUTS,
    OBSERVED,
    PARAMS,
    PUBLISHED_D_SSR_D_B3,
    hand_forward,
    network,
    sigmoid,
)
from viz.chainrule.explanation import TooManyPathsError, explain
from viz.chainrule.numbers import fmt

# The articles' chain of factor names for each parameter, and the formula of each factor.
ARTICLES = {
    "w1": (["dSSR/dpredicted", "dpredicted/dy1", "dy1/dx1", "dx1/dw1"],
           ["-2·(observed - predicted)", "w3", "sigmoid(x1)", "input"]),
    "b1": (["dSSR/dpredicted", "dpredicted/dy1", "dy1/dx1", "dx1/db1"],
           ["-2·(observed - predicted)", "w3", "sigmoid(x1)", None]),
    "w2": (["dSSR/dpredicted", "dpredicted/dy2", "dy2/dx2", "dx2/dw2"],
           ["-2·(observed - predicted)", "w4", "sigmoid(x2)", "input"]),
    "b2": (["dSSR/dpredicted", "dpredicted/dy2", "dy2/dx2", "dx2/db2"],
           ["-2·(observed - predicted)", "w4", "sigmoid(x2)", None]),
    "w3": (["dSSR/dpredicted", "dpredicted/dw3"], ["-2·(observed - predicted)", "y1"]),
    "w4": (["dSSR/dpredicted", "dpredicted/dw4"], ["-2·(observed - predicted)", "y2"]),
    "b3": (["dSSR/dpredicted", "dpredicted/db3"], ["-2·(observed - predicted)", None]),
}


def hand_factors(name, i, o):
    """The four (or two) factor values for one data point, from the hand forward pass."""
    x1, y1, x2, y2, pred = hand_forward(PARAMS, i)
    d_pred = -2.0 * (o - pred)
    return {
        "w1": [d_pred, PARAMS["w3"], sigmoid(x1), i],
        "b1": [d_pred, PARAMS["w3"], sigmoid(x1), 1.0],
        "w2": [d_pred, PARAMS["w4"], sigmoid(x2), i],
        "b2": [d_pred, PARAMS["w4"], sigmoid(x2), 1.0],
        "w3": [d_pred, y1],
        "w4": [d_pred, y2],
        "b3": [d_pred, 1.0],
    }[name]


def hand_ssr(values):
    params = dict(zip(PARAMS, values))
    return sum((o - hand_forward(params, i)[4]) ** 2 for i, o in zip(INPUTS, OBSERVED))


@pytest.mark.parametrize("name", list(PARAMS))
def test_the_articles_formulas_for_each_parameter(name):
    ssr, p = network()
    ssr.backward()
    e = explain(ssr, p[name])
    names, formulas = ARTICLES[name]
    assert len(e.paths) == 3  # one path per data point
    for path, i, o in zip(e.paths, INPUTS, OBSERVED):
        assert [f.name for f in path.factors] == names
        assert [f.formula for f in path.factors] == formulas
        expected = hand_factors(name, i, o)
        for factor, value in zip(path.factors, expected):
            assert math.isclose(factor.value, value, rel_tol=1e-12, abs_tol=1e-15)
        assert math.isclose(path.product, math.prod(expected), rel_tol=1e-12, abs_tol=1e-15)
    # The sum over paths is the engine's grad, and agrees with central differences of the hand SSR.
    assert e.agrees and math.isclose(e.total, p[name].grad, rel_tol=1e-12)
    h = 1e-6
    up, down = list(PARAMS.values()), list(PARAMS.values())
    k = list(PARAMS).index(name)
    up[k] += h
    down[k] -= h
    numeric = (hand_ssr(up) - hand_ssr(down)) / (2 * h)  # central difference of the hand SSR
    assert math.isclose(e.total, numeric, rel_tol=1e-6)


def test_the_published_derivative_for_b3():
    ssr, p = network()
    ssr.backward()
    e = explain(ssr, "b3")
    assert round(e.total, 1) == PUBLISHED_D_SSR_D_B3


def test_the_text_names_each_factor_and_shows_each_number():
    ssr, p = network()
    ssr.backward()
    text = str(explain(ssr, p["w1"]))
    lines = text.splitlines()
    assert lines[0].startswith("dSSR/dw1 = sum over 3 paths from SSR down to w1")
    path_lines = [line for line in lines if line.startswith("path ")]
    assert len(path_lines) == 3
    assert path_lines[0].split() == [
        "path", "1:", "dSSR/dpredicted", "×", "dpredicted/dy1", "×", "dy1/dx1", "×", "dx1/dw1"
    ]
    second = lines[lines.index(path_lines[1]) : lines.index(path_lines[2])]
    assert second[1].split() == ["=", "-2·(observed", "-", "predicted)", "×", "w3", "×", "sigmoid(x1)", "×", "input"]
    numbers = [fmt(v) for v in hand_factors("w1", 0.5, 1.0)]
    assert second[2].split() == ["="] + " × ".join(numbers).split()
    assert second[3].split() == ["=", fmt(math.prod(hand_factors("w1", 0.5, 1.0)))]
    assert lines[-2].split() == ["sum", "over", "paths", "dSSR/dw1", "=", fmt(p["w1"].grad)]
    assert lines[-1].split() == ["engine's", "grad", "w1.grad", "=", fmt(p["w1"].grad), "(agree)"]


def test_a_reused_input_gives_one_path_per_use():
    a = Value(3.0, "a")
    y = (a * a).relabel("y")
    y.backward()
    e = explain(y, a)
    assert [[(f.name, f.formula, f.value) for f in p.factors] for p in e.paths] == [
        [("dy/da", "a", 3.0)], [("dy/da", "a", 3.0)]
    ]
    assert e.total == 2 * 3.0 == a.grad  # d(a^2)/da = 2a


def test_unlabelled_steps_are_multiplied_into_one_factor():
    x = Value(1.5, "x")
    y = (((x * 2) + 1) * 3).relabel("y")
    y.backward()
    (path,) = explain(y, x).paths
    (factor,) = path.factors
    assert factor.name == "dy/dx" and factor.steps == 3
    assert factor.value == 6.0 and factor.formula is None  # d(3(2x + 1))/dx = 6


def test_a_sign_and_a_constant_collect_into_the_coefficient():
    p, o = Value(2.0, "p"), Value(5.0, "o")
    loss = ((o - p) ** 2).relabel("L")
    loss.backward()
    (path,) = explain(loss, p).paths
    assert path.factors[0].formula == "-2·(o - p)"  # d(o - p)^2/dp = -2 (o - p)
    assert path.product == -2 * (5.0 - 2.0)


def test_too_many_paths_are_counted_not_listed():
    x = Value(1.0, "x")
    y = x
    for _ in range(40):
        y = y + y  # each step doubles the number of paths
    start = time.perf_counter()
    with pytest.raises(TooManyPathsError, match=rf"there are {2**40} paths.*max_paths=64.*max_paths={2**40}") as err:
        explain(y, x)
    assert err.value.count == 2**40
    assert time.perf_counter() - start < 1.0
    small = Value(1.0, "x")
    z = small
    for _ in range(6):
        z = z + z
    assert len(explain(z, small).paths) == 64
    z.backward()
    assert explain(z, small).total == 64.0 == small.grad


def test_a_long_chain_needs_no_recursion():
    x = Value(0.1, "x")
    y = x
    for _ in range(20_000):
        y = y * 1.0
    y.relabel("y")
    y.backward()
    (path,) = explain(y, x).paths
    assert path.factors[0].steps == 20_000 and path.product == 1.0


def test_disagreement_is_reported_when_leaves_accumulated():
    x = Value(2.0, "x")
    y = (x * x).relabel("y")
    y.backward()
    y.backward()  # leaves accumulate: x.grad is now 2 * 2x
    e = explain(y, x)
    assert not e.agrees and "DIFFER" in str(e) and "zero_grad" in str(e)


def test_a_small_grad_is_judged_on_its_own_scale():
    # dy/dx = 3x^2 = 3e-14 at x = 1e-7; two backward() calls leave 6e-14: twice it, whatever 1e-12 says
    x = Value(1e-7, "x")
    y = (x * x * x).relabel("y")
    y.backward()
    assert explain(y, x).agrees
    y.backward()
    assert x.grad == pytest.approx(2 * 3e-14, rel=1e-12)
    e = explain(y, x)
    assert e.total == pytest.approx(3e-14, rel=1e-12) and not e.agrees and "zero_grad" in str(e)
    # no labels: paths that cancel (x·3 - x·3) leave 0, within round-off of their size
    z = Value(0.1)
    w = z * 3 + z * -3
    w.backward()
    assert explain(w, z).agrees and explain(w, z).total == 0.0


def test_errors():
    x = Value(2.0, "x")
    y = (x * 3).relabel("y")
    with pytest.raises(ValueError, match="not in the graph"):
        explain(y, Value(1.0, "z"))
    with pytest.raises(ValueError, match="no node labelled 'q'; labels in the graph: x, y"):
        explain(y, "q")
    ssr, _ = network()
    with pytest.raises(ValueError, match="3 nodes are labelled 'input'"):
        explain(ssr, "input")
    with pytest.raises(TypeError, match="engine Value"):
        explain(1.0, x)
    with pytest.raises(ValueError, match="max_paths"):
        explain(y, x, max_paths=0)


def test_the_root_itself_and_unlabelled_names():
    a = Value(2.0, "a")
    a.backward()
    e = explain(a, a)
    assert e.total == 1.0 and "a is the root itself" in str(e)
    c = a * 3
    c.zero_grad()
    c.backward()
    e = explain(c, a)
    assert e.root_name == "(a·3)" and e.paths[0].factors[0].name == "d(a·3)/da"
    assert e.total == 3.0 == a.grad  # d(3a)/da = 3


def test_nodes_without_a_short_name_are_called_root_or_by_their_index():
    x, w = Value(0.5, "x"), Value(2.0, "w")
    y = (((x * w).softplus() * w).tanh() * w).exp()  # too long to spell out
    y.backward()
    e = explain(y, "x")
    assert e.root_name == "root" and e.paths[0].factors[0].name == "droot/dx"
    assert math.isclose(e.total, x.grad, rel_tol=1e-12)
