"""A gradient's own graph (engine.grad(..., create_graph=True)) drawn and explained.

draw(g, forward=loss) colours the forward nodes the backward pass reads; explain(g, b3)
writes d²SSR/db3² path by path. The numbers are checked against the hand value
(d²SSR/db3² = 2 per data point) and against engine.hessian.
"""

import math

import pytest

from engine import Value, grad, hessian, topological_order
from nn import MLP, ssr
from nn.statquest import INPUTS, MAIN_IDEAS_START, OBSERVED, network
from tests.test_viz_draw import html_label, parse, text_of
from viz import draw, explain
from viz.chainrule.names import node_names
from viz.graph.style import STYLES


def _ssr_and_b3():
    model = network(MAIN_IDEAS_START)
    loss = ssr(OBSERVED, [model(x) for x in INPUTS])
    return loss, model.parameter("b3"), model


def _fill_of(nodes, name):
    found = [a for a in nodes.values() if "label=<" in a and text_of(html_label(a))[:1] == [name]]
    assert len(found) == 1, name
    return next(kind for kind, st in STYLES.items() if f'bgcolor="{st.fill}"' in found[0])


def test_the_forward_nodes_a_gradient_reads_are_drawn_in_their_own_colour():
    loss, b3, _ = _ssr_and_b3()
    (g,) = grad(loss, b3, create_graph=True)
    names = node_names(loss)
    nodes, _ = parse(draw(g, forward=loss, names=names).source)
    assert _fill_of(nodes, "predicted[2]") == _fill_of(nodes, "y1[3]") == "forward"
    assert _fill_of(nodes, "dSSR/dpredicted[2]") == "interior"  # made by the backward pass
    assert _fill_of(nodes, "dSSR/db3") == "root"
    assert _fill_of(nodes, "b3") == "param" and _fill_of(nodes, "input[1]") == "leaf"  # leaves keep theirs
    assert "forward pass" in draw(g, forward=loss).source
    plain = draw(g).source  # without forward=, the backward pass and what it reads look alike
    assert "forward pass" not in plain and STYLES["forward"].fill not in plain


def test_the_forward_graph_given_need_not_share_nodes_with_the_drawing():
    loss, b3, _ = _ssr_and_b3()
    other = Value(1.0) * 2.0
    (g,) = grad(loss, b3, create_graph=True)
    nodes, _ = parse(draw(g, forward=other).source)
    assert _fill_of(nodes, "dSSR/db3") == "root" and "forward pass" not in draw(g, forward=other).source


def test_explain_writes_the_second_derivative_of_ssr_in_b3_path_by_path():
    loss, b3, _ = _ssr_and_b3()
    (g,) = grad(loss, b3, create_graph=True)
    g.backward()
    e = explain(g, b3, names=node_names(loss))
    # One path per data point, each -1 (neg) x 2 (square's 2x) x -1 (observed - predicted) x 1 (+ b3) = 2
    assert len(e.paths) == 3 and [p.product for p in e.paths] == [2.0, 2.0, 2.0]
    assert e.total == 6.0 == b3.grad and e.agrees
    text = str(e)
    assert text.startswith("d(dSSR/db3)/db3 = sum over 3 paths")
    for k in (1, 2, 3):
        assert f"d(dSSR/db3)/d(dSSR/dpredicted[{k}]) × d(dSSR/dpredicted[{k}])/dpredicted[{k}]" in text


def test_explain_of_a_mixed_second_derivative_is_the_hessians_entry():
    loss, b3, model = _ssr_and_b3()
    w3 = model.parameter("w3")
    (g,) = grad(loss, w3, create_graph=True)
    g.backward()
    e = explain(g, b3)
    assert math.isclose(e.total, hessian(loss, [w3, b3])[0][1], rel_tol=1e-12)
    # by hand: d/db3 of sum_i -2 (observed_i - predicted_i) y1_i = sum_i 2 y1_i
    y1 = [math.log1p(math.exp(x * MAIN_IDEAS_START["w1"] + MAIN_IDEAS_START["b1"])) for x in INPUTS]
    assert e.total == pytest.approx(2.0 * sum(y1), rel=1e-13)


def test_a_gradient_of_an_mlp_and_of_an_unlabelled_expression_draws_and_explains():
    model = MLP(2, [3, 1], activations=("tanh", "linear"), seed=1)
    loss = ssr([0.5], [model([0.2, -0.4])])
    p = model.parameters()[0]
    (g,) = grad(loss, p, create_graph=True)
    g.backward()
    assert "forward pass" in draw(g, forward=loss).source
    assert math.isclose(explain(g, p).total, hessian(loss, [p])[0][0], rel_tol=1e-12)
    a = Value(0.7)
    (ga,) = grad((a * a).tanh(), a, create_graph=True)
    ga.backward()
    t = math.tanh(0.49)
    # d²/da² tanh(a²) = 2 (1 - t²) - 8 a² t (1 - t²)
    want = 2 * (1 - t * t) - 8 * 0.49 * t * (1 - t * t)
    assert math.isclose(a.grad, want, rel_tol=1e-13)
    assert math.isclose(explain(ga, a).total, want, rel_tol=1e-13)
    assert all(n.label is None for n in topological_order(ga))
    assert draw(ga, forward=(a * a)).source  # draws without labels anywhere
