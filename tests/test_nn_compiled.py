"""train/gradient_descent(compiled=True): the eager run's ledger bit for bit, its errors word for word."""

import math

import pytest

import nn.statquest as sq
from engine import GraphChangedError, Value
from nn import MLP, NonFiniteLossError, gradient_descent, mse, train


def bits(ledger):
    """Everything a ledger holds, floats by their bits (so -0.0 is not 0.0 and nan equals nan)."""
    def b(x):
        return None if x is None else float(x).hex()
    return (ledger.names, b(ledger.lr), {k: b(v) for k, v in ledger.start.items()}, ledger.loss_name,
            ledger.min_step_size, ledger.max_steps, ledger.stop_reason, b(ledger.final_loss),
            ledger.stop_note, [b(x) for x in ledger.numbers])


def both(run):
    """``run(compiled)`` twice; the results, or the errors raised."""
    out = []
    for compiled in (False, True):
        try:
            out.append(run(compiled))
        except Exception as e:  # noqa: BLE001 - compared below
            out.append(e)
    return out


def articles(start, **options):
    def run(compiled):
        model = sq.network(start)
        ledger = train(model, list(sq.INPUTS), list(sq.OBSERVED), compiled=compiled, **options)
        return ledger, {n: (p.data, p.grad) for n, p in model.named_parameters() if n in ledger.names}
    return run


# Every training run of the demos (demos/gradient_descent.py), and more.
RUNS = {
    "main ideas, b3, stopping rule": articles(sq.MAIN_IDEAS_START, params=["b3"]),
    "details 1, stopping rule": articles(sq.DETAILS_1_START, params=["w3", "w4", "b3"]),
    "details 1, 1000 steps": articles(sq.DETAILS_1_START, params=["w3", "w4", "b3"], steps=1000),
    "details 2, lr 0.1, 5000 steps": articles(sq.DETAILS_2_START, steps=sq.DETAILS_2_STEPS),
    "details 2, lr 0.02, 5000 steps": articles(sq.DETAILS_2_START, lr=0.02, steps=sq.DETAILS_2_STEPS),
    "details 2, stopping rule": articles(sq.DETAILS_2_START),
    "details 2, max_steps 30": articles(sq.DETAILS_2_START, max_steps=30),
    "mse loss": articles(sq.DETAILS_2_START, loss=mse, steps=200),
}


@pytest.mark.parametrize("name", list(RUNS))
def test_compiled_training_gives_the_eager_ledger_bit_for_bit(name):
    (eager, eager_params), (compiled, compiled_params) = both(RUNS[name])
    assert bits(compiled) == bits(eager)
    assert str(compiled) == str(eager)
    # the trained parameters end as eager training leaves them: value and last gradient
    assert {n: (v.hex(), g.hex()) for n, (v, g) in compiled_params.items()} == {
        n: (v.hex(), g.hex()) for n, (v, g) in eager_params.items()}


def test_an_mlp_with_two_outputs_and_tanh():
    def run(compiled):
        model = MLP(2, [4, 2], seed=3)
        return train(model, [[0.1, 0.5], [-1.0, 2.0], [0.3, 0.3]], [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]],
                     steps=300, lr=0.05, compiled=compiled)
    eager, compiled = both(run)
    assert bits(compiled) == bits(eager)


def test_gradient_descent_with_a_custom_loss_and_a_list_of_parameters():
    a, b = Value(0.5, "a"), Value(-1.0, "b")

    def loss():  # relu's two cases, ** and a log on the way down
        return ((a * 2.0 - b).relu() + (a - 3.0) ** 2 + (b * b + 1.0).log() + (b ** 3).tanh()).relabel("L")

    def run(compiled):
        a.data, b.data = 0.5, -1.0
        return gradient_descent(loss, [a, b], lr=0.05, compiled=compiled)

    eager, compiled = both(run)
    assert bits(compiled) == bits(eager) and eager.loss_name == "L" and len(eager) > 10


@pytest.mark.parametrize(
    "lr, build",
    [
        (5.0, lambda a: (a * a) * (a * a)),  # the loss grows to inf
        (0.1, lambda a: (a * 1e-300 * 1e-20).log()),  # log of a tiny number: d/dx = 1/x is inf
        (50.0, lambda a: -(a * 3.0).exp()),  # exp overflows: OverflowError, reported as divergence
    ],
    ids=["loss-inf", "gradient-inf", "overflow"],
)
def test_divergence_is_the_eager_error_with_the_eager_ledger(lr, build):
    a = Value(1.0, "a")

    def run(compiled):
        a.data = 1.0
        return gradient_descent(lambda: build(a), [a], lr=lr, compiled=compiled)

    eager, compiled = both(run)
    assert isinstance(eager, NonFiniteLossError) and type(compiled) is type(eager)
    assert str(compiled) == str(eager) and compiled.step == eager.step
    assert bits(compiled.ledger) == bits(eager.ledger)


def test_a_domain_error_mid_training_is_the_eager_error():
    a = Value(3.0, "a")

    def run(compiled):
        a.data = 3.0
        return gradient_descent(lambda: (a - 1.0).log() + a * a, [a], lr=0.4, steps=20, compiled=compiled)

    eager, compiled = both(run)
    assert isinstance(eager, ValueError) and type(compiled) is type(eager)
    assert str(compiled) == str(eager) and "log" in str(eager)


def test_a_loss_that_branches_on_data_is_refused_after_training():
    a = Value(2.0, "a")

    def loss():
        return (a - 1.0) ** 2 if a.data > 1.5 else (a - 1.0) ** 2 * 1.0

    with pytest.raises(GraphChangedError, match="different graph than the one traced"):
        gradient_descent(loss, [a], lr=0.1, steps=50, compiled=True)


HOSTILE = [
    ("compiled a str", {"compiled": "yes"}, TypeError, "train: compiled must be True or False, got str 'yes'"),
    ("compiled an int", {"compiled": 1}, TypeError, "train: compiled must be True or False, got int 1"),
    ("compiled None", {"compiled": None}, TypeError, "train: compiled must be True or False, got NoneType"),
]


@pytest.mark.parametrize("what, options, error, message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_compiled_options(what, options, error, message):
    with pytest.raises(error, match=message):
        train(sq.network(), list(sq.INPUTS), list(sq.OBSERVED), steps=2, **options)
    with pytest.raises(error, match=message.replace("train", "gradient_descent")):
        a = Value(1.0)
        gradient_descent(lambda: a * a, [a], steps=2, **options)


@pytest.mark.parametrize(
    "loss, error",
    [
        (lambda a: 3.0, TypeError),  # not a Value
        (lambda a: (a * 1000.0).exp(), NonFiniteLossError),  # overflows at step 1
        (lambda a: (a - 5.0).log(), ValueError),  # log of a negative number at step 1
        (lambda a: a * 2.0 - a * a, None),  # a loss both paths take: the control row
    ],
    ids=["not-a-value", "overflow", "log-negative", "fine"],
)
def test_a_loss_refused_at_the_first_step_is_refused_in_the_eager_words(loss, error):
    a = Value(1.0, "a")

    def run(compiled):
        a.data = 1.0
        return gradient_descent(lambda: loss(a), [a], steps=3, compiled=compiled)

    eager, compiled = both(run)
    if error is None:
        assert bits(compiled) == bits(eager)
    else:
        assert isinstance(eager, error) and type(compiled) is type(eager) and str(compiled) == str(eager)


def test_a_parameter_that_is_not_a_leaf_is_refused_when_compiled():
    a = Value(1.0)
    b = a * 2.0
    with pytest.raises(ValueError, match="must be a leaf"):
        gradient_descent(lambda: b * b, {"b": b}, steps=2, compiled=True)


def test_compiled_final_loss_is_the_eager_evaluation():
    model = sq.network(sq.DETAILS_2_START)
    ledger = train(model, list(sq.INPUTS), list(sq.OBSERVED), steps=10, compiled=True)
    assert ledger.final_loss == sq.loss(model).data
    assert math.isfinite(ledger.final_loss)


@pytest.mark.parametrize("arg", ["sum_label", "out_label"])
@pytest.mark.parametrize("label", [3, b"x1", ["x1"]], ids=["int", "bytes", "list"])
def test_a_neuron_label_that_is_not_a_str_is_refused_when_set(arg, label):
    """Labels are checked once, when set: each forward pass then sets them without a check."""
    from nn import Neuron

    n = Neuron(1)
    with pytest.raises(TypeError, match=f"Neuron: {arg} must be a str or None, got {type(label).__name__}"):
        setattr(n, arg, label)


def test_a_ledger_works_out_compact_steps_as_sgd_takes_them():
    """Loss and gradients only: sizes (grad x lr) and new values (old - size) are SGD's floats."""
    from nn import Ledger

    ledger = Ledger(names=("a", "b"), lr=0.1, start={"a": 1.0, "b": -2.0})
    ledger.add_losses_and_grads([5.0, 0.3, -0.7, 4.0, 0.2, 0.1])
    assert len(ledger) == 2
    ledger.record(3.0, [1.0, 1.0], [0.1, 0.1], [0.0, 0.0])  # an eager step after them
    a1, b1 = 1.0 - 0.3 * 0.1, -2.0 - (-0.7 * 0.1)
    assert ledger.numbers == [5.0, 0.3, 0.3 * 0.1, a1, -0.7, -0.7 * 0.1, b1,
                              4.0, 0.2, 0.2 * 0.1, a1 - 0.2 * 0.1, 0.1, 0.1 * 0.1, b1 - 0.1 * 0.1,
                              3.0, 1.0, 0.1, 0.0, 1.0, 0.1, 0.0]
    assert ledger[1].new_values == {"a": a1 - 0.2 * 0.1, "b": b1 - 0.1 * 0.1} and len(ledger) == 3


@pytest.mark.parametrize("compiled", [False, True])
def test_untrained_leaves_keep_their_grads(compiled: bool) -> None:
    # x is data made once, outside loss_fn: every step's backward() adds dL/dx to
    # it; training must not leave that sum behind (nor touch what x held before).
    x, w = Value(0.5, "x"), Value(2.0, "w")
    x.grad = 7.0
    ledger = gradient_descent(lambda: (w * x - 3.0).square(), [w], lr=0.1, steps=5, compiled=compiled)
    assert x.grad == 7.0
    # w holds the last step's gradient, 2 (w x - 3) x at that step's w
    w_last = ledger[4].new_values["w"] + ledger[4].step_sizes["w"]
    assert w.grad == pytest.approx(2 * (w_last * 0.5 - 3.0) * 0.5, rel=1e-12)
