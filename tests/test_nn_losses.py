"""nn.losses: ssr and mse, their graphs, gradients and errors."""

import pytest

from engine import Value, topological_order
from nn import mse, ssr

OBSERVED = [0.0, 1.0, 0.0]
PREDICTED = [-2.5, -1.25, 0.75]


def test_ssr_value_and_label():
    preds = [Value(p) for p in PREDICTED]
    loss = ssr(OBSERVED, preds)
    assert loss.label == "SSR"
    assert loss.data == pytest.approx(sum((o - p) ** 2 for o, p in zip(OBSERVED, PREDICTED)))


def test_ssr_gradient_is_minus_two_residual():
    preds = [Value(p) for p in PREDICTED]
    ssr(OBSERVED, preds).backward()
    for o, p in zip(OBSERVED, preds):
        assert p.grad == pytest.approx(-2.0 * (o - p.data))


def test_ssr_graph_is_residual_then_square_then_sum():
    pred = Value(0.75, "predicted")
    loss = ssr([2.0], [pred])
    # one pair: the loss is the square of observed - predicted
    assert loss.op == "square"
    residual = loss.inputs[0]
    assert residual.op == "-" and residual.inputs[1] is pred
    observed = residual.inputs[0]  # plain-number data become labelled leaves
    assert observed.is_leaf and not observed.is_constant
    assert observed.label == "observed" and observed.data == 2.0
    assert residual.local_grads == (1.0, -1.0)
    assert loss.local_grads == (2.0 * (2.0 - 0.75),)
    # three pairs: a chain of '+' over three squares
    loss3 = ssr(OBSERVED, [Value(p) for p in PREDICTED])
    assert loss3.op == "+" and loss3.inputs[1].op == "square"


def test_observed_values_are_used_as_given_or_become_observed_leaves():
    given = Value(1.0, "target")
    for loss in (ssr, mse):
        graph = loss([given, 0.0, 2], [Value(0.5), Value(0.25), Value(1.0)])
        leaves = [n for n in topological_order(graph) if n.is_leaf]
        assert given in leaves  # a Value is used as it is
        made = [n for n in leaves if n.label == "observed"]
        assert sorted(n.data for n in made) == [0.0, 2.0]
        assert all(not n.is_constant for n in made)
    # Two plain numbers: still a graph, with the observed value as a leaf.
    both = ssr([3.0], [1.0])
    assert both.data == (3.0 - 1.0) ** 2
    assert [n.label for n in topological_order(both) if n.is_leaf and not n.is_constant] == ["observed"]


def test_mse_is_ssr_over_n():
    preds = [Value(p) for p in PREDICTED]
    loss = mse(OBSERVED, preds)
    loss.backward()
    n = len(OBSERVED)
    assert loss.label == "MSE"
    assert loss.data == pytest.approx(sum((o - p) ** 2 for o, p in zip(OBSERVED, PREDICTED)) / n)
    for o, p in zip(OBSERVED, preds):
        assert p.grad == pytest.approx(-2.0 * (o - p.data) / n)


def test_plain_numbers_are_accepted():
    assert ssr([1.0, 2.0], [0.0, 0.0]).data == 5.0


@pytest.mark.parametrize("loss", [ssr, mse])
def test_length_mismatch_is_a_clear_error(loss):
    with pytest.raises(ValueError, match="same length, got 3 observed and 2 predicted"):
        loss([0.0, 1.0, 0.0], [Value(1.0), Value(2.0)])
    with pytest.raises(ValueError, match="at least one"):
        loss([], [])


@pytest.mark.parametrize("loss", [ssr, mse])
def test_wrong_types(loss):
    with pytest.raises(TypeError, match="observed must be a sequence"):
        loss(1.0, [Value(1.0)])
    with pytest.raises(TypeError, match=r"predicted\[1\] must be a number or a Value.*more than one output"):
        loss([1.0], [[Value(1.0), Value(2.0)]])
    with pytest.raises(TypeError, match=r"observed\[2\] must be a number"):
        loss([1.0, "2"], [Value(1.0), Value(2.0)])


@pytest.mark.parametrize("loss", [ssr, mse])
@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_numbers_name_the_loss_and_the_index(loss, bad):
    name = loss.__name__
    with pytest.raises(ValueError, match=rf"{name}: observed\[2\] must be finite, got {bad!r}"):
        loss([0.0, bad], [Value(1.0), Value(2.0)])
    with pytest.raises(ValueError, match=rf"{name}: predicted\[1\] must be finite, got {bad!r}"):
        loss([0.0, 1.0], [bad, Value(2.0)])
