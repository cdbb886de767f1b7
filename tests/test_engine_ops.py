"""Every operation of the engine: forward value and local derivatives against
formulas written out here, and the engine's gradient against central differences
on many random inputs from each operation's safe domain."""

import math
import random
import sys
from decimal import Decimal
from fractions import Fraction

import pytest

from engine import Value, check_grad, numerical_grad

N_POINTS = 60  # random inputs per operation for the central-difference checks


def uniform(rng, lo, hi, avoid=None):
    """A float in [lo, hi], at least 0.05 away from `avoid` (a kink or a pole)."""
    while True:
        x = rng.uniform(lo, hi)
        if avoid is None or abs(x - avoid) > 0.05:
            return x


# name -> (build from Values, forward formula, local-derivative formulas, sampler)
# The formulas are independent of the engine's: e.g. tanh via exponentials,
# sigmoid' via e^-x / (1 + e^-x)^2, softplus' via 1 / (1 + e^-x).
OPS = {
    "+": (lambda a, b: a + b, lambda a, b: a + b, lambda a, b: (1.0, 1.0),
          lambda r: (uniform(r, -5, 5), uniform(r, -5, 5))),
    "-": (lambda a, b: a - b, lambda a, b: a - b, lambda a, b: (1.0, -1.0),
          lambda r: (uniform(r, -5, 5), uniform(r, -5, 5))),
    "*": (lambda a, b: a * b, lambda a, b: a * b, lambda a, b: (b, a),
          lambda r: (uniform(r, -5, 5), uniform(r, -5, 5))),
    "/": (lambda a, b: a / b, lambda a, b: a / b, lambda a, b: (1.0 / b, -a / b**2),
          lambda r: (uniform(r, -5, 5), r.choice([-1, 1]) * uniform(r, 0.5, 4))),
    "neg": (lambda a: -a, lambda a: -a, lambda a: (-1.0,), lambda r: (uniform(r, -5, 5),)),
    "**3": (lambda a: a**3, lambda a: a * a * a, lambda a: (3 * a * a,), lambda r: (uniform(r, -3, 3),)),
    "**-2": (lambda a: a**-2, lambda a: 1 / (a * a), lambda a: (-2 / (a * a * a),),
             lambda r: (r.choice([-1, 1]) * uniform(r, 0.5, 3),)),
    "**0.5": (lambda a: a**0.5, lambda a: math.sqrt(a), lambda a: (1 / (2 * math.sqrt(a)),),
              lambda r: (uniform(r, 0.1, 9),)),
    "**": (lambda a, b: a**b, lambda a, b: math.exp(b * math.log(a)),
           lambda a, b: (b * math.exp((b - 1) * math.log(a)), math.exp(b * math.log(a)) * math.log(a)),
           lambda r: (uniform(r, 0.2, 3), uniform(r, -2, 2))),
    "exp": (lambda a: a.exp(), lambda a: math.e**a, lambda a: (math.e**a,), lambda r: (uniform(r, -5, 5),)),
    "log": (lambda a: a.log(), lambda a: math.log(a), lambda a: (1 / a,), lambda r: (uniform(r, 0.05, 20),)),
    "softplus": (lambda a: a.softplus(), lambda a: math.log(1 + math.exp(a)),
                 lambda a: (1 / (1 + math.exp(-a)),), lambda r: (uniform(r, -8, 8),)),
    "sigmoid": (lambda a: a.sigmoid(), lambda a: 1 / (1 + math.exp(-a)),
                lambda a: (math.exp(-a) / (1 + math.exp(-a)) ** 2,), lambda r: (uniform(r, -8, 8),)),
    "tanh": (lambda a: a.tanh(), lambda a: (math.exp(2 * a) - 1) / (math.exp(2 * a) + 1),
             lambda a: (1 / math.cosh(a) ** 2,), lambda r: (uniform(r, -4, 4),)),
    "relu": (lambda a: a.relu(), lambda a: a if a > 0 else 0.0, lambda a: (1.0 if a > 0 else 0.0,),
             lambda r: (uniform(r, -5, 5, avoid=0.0),)),
    "square": (lambda a: a.square(), lambda a: a * a, lambda a: (2 * a,), lambda r: (uniform(r, -5, 5),)),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_forward_and_local_derivatives_match_the_formulas(name):
    build, forward, derivs, sample = OPS[name]
    rng = random.Random(sorted(OPS).index(name))
    for _ in range(20):
        xs = sample(rng)
        leaves = [Value(x) for x in xs]
        out = build(*leaves)
        assert out.op == name
        assert out.inputs == tuple(leaves)
        assert out.data == pytest.approx(forward(*xs), rel=1e-12, abs=1e-300)
        assert out.local_grads == pytest.approx(derivs(*xs), rel=1e-12, abs=1e-300)
        assert all(type(g) is float for g in out.local_grads)
        assert type(out.data) is float


@pytest.mark.parametrize("name", sorted(OPS))
def test_gradient_matches_central_differences(name):
    build, _, _, sample = OPS[name]
    rng = random.Random(1000 + len(name))
    for _ in range(N_POINTS):
        xs = sample(rng)
        result = check_grad(build, xs)
        assert result, (name, xs, result)


# Operators with a plain number on either side, ints and floats.
MIXED = {
    "x + 2": (lambda x: x + 2, lambda x: x + 2, lambda x: 1.0),
    "2 + x": (lambda x: 2 + x, lambda x: 2 + x, lambda x: 1.0),
    "x + 0.5": (lambda x: x + 0.5, lambda x: x + 0.5, lambda x: 1.0),
    "x - 3": (lambda x: x - 3, lambda x: x - 3, lambda x: 1.0),
    "3 - x": (lambda x: 3 - x, lambda x: 3 - x, lambda x: -1.0),
    "2.5 - x": (lambda x: 2.5 - x, lambda x: 2.5 - x, lambda x: -1.0),
    "x * 3": (lambda x: x * 3, lambda x: 3 * x, lambda x: 3.0),
    "3 * x": (lambda x: 3 * x, lambda x: 3 * x, lambda x: 3.0),
    "-1.5 * x": (lambda x: -1.5 * x, lambda x: -1.5 * x, lambda x: -1.5),
    "x / 4": (lambda x: x / 4, lambda x: x / 4, lambda x: 0.25),
    "x / 0.5": (lambda x: x / 0.5, lambda x: 2 * x, lambda x: 2.0),
    "4 / x": (lambda x: 4 / x, lambda x: 4 / x, lambda x: -4 / x**2),
    "1.5 / x": (lambda x: 1.5 / x, lambda x: 1.5 / x, lambda x: -1.5 / x**2),
    "2 ** x": (lambda x: 2**x, lambda x: math.exp(x * math.log(2)), lambda x: math.log(2) * 2**x),
    "0.5 ** x": (lambda x: 0.5**x, lambda x: math.exp(x * math.log(0.5)), lambda x: math.log(0.5) * 0.5**x),
}


@pytest.mark.parametrize("expr", sorted(MIXED))
def test_number_operands_in_both_orders(expr):
    build, forward, deriv = MIXED[expr]
    rng = random.Random(len(expr))
    for _ in range(20):
        x = rng.choice([-1, 1]) * rng.uniform(0.3, 3.0)
        v = Value(x, "x")
        out = build(v)
        assert out.data == pytest.approx(forward(x), rel=1e-12)
        out.backward()
        assert v.grad == pytest.approx(deriv(x), rel=1e-12)
        assert check_grad(build, [x])
        # the number became a constant leaf on the side where it was written
        (const,) = [i for i in out.inputs if i is not v]
        assert const.op == "const" and const.is_constant and const.is_leaf
        assert out.inputs.index(v) == (0 if expr.startswith("x") else 1)


def test_number_operands_become_constant_nodes_with_their_value():
    x = Value(1.5, "x")
    for out, number, position in [(x * 2, 2.0, 1), (2 * x, 2.0, 0), (x - 7, 7.0, 1), (0.25 / x, 0.25, 0)]:
        const = out.inputs[position]
        assert const.op == "const"
        assert const.data == number and type(const.data) is float
        assert const.label is None and const.inputs == () and const.local_grads == ()
        assert out.inputs[1 - position] is x


def test_power_op_names_carry_the_exponent():
    x = Value(2.0)
    assert (x**2).op == "**2"
    assert (x**2.0).op == "**2"
    assert (x**-1).op == "**-1"
    assert (x**0.5).op == "**0.5"
    assert (x**1.25).op == "**1.25"
    assert (x**7).op == "**7"
    assert (x ** Value(3.0)).op == "**"
    assert (2 ** x).op == "**"


def test_power_edge_cases_by_hand():
    # x ** 0 = 1 with derivative 0; 0 ** n = 0 with derivative n * 0 ** (n-1).
    z = Value(0.0)
    assert ((Value(3.0) ** 0).data, (Value(3.0) ** 0).local_grads) == (1.0, (0.0,))
    assert ((z**1).data, (z**1).local_grads) == (0.0, (1.0,))
    assert ((z**2).data, (z**2).local_grads) == (0.0, (0.0,))
    assert ((z**3).data, (z**3).local_grads) == (0.0, (0.0,))
    # negative base, integer exponent: (-2)^3 = -8, derivative 3 * 4 = 12
    assert ((Value(-2.0) ** 3).data, (Value(-2.0) ** 3).local_grads) == (-8.0, (12.0,))
    assert ((Value(-2.0) ** -1).data, (Value(-2.0) ** -1).local_grads) == (-0.5, (-0.25,))


def test_unary_plus_is_the_same_node():
    x = Value(1.0)
    assert +x is x


def test_relu_derivative_at_zero_is_zero():
    out = Value(0.0).relu()
    assert (out.data, out.local_grads) == (0.0, (0.0,))


def test_numerical_grad_itself_on_a_polynomial():
    # d/dx (x^3 y) = 3 x^2 y, d/dy = x^3, at (1.5, -2)
    g = numerical_grad(lambda x, y: x * x * x * y, [1.5, -2.0])
    assert g == pytest.approx([3 * 1.5**2 * -2.0, 1.5**3], rel=1e-7)


# ------------------------------------------------------------------ stability


def test_softplus_is_stable_at_large_inputs():
    big = Value(1000.0).softplus()
    assert big.data == 1000.0  # ln(1 + e^1000) = 1000 + ln(1 + e^-1000), and e^-1000 rounds away
    assert big.local_grads == (1.0,)  # sigmoid(1000) = 1 to double precision
    small = Value(-1000.0).softplus()
    # ln(1 + e^-1000) ~ e^-1000 ~ 5e-435 is below the smallest double, so it
    # rounds to 0.0 (never negative, never NaN); e^-700 ~ 1e-304 is representable:
    assert 0.0 <= small.data < 1e-300 and small.local_grads[0] >= 0.0
    assert Value(-700.0).softplus().data == pytest.approx(math.exp(-700), rel=1e-12)
    assert Value(-700.0).softplus().data > 0.0
    assert Value(40.0).softplus().data == pytest.approx(40.0 + math.exp(-40), rel=1e-15)


def test_sigmoid_and_tanh_saturate_without_overflow():
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().local_grads == (0.0,)
    assert Value(-1000.0).sigmoid().local_grads == (0.0,)
    assert Value(1000.0).tanh().data == 1.0 and Value(-1000.0).tanh().data == -1.0
    assert Value(1000.0).tanh().local_grads == (0.0,)
    for x in (-1000.0, -745.0, -30.0, 30.0, 745.0, 1000.0):
        for out in (Value(x).sigmoid(), Value(x).softplus(), Value(x).tanh()):
            assert math.isfinite(out.data) and all(math.isfinite(g) for g in out.local_grads)


# ------------------------------------------------------------------ extreme magnitudes
# A local derivative may lie outside the float range while the forward value
# does not; it is then +-inf (IEEE, as a product that overflows), never an
# exception and never a wrong finite number.


def test_division_by_a_tiny_denominator_gives_an_infinite_local_derivative():
    q = Value(1.0) / Value(1e-200)
    assert q.data == 1.0 / 1e-200
    # d(a/b)/db = -a / b^2 = -1e400: beyond the float range
    assert q.local_grads == (1.0 / 1e-200, -math.inf)


@pytest.mark.parametrize("a, b", [(1e300, 1e200), (1e-170, 1e-160), (2e-20, 3e-157)])
def test_division_local_derivative_is_accurate_when_b_squared_is_not_a_float(a, b):
    # b^2 overflows (1e400) or is subnormal (1e-320, 9e-314); the exact
    # -a / b^2, by Fraction, must still come out to full precision.
    q = Value(a) / Value(b)
    exact = -Fraction(a) / (Fraction(b) * Fraction(b))
    assert q.local_grads[1] == pytest.approx(float(exact), rel=1e-15, abs=0)


def test_negative_powers_of_tiny_bases():
    # (1e-200)^-1 = 1e200 fits; its derivative -1 * (1e-200)^-2 = -1e400 does not
    p = Value(1e-200) ** -1
    assert p.data == pytest.approx(1e200, rel=1e-15) and p.local_grads == (-math.inf,)
    v = Value(1e-200) ** Value(-1.0)
    assert v.data == pytest.approx(1e200, rel=1e-15)
    assert v.local_grads[0] == -math.inf
    assert v.local_grads[1] == pytest.approx(1e200 * math.log(1e-200), rel=1e-14)


def test_a_derivative_that_fits_although_a_to_the_n_minus_1_does_not():
    # d(a^-0.5)/da = -0.5 a^-1.5: for this a, a^-1.5 ~ 2.5e308 is beyond the
    # float range but half of it is not. Exact value by Decimal.
    a = 2.518e-206
    exact = Decimal(-0.5) * Decimal(a) ** Decimal(-1.5)
    assert abs(exact) < Decimal(sys.float_info.max) < 2 * abs(exact)
    assert (Value(a) ** -0.5).local_grads[0] == pytest.approx(float(exact), rel=1e-13, abs=0)
