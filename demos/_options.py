"""Command-line pieces the checker and the practice share: one-line usage errors and ``--set``.

A usage error is one line on stderr, ``python -m demos.check: error: ...``, and exit
status 2, as ``python -m viz`` reports its errors.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from typing import NoReturn

from nn.statquest import PARAMETER_NAMES

__all__ = ["OneLineParser", "UsageError", "parse_set"]


class UsageError(ValueError):
    """A bad command line: printed as one line, exit status 2."""


class OneLineParser(argparse.ArgumentParser):
    """``ArgumentParser`` whose errors are one line (``prog: error: message``) with status 2."""

    def error(self, message: str) -> NoReturn:
        message = " ".join(message.split())
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def parse_set(items: Sequence[str]) -> dict[str, float]:
    """``["w1=3.34", "B3=0"]`` -> ``{"w1": 3.34, "b3": 0.0}``: ``--set`` for the articles' parameters.

    Names are the seven parameters, case-insensitively; each value a finite number.
    ``UsageError`` names the word that is wrong.
    """
    values: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        key = name.strip().lower()
        if not sep:
            raise UsageError(f"--set expects NAME=VALUE, got {item!r}")
        if key not in PARAMETER_NAMES:
            known = ", ".join(PARAMETER_NAMES)
            raise UsageError(f"--set {name.strip()}: unknown parameter; the parameters are {known}")
        if key in values:
            raise UsageError(f"--set gives {key} twice")
        try:
            value = float(text)
        except ValueError:
            raise UsageError(f"--set {key}: {text.strip()!r} is not a number") from None
        if not math.isfinite(value):
            raise UsageError(f"--set {key}: {text.strip()} is not a finite number")
        values[key] = value
    return values
