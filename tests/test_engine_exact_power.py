"""x ** n for an integer n beyond 2**53: the local derivative n x^(n-1) keeps the odd exponent's sign."""

import math

import pytest

from engine import Value


@pytest.mark.parametrize("n", [2.0**54, -(2.0**54), 2.0**60 + 2.0**8, 2.0**53 + 2.0])
def test_minus_one_to_a_huge_even_power_has_derivative_minus_n(n):
    # n is even (every float beyond 2**53 is), so n - 1 is odd: (-1)^(n-1) = -1, and d/dx = -n exactly.
    node = Value(-1.0) ** n
    assert node.data == 1.0
    assert node.local_grads == (-n,)
    assert int(node.local_grads[0]) == -int(n)


def test_a_base_near_one_to_a_huge_power_matches_the_closed_form():
    # (1 - 2^-53)^(2^54) = exp(2^54 * log1p(-2^-53)) ~ e^-2; d/dx = n x^n / x.
    x, n = 1.0 - 2.0**-53, 2.0**54
    expected = n * math.exp(n * math.log1p(-(2.0**-53))) / x
    assert (Value(x) ** n).local_grads[0] == pytest.approx(expected, rel=1e-12)


def test_ordinary_integer_powers_are_unchanged():
    assert (Value(2.0) ** 3).local_grads == (12.0,)
    assert (Value(-2.0) ** 3).local_grads == (12.0,)
