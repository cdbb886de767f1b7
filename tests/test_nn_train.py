"""nn.train: the loop, its stopping rules, determinism and its errors."""

import re

import pytest

from engine import Value
from nn import MLP, NonFiniteLossError, gradient_descent, mse, ssr, train
from nn.statquest import DETAILS_2_START, network

INPUTS = [0.0, 0.5, 1.0]
OBSERVED = [0.0, 1.0, 0.0]


def test_gradient_descent_on_a_closure_over_loose_values():
    a = Value(0.0, "a")
    ledger = gradient_descent(lambda: ((a - 3.0) ** 2).relabel("f"), [a], lr=0.1)
    assert ledger.names == ("a",) and ledger.loss_name == "f"
    assert ledger.stop_reason == "min_step_size"
    # f'(a) = 2 (a - 3); the stop leaves a within step/(lr * 2) of 3
    assert abs(ledger[-1].grads["a"]) * 0.1 < 0.001
    assert a.data == pytest.approx(3.0, abs=0.01)
    first = ledger[0]
    assert first.grads["a"] == pytest.approx(2 * (0.0 - 3.0))
    assert first.new_values["a"] == pytest.approx(0.0 - 2 * (0.0 - 3.0) * 0.1)


def test_max_steps_stops_and_says_so():
    model = network(DETAILS_2_START)
    ledger = train(model, INPUTS, OBSERVED, lr=0.1, max_steps=7)
    assert len(ledger) == 7 and ledger.stop_reason == "max_steps"
    assert "max_steps = 7" in ledger.summary()


def test_fixed_steps_ignores_the_step_size_rule():
    # b3 alone converges in 10 steps under the rule; fixed mode keeps going
    model = network({"b3": 0.0})
    ledger = train(model, INPUTS, OBSERVED, params=["b3"], steps=25)
    assert len(ledger) == 25 and ledger.stop_reason == "steps"
    assert abs(ledger[-1].step_sizes["b3"]) < 0.001


def test_min_step_size_zero_runs_to_max_steps():
    ledger = train(network({"b3": 0.0}), INPUTS, OBSERVED, params=["b3"], min_step_size=0, max_steps=30)
    assert len(ledger) == 30 and ledger.stop_reason == "max_steps"


def test_each_row_is_consistent():
    ledger = train(network(DETAILS_2_START), INPUTS, OBSERVED, lr=0.05, steps=20)
    previous = dict(ledger.start)
    for row in ledger:
        for n in ledger.names:
            assert row.step_sizes[n] == row.grads[n] * 0.05
            assert row.new_values[n] == previous[n] - row.step_sizes[n]
        previous = row.new_values
    assert [r.step for r in ledger] == list(range(1, 21))


def test_untrained_parameters_stay_and_grads_are_the_last_steps():
    model = network(DETAILS_2_START)
    ledger = train(model, INPUTS, OBSERVED, params=["w3", model.parameter("b3")], steps=5)
    assert ledger.names == ("w3", "b3")
    for n in ("w1", "b1", "w2", "b2", "w4"):
        assert model.parameter(n).data == DETAILS_2_START[n]
    # grads are not summed over the steps: they are the last step's gradients
    assert model.parameter("w3").grad == ledger[-1].grads["w3"]
    assert model.parameter("b3").grad == ledger[-1].grads["b3"]


def test_a_parameter_outside_the_loss_graph_starts_each_step_from_a_zero_grad():
    # p is trained but the loss does not depend on it: dloss/dp = 0, so p must
    # not move, whatever stale grad it held before training.
    p = Value(1.0, "p")
    p.grad = 5.0
    ledger = gradient_descent(lambda: Value(2.0) * 1.0, [p], steps=1)
    assert ledger[0].grads["p"] == 0.0
    assert p.data == 1.0 and p.grad == 0.0


def test_training_is_deterministic():
    def run():
        model = MLP(2, [4, 1], activations=("tanh", "linear"), seed=5)
        xs = [[0.0, 1.0], [1.0, 0.5], [-1.0, 2.0], [0.3, -0.7]]
        ys = [1.0, -1.0, 0.5, 0.0]
        return train(model, xs, ys, lr=0.05, steps=50).to_csv(), model.parameter_values()

    assert run() == run()


def test_mse_loss_gives_gradients_over_n():
    a = train(network(DETAILS_2_START), INPUTS, OBSERVED, loss=ssr, steps=1)
    b = train(network(DETAILS_2_START), INPUTS, OBSERVED, loss=mse, steps=1)
    assert b.loss_name == "MSE"
    assert b[0].loss == pytest.approx(a[0].loss / 3)
    for n in a.names:
        assert b[0].grads[n] == pytest.approx(a[0].grads[n] / 3)


def test_several_outputs_need_a_target_sequence_each():
    model = MLP(1, [3, 2], seed=1)
    ledger = train(model, [0.0, 1.0], [[1.0, 0.0], [0.0, 1.0]], lr=0.1, steps=200)
    assert ledger.final_loss < ledger[0].loss
    with pytest.raises(ValueError, match="gives 2 outputs for sample 1,"):
        train(model, [0.0, 1.0], [1.0, 0.0], steps=1)


def test_training_reduces_the_loss_of_a_generic_mlp():
    model = MLP(1, [2, 1], activations=("softplus", "linear"), seed=0)
    ledger = train(model, INPUTS, OBSERVED, lr=0.1, steps=300)
    assert ledger.final_loss < 0.5 * ledger[0].loss


# ------------------------------------------------------------------ errors

def test_non_finite_loss_names_the_step_and_suggests_a_smaller_lr():
    model = network(DETAILS_2_START)
    with pytest.raises(NonFiniteLossError) as info:
        train(model, INPUTS, OBSERVED, lr=10)
    err = info.value
    message = str(err)
    assert f"at step {err.step}" in message
    # The hint was tried: lr=1 diverges too, lr=0.1 converges; the numbers are that run's.
    assert message.endswith("; lr=0.1 converges from the same start (472 steps, SSR 1.896 -> 0.0006185);"
                            " lr=1 diverges too")
    good = train(network(DETAILS_2_START), INPUTS, OBSERVED, lr=0.1)
    assert (len(good), good.stop_reason, round(good.final_loss, 7)) == (472, "min_step_size", 0.0006185)
    with pytest.raises(NonFiniteLossError):
        train(network(DETAILS_2_START), INPUTS, OBSERVED, lr=1)
    # Trying them left the model where training diverged.
    assert dict(model.named_parameters()).keys() == err.ledger.final_values.keys()
    assert {n: p.data for n, p in model.named_parameters()} == err.ledger.final_values
    assert err.lr == 10
    assert len(err.ledger) == err.step - 1  # the steps taken before it
    assert isinstance(err, FloatingPointError)


def test_the_ledger_of_a_diverged_run_says_it_diverged():
    with pytest.raises(NonFiniteLossError) as info:
        train(network(DETAILS_2_START), INPUTS, OBSERVED, lr=10)
    err = info.value
    ledger = err.ledger
    assert ledger.stop_reason == "diverged"
    summary = ledger.summary()
    first = summary.splitlines()[0]
    assert first == (
        f"{err.step - 1} steps at lr = 10; stopped because gradient descent diverged:"
        f" the loss SSR became inf at step {err.step}."
    )
    assert "max_steps" not in summary
    assert ledger.final_loss == float("inf")
    assert "SSR: " in summary and summary.splitlines()[1].endswith("-> inf")


def test_a_diverged_gradient_is_in_the_summary_too():
    a = Value(5e-324, "a")
    with pytest.raises(NonFiniteLossError) as info:
        gradient_descent(lambda: a.log(), [a], lr=0.1)
    ledger = info.value.ledger
    assert ledger.stop_reason == "diverged" and len(ledger) == 0
    assert "diverged: the gradient dloss/da became inf at step 1" in ledger.summary()


def test_wrong_input_size_names_the_sample():
    with pytest.raises(ValueError, match=r"train: sample 1 \(0.5\): MLP expects 2 inputs per sample, got 1"):
        train(MLP(2, [1]), [0.5], [1.0], steps=1)


def test_unknown_parameter_name():
    with pytest.raises(ValueError, match="train: unknown parameter name 'b4'.*w1, b1"):
        train(network(), INPUTS, OBSERVED, params=["b4"])
    with pytest.raises(ValueError, match="names or parameters of this model"):
        train(network(), INPUTS, OBSERVED, params=[Value(1.0)])


@pytest.mark.parametrize("lr, error", [(0, ValueError), (-0.1, ValueError), ("fast", TypeError)])
def test_bad_learning_rate(lr, error):
    with pytest.raises(error, match="train: learning rate"):
        train(network(), INPUTS, OBSERVED, lr=lr)


def test_bad_stopping_arguments():
    with pytest.raises(ValueError, match="either steps"):
        train(network(), INPUTS, OBSERVED, steps=10, max_steps=20)
    with pytest.raises(ValueError, match="max_steps must be a positive int"):
        train(network(), INPUTS, OBSERVED, max_steps=0)
    with pytest.raises(ValueError, match="steps must be a positive int"):
        train(network(), INPUTS, OBSERVED, steps=0)
    with pytest.raises(ValueError, match="min_step_size must be a number >= 0"):
        train(network(), INPUTS, OBSERVED, min_step_size=-1)


def test_bad_data():
    with pytest.raises(ValueError, match="same length, got 3 inputs and 2 targets"):
        train(network(), INPUTS, [0.0, 1.0])
    with pytest.raises(ValueError, match="no data"):
        train(network(), [], [])
    with pytest.raises(TypeError, match="inputs must be a list of samples"):
        train(network(), 0.5, [1.0])
    with pytest.raises(TypeError, match="model must be a callable nn Module"):
        train(lambda x: x, INPUTS, OBSERVED)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_a_non_finite_target_names_train_and_the_sample(bad):
    with pytest.raises(ValueError, match=rf"train: target 2 must be finite, got {bad!r}"):
        train(MLP(2, [1]), [[1, 2], [3, 4]], [0.0, bad], steps=1)
    with pytest.raises(ValueError, match=rf"train: target 1, output 2 must be finite, got {bad!r}"):
        train(MLP(1, [2]), [1.0], [[1.0, bad]], steps=1)


def test_a_non_finite_input_names_train_the_sample_and_the_input():
    with pytest.raises(ValueError, match=r"train: sample 1 \(\[nan, 2\]\): MLP: input 1 must be finite, got nan"):
        train(MLP(2, [1]), [[float("nan"), 2]], [0.0], steps=1)


@pytest.mark.parametrize("target, kind", [("a", "str"), (True, "bool"), (None, "NoneType")])
def test_a_target_that_is_not_a_number_names_train_and_the_sample(target, kind):
    with pytest.raises(TypeError, match=rf"train: target 1 must be a number .*, got {kind}"):
        train(MLP(2, [1]), [[1, 2]], [target], steps=1)
    with pytest.raises(TypeError, match=rf"train: target 1, output 2 must be a number, got {kind}"):
        train(MLP(1, [2]), [1.0], [[1.0, target]], steps=1)


def test_a_sequence_target_for_a_single_output_names_the_sample():
    message = r"train: the model gives 1 output for sample 1, so its target must be one number, got \[1.0\]"
    with pytest.raises(ValueError, match=message):
        train(MLP(2, [1]), [[1, 2]], [[1.0]], steps=1)


def test_loss_function_must_return_a_value():
    with pytest.raises(TypeError, match="the loss must be a Value"):
        gradient_descent(lambda: 1.0, [Value(1.0, "a")])


def test_an_overflow_in_the_forward_pass_is_reported_as_divergence():
    # f(a) = a^4 at lr 1: a jumps from 10 to -3990, then further out, until
    # a ** 4 no longer fits in a float.
    a = Value(10.0, "a")
    with pytest.raises(NonFiniteLossError, match=r"a number overflowed .* at step \d+ .*diverged\); lr=0\.001"
                       r" converges from the same start \(\d+ steps, loss 1e\+04 -> [\d.]+\); lr=0\.1 and lr=0\.01"
                       r" diverge too$"):
        gradient_descent(lambda: a ** 4, [a], lr=1.0)


def test_no_smaller_rate_that_descends_is_said_so():
    # f(a) = a^2 from a = 3: a step is a -> a (1 - 2 lr), so lr 100 and 10 diverge, lr 1 swings
    # between 3 and -3 for ever (the loss stays 9), and lr 0.1 (the suggestion) descends.
    a = Value(3.0, "a")
    with pytest.raises(NonFiniteLossError) as info:
        gradient_descent(lambda: a * a, [a], lr=1000.0)
    assert str(info.value).endswith("; lr=100, lr=10 and lr=1 do not descend from the same start either;"
                                    " try a smaller learning rate still, e.g. lr=0.1")
    a.data = 3.0
    assert gradient_descent(lambda: a * a, [a], lr=0.1).final_loss < 1e-4  # 9 * 0.8^60


def test_a_non_finite_gradient_is_reported_with_the_parameter_name():
    # d log(a) / da = 1 / a is inf for the smallest float, while log(a) is finite
    a = Value(5e-324, "a")
    with pytest.raises(NonFiniteLossError, match=r"the gradient dloss/da became inf at step 1"):
        gradient_descent(lambda: a.log(), [a], lr=0.1)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(min_step_size="0.1"), TypeError, "train: min_step_size must be a number, got str '0.1'"),
    (dict(min_step_size=float("nan")), ValueError, "train: min_step_size must be a number >= 0, got nan"),
    (dict(max_steps=2.5), ValueError, "train: max_steps must be a positive int, got 2.5"),
    (dict(steps=True), ValueError, "train: steps must be a positive int, got True"),
    (dict(lr=float("inf")), ValueError, "train: learning rate lr must be a positive finite number, got inf"),
    (dict(params=3), TypeError, "train: params must be a list of names or parameters, got int"),
])
def test_bad_training_options_name_train_and_the_option(kwargs, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        train(network(), INPUTS, OBSERVED, **kwargs)


def test_params_of_gradient_descent_must_be_values():
    with pytest.raises(TypeError, match=r"^gradient_descent: params must be a Module, a mapping of names to Values"
                                        r" or a list of Values, got int$"):
        gradient_descent(lambda: Value(1.0), 3)
    with pytest.raises(TypeError, match=r"^gradient_descent: parameter 'p2' must be a Value, got float$"):
        gradient_descent(lambda: Value(1.0), [Value(1.0), 2.0])


def test_the_users_own_errors_pass_through_train_unchanged():
    # train names its own checks' errors ("train: ..."); an error raised by the
    # user's loss or module is the user's, and keeps its message and class.
    class Refused(ValueError):
        pass

    def loss(observed, predicted):
        raise Refused("my loss refuses")

    with pytest.raises(Refused) as info:
        train(network(), [0.5], [1.0], loss=loss)
    assert str(info.value) == "my loss refuses"
    with pytest.raises(KeyError) as info:
        gradient_descent(lambda: {}["x"], [Value(1.0, "w")])
    assert str(info.value) == "'x'"
