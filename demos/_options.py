"""``--set`` for the articles' parameters, read the same way by ``demos.check`` and ``demos.practice``.

Usage errors are one line with exit status 2 (``viz.cli.parsing.OneLineParser``, which
both commands use), as ``python -m viz`` reports its errors.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from nn.statquest import PARAMETER_NAMES
from viz.cli.parsing import OneLineParser, parse_assignments
from viz.expression import ExpressionError

__all__ = ["OneLineParser", "UsageError", "parse_set", "finite_loss"]


class UsageError(ValueError):
    """A bad command line: printed as one line, exit status 2."""


def parse_set(items: Sequence[str]) -> dict[str, float]:
    """``["w1=3.34", "B3=0"]`` -> ``{"w1": 3.34, "b3": 0.0}``: ``--set`` for the articles' parameters.

    Names are the seven parameters, case-insensitively; each value a finite number.
    ``UsageError`` names the word that is wrong.
    """
    try:
        given = parse_assignments(items)
    except ExpressionError as err:
        raise UsageError(str(err)) from None
    values: dict[str, float] = {}
    for name, value in given.items():
        key = name.lower()
        if key not in PARAMETER_NAMES:
            raise UsageError(f"--set {name}: unknown parameter; the parameters are {', '.join(PARAMETER_NAMES)}")
        if key in values:
            raise UsageError(f"--set gives {key} twice")
        if not math.isfinite(value):
            raise UsageError(f"--set {key}: {value} is not a finite number")
        values[key] = value
    return values


def finite_loss(ssr: float) -> None:
    """``UsageError`` when the parameters make the SSR too large for a float (``--set w1=1e308``)."""
    if not math.isfinite(ssr):
        raise UsageError(f"--set: at these parameters the SSR is {ssr}, beyond a float; use smaller values")
