"""engine.gradcheck (central differences) and engine.functions (call forms)."""

import math
import random

import pytest

import engine
from engine import FUNCTIONS, GradCheck, Value, check_grad, numerical_grad

# ------------------------------------------------------------------ numerical_grad


def test_numerical_grad_of_a_product_and_a_sine_free_formula():
    # f = x^2 y + y, df/dx = 2xy, df/dy = x^2 + 1
    g = numerical_grad(lambda x, y: x * x * y + y, [1.5, -0.5])
    assert g == pytest.approx([2 * 1.5 * -0.5, 1.5**2 + 1], rel=1e-8)


def test_numerical_grad_accepts_functions_returning_floats_and_values_as_points():
    g = numerical_grad(lambda x: x.data**3, [Value(2.0)])
    assert g == pytest.approx([12.0], rel=1e-7)


def test_numerical_grad_error_shrinks_like_h_squared():
    # Central differences: error ~ f'''(x) h^2 / 6; for exp at 0 that is h^2 / 6.
    exact = 1.0
    e1 = abs(numerical_grad(lambda x: x.exp(), [0.0], h=1e-2)[0] - exact)
    e2 = abs(numerical_grad(lambda x: x.exp(), [0.0], h=1e-3)[0] - exact)
    assert e1 == pytest.approx(1e-4 / 6, rel=1e-2)
    assert e2 < e1 / 50


@pytest.mark.parametrize("check", [numerical_grad, check_grad])
@pytest.mark.parametrize("h", [0, -1e-6, -math.inf, math.inf, math.nan])
def test_a_step_that_is_not_positive_and_finite_is_a_value_error(check, h):
    with pytest.raises(ValueError, match=rf"{check.__name__}: step h must be a positive finite number, got {h!r}"):
        check(lambda x: x, [1.0], h=h)


@pytest.mark.parametrize("check", [numerical_grad, check_grad])
@pytest.mark.parametrize("h, shown", [(True, "bool True"), ("0.1", "str '0.1'"), (None, "NoneType None"),
                                      ([1e-6], r"list \[1e-06\]")])
def test_a_step_that_is_not_a_number_is_a_type_error(check, h, shown):
    with pytest.raises(TypeError, match=rf"{check.__name__}: step h must be a number, got {shown}"):
        check(lambda x: x, [1.0], h=h)


@pytest.mark.parametrize("x, name", [("1", "str"), (None, "NoneType"), (True, "bool")])
def test_bad_point_is_a_type_error(x, name):
    with pytest.raises(TypeError, match=rf"check_grad: argument 0 must be a number, got {name}"):
        check_grad(lambda v: v, [x])


@pytest.mark.parametrize("check", [numerical_grad, check_grad])
@pytest.mark.parametrize("xs", [1.0, 2, Value(1.0), None, "12"])
def test_the_point_must_be_a_sequence(check, xs):
    name = check.__name__
    message = rf"{name}: xs must be a sequence of numbers \(one per argument of f\), got {type(xs).__name__}"
    with pytest.raises(TypeError, match=message):
        check(lambda v: v, xs)


@pytest.mark.parametrize("check", [numerical_grad, check_grad])
def test_a_non_finite_point_names_the_function_and_the_argument(check):
    with pytest.raises(ValueError, match=rf"{check.__name__}: argument 1 must be finite, got nan"):
        check(lambda a, b: a * b, [1.0, float("nan")])


# ------------------------------------------------------------------ check_grad


def test_check_grad_agrees_on_a_composite_function():
    f = lambda a, b, c: ((a * b).sigmoid() + c.softplus() / (1 + a.square())).log()  # noqa: E731
    rng = random.Random(3)
    for _ in range(30):
        xs = [rng.uniform(0.1, 2.0), rng.uniform(-2.0, 2.0), rng.uniform(-2.0, 2.0)]
        result = check_grad(f, xs)
        assert isinstance(result, GradCheck)
        assert result.ok and bool(result)
        assert len(result.analytic) == len(result.numeric) == 3
        assert max(result.errors) <= result.atol + result.rtol * max(map(abs, result.numeric))


def test_check_grad_catches_a_wrong_local_derivative(monkeypatch):
    # A tanh whose recorded local derivative is off by 1%: forward values (all
    # the numerical estimate sees) are right, the analytic gradient is not.
    real_tanh = Value.tanh

    def wrong_tanh(self):
        out = real_tanh(self)
        out.local_grads = (out.local_grads[0] * 1.01,)
        return out

    f = lambda x: (x * 2).tanh()  # noqa: E731
    assert check_grad(f, [0.3])
    monkeypatch.setattr(Value, "tanh", wrong_tanh)
    result = check_grad(f, [0.3])
    assert not result and not result.ok
    # d/dx tanh(2x) = 2 (1 - tanh(2x)^2): the numeric side is still right
    assert result.numeric[0] == pytest.approx(2 * (1 - math.tanh(0.6) ** 2), rel=1e-8)
    assert result.analytic[0] == pytest.approx(1.01 * 2 * (1 - math.tanh(0.6) ** 2), rel=1e-12)


def test_check_grad_catches_a_patched_node_in_the_graph():
    def f(x, y):
        out = x * y
        out.local_grads = (out.local_grads[1], out.local_grads[0])  # swapped: d/dx = x, wrong
        return out

    result = check_grad(f, [2.0, 5.0])
    assert not result
    assert result.analytic == [2.0, 5.0] and result.numeric == pytest.approx([5.0, 2.0], rel=1e-8)


def test_check_grad_requires_a_value():
    with pytest.raises(TypeError, match=r"check_grad: f must return a Value, got float"):
        check_grad(lambda x: 1.0, [1.0])


def test_gradcheck_tolerances_are_respected():
    ok = GradCheck(analytic=[1.0], numeric=[1.0 + 1e-6], rtol=1e-5, atol=0.0)
    bad = GradCheck(analytic=[1.0], numeric=[1.0 + 1e-4], rtol=1e-5, atol=0.0)
    assert ok and not bad
    assert bad.errors == pytest.approx([1e-4])


# ------------------------------------------------------------------ functions


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_call_forms_equal_the_methods(name):
    fn = FUNCTIONS[name]
    assert fn is getattr(engine, name)
    x = 0.7
    a, b = Value(x), Value(x)
    by_call, by_method = fn(a), getattr(b, name)()
    assert by_call.op == by_method.op == name
    assert by_call.data == by_method.data and by_call.local_grads == by_method.local_grads
    assert by_call.inputs == (a,)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_call_forms_wrap_plain_numbers_as_constants(name):
    out = FUNCTIONS[name](2)
    (const,) = out.inputs
    assert const.op == "const" and const.data == 2.0
    assert out.data == getattr(Value(2.0), name)().data


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_call_forms_refuse_non_numbers_naming_function_and_type(name):
    with pytest.raises(TypeError, match=rf"{name}: expected a Value or a real number, got str"):
        FUNCTIONS[name]("1.0")


def test_functions_table_lists_all_the_unary_ops():
    assert set(FUNCTIONS) == {"exp", "log", "softplus", "sigmoid", "tanh", "relu", "square"}
