"""What both command lines read the same way (``python -m viz``, ``python -m demos.replay``).

``--set NAME=VALUE`` words (``parse_assignments``) and argparse's usage errors
on one line with exit status 2 (``OneLineParser``), as every chaingrad command
reports errors; an empty value (``-o ''``) is such an error for every option.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import NoReturn

from viz.expression import ExpressionError

__all__ = ["OneLineParser", "parse_assignments"]


class OneLineParser(argparse.ArgumentParser):
    """argparse with every usage error on one line (``prog: error: ... (see prog --help)``), status 2."""

    def error(self, message: str) -> NoReturn:
        message = " ".join(message.split())
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")

    def _get_value(self, action: argparse.Action, arg_string: str) -> object:
        # The one rule for every option and argument of every command: an empty value
        # (-o '', --leaf '', an empty expression) is refused, never silently taken as absent.
        if isinstance(arg_string, str) and not arg_string.strip() and arg_string is not action.default:
            name = "/".join(action.option_strings) or action.metavar or action.dest
            self.error(f"argument {name}: empty value; give {action.metavar or action.dest.upper()}")
        return super()._get_value(action, arg_string)


def parse_assignments(items: Sequence[str]) -> dict[str, float]:
    """``["w1=3.34", "x=0.5"]`` -> ``{"w1": 3.34, "x": 0.5}``: the ``--set NAME=VALUE`` words.

    A word without ``=``, a name that is not an identifier, a name given twice
    or a value that is not a number raises ``ExpressionError`` naming the word.
    """
    values: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ExpressionError(f"--set expects NAME=VALUE, got {item!r}")
        if name in values:
            raise ExpressionError(f"--set gives {name!r} twice")
        try:
            values[name] = float(text)
        except ValueError:
            raise ExpressionError(f"--set {name}: {text!r} is not a number") from None
    return values
