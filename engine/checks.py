"""Argument checks shared by engine, nn, viz and demos.

Each check returns the argument (as the type it promises) or raises one
``TypeError``/``ValueError`` whose message names the function, the argument and
the value: ``check_real(x, "train", "lr")`` -> ``train: lr must be a number,
got str 'a'``. ``func`` and ``arg`` are plain text, so ``arg`` can say more than
a name (``"learning rate lr"``, ``"target 2"``).

A bool is never a number here: it is an ``int`` to Python, but ``lr=True`` is a slip.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from engine.value import Value

__all__ = [
    "check_real",
    "check_finite",
    "check_positive",
    "check_non_negative",
    "check_positive_int",
    "check_int",
    "check_str",
    "check_bool",
    "check_callable",
    "check_choice",
    "check_value",
    "did_you_mean",
]


def _is_real(x: object) -> bool:
    return type(x) is float or type(x) is int or (isinstance(x, numbers.Real) and not isinstance(x, bool))


def check_real(x: object, func: str, arg: str, what: str = "a number") -> float:
    """``float(x)`` for a real number (int, float, ``numbers.Real``; not bool); ``TypeError`` otherwise.

    ``inf`` and ``nan`` pass: use ``check_finite`` to refuse them. ``what`` is how
    the message says what ``arg`` may be (``"a number or a Value"``).
    """
    if not _is_real(x):
        raise TypeError(f"{func}: {arg} must be {what}, got {type(x).__name__} {x!r}")
    try:
        return float(x)  # type: ignore[arg-type]  # a numbers.Real
    except OverflowError:
        raise ValueError(f"{func}: {arg} is too large for a float, got {x!r}") from None


def check_finite(x: object, func: str, arg: str, what: str = "a number") -> float:
    """``check_real``, and ``ValueError`` for ``inf`` and ``nan``."""
    value = check_real(x, func, arg, what)
    if not math.isfinite(value):
        raise ValueError(f"{func}: {arg} must be finite, got {x!r}")
    return value


def check_positive(x: object, func: str, arg: str) -> float:
    """A real number > 0 and finite (a step size, a learning rate); ``ValueError`` for others."""
    value = check_real(x, func, arg)
    if not (value > 0.0 and math.isfinite(value)):
        raise ValueError(f"{func}: {arg} must be a positive finite number, got {x!r}")
    return value


def check_non_negative(x: object, func: str, arg: str) -> float:
    """A real number >= 0 and finite; ``ValueError`` for others."""
    value = check_real(x, func, arg)
    if not (value >= 0.0 and math.isfinite(value)):
        raise ValueError(f"{func}: {arg} must be a number >= 0, got {x!r}")
    return value


def check_positive_int(n: object, func: str, arg: str) -> int:
    """An int >= 1 (not a bool); ``ValueError`` for anything else, as a count that cannot be used."""
    if type(n) is not int or n < 1:
        raise ValueError(f"{func}: {arg} must be a positive int, got {n!r}")
    return n


def check_int(n: object, func: str, arg: str, low: int, high: int | None = None) -> int:
    """An int in ``low..high`` (``high=None``: no upper bound; not a bool); ``ValueError`` otherwise.

    The message says the range: ``must be an int >= 0`` or ``must be an int between 1 and 17``.
    """
    if type(n) is not int or n < low or (high is not None and n > high):
        bound = f">= {low}" if high is None else f"between {low} and {high}"
        raise ValueError(f"{func}: {arg} must be an int {bound}, got {n!r}")
    return n


def check_str(s: object, func: str, arg: str, *, empty: bool = True) -> str:
    """A ``str`` (``empty=False``: a non-empty one); ``TypeError`` for other types."""
    if not isinstance(s, str):
        raise TypeError(f"{func}: {arg} must be a str, got {type(s).__name__} {s!r}")
    if not empty and not s:
        raise ValueError(f"{func}: {arg} must be a non-empty str")
    return s


def check_bool(x: object, func: str, arg: str) -> bool:
    """``True`` or ``False``; ``TypeError`` for anything else (``show_grads="no"`` is truthy: a slip)."""
    if x is not True and x is not False:
        raise TypeError(f"{func}: {arg} must be True or False, got {type(x).__name__} {x!r}")
    return x


def check_callable(f: object, func: str, arg: str, what: str = "a function") -> object:
    """``f`` if it can be called; ``TypeError`` naming what was expected otherwise."""
    if not callable(f):
        raise TypeError(f"{func}: {arg} must be {what}, got {type(f).__name__} {f!r}")
    return f


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``"did you mean 'w1'? "`` when a candidate is close to ``word``, else ``""``.

    Close: difflib's similarity ratio at least 0.5 (``w5`` ~ ``w1``, ``x1`` ~ ``x1[2]``).
    Up to two suggestions, the closest first, ties in the order given:
    ``"did you mean 'w1' or 'w2'? "``.
    """
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    scored = []
    for index, candidate in enumerate(candidates):
        matcher.set_seq1(candidate)
        ratio = matcher.ratio()
        if ratio >= 0.5:
            scored.append((-ratio, index, candidate))
    if not scored:
        return ""
    return "did you mean " + " or ".join(repr(c) for _, _, c in sorted(scored)[:2]) + "? "


def check_choice(x: object, choices: Iterable[str], func: str, arg: str) -> str:
    """``x`` if it is one of ``choices``; ``ValueError`` naming the closest and listing all.

    ``check_choice("sigmiod", ["relu", "sigmoid"], "MLP", "activation")`` ->
    ``MLP: unknown activation 'sigmiod'; did you mean 'sigmoid'? choose one of 'relu', 'sigmoid'``.
    """
    known = list(choices)
    if not isinstance(x, str):
        raise TypeError(f"{func}: {arg} must be a str, got {type(x).__name__} {x!r}")
    if x not in known:
        listed = ", ".join(repr(c) for c in known)
        raise ValueError(f"{func}: unknown {arg} {x!r}; {did_you_mean(x, known)}choose one of {listed}")
    return x


def check_value(v: object, func: str, arg: str, what: str = "a Value") -> Value:
    """``v`` if it is an engine ``Value``; ``TypeError`` naming its type otherwise.

    ``what`` is how the message calls a Value: ``"an engine Value"`` where the caller
    might pass another library's tensor (``draw: root must be an engine Value, got Tensor``).
    """
    from engine.value import Value  # here: value.py imports graph.py, which imports this module

    if not isinstance(v, Value):
        raise TypeError(f"{func}: {arg} must be {what}, got {type(v).__name__}")
    return v
