"""engine.grad, hessian and hessian_vector_product: against backward(), hand formulas and finite differences.

No torch here (tests/test_torch_second_order.py compares with PyTorch): the second
derivatives are checked against central differences of the engine's own first
derivatives, and against the hand formulas written out below.
"""

import math
import random

import pytest

from engine import Value, grad, hessian, hessian_vector_product, topological_order
from engine.derivatives import local_grad_values
from engine.ops import OPS
from nn import MLP, ssr
from nn.statquest import INPUTS, MAIN_IDEAS_START, OBSERVED, PARAMETER_NAMES, network
from tests.random_graphs import random_program, run


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _loss_and_b3(b3: float):
    model = network({**MAIN_IDEAS_START, "b3": b3})
    return ssr(OBSERVED, [model(x) for x in INPUTS]), model.parameter("b3")


# ------------------------------------------------------------------ first derivatives = backward()


@pytest.mark.parametrize("seed", range(40))
def test_grad_is_backwards_grad_to_the_bit_and_touches_no_grad(seed):
    rng = random.Random(seed)
    program, leaves = random_program(rng, rng.randint(1, 4), rng.randint(1, 30))
    xs = [Value(x) for x in leaves]
    root = run(program, xs)
    floats = grad(root, xs, allow_unused=True)
    values = grad(root, xs, create_graph=True, allow_unused=True)
    assert all(n.grad == 0.0 for n in topological_order(root))  # nothing was written to .grad
    root.backward()
    for x, f, v in zip(xs, floats, values):
        assert f == x.grad and v.data == x.grad, (seed, f, v.data, x.grad)


def test_grad_on_an_mlp_is_what_backward_leaves():
    model = MLP(2, [3, 1], activations=("tanh", "linear"), seed=3)
    loss = ssr([1.0, -1.0], [model([0.5, -0.2]), model([-1.0, 2.0])])
    params = model.parameters()
    floats = grad(loss, params)
    values = grad(loss, params, create_graph=True)
    loss.backward()
    assert list(floats) == [p.grad for p in params] == [v.data for v in values]


def test_grad_of_an_interior_node_and_of_the_output_itself():
    x = Value(1.5)
    u = x * x
    y = u.exp()
    assert grad(y, [u, y]) == (math.exp(2.25), 1.0)
    (gy,) = grad(y, y, create_graph=True)
    assert gy.is_constant and gy.data == 1.0


# ------------------------------------------------------------------ hand values


@pytest.mark.parametrize("b3", [0.0, 2.61, -3.0, 10.0])
def test_the_second_derivative_of_ssr_in_b3_is_6_everywhere(b3):
    loss, p = _loss_and_b3(b3)
    (g,) = grad(loss, p, create_graph=True)
    # d/db3 of sum_i -2 (observed_i - predicted_i) = sum_i 2 = 2 n, n = 3 points
    assert grad(g, p) == (6.0,)
    assert hessian(loss, [p]) == [[6.0]]


@pytest.mark.parametrize("x", [-3.0, -0.4, 0.0, 0.7, 4.0])
def test_second_derivatives_of_softplus_and_tanh_by_hand(x):
    v = Value(x)
    s, t = _sigmoid(x), math.tanh(x)
    assert math.isclose(hessian(v.softplus(), [v])[0][0], s * (1.0 - s), rel_tol=1e-14)
    assert math.isclose(hessian(v.tanh(), [v])[0][0], -2.0 * t * (1.0 - t * t), rel_tol=1e-14, abs_tol=1e-300)
    assert math.isclose(hessian(v.sigmoid(), [v])[0][0], s * (1 - s) * (1 - 2 * s), rel_tol=1e-12, abs_tol=1e-17)


@pytest.mark.parametrize("n", [2, 3, 5, -1, 0.5, 1.5, 2.5])
def test_the_second_derivative_of_a_power_is_n_n_minus_1_x_to_the_n_minus_2(n):
    x = 1.7
    v = Value(x)
    assert math.isclose(hessian(v**n, [v])[0][0], n * (n - 1) * x ** (n - 2), rel_tol=1e-14)


def test_third_derivatives_by_grad_twice_with_create_graph():
    x = Value(1.3)
    (d1,) = grad(x**5, x, create_graph=True)
    (d2,) = grad(d1, x, create_graph=True)
    (d3,) = grad(d2, x)
    assert (d1.data, d2.data) == pytest.approx((5 * 1.3**4, 20 * 1.3**3), rel=1e-14)
    assert d3 == pytest.approx(60 * 1.3**2, rel=1e-14)
    v = Value(0.4)
    (t1,) = grad(v.tanh(), v, create_graph=True)
    (t2,) = grad(t1, v, create_graph=True)
    (t3,) = grad(t2, v)
    t = math.tanh(0.4)
    assert t3 == pytest.approx((1 - t * t) * (6 * t * t - 2), rel=1e-13)  # d/dx of -2t(1 - t²)


def test_relu_has_second_derivative_0_even_at_its_kink():
    for x in (-1.0, 0.0, 2.0):
        v = Value(x)
        (g,) = grad(v.relu() * 3.0, v, create_graph=True)
        assert g.data == (3.0 if x > 0 else 0.0)
        assert grad(g, v, allow_unused=True) == (0.0,)


def test_a_power_between_1_and_2_at_0_has_no_second_derivative_and_says_so():
    x = Value(0.0, "x")
    y = x**1.5
    assert grad(y, x) == (0.0,)  # the first derivative exists
    with pytest.raises(ValueError, match=r"^\*\*: .*infinite"):
        grad(y, x, create_graph=True)


def test_the_local_derivative_values_are_the_local_grads_to_the_bit_for_every_op():
    a, b = Value(1.3, "a"), Value(-0.6, "b")
    made = [a + b, a - b, a * b, a / b, -a, a**3, a**b, a**0.5, a**1, a**0, a.exp(), a.log(), a.softplus(),
            a.sigmoid(), a.tanh(), a.relu(), b.relu(), a.square(), 2.0 ** a, Value(2.0) ** b]
    ops = {n.op for n in made}
    assert {spec.name for spec in OPS.values()} <= ops | {"**n"} and any(op.startswith("**") for op in ops)
    for node in made:
        assert tuple(v.data for v in local_grad_values(node)) == node.local_grads, node.op
    assert local_grad_values(a) == ()


# ------------------------------------------------------------------ finite differences


@pytest.mark.parametrize("seed", range(40))
def test_second_derivatives_match_central_differences_of_the_first(seed):
    rng = random.Random(500 + seed)
    program, leaves = random_program(rng, rng.randint(1, 3), rng.randint(1, 20))
    h = 1e-5

    def first(point):
        xs = [Value(x) for x in point]
        return grad(run(program, xs), xs, allow_unused=True)

    xs = [Value(x) for x in leaves]
    root = run(program, xs)
    # A leaf the root does not read has a row and a column of 0s, as its differences do.
    H = [list(grad(g, xs, allow_unused=True)) for g in grad(root, xs, create_graph=True, allow_unused=True)]
    for j in range(len(leaves)):
        up, down = list(leaves), list(leaves)
        up[j] += h
        down[j] -= h
        fd = [(u - d) / (2 * h) for u, d in zip(first(up), first(down))]
        for i in range(len(leaves)):
            assert math.isclose(H[i][j], fd[i], rel_tol=1e-5, abs_tol=1e-5 * max(1.0, abs(fd[i]))), (seed, i, j)


def test_the_hessian_is_symmetric_and_hessian_vector_products_are_h_times_v():
    model = network()
    params = [model.parameter(n) for n in PARAMETER_NAMES]
    loss = ssr(OBSERVED, [model(x) for x in INPUTS])
    H = hessian(loss, params)
    for i in range(7):
        for j in range(7):
            assert math.isclose(H[i][j], H[j][i], rel_tol=1e-12, abs_tol=1e-12)
    v = [0.5, -1.0, 0.0, 2.0, 0.25, -0.75, 1.0]
    hv = hessian_vector_product(loss, params, v)
    for i in range(7):
        assert math.isclose(hv[i], math.fsum(H[i][j] * v[j] for j in range(7)), rel_tol=1e-12, abs_tol=1e-12)
    assert hessian_vector_product(loss, params, [0.0] * 7) == [0.0] * 7


# ------------------------------------------------------------------ the gradient's graph


def test_the_gradient_graph_names_its_nodes_as_the_chain_rule_does_and_leaves_the_forward_graph_alone():
    loss, b3 = _loss_and_b3(0.0)
    before = [(n.label, n.grad, n.data) for n in topological_order(loss)]
    (g,) = grad(loss, b3, create_graph=True)
    assert [(n.label, n.grad, n.data) for n in topological_order(loss)] == before
    labels = [n.label for n in topological_order(g) if n.label and n.label.startswith("d")]
    assert labels == ["dSSR/dpredicted[1]", "dSSR/dpredicted[2]", "dSSR/dpredicted[3]", "dSSR/db3"]
    # dSSR/dpredicted = -2 (observed - predicted) at each point, by hand
    by_label = {n.label: n.data for n in topological_order(g)}
    for k, (x, o) in enumerate(zip(INPUTS, OBSERVED), start=1):
        predicted = network(MAIN_IDEAS_START)(x).data
        assert by_label[f"dSSR/dpredicted[{k}]"] == pytest.approx(-2 * (o - predicted), rel=1e-15)


def test_a_local_derivative_made_for_the_gradient_is_named_after_its_edge():
    x = Value(0.3, "x")
    y = (x * 2.0).softplus().relabel("y")
    z = (y * y).relabel("z")
    (g,) = grad(z, x, create_graph=True)
    names = {n.label for n in topological_order(g)}
    assert {"dz/dy", "dz/dx"} <= names and g.label == "dz/dx"
    sig = next(n for n in topological_order(g) if n.op == "sigmoid")
    assert sig.label is None  # its input x*2 has no label: nothing to name the edge by


def test_an_expression_with_no_labels_gets_no_labels():
    a, b = Value(0.5), Value(-1.2)
    y = (a * b).tanh() + a / b
    gs = grad(y, [a, b], create_graph=True)
    assert all(n.label is None for g in gs for n in topological_order(g))
    assert hessian(y, [a, b])[0][1] == pytest.approx(hessian(y, [b, a])[1][0], rel=1e-15)


def test_an_input_the_output_does_not_read_is_an_error_or_0_when_allowed():
    x, other = Value(1.0, "x"), Value(2.0, "w5")
    y = (x * 3.0).relabel("y")
    with pytest.raises(ValueError, match=r"^grad: inputs\[1\] 'w5' is not in the graph of output 'y'"):
        grad(y, [x, other])
    assert grad(y, [x, other], allow_unused=True) == (3.0, 0.0)
    gx, go = grad(y, [x, other], create_graph=True, allow_unused=True)
    assert gx.data == 3.0 and go.is_constant and go.data == 0.0
