"""engine.format.format_number: one formatter, five styles, each as the text it replaced printed it.

The expected strings are written out by hand from each style's rule (module docstring);
they are the outputs of the formatters this one replaced (viz.chainrule.numbers.fmt, the replay's
format_number, the ledger's cells and losses, the demos' fixed decimals).
"""

import math

import pytest

from engine.format import STYLES, format_number

INF, NAN = math.inf, math.nan

CASES = [
    # general: Python's g with `digits` significant digits (the replay's text)
    (-4.703125, 4, "general", "-4.703"),
    (0.0, 4, "general", "0"),
    (-0.0, 4, "general", "0"),
    (1e-7, 4, "general", "1e-07"),
    (2.0, 3, "general", "2"),
    (12345.6, 4, "general", "1.235e+04"),
    (-15.73, 4, "general", "-15.73"),
    (INF, 4, "general", "inf"),
    (-INF, 4, "general", "-inf"),
    (NAN, 4, "general", "nan"),
    # significant: as general, but whole numbers from 10**digits up to 1e15 (drawings, explain)
    (3.3400001, 3, "significant", "3.34"),
    (-15.7349, 3, "significant", "-15.7"),
    (12345.6, 3, "significant", "12346"),
    (999.4, 3, "significant", "999"),
    (999.6, 3, "significant", "1e+03"),
    (1000.0, 3, "significant", "1000"),
    (2e15, 3, "significant", "2e+15"),
    (-0.0, 3, "significant", "0"),
    (1e-5, 3, "significant", "1e-05"),
    (0.000123456, 3, "significant", "0.000123"),
    (-INF, 3, "significant", "-inf"),
    # fixed: `digits` decimals, zero unsigned (demos)
    (2.60371, 6, "fixed", "2.603710"),
    (-2.60371, 4, "fixed", "-2.6037"),
    (-0.0000001, 6, "fixed", "0.000000"),
    (-0.0, 2, "fixed", "0.00"),
    (0.45, 1, "fixed", "0.5"),
    (-0.4, 0, "fixed", "0"),
    (1e7, 2, "fixed", "10000000.00"),
    # fixed_or_e: ledger cells
    (3.34, 4, "fixed_or_e", "3.3400"),
    (-0.00004, 4, "fixed_or_e", "-4.000e-05"),
    (0.0001, 4, "fixed_or_e", "0.0001"),
    (2_500_000.0, 4, "fixed_or_e", "2.500e+06"),
    (999_999.0, 4, "fixed_or_e", "999999.0000"),
    (-0.0, 4, "fixed_or_e", "0.0000"),
    (0.0, 1, "fixed_or_e", "0.0"),
    (0.00001, 1, "fixed_or_e", "1.0e-05"),
    (NAN, 4, "fixed_or_e", "nan"),
    (-INF, 4, "fixed_or_e", "-inf"),
    # loss: digits significant digits as it falls towards 0
    (20.42364, 4, "loss", "20.4236"),
    (0.0836712, 4, "loss", "0.08367"),
    (0.00215237, 4, "loss", "0.002152"),
    (0.000447, 4, "loss", "4.470e-04"),
    (0.5, 4, "loss", "0.5000"),
    (0.0, 4, "loss", "0.0000"),
    (3e6, 4, "loss", "3.000e+06"),
    (INF, 4, "loss", "inf"),
]


@pytest.mark.parametrize("x, digits, style, expected", CASES)
def test_each_style_prints_as_before(x, digits, style, expected):
    assert format_number(x, digits, style=style) == expected


def test_every_style_has_cases():
    assert {c[2] for c in CASES} == set(STYLES)


@pytest.mark.parametrize("style", STYLES)
def test_parens_wrap_exactly_the_negative_texts(style):
    for x in (-4.5, -INF, 4.5, 0.0, -0.0, NAN):
        plain = format_number(x, 4, style=style)
        expected = f"({plain})" if plain.startswith("-") else plain
        assert format_number(x, 4, style=style, parens=True) == expected
    assert format_number(-0.0000001, 6, style="fixed", parens=True) == "0.000000"  # rounds to an unsigned 0


def test_default_is_general_with_four_digits():
    assert format_number(math.pi) == "3.142"


BAD = [
    (dict(digits=-1), ValueError, "format_number: digits must be an int >= 0, got -1"),
    (dict(digits=2.0), ValueError, "digits must be an int >= 0, got 2.0"),
    (dict(digits=True), ValueError, "digits must be an int >= 0, got True"),
    (dict(style="sci"), ValueError, "style must be one of 'general', 'significant', .* got 'sci'"),
]


@pytest.mark.parametrize("kwargs, error, message", BAD)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        format_number(1.0, **kwargs)
