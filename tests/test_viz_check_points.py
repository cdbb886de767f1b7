"""viz.practice.check judges each data point on its own scale, and works on graphs with many paths and long chains.

The numbers a verdict rests on are worked out here by hand in floats: a formula of
2.5e-12 where the engine has 5 is wrong, however large another point's term is; a
formula of 0 where the engine's paths cancel to round-off is right. Each case runs on
the articles' kind of labelled graph, on an expression whose only labels are its
leaves, and on an nn MLP.
"""

from __future__ import annotations

import math

import pytest

from engine import Value, topological_order
from engine.backward_steps import fresh_grads
from nn import MLP, ssr
from viz.practice.chain_factors import MAX_PATHS
from viz.practice.check import check


def two_points(big: float, small: float, labels: bool) -> Value:
    """L = x1·w + x2·w (one term per data point), x = big at point 1 and small at point 2: dL/dw = x per point."""
    w = Value(1.0, "w")
    terms = [Value(v, "x") * w for v in (big, small)]
    if labels:
        terms = [t.relabel("t") for t in terms]
    root = terms[0] + terms[1]
    return root.relabel("L") if labels else root


@pytest.mark.parametrize("labels", [True, False], ids=["labelled", "leaves only"])
def test_a_wrong_point_is_not_excused_by_a_large_one(labels):
    root = two_points(1e13, 5.0, labels)
    # x*x/1e13 is x at x = 1e13 (1e13 exactly), and 25/1e13 = 2.5e-12 at x = 5, where the engine has 5.
    assert 1e13 * 1e13 / 1e13 == 1e13 and 5.0 * 5.0 / 1e13 == 2.5e-12
    r = check(root, "w", "x*x/1e13")
    assert not r.agrees
    assert [p.agrees for p in r.points] == [True, False]
    assert (r.points[1].formula, r.points[1].engine) == (2.5e-12, 5.0)
    assert "agrees" not in str(r).splitlines()[-1]
    assert r.diagnosis is not None and "at data point 2 (x = 5): yours 2.5e-12, the engine's 5" in str(r.diagnosis)


def mlp_loss(inputs: list[float], observed: list[float]) -> tuple[Value, MLP]:
    model = MLP(1, [1], activations=("linear",), seed=0)
    model.set_parameters({"L1.n1.w1": 1.0, "L1.n1.b": 0.0})
    loss = ssr(observed, [model(x) for x in inputs])
    loss.backward()
    return loss, model


def test_a_wrong_point_of_an_mlp_is_not_excused_by_a_large_one():
    # predicted = w·input + b = input; dSSR/db per point = -2(observed - input):
    # 2e13 at input 1e13 (observed 0), -1.998 at input 0.001 (observed 1).
    loss, _ = mlp_loss([1e13, 0.001], [0.0, 1.0])
    g = [-2 * (0.0 - 1e13), -2 * (1.0 - 0.001)]
    right = "-2*(observed - L1.n1.w1*input - L1.n1.b)"
    r = check(loss, "L1.n1.b", right)
    assert r.agrees and [p.engine for p in r.points] == pytest.approx(g, rel=1e-15)
    # its square over point 1's value: g1 at point 1, g2²/g1 (about 2e-13) at point 2
    wrong = f"({right})^2 / {g[0]!r}"
    assert g[1] ** 2 / g[0] == pytest.approx(1.996e-13, rel=1e-3)
    r = check(loss, "L1.n1.b", wrong)
    assert [p.agrees for p in r.points] == [True, False] and not r.agrees


@pytest.mark.parametrize("labels", [True, False], ids=["labelled", "leaves only"])
def test_round_off_of_paths_that_cancel_is_still_agreement(labels):
    # dy/dx = a + b with a = 0.1*3 and b = -0.3: 5.55e-17 in floats, the round-off of terms of 0.3.
    a, b = 0.1 * 3, -0.3
    assert a + b == pytest.approx(5.55e-17, rel=1e-2)
    x = Value(1.0, "x")
    y = x * Value(a, "a") + x * Value(b, "b")
    if labels:
        y.relabel("y")
    r = check(y, "x", "0")
    assert r.points[0].engine == a + b and r.agrees


def test_a_graph_with_more_paths_than_listed_is_checked_all_the_same():
    # MLP 1-9-9-1: from the input 9 · 9 = 81 paths per data point up to its squared residual.
    model = MLP(1, [9, 9, 1], activations=("tanh", "tanh", "linear"), seed=0)
    inputs, observed = [0.0, 0.5, 1.0], [0.0, 1.0, 0.0]
    loss = ssr(observed, [model(x) for x in inputs])
    loss.backward()
    assert 9 * 9 > MAX_PATHS
    r = check(loss, "input", "1")
    assert "a sum over 81 paths (more than 64: not listed)" in str(r)
    # each point's engine value: its own term's backward, rebuilt apart
    for p, x, o in zip(r.points, inputs, observed):
        term = ssr([o], [model(x)])
        term.backward()
        (inp,) = [n for n in topological_order(term) if n.label == "input"]
        assert p.engine == pytest.approx(inp.grad, rel=1e-12)
    assert not r.agrees and r.diagnosis is not None and r.diagnosis.kind == "differs"
    # a parameter with one path per point keeps its chain rule listed
    one = check(loss, "L3.n1.b", "1")
    assert "not listed" not in str(one) and "the engine's chain rule: dSSR/dL3.n1.b = " in str(one)


def chain(n: int, labels: bool) -> tuple[Value, Value]:
    """x · 1.0001 n times: dy/dx = 1.0001^n, one path of n edges."""
    x = Value(0.5, "x")
    y = x
    for _ in range(n):
        y = y * 1.0001
    if labels:
        y.relabel("y")
    return y, x


@pytest.mark.parametrize("labels", [True, False], ids=["labelled", "leaves only"])
def test_a_long_chain_is_checked_with_its_one_factor_shown_as_a_number(labels):
    y, x = chain(20_000, labels)
    expected = fresh_grads(y)[x]
    assert expected == pytest.approx(1.0001**20_000, rel=1e-9)
    r = check(y, "x", "1.0001^20000")
    assert r.agrees and r.points[0].engine == expected
    assert r.finite_difference == pytest.approx(expected, rel=1e-6)
    assert f"= {expected:.4g}" in str(r)  # 20000 steps: the factor's number, not 20000 formulas
    wrong = check(y, "x", "2 * 1.0001^20000")
    assert wrong.diagnosis is not None and wrong.diagnosis.kind == "constant factor"


def test_a_node_no_path_reaches_has_a_zero_gradient_and_difference():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    y = (a * 2.0).relabel("y")
    c = (b * a).relabel("c")  # b is in another graph: not below y
    assert math.isfinite(c.data)
    r = check(y, "a", "2")
    assert r.agrees and r.finite_difference == pytest.approx(2.0, rel=1e-9)


def test_nn_names_with_dots_are_names_in_a_formula():
    loss, _ = mlp_loss([0.5, 1.0], [1.0, 0.0])
    # dSSR/dw per point = -2(observed - (w·input + b))·input, w = 1 and b = 0: -1·... by hand
    g = [-2 * (1.0 - 0.5) * 0.5, -2 * (0.0 - 1.0) * 1.0]
    r = check(loss, "l1.N1.W1", "-2*(observed - L1.n1.w1*input - L1.n1.b)*input")  # names case-insensitively
    assert r.agrees and [p.engine for p in r.points] == g
    from viz.practice.hand_formula import FormulaError

    with pytest.raises(FormulaError, match=r"unknown name 'L1.n1.w9' in the formula; did you mean 'L1.n1.w1'"):
        check(loss, "L1.n1.w1", "L1.n1.w9 * input")
