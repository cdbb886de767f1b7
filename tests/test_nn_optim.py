"""nn.optim: SGD's step (new = old - grad x lr) and its checks."""

import pytest

from engine import Value
from nn import SGD


def test_step_moves_by_minus_grad_times_lr_and_returns_step_sizes():
    a, b = Value(1.0, "a"), Value(-2.0, "b")
    a.grad, b.grad = 3.0, -0.5
    sizes = SGD([a, b], lr=0.1).step()
    assert sizes == [pytest.approx(0.3), pytest.approx(-0.05)]
    assert a.data == pytest.approx(1.0 - 3.0 * 0.1)
    assert b.data == pytest.approx(-2.0 - (-0.5) * 0.1)


def test_descends_a_parabola():
    # f(x) = (x - 3)^2, minimum at x = 3
    x = Value(0.0)
    opt = SGD([x], lr=0.1)
    for _ in range(200):
        opt.zero_grad()
        ((x - 3.0) ** 2).backward()
        opt.step()
    assert x.data == pytest.approx(3.0, abs=1e-9)


def test_zero_grad():
    a = Value(1.0)
    a.grad = 5.0
    SGD([a], 0.1).zero_grad()
    assert a.grad == 0.0


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf")])
def test_bad_learning_rate_values(lr):
    with pytest.raises(ValueError, match="learning rate lr must be a positive finite number"):
        SGD([Value(1.0)], lr)


@pytest.mark.parametrize("lr", ["0.1", None, True])
def test_bad_learning_rate_types(lr):
    with pytest.raises(TypeError, match="learning rate lr must be a number"):
        SGD([Value(1.0)], lr)


def test_bad_parameter_lists():
    with pytest.raises(ValueError, match="empty"):
        SGD([], 0.1)
    with pytest.raises(TypeError, match="SGD: parameter 2 must be a Value, got float"):
        SGD([Value(1.0), 2.0], 0.1)
    a = Value(1.0)
    with pytest.raises(ValueError, match="more than once"):
        SGD([a, a], 0.1)
    with pytest.raises(TypeError, match="got one Value"):
        SGD(a, 0.1)


def test_a_module_stands_for_its_parameters():
    from nn import MLP
    model = MLP(1, [2, 1])
    opt = SGD(model, 0.1)
    assert opt.parameters == model.parameters()


def test_something_not_iterable_hints_at_parameters():
    message = r"SGD: parameters must be a Module or an iterable of Values \(e.g. model.parameters\(\)\), got float"
    with pytest.raises(TypeError, match=message):
        SGD(1.5, 0.1)
