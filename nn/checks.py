"""Argument checks that belong to nn: samples, layer sizes, parameter names, paired sequences, options.

The public functions call them once, on what the user passed; what they
return (in the type it promises) is trusted from there on. A check raises one
``TypeError``/``ValueError`` naming the argument and the value, its message
beginning with ``CALLER``, which the public function's ``@public`` replaces
with its own name (``nn.public``). The generic checks (a finite number, a
positive int, a Value) are ``engine.checks``'s.
"""

from __future__ import annotations

import numbers
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeGuard

from engine import Value
from engine.checks import (
    check_bool,
    check_finite,
    check_int,
    check_non_negative,
    check_positive,
    check_positive_int,
    check_str,
    check_value,
)
from nn.activations import ActivationLike, resolve_activation
from nn.options import Options
from nn.public import CALLER

__all__ = [
    "InputLike", "Scalar", "is_sequence", "floats_and_values",
    "check_name", "check_label", "check_rng", "as_inputs", "check_layers",
    "check_assignments", "check_renames", "clashing_name", "check_unique_names", "unknown_parameter", "check_pairs",
    "check_options", "named_parameters_of", "select_parameters", "check_samples", "check_sgd_parameters",
    "check_text_options",
]

#: One sample: a number (for one input), or a sequence of numbers/Values.
InputLike = float | int | Value | Sequence[float | int | Value]
#: One observed or predicted value of a loss.
Scalar = Value | float | int


def is_sequence(x: object) -> TypeGuard[Sequence[Any]]:
    """A list, a tuple ...: ordered and reusable (not a str, set, dict or iterator)."""
    t = type(x)
    if t is list or t is tuple:
        return True
    if t is float or t is int:
        return False
    return isinstance(x, Sequence) and not isinstance(x, (str, bytes))


def _check_sequence(xs: object, arg: str, what: str) -> Sequence[Any]:
    """``xs`` if it is a sequence (``is_sequence``); ``TypeError`` saying ``what`` it must be otherwise."""
    if not is_sequence(xs):
        raise TypeError(f"{CALLER}: {arg} must be {what}, got {type(xs).__name__}")
    return xs


def _check_paired(xs: object, ys: object, a: str, b: str, what: str) -> tuple[Sequence[Any], Sequence[Any]]:
    """Two sequences (``what`` each must be) of one length, called ``a`` and ``b`` in messages."""
    first, second = _check_sequence(xs, a, what), _check_sequence(ys, b, what)
    if len(first) != len(second):
        raise ValueError(
            f"{CALLER}: {a} and {b} must have the same length, got {len(first)} {a} and {len(second)} {b}"
        )
    return first, second


# ------------------------------------------------------------------ modules


def check_name(name: object) -> str | None:
    """A module's ``name=`` (it prefixes its parameters' names): None or a str."""
    if name is not None:
        check_str(name, CALLER, "name")
    return name  # type: ignore[return-value]  # a str or None, checked above


def check_label(label: object, arg: str) -> str | None:
    """A neuron's ``sum_label`` or ``out_label``: None or a str."""
    if label is not None and not isinstance(label, str):
        raise TypeError(f"{CALLER}: {arg} must be a str or None, got {type(label).__name__} {label!r}")
    return label


def check_rng(seed: object, rng: object) -> random.Random:
    """``rng``, or ``random.Random(seed)``; ``seed`` must be an int (not a bool, not None)."""
    # None would seed from the clock, a float or str is almost always a slip:
    # a model's start must be reproducible from the seed written in the code.
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"{CALLER}: seed must be an int, got {type(seed).__name__} {seed!r}")
    if rng is None:
        return random.Random(seed)
    if not isinstance(rng, random.Random):
        raise TypeError(f"{CALLER}: rng must be a random.Random or None, got {type(rng).__name__}")
    return rng


def as_inputs(x: object, nin: int) -> list[Value]:
    """One sample as a list of ``nin`` Values; plain numbers become leaves labelled ``input``/``input<i>``."""
    if type(x) is float and nin == 1 and x - x == 0.0:  # one finite input: the articles' dose, fast
        return [Value(x, "input")]
    if type(x) is float or isinstance(x, (Value, numbers.Real)):
        xs: list[object] = [x]
    elif not is_sequence(x):
        # Sets and dicts have no input order; an iterator would be used up by one call.
        raise TypeError(
            f"{CALLER}: an input must be a number or a sequence (list or tuple) of numbers,"
            f" got {type(x).__name__} {x!r}"
        )
    else:
        xs = list(x)
    if len(xs) != nin:
        raise ValueError(f"{CALLER} expects {nin} input{'s' if nin != 1 else ''} per sample, got {len(xs)}: {x!r}")
    out: list[Value] = []
    for i, v in enumerate(xs, start=1):
        # Values first, without building a message: this runs for every neuron of every forward pass.
        if isinstance(v, Value):
            out.append(v)
        else:
            number = check_finite(v, CALLER, f"input {i}", "a number or a Value")
            out.append(Value(number, "input" if nin == 1 else f"input{i}"))
    return out


def check_layers(sizes: object, activations: object) -> tuple[list[int], list[ActivationLike]]:
    """An MLP's layer sizes (a non-empty sequence of positive ints) and its activation per layer.

    Activations: one for all layers, one per layer, or the default (tanh, then linear).
    """
    if not is_sequence(sizes) or not sizes:
        raise ValueError(f"{CALLER}: sizes must be a non-empty list of layer sizes, got {sizes!r}")
    checked = [check_positive_int(s, CALLER, "each layer size") for s in sizes]
    layers = len(checked)
    if activations is None:
        hidden: list[ActivationLike] = ["tanh"] * (layers - 1)
        return checked, hidden + ["linear"]
    if isinstance(activations, str) or callable(activations):
        resolve_activation(activations)
        return checked, [activations] * layers
    if not isinstance(activations, Sequence):
        # a set or a dict has no order to match the layers with
        raise TypeError(
            f"{CALLER}: activations must be one activation (a name such as 'tanh', or a"
            " function) or a list of one per layer, got"
            f" {type(activations).__name__} {activations!r}"
        )
    if len(activations) != layers:
        raise ValueError(
            f"{CALLER}: {layers} layers need {layers} activations"
            f" (or one name for all), got {len(activations)}: {activations!r}"
        )
    for a in activations:
        resolve_activation(a)
    return checked, list(activations)


# ------------------------------------------------------------------ parameters


def check_assignments(values: object, named: list[tuple[str, Value]]) -> list[tuple[Value, float]]:
    """``set_parameters``' ``{name: number}`` as ``(parameter, number)`` pairs, every one checked.

    A number may be a Value (its data is used); it must be finite.
    """
    if not isinstance(values, Mapping):
        raise TypeError(f"{CALLER}: expected a mapping of names to numbers, got {type(values).__name__}")
    by_name = dict(named)
    out: list[tuple[Value, float]] = []
    for name, value in values.items():
        if name not in by_name:
            raise unknown_parameter(name, list(by_name))
        number = value.data if isinstance(value, Value) else value
        out.append((by_name[name], check_finite(number, CALLER, f"value for {name!r}", "a real number")))
    return out


def check_renames(names: object, current: list[str]) -> list[str]:
    """The parameter names after ``rename_parameters(names)`` (``{old: new}``) renames ``current``.

    ``ValueError`` for an unknown old name or a name then used twice; a new name must be a non-empty str.
    """
    if not isinstance(names, Mapping):
        raise TypeError(f"{CALLER}: expected a mapping of old names to new names, got {type(names).__name__}")
    for old, new in names.items():
        if old not in current:
            raise unknown_parameter(old, current)
        check_str(new, CALLER, f"new name for {old!r}", empty=False)
    after = [names.get(n, n) for n in current]
    duplicates = sorted({n for n in after if after.count(n) > 1})
    if duplicates:
        raise ValueError(f"{CALLER}: names would be used twice: {', '.join(duplicates)}")
    return after


def clashing_name(named: Sequence[tuple[str, Value]]) -> str | None:
    """The first name given to two different parameters, or None."""
    owner: dict[str, Value] = {}
    for n, p in named:
        if owner.setdefault(n, p) is not p:
            return n
    return None


def check_unique_names(named: list[tuple[str, Value]], owner: str) -> list[tuple[str, Value]]:
    """``named``, or a ``ValueError`` if two different parameters of ``owner`` (a class name) share a name."""
    name = clashing_name(named)
    if name is not None:
        raise ValueError(
            f"{CALLER}: two different parameters are named {name!r} in {owner};"
            " give them different names (named_parameters() must list each name once)"
        )
    return named


def unknown_parameter(name: object, known: Sequence[str]) -> ValueError:
    """The error for a parameter name the model does not have, listing the ones it has."""
    return ValueError(f"{CALLER}: unknown parameter name {name!r}; this model's parameters are: {', '.join(known)}")


# ------------------------------------------------------------------ losses


def check_pairs(observed: object, predicted: object) -> list[tuple[Scalar, Scalar]]:
    """``(observed_i, predicted_i)`` pairs: two sequences of one length >= 1, of Values and finite numbers.

    ``observed[1]`` is the first data point in messages, as the replay names it.
    """
    what = "a sequence (list or tuple) of numbers/Values"
    obs, pred = _check_paired(observed, predicted, "observed", "predicted", what)
    if not obs:
        raise ValueError(f"{CALLER}: needs at least one (observed, predicted) pair, got none")
    if floats_and_values(obs, pred):
        return list(zip(obs, pred))  # nothing to convert (the common case)
    columns: list[list[Scalar]] = []
    for name, xs in (("observed", obs), ("predicted", pred)):
        column: list[Scalar] = []
        for i, v in enumerate(xs, start=1):
            if isinstance(v, list):  # a model with several outputs gives a list per sample
                raise TypeError(
                    f"{CALLER}: {name}[{i}] must be a number or a Value, got a list"
                    " (did the model have more than one output?)"
                )
            column.append(v if isinstance(v, Value) else check_finite(v, CALLER, f"{name}[{i}]", "a number or a Value"))
        columns.append(column)
    return list(zip(columns[0], columns[1]))


# ------------------------------------------------------------------ training


def check_options(*, lr: object, min_step_size: object, max_steps: object, steps: object, compiled: object) -> Options:
    """``train``'s and ``gradient_descent``'s options as ``Options``: ``lr`` a finite number > 0;
    either ``steps`` a positive int (the stopping rule left at its defaults) or ``max_steps`` a
    positive int and ``min_step_size >= 0``; ``compiled`` True or False.
    """
    rate = check_positive(lr, CALLER, "learning rate lr")
    if steps is not None:
        options = Options(lr=rate, steps=check_positive_int(steps, CALLER, "steps"))
        if (min_step_size, max_steps) != (options.min_step_size, options.max_steps):
            raise ValueError(
                f"{CALLER}: give either steps (a fixed number of steps) or"
                " min_step_size/max_steps (the stopping rule), not both"
            )
    else:
        most = check_positive_int(max_steps, CALLER, "max_steps")
        options = Options(lr=rate, min_step_size=check_non_negative(min_step_size, CALLER, "min_step_size"),
                          max_steps=most)
    return replace(options, compiled=check_bool(compiled, CALLER, "compiled"))


def named_parameters_of(params: object) -> list[tuple[str, Value]]:
    """What to train, named: a ``{name: Value}`` mapping, or Values named by their labels (``p<i>`` if none).

    ``ValueError`` if there are none or two share a name; ``TypeError`` for one that is not a Value.
    """
    named: list[tuple[str, object]]
    if isinstance(params, Mapping):
        named = list(params.items())
    elif isinstance(params, Value):
        named = [(params.label or "p1", params)]
    elif isinstance(params, Iterable) and not isinstance(params, (str, bytes)):
        named = [(p.label if isinstance(p, Value) and p.label else f"p{i}", p) for i, p in enumerate(params, start=1)]
    else:
        raise TypeError(
            f"{CALLER}: params must be a Module, a mapping of names to Values or a list of Values,"
            f" got {type(params).__name__}"
        )
    out = [(name, check_value(p, CALLER, f"parameter {name!r}")) for name, p in named]
    names = [n for n, _ in out]
    if len(set(names)) != len(names):
        raise ValueError(f"{CALLER}: parameter names must be different, got {names}")
    if not out:
        raise ValueError(f"{CALLER}: no parameters to train")
    return out


def select_parameters(named: list[tuple[str, Value]], params: object) -> list[tuple[str, Value]]:
    """The parameters ``params`` picks from a model's ``named`` ones, by name or as Values."""
    picks = [params] if isinstance(params, (str, Value)) else params
    if not isinstance(picks, Iterable):
        raise TypeError(f"{CALLER}: params must be a list of names or parameters, got {type(params).__name__}")
    by_name = dict(named)
    name_of = {p: n for n, p in named}
    chosen: list[tuple[str, Value]] = []
    for p in picks:
        if isinstance(p, str):
            if p not in by_name:
                raise unknown_parameter(p, [n for n, _ in named])
            chosen.append((p, by_name[p]))
        elif isinstance(p, Value) and p in name_of:
            chosen.append((name_of[p], p))
        else:
            raise ValueError(f"{CALLER}: params must be names or parameters of this model, got {p!r}")
    return chosen


def check_samples(inputs: object, targets: object) -> tuple[list[Any], list[Any]]:
    """Training data: two sequences of one length >= 1; each target a number, or a sequence of numbers.

    Samples and outputs count from 1 in messages, as the modules count their inputs.
    """
    xs, ts = _check_paired(inputs, targets, "inputs", "targets", "a list of samples")
    if not xs:
        raise ValueError(f"{CALLER}: no data: inputs and targets are empty")
    for i, t in enumerate(ts, start=1):
        if is_sequence(t):
            for j, v in enumerate(t, start=1):
                if not isinstance(v, Value):
                    check_finite(v, CALLER, f"target {i}, output {j}", "a number")
        elif not isinstance(t, Value):
            check_finite(t, CALLER, f"target {i}", "a number (or a list of numbers for several outputs)")
    return list(xs), list(ts)


def floats_and_values(numbers: Sequence[Any], values: Sequence[Any]) -> bool:
    """True if ``numbers`` are all finite floats or Values and ``values`` all Values: the common case, checked fast.

    Plain loops and exact types: this runs in every training step, where a
    generator or an abstract-class check would cost more than the ops it guards.
    """
    for x in numbers:
        if type(x) is float:
            if x - x != 0.0:  # nan for inf and nan
                return False
        elif type(x) is not Value:
            return False
    for v in values:
        if type(v) is not Value:
            return False
    return True


def check_sgd_parameters(parameters: object) -> list[Value]:
    """``SGD``'s parameters as a list: Values, at least one, none twice."""
    if isinstance(parameters, Value):
        raise TypeError(f"{CALLER}: parameters must be an iterable of Values (e.g. model.parameters()), got one Value")
    if isinstance(parameters, (str, bytes)) or not isinstance(parameters, Iterable):
        raise TypeError(
            f"{CALLER}: parameters must be a Module or an iterable of Values (e.g. model.parameters()),"
            f" got {type(parameters).__name__}"
        )
    params = [check_value(p, CALLER, f"parameter {i}") for i, p in enumerate(parameters, start=1)]
    if not params:
        raise ValueError(f"{CALLER}: got an empty list of parameters; nothing to train")
    if len(set(params)) != len(params):
        # The same Value twice would take two steps per call.
        raise ValueError(f"{CALLER}: the same parameter is listed more than once")
    return params


# ------------------------------------------------------------------ ledger text


def check_text_options(max_lines: object, precision: object) -> tuple[int | None, int]:
    """A ledger table's ``max_lines`` (a positive int, or None for every step) and ``precision`` (an int >= 0)."""
    lines = None if max_lines is None else check_positive_int(max_lines, CALLER, "max_lines")
    return lines, check_int(precision, CALLER, "precision", 0)
