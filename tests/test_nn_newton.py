"""nn.newton: Newton's method with gradient descent's ledger, against the hand values and engine.hessian.

The hand values: SSR in b3 alone is a parabola (predicted is linear in b3), so
d²SSR/db3² = 2 x 3 points = 6 and Newton's first step lands on its minimum,
b3 = 0 - dSSR/db3(0) / 6, with dSSR/db3 = sum of -2 (observed - predicted) worked in floats.
"""

import csv
import io
import math

import pytest

from engine import Value, hessian
from nn import MLP, Neuron, NonFiniteLossError, NotPositiveDefiniteError, newton, train
from nn.linear_solve import cholesky_solve
from nn.statquest import DETAILS_2_START, INPUTS, MAIN_IDEAS_START, OBSERVED, PARAMETER_NAMES, loss, network


def _predicted(p: dict[str, float], x: float) -> float:
    sp = lambda z: math.log1p(math.exp(z))  # noqa: E731
    return sp(x * p["w1"] + p["b1"]) * p["w3"] + sp(x * p["w2"] + p["b2"]) * p["w4"] + p["b3"]


def test_newtons_one_step_on_b3_lands_on_the_minimum_where_descent_takes_ten():
    hand_grad = sum(-2.0 * (o - _predicted(MAIN_IDEAS_START, x)) for x, o in zip(INPUTS, OBSERVED))
    ledger = newton(network(MAIN_IDEAS_START), INPUTS, OBSERVED, params=["b3"])
    first = ledger[0]
    assert first.second_derivatives == {"b3": 6.0} and first.hessian == ((6.0,),) and first.damping == 0.0
    assert first.grads["b3"] == pytest.approx(hand_grad, rel=1e-14)
    assert first.new_values["b3"] == pytest.approx(-hand_grad / 6.0, abs=1e-12)
    # The second step finds the gradient 0 (to rounding): its step is below the stop rule's 0.001.
    assert len(ledger) == 2 and ledger.stop_reason == "min_step_size" and abs(ledger[1].step_sizes["b3"]) < 1e-12
    descent = train(network(MAIN_IDEAS_START), INPUTS, OBSERVED, params=["b3"], lr=0.1)
    assert len(descent) == 10
    assert ledger.final_values["b3"] == pytest.approx(2.61, abs=0.005) and ledger.final_loss < descent.final_loss


def test_damping_shortens_the_one_parameter_step_to_g_over_h_plus_damping():
    ledger = newton(network(MAIN_IDEAS_START), INPUTS, OBSERVED, params=["b3"], damping=2.0, steps=1)
    g = ledger[0].grads["b3"]
    assert ledger[0].step_sizes["b3"] == g / (6.0 + 2.0) and ledger.stop_reason == "steps"


def test_each_steps_hessian_is_engine_hessian_there_and_the_step_solves_the_system():
    model = network(DETAILS_2_START)
    params = [model.parameter(n) for n in PARAMETER_NAMES]
    want = hessian(loss(model), params)
    ledger = newton(network(DETAILS_2_START), INPUTS, OBSERVED, damping=10.0, steps=3)
    step = ledger[0]
    assert [list(row) for row in step.hessian] == want
    # (H + 10 I) s = g, row by row
    s = [step.step_sizes[n] for n in PARAMETER_NAMES]
    for i, n in enumerate(PARAMETER_NAMES):
        lhs = math.fsum(want[i][j] * s[j] for j in range(7)) + 10.0 * s[i]
        assert lhs == pytest.approx(step.grads[n], rel=1e-10, abs=1e-12)
    assert step.new_values == {n: DETAILS_2_START[n] - step.step_sizes[n] for n in PARAMETER_NAMES}


def test_an_indefinite_hessian_stops_with_what_to_do():
    model = network(DETAILS_2_START)
    with pytest.raises(NotPositiveDefiniteError) as info:
        newton(model, INPUTS, OBSERVED)
    e = info.value
    message = str(e)
    assert message.startswith("newton: at step 1 the Hessian of SSR is not positive definite")
    assert "pass adaptive=True" in message and "or damping=10 (H + 10·I is positive definite here)" in message
    assert not e.singular and e.step == 1 and len(e.ledger) == 0 and e.ledger.stop_reason == "not_positive_definite"
    assert model.parameter_values() == DETAILS_2_START  # no step was taken
    assert cholesky_solve(e.hessian, [1.0] * 7, 10.0) and e.hessian[4][4] > 0
    with pytest.raises(ArithmeticError):
        cholesky_solve(e.hessian, [1.0] * 7, 1.0)  # the next power of ten down is not enough


def test_a_singular_hessian_says_the_loss_is_flat_in_some_direction():
    neuron = Neuron(2, "linear", seed=0)
    xs = [[0.5, 0.5], [1.0, 1.0], [2.0, 2.0]]  # w1 and w2 always meet the same input: they trade off exactly
    with pytest.raises(NotPositiveDefiniteError, match=r"^newton: at step 1 the Hessian of SSR is singular") as info:
        newton(neuron, xs, [1.0, 2.0, 4.0])
    assert info.value.singular and "flat in some direction" in str(info.value)
    ledger = newton(neuron, xs, [1.0, 2.0, 4.0], damping=1e-3)  # damping makes it solvable
    assert ledger.final_loss < 1e-6
    w = ledger.final_values
    assert w["w1"] + w["w2"] == pytest.approx(2.0, abs=1e-3)  # the data's slope, shared between the two


def test_adaptive_damping_reaches_a_zero_ssr_point_from_details_2_in_a_few_steps():
    ledger = newton(network(DETAILS_2_START), INPUTS, OBSERVED, adaptive=True)
    assert ledger.stop_reason == "min_step_size" and len(ledger) < 30
    assert ledger.final_loss < 1e-9
    losses = ledger.losses + [ledger.final_loss]
    assert all(b <= a for a, b in zip(losses, losses[1:]))  # no step raised the loss
    assert ledger[0].damping > 0 and ledger[-1].damping < ledger[0].damping
    descent = train(network(DETAILS_2_START), INPUTS, OBSERVED, lr=0.1, compiled=True)
    assert len(descent) == 472 and len(ledger) < len(descent) / 10


def _sqrt_loss(observed, predicted):
    # sqrt(1 + u²) is convex, but far out it is a straight line: its second derivative rounds to 0
    return ((predicted[0] * predicted[0]) + 1.0) ** 0.5


def _exp_loss(observed, predicted):
    # e^u - 10 u: convex, least at u = ln 10; from u = -20 its curvature e^u is tiny, Newton's step huge
    return predicted[0].exp() - 10.0 * predicted[0]


def test_newton_diverges_where_its_step_overshoots_and_adaptive_damping_does_not():
    neuron = Neuron(1, "linear")
    neuron.set_parameters({"w1": -20.0, "b": 0.0})
    with pytest.raises(NonFiniteLossError, match=r"^newton: a number overflowed \(exp: .*\) at step 2: Newton's"
                                                 r" steps grew .*adaptive=True") as info:
        newton(neuron, [[1.0]], [0.0], loss=_exp_loss, params=["w1"])
    (first,) = info.value.ledger
    u = -20.0
    assert first.new_values["w1"] == pytest.approx(u - (math.exp(u) - 10.0) / math.exp(u), rel=1e-12)  # by hand
    assert info.value.ledger.stop_reason == "diverged"
    assert "Newton's method diverged: a number overflowed" in info.value.ledger.summary()
    neuron.set_parameters({"w1": -20.0, "b": 0.0})
    ledger = newton(neuron, [[1.0]], [0.0], loss=_exp_loss, params=["w1"], adaptive=True)
    assert ledger.final_values["w1"] == pytest.approx(math.log(10.0), abs=1e-4)


def test_a_second_derivative_that_rounds_to_0_far_out_is_singular():
    neuron = Neuron(1, "linear")
    neuron.set_parameters({"w1": 2.0, "b": 0.0})
    with pytest.raises(NotPositiveDefiniteError, match="Hessian of loss is singular") as info:
        newton(neuron, [[1.0]], [0.0], loss=_sqrt_loss, params=["w1"])
    values = [r.new_values["w1"] for r in info.value.ledger]
    assert values[:2] == [pytest.approx(-8.0), pytest.approx(512.0)]  # u <- -u³ by hand
    neuron.set_parameters({"w1": 2.0, "b": 0.0})
    ledger = newton(neuron, [[1.0]], [0.0], loss=_sqrt_loss, params=["w1"], adaptive=True)
    assert abs(ledger.final_values["w1"]) < 1e-3


def test_newton_on_an_mlp_of_the_learners_own():
    model = MLP(1, [3, 1], activations=("tanh", "linear"), seed=2)
    ledger = newton(model, [-1.0, 0.0, 1.0, 2.0], [0.5, -0.2, 0.3, 1.0], adaptive=True, max_steps=200)
    assert ledger.final_loss < ledger[0].loss / 10 and ledger.method == "newton"


def test_the_ledger_shows_the_second_derivative_and_the_damping():
    ledger = newton(network(MAIN_IDEAS_START), INPUTS, OBSERVED, params=["b3"])
    text = str(ledger)
    assert text.splitlines()[0].split() == ["step", "SSR", "param", "dSSR/dparam", "d²SSR/dparam²", "step", "size",
                                           "new", "value"]
    assert "2 steps of Newton's method (damping 0); stopped because every step size was below 0.001." in text
    rows = list(csv.reader(io.StringIO(ledger.to_csv())))
    assert rows[0] == ["step", "SSR", "dSSR/db3", "d²SSR/db3²", "step size b3", "b3", "damping"]
    assert float(rows[1][3]) == 6.0 and float(rows[1][-1]) == 0.0
    adaptive = newton(network(DETAILS_2_START), INPUTS, OBSERVED, adaptive=True)
    md = adaptive.to_markdown(max_lines=14)
    assert md.splitlines()[0].endswith("| new value | damping |") and "steps not shown | | | | | |" in md
    assert "adaptive damping from 0" in adaptive.summary() and 'colspan="8"' in adaptive.to_html(max_lines=14)
    assert "step size" in ledger.to_html()


def test_newton_leaves_grads_alone_and_the_ledgers_compare():
    model = network(MAIN_IDEAS_START)
    for p in model.parameters():
        p.grad = 0.25
    a = newton(model, INPUTS, OBSERVED, params=["b3"])
    assert all(p.grad == 0.25 for p in model.parameters())
    b = newton(network(MAIN_IDEAS_START), INPUTS, OBSERVED, params=["b3"])
    assert a == b and a != newton(network(MAIN_IDEAS_START), INPUTS, OBSERVED, params=["b3"], damping=1.0)
    assert Value(1.0).grad == 0.0
