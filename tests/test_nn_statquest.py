"""The articles' network as an MLP, and gradient descent reproducing their training.

Published numbers are copied from StatQuest's "Neural Networks Pt. 2:
Backpropagation Main Ideas", "Backpropagation Details Pt. 1" and "Pt. 2"
(rounded as published; compared at the precision given). The hand side is
plain-float arithmetic with ``math``, written here independently of the engine.
"""

import math

import pytest

from engine import topological_order
from nn import MLP, statquest, train
from nn.statquest import (
    DETAILS_2_LEARNING_RATE,
    DETAILS_2_STEPS,
    MLP_NAMES,
    PARAMETER_NAMES,
    loss,
    network,
)

# --- published numbers (StatQuest, see the module docstring) ------------------
INPUTS = [0.0, 0.5, 1.0]
OBSERVED = [0.0, 1.0, 0.0]
OPTIMUM = {"w1": 3.34, "b1": -1.43, "w2": -3.53, "b2": 0.57, "w3": -1.22, "w4": -2.30, "b3": 2.61}
# Main Ideas: b3 from 0 at learning rate 0.1, the others at the optimum.
MAIN_PREDICTED_AT_B3_0 = [-2.6, -1.6, -2.61]
MAIN_SSR_AT_B3_0 = 20.4
MAIN_STEPS = [  # (dSSR/db3, step size, new b3)
    (-15.7, -1.57, 1.57),
    (-6.26, -0.626, 2.19),
]
MAIN_FINAL_B3 = 2.61
# Details Pt. 1 and Pt. 2 starting values.
PT1_START = {"w3": 0.36, "w4": 0.63, "b3": 0.0}
PT2_START = {"w1": 2.74, "b1": 0.0, "w2": -1.13, "b2": 0.0, "w3": 0.36, "w4": 0.63, "b3": 0.0}
LR = 0.1
MIN_STEP_SIZE = 0.001


def same_as_published(x, published):
    """x rounded to as many decimals as the published number shows equals it."""
    text = repr(published)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return round(x, decimals) == published


# --- the hand side --------------------------------------------------------------

def softplus(x):
    return math.log(1.0 + math.exp(x))


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def hand_forward(p, x):
    x1 = x * p["w1"] + p["b1"]
    x2 = x * p["w2"] + p["b2"]
    return x1, x2, softplus(x1) * p["w3"] + softplus(x2) * p["w4"] + p["b3"]


def hand_ssr(p):
    return sum((o - hand_forward(p, x)[2]) ** 2 for x, o in zip(INPUTS, OBSERVED))


def hand_gradients(p):
    """dSSR/d each parameter by the chain rule, written out as in the articles."""
    g = dict.fromkeys(PARAMETER_NAMES, 0.0)
    for x, o in zip(INPUTS, OBSERVED):
        x1, x2, pred = hand_forward(p, x)
        d_pred = -2.0 * (o - pred)  # dSSR/dpredicted
        g["b3"] += d_pred
        g["w3"] += d_pred * softplus(x1)
        g["w4"] += d_pred * softplus(x2)
        g["w1"] += d_pred * p["w3"] * sigmoid(x1) * x
        g["b1"] += d_pred * p["w3"] * sigmoid(x1)
        g["w2"] += d_pred * p["w4"] * sigmoid(x2) * x
        g["b2"] += d_pred * p["w4"] * sigmoid(x2)
    return g


def hand_descent(start, names, lr, min_step_size=MIN_STEP_SIZE, max_steps=1000):
    """Plain gradient descent with the step-size rule; returns the rows (grads, sizes, new values)."""
    p = dict(start)
    rows = []
    for _ in range(max_steps):
        g = hand_gradients(p)
        sizes = {n: g[n] * lr for n in names}
        for n in names:
            p[n] -= sizes[n]
        rows.append(({n: g[n] for n in names}, sizes, {n: p[n] for n in names}))
        if all(abs(s) < min_step_size for s in sizes.values()):
            break
    return rows


# --- the network ------------------------------------------------------------------

def test_network_names_order_and_start():
    model = network()
    assert [n for n, _ in model.named_parameters()] == list(PARAMETER_NAMES)
    assert model.parameter_values() == OPTIMUM
    assert network({"b3": 0.0}).parameter_values() == {**OPTIMUM, "b3": 0.0}
    with pytest.raises(ValueError, match="unknown parameter name 'w5'"):
        network({"w5": 1.0})


def test_the_modules_numbers_are_the_published_ones():
    # The package's copy (used by the demos) against this file's, taken from the articles.
    assert statquest.INPUTS == tuple(INPUTS) and statquest.OBSERVED == tuple(OBSERVED)
    assert statquest.PUBLISHED_OPTIMUM == OPTIMUM
    assert statquest.MAIN_IDEAS_START == {**OPTIMUM, "b3": 0.0}
    assert statquest.MAIN_IDEAS_PREDICTED == tuple(MAIN_PREDICTED_AT_B3_0)
    assert statquest.MAIN_IDEAS_SSR == MAIN_SSR_AT_B3_0
    assert statquest.MAIN_IDEAS_STEPS == tuple(MAIN_STEPS)
    assert statquest.MAIN_IDEAS_FINAL_B3 == MAIN_FINAL_B3
    assert statquest.DETAILS_1_START == {**OPTIMUM, **PT1_START}
    assert statquest.DETAILS_2_START == PT2_START
    assert (statquest.LEARNING_RATE, statquest.MIN_STEP_SIZE, statquest.MAX_STEPS) == (
        LR, MIN_STEP_SIZE, 1000)


def test_network_is_exactly_a_plain_mlp_with_the_documented_mapping():
    articles = network(PT2_START)
    plain = MLP(1, [2, 1], activations=("softplus", "linear"), seed=99)
    plain.set_parameters({MLP_NAMES[n]: v for n, v in PT2_START.items()})
    for x in (0.0, 0.25, 0.5, 1.0, -2.0):
        a, b = articles(x), plain(x)
        assert a.data == b.data
        a.backward()
        b.backward()
    for name in PARAMETER_NAMES:
        assert articles.parameter(name).grad == plain.parameter(MLP_NAMES[name]).grad


def test_forward_matches_hand_formula_and_published_predictions():
    p = {**OPTIMUM, "b3": 0.0}
    model = network(p)
    for x, published in zip(INPUTS, MAIN_PREDICTED_AT_B3_0):
        pred = model(x).data
        assert pred == pytest.approx(hand_forward(p, x)[2], rel=1e-12)
        assert same_as_published(pred, published)
    ssr = loss(model).data
    assert ssr == pytest.approx(hand_ssr(p), rel=1e-12)
    assert same_as_published(ssr, MAIN_SSR_AT_B3_0)


def test_forward_nodes_carry_the_articles_labels():
    model = network()
    pred = model(0.5)
    assert pred.label == "predicted"
    by_label = {v.label: v for v in topological_order(pred) if v.label}
    assert set(by_label) == {"input", "x1", "y1", "x2", "y2", "predicted", *PARAMETER_NAMES}
    assert by_label["y1"].op == "softplus" and by_label["y1"].inputs == (by_label["x1"],)
    assert by_label["y2"].inputs == (by_label["x2"],)
    assert loss(model).label == "SSR"


# The articles' chain rule for each parameter: the nodes every path passes, root first.
ARTICLES_CHAINS = {
    "w3": ["SSR", "predicted", "w3"],
    "w4": ["SSR", "predicted", "w4"],
    "b3": ["SSR", "predicted", "b3"],
    "w1": ["SSR", "predicted", "y1", "x1", "w1"],
    "b1": ["SSR", "predicted", "y1", "x1", "b1"],
    "w2": ["SSR", "predicted", "y2", "x2", "w2"],
    "b2": ["SSR", "predicted", "y2", "x2", "b2"],
}


def test_the_loss_explains_itself_in_the_articles_words():
    from viz import explain

    model = network(PT2_START)
    root = loss(model)
    root.backward()
    hand = hand_gradients(PT2_START)
    for name, chain in ARTICLES_CHAINS.items():
        e = explain(root, model.parameter(name))
        text = " ".join(str(e).split())  # columns are padded to line up
        # dSSR/dpredicted x dpredicted/dy1 x dy1/dx1 x dx1/dw1, for each data point
        written = " × ".join(f"d{a}/d{b}" for a, b in zip(chain, chain[1:]))
        assert len(e.paths) == len(INPUTS)
        for path in e.paths:
            assert " × ".join(f.name for f in path.factors) == written
        assert text.count(written) == len(INPUTS)
        assert text.count("-2·(observed - predicted)") == len(INPUTS)
        assert e.total == pytest.approx(hand[name], rel=1e-10, abs=1e-12)
    # The observed values are the data's leaves, not constants of the formula.
    observed = [v for v in topological_order(root) if v.label == "observed"]
    assert sorted(v.data for v in observed) == sorted(OBSERVED)
    assert all(v.is_leaf and not v.is_constant for v in observed)


def test_all_seven_gradients_match_the_hand_chain_rule_and_central_differences():
    model = network(PT2_START)
    loss(model).backward()
    hand = hand_gradients(PT2_START)
    h = 1e-6
    for name in PARAMETER_NAMES:
        up = dict(PT2_START, **{name: PT2_START[name] + h})
        down = dict(PT2_START, **{name: PT2_START[name] - h})
        numeric = (hand_ssr(up) - hand_ssr(down)) / (2 * h)
        assert model.parameter(name).grad == pytest.approx(hand[name], rel=1e-10, abs=1e-12)
        assert model.parameter(name).grad == pytest.approx(numeric, rel=1e-6, abs=1e-8)


# --- Main Ideas: b3 alone ------------------------------------------------------------

def test_main_ideas_first_two_steps_as_published():
    model = network({"b3": 0.0})
    ledger = train(model, INPUTS, OBSERVED, params=["b3"], lr=LR)
    assert same_as_published(ledger[0].loss, MAIN_SSR_AT_B3_0)
    for row, (d, size, new) in zip(ledger, MAIN_STEPS):
        assert same_as_published(row.grads["b3"], d)
        assert same_as_published(row.step_sizes["b3"], size)
        assert same_as_published(row.new_values["b3"], new)


def test_main_ideas_matches_hand_formula_step_for_step():
    # dSSR/db3 = sum over the data of -2 (observed - predicted)
    model = network({"b3": 0.0})
    ledger = train(model, INPUTS, OBSERVED, params=["b3"], lr=LR)
    b3 = 0.0
    p = {**OPTIMUM}
    for row in ledger:
        p["b3"] = b3
        d = sum(-2.0 * (o - hand_forward(p, x)[2]) for x, o in zip(INPUTS, OBSERVED))
        assert row.loss == pytest.approx(hand_ssr(p), rel=1e-12)
        assert row.grads["b3"] == pytest.approx(d, rel=1e-12)
        assert row.step_sizes["b3"] == pytest.approx(d * LR, rel=1e-12)
        b3 -= d * LR
        assert row.new_values["b3"] == pytest.approx(b3, rel=1e-12)
    assert len(ledger) == len(hand_descent({**OPTIMUM, "b3": 0.0}, ["b3"], LR))


def test_main_ideas_final_b3_under_the_stopping_rule():
    model = network({"b3": 0.0})
    ledger = train(model, INPUTS, OBSERVED, params=["b3"], lr=LR)
    assert ledger.stop_reason == "min_step_size"
    # the rule: the last step is the first whose step size is below 0.001
    assert abs(ledger[-1].step_sizes["b3"]) < MIN_STEP_SIZE
    assert all(abs(r.step_sizes["b3"]) >= MIN_STEP_SIZE for r in ledger[:-1])
    assert same_as_published(ledger.final_values["b3"], MAIN_FINAL_B3)
    assert model.parameter("b3").data == ledger.final_values["b3"]
    # the other six did not move
    assert {n: v for n, v in model.parameter_values().items() if n != "b3"} == {
        n: v for n, v in OPTIMUM.items() if n != "b3"
    }


# --- Details Pt. 1: w3, w4, b3 -------------------------------------------------------

def exact_last_layer():
    """The zero-SSR (w3, w4, b3) for the optimum's hidden layer: a 3x3 linear system, by Cramer's rule."""
    rows = []
    for x in INPUTS:
        x1, x2, _ = hand_forward(OPTIMUM, x)
        rows.append([softplus(x1), softplus(x2), 1.0])

    def det(m):
        return (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]))

    d = det(rows)
    out = []
    for col in range(3):
        m = [r[:] for r in rows]
        for i in range(3):
            m[i][col] = OBSERVED[i]
        out.append(det(m) / d)
    return dict(zip(["w3", "w4", "b3"], out))


def test_details_1_exact_solution_rounds_to_published():
    exact = exact_last_layer()
    for name in ("w3", "w4", "b3"):
        assert same_as_published(exact[name], OPTIMUM[name])


def test_details_1_default_rule_matches_hand_descent():
    model = network(PT1_START)
    ledger = train(model, INPUTS, OBSERVED, params=["w3", "w4", "b3"], lr=LR)
    hand = hand_descent({**OPTIMUM, **PT1_START}, ["w3", "w4", "b3"], LR)
    assert len(ledger) == len(hand)
    for row, (grads, _sizes, new) in zip(ledger, hand):
        for n in ("w3", "w4", "b3"):
            assert row.grads[n] == pytest.approx(grads[n], rel=1e-9, abs=1e-12)
            assert row.new_values[n] == pytest.approx(new[n], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("how", [{"min_step_size": 1e-5}, {"steps": 1000}])
def test_details_1_reaches_published_to_two_decimals(how):
    # The default threshold 0.001 stops while the steps are still creeping
    # (see the test above); a smaller threshold or a fixed number of steps
    # reaches the zero-SSR solution, which rounds to the published values.
    model = network(PT1_START)
    ledger = train(model, INPUTS, OBSERVED, params=["w3", "w4", "b3"], lr=LR, **how)
    exact = exact_last_layer()
    for name in ("w3", "w4", "b3"):
        assert ledger.final_values[name] == pytest.approx(exact[name], abs=1e-3)
        assert same_as_published(ledger.final_values[name], OPTIMUM[name])


# --- Details Pt. 2: all seven ----------------------------------------------------------

def test_details_2_reaches_the_published_optimum_to_two_decimals():
    model = network(PT2_START)
    ledger = train(model, INPUTS, OBSERVED, lr=DETAILS_2_LEARNING_RATE, steps=DETAILS_2_STEPS)
    assert len(ledger) == DETAILS_2_STEPS and ledger.stop_reason == "steps"
    assert ledger.final_loss == pytest.approx(hand_ssr(ledger.final_values), abs=1e-15)
    assert ledger.final_loss < 1e-8
    for name in PARAMETER_NAMES:
        assert same_as_published(ledger.final_values[name], OPTIMUM[name]), name


def test_details_2_first_step_matches_hand_gradients():
    model = network(PT2_START)
    ledger = train(model, INPUTS, OBSERVED, lr=DETAILS_2_LEARNING_RATE, steps=1)
    hand = hand_gradients(PT2_START)
    for name in PARAMETER_NAMES:
        assert ledger[0].grads[name] == pytest.approx(hand[name], rel=1e-10, abs=1e-12)
        assert ledger[0].new_values[name] == pytest.approx(
            PT2_START[name] - hand[name] * DETAILS_2_LEARNING_RATE, rel=1e-10, abs=1e-12
        )


def test_details_2_at_lr_01_ends_at_another_zero_ssr_point():
    # As the reference notes: with three data points many zero-SSR solutions
    # exist, and at lr 0.1 descent lands on a different one.
    model = network(PT2_START)
    ledger = train(model, INPUTS, OBSERVED, lr=LR, steps=2000)
    assert ledger.final_loss < 1e-8
    assert not all(same_as_published(ledger.final_values[n], OPTIMUM[n]) for n in PARAMETER_NAMES)


def test_the_comment_on_the_lr_01_run_tells_both_runs_apart():
    # The numbers nn.statquest quotes for lr 0.1 are checked against the runs
    # they describe: the default stopping rule, and a fixed number of steps.
    import inspect
    import re

    source = " ".join(inspect.getsource(statquest).replace("#:", " ").replace("#", " ").split())
    stop = re.search(r"the stopping rule stops it at step (\d+) \(SSR ([\d.e-]+), w1 = ([\d.]+)\)", source)
    fixed = re.search(r"after (\d+) fixed steps or more it is at SSR < ([\d.e-]+), w1 = ([\d.]+), b1 = ([-\d.]+)",
                      source)
    assert stop and fixed, "the comment no longer states both runs"
    ruled = train(network(PT2_START), INPUTS, OBSERVED, lr=LR)
    assert ruled.stop_reason == "min_step_size" and len(ruled) == int(stop[1])
    assert f"{ruled.final_loss:.1e}" == stop[2]
    assert f"{ruled.final_values['w1']:.{len(stop[3]) - 2}f}" == stop[3]
    steps = int(fixed[1])
    run = train(network(PT2_START), INPUTS, OBSERVED, lr=LR, steps=steps)
    assert run.final_loss < float(fixed[2])
    assert f"{run.final_values['w1']:.{len(fixed[3]) - 2}f}" == fixed[3]
    assert f"{run.final_values['b1']:.{len(fixed[4]) - 3}f}" == fixed[4]

