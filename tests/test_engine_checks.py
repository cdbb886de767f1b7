"""engine.checks: each check passes good arguments through and names function, argument and value."""

import fractions
import math

import pytest

from engine import Value
from engine.checks import (
    check_choice,
    check_finite,
    check_int,
    check_non_negative,
    check_positive,
    check_positive_int,
    check_real,
    check_str,
    check_value,
    did_you_mean,
)

V = Value(1.0, "v")

GOOD = [
    (check_real, (3,), 3.0),
    (check_real, (2.5,), 2.5),
    (check_real, (fractions.Fraction(1, 4),), 0.25),
    (check_real, (math.inf,), math.inf),
    (check_finite, (-7,), -7.0),
    (check_positive, (1e-12,), 1e-12),
    (check_non_negative, (0,), 0.0),
    (check_positive_int, (1,), 1),
    (check_int, (0, 0), 0),
    (check_int, (17, 1, 17), 17),
    (check_str, ("",), ""),
    (check_str, ("x",), "x"),
]


@pytest.mark.parametrize("check, args, expected", GOOD)
def test_good_arguments_pass_through(check, args, expected):
    value, *rest = args
    got = check(value, "f", "a", *rest)
    assert got == expected and type(got) is type(expected)


# (check, value, extra args, error, full message)
BAD = [
    (check_real, True, (), TypeError, "train: lr must be a number, got bool True"),
    (check_real, "0.1", (), TypeError, "train: lr must be a number, got str '0.1'"),
    (check_real, None, (), TypeError, "train: lr must be a number, got NoneType None"),
    (check_real, 1j, (), TypeError, "train: lr must be a number, got complex 1j"),
    (check_real, V, (), TypeError, "train: lr must be a number, got Value Value(label='v', data=1, grad=0)"),
    (check_real, 10**400, (), ValueError, "train: lr is too large for a float, got 1000"),
    (check_finite, math.nan, (), ValueError, "train: lr must be finite, got nan"),
    (check_finite, -math.inf, (), ValueError, "train: lr must be finite, got -inf"),
    (check_finite, False, (), TypeError, "train: lr must be a number, got bool False"),
    (check_finite, "x", ("a number or a Value",), TypeError, "train: lr must be a number or a Value, got str 'x'"),
    (check_real, None, ("a float",), TypeError, "train: lr must be a float, got NoneType None"),
    (check_positive, 0, (), ValueError, "train: lr must be a positive finite number, got 0"),
    (check_positive, -0.5, (), ValueError, "train: lr must be a positive finite number, got -0.5"),
    (check_positive, math.inf, (), ValueError, "train: lr must be a positive finite number, got inf"),
    (check_positive, math.nan, (), ValueError, "train: lr must be a positive finite number, got nan"),
    (check_non_negative, -1e-9, (), ValueError, "train: lr must be a number >= 0, got -1e-09"),
    (check_non_negative, math.nan, (), ValueError, "train: lr must be a number >= 0, got nan"),
    (check_positive_int, 0, (), ValueError, "train: lr must be a positive int, got 0"),
    (check_positive_int, 2.0, (), ValueError, "train: lr must be a positive int, got 2.0"),
    (check_positive_int, True, (), ValueError, "train: lr must be a positive int, got True"),
    (check_positive_int, "3", (), ValueError, "train: lr must be a positive int, got '3'"),
    (check_int, -1, (0,), ValueError, "train: lr must be an int >= 0, got -1"),
    (check_int, 18, (1, 17), ValueError, "train: lr must be an int between 1 and 17, got 18"),
    (check_int, False, (0,), ValueError, "train: lr must be an int >= 0, got False"),
    (check_str, 3, (), TypeError, "train: lr must be a str, got int 3"),
    (check_str, b"x", (), TypeError, "train: lr must be a str, got bytes b'x'"),
    (check_value, 2.0, (), TypeError, "train: lr must be a Value, got float"),
    (check_value, None, ("an engine Value",), TypeError, "train: lr must be an engine Value, got NoneType"),
]


@pytest.mark.parametrize("check, value, extra, error, message", BAD)
def test_bad_arguments_name_function_argument_and_value(check, value, extra, error, message):
    with pytest.raises(error) as info:
        check(value, "train", "lr", *extra)
    assert str(info.value).startswith(message)


def test_non_empty_str():
    with pytest.raises(ValueError, match="^f: name must be a non-empty str$"):
        check_str("", "f", "name", empty=False)


def test_check_value_returns_the_value():
    assert check_value(V, "f", "root") is V


CHOICES = ["relu", "sigmoid", "softplus", "tanh"]

CHOICE_ERRORS = [
    ("sigmiod", ValueError,
     "MLP: unknown activation 'sigmiod'; did you mean 'sigmoid'? choose one of 'relu', 'sigmoid', 'softplus', 'tanh'"),
    ("zzz", ValueError, "MLP: unknown activation 'zzz'; choose one of 'relu', 'sigmoid', 'softplus', 'tanh'"),
    ("", ValueError, "MLP: unknown activation ''; choose one of "),
    ("Relu", ValueError, "MLP: unknown activation 'Relu'; did you mean 'relu'?"),
    (None, TypeError, "MLP: activation must be a str, got NoneType None"),
    (1, TypeError, "MLP: activation must be a str, got int 1"),
]


@pytest.mark.parametrize("value, error, message", CHOICE_ERRORS)
def test_check_choice(value, error, message):
    assert check_choice("tanh", iter(CHOICES), "MLP", "activation") == "tanh"
    with pytest.raises(error) as info:
        check_choice(value, CHOICES, "MLP", "activation")
    assert str(info.value).startswith(message)


def test_did_you_mean():
    assert did_you_mean("w5", ["b1", "w1", "x1"]) == "did you mean 'w1'? "
    assert did_you_mean("w", ["w1", "w2", "b1"]) == "did you mean 'w1' or 'w2'? "
    assert did_you_mean("loss", ["w1", "b1"]) == ""
    assert did_you_mean("x", []) == ""
