"""Argument checks that belong to nn: samples, layer sizes, parameter names, paired sequences.

Each check returns what it checked, in the type it promises, or raises one
``TypeError``/``ValueError`` naming the function the user called (``func``),
the argument and the value, as ``engine.checks`` does; the generic checks (a
finite number, a positive int, a Value) are ``engine.checks``'s.
"""

from __future__ import annotations

import numbers
import random
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeGuard

from engine import Value
from engine.checks import (
    check_finite,
    check_int,
    check_non_negative,
    check_positive,
    check_positive_int,
    check_str,
    check_value,
)
from nn.activations import ActivationLike, resolve_activation

__all__ = [
    "InputLike", "Scalar", "check_number", "check_name", "make_rng", "as_inputs", "check_sizes",
    "check_layer_activations",
    "check_assignments", "check_renames", "clashing_name", "check_unique_names", "unknown_parameter", "check_pairs",
    "check_lr", "check_stopping", "named_parameters_of", "select_parameters", "check_samples", "pair_outputs",
    "check_sgd_parameters", "check_text_options", "check_flag",
]

#: One sample: a number (for one input), or a sequence of numbers/Values.
InputLike = float | int | Value | Sequence[float | int | Value]
#: One observed or predicted value of a loss.
Scalar = Value | float | int


def _is_sequence(x: object) -> TypeGuard[Sequence[Any]]:
    """A list, a tuple ...: ordered and reusable (not a str, set, dict or iterator)."""
    t = type(x)
    if t is list or t is tuple:
        return True
    if t is float or t is int:
        return False
    return isinstance(x, Sequence) and not isinstance(x, (str, bytes))


def _check_sequence(xs: object, func: str, arg: str, what: str) -> Sequence[Any]:
    """``xs`` if it is a sequence (``_is_sequence``); ``TypeError`` saying ``what`` it must be otherwise."""
    if not _is_sequence(xs):
        raise TypeError(f"{func}: {arg} must be {what}, got {type(xs).__name__}")
    return xs


# ------------------------------------------------------------------ numbers


def check_number(x: object, func: str, arg: str, what: str = "a number") -> float:
    """``engine.checks.check_finite`` (``what``: what ``arg`` may be, for its ``TypeError``)."""
    return check_finite(x, func, arg, what)


# ------------------------------------------------------------------ modules


def check_name(name: object, func: str) -> str | None:
    """A module's ``name=`` (it prefixes its parameters' names): None or a str."""
    if name is not None:
        check_str(name, func, "name")
    return name  # type: ignore[return-value]  # a str or None, checked above


def make_rng(seed: object, rng: object, func: str) -> random.Random:
    """``rng``, or ``random.Random(seed)``; ``seed`` must be an int (not a bool, not None)."""
    # None would seed from the clock, a float or str is almost always a slip:
    # a model's start must be reproducible from the seed written in the code.
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"{func}: seed must be an int, got {type(seed).__name__} {seed!r}")
    if rng is None:
        return random.Random(seed)
    if not isinstance(rng, random.Random):
        raise TypeError(f"{func}: rng must be a random.Random or None, got {type(rng).__name__}")
    return rng


def as_inputs(x: object, nin: int, func: str) -> list[Value]:
    """One sample as a list of ``nin`` Values; plain numbers become leaves labelled ``input``/``input<i>``."""
    if type(x) is float and nin == 1 and x - x == 0.0:  # one finite input: the articles' dose, fast
        return [Value(x, "input")]
    if type(x) is float or isinstance(x, (Value, numbers.Real)):
        xs: list[object] = [x]
    elif not _is_sequence(x):
        # Sets and dicts have no input order; an iterator would be used up by one call.
        raise TypeError(
            f"{func}: an input must be a number or a sequence (list or tuple) of numbers,"
            f" got {type(x).__name__} {x!r}"
        )
    else:
        xs = list(x)
    if len(xs) != nin:
        raise ValueError(
            f"{func} expects {nin} input{'s' if nin != 1 else ''} per sample, got {len(xs)}: {x!r}"
        )
    out: list[Value] = []
    for i, v in enumerate(xs, start=1):
        # Values first, without building a message: this runs for every neuron of every forward pass.
        if isinstance(v, Value):
            out.append(v)
        else:
            number = check_number(v, func, f"input {i}", "a number or a Value")
            out.append(Value(number, "input" if nin == 1 else f"input{i}"))
    return out


def check_sizes(sizes: object) -> list[int]:
    """An MLP's layer sizes: a non-empty sequence of positive ints."""
    if not _is_sequence(sizes) or not sizes:
        raise ValueError(f"MLP: sizes must be a non-empty list of layer sizes, got {sizes!r}")
    return [check_positive_int(s, "MLP", "each layer size") for s in sizes]


def check_layer_activations(
    activations: ActivationLike | Sequence[ActivationLike] | None, layers: int
) -> list[ActivationLike]:
    """An MLP's activation per layer: one for all, one per layer, or the default (tanh, then linear)."""
    if activations is None:
        hidden: list[ActivationLike] = ["tanh"] * (layers - 1)
        return hidden + ["linear"]
    if isinstance(activations, str) or callable(activations):
        resolve_activation(activations, "MLP")
        return [activations] * layers
    if not isinstance(activations, Sequence):
        # a set or a dict has no order to match the layers with
        raise TypeError(
            "MLP: activations must be one activation (a name such as 'tanh', or a"
            " function) or a list of one per layer, got"
            f" {type(activations).__name__} {activations!r}"
        )
    if len(activations) != layers:
        raise ValueError(
            f"MLP: {layers} layers need {layers} activations"
            f" (or one name for all), got {len(activations)}: {activations!r}"
        )
    for a in activations:
        resolve_activation(a, "MLP")
    return list(activations)


# ------------------------------------------------------------------ parameters


def check_assignments(values: object, named: list[tuple[str, Value]]) -> list[tuple[Value, float]]:
    """``set_parameters``' ``{name: number}`` as ``(parameter, number)`` pairs, every one checked.

    A number may be a Value (its data is used); it must be finite.
    """
    if not isinstance(values, Mapping):
        raise TypeError(f"set_parameters: expected a mapping of names to numbers, got {type(values).__name__}")
    by_name = dict(named)
    out: list[tuple[Value, float]] = []
    for name, value in values.items():
        if name not in by_name:
            raise unknown_parameter(name, list(by_name), "set_parameters")
        number = value.data if isinstance(value, Value) else value
        out.append((by_name[name], check_number(number, "set_parameters", f"value for {name!r}", "a real number")))
    return out


def check_renames(names: object, current: list[str]) -> list[str]:
    """The parameter names after ``rename_parameters(names)`` (``{old: new}``) renames ``current``.

    ``ValueError`` for an unknown old name or a name then used twice; a new name must be a non-empty str.
    """
    if not isinstance(names, Mapping):
        raise TypeError(f"rename_parameters: expected a mapping of old names to new names, got {type(names).__name__}")
    for old, new in names.items():
        if old not in current:
            raise unknown_parameter(old, current, "rename_parameters")
        check_str(new, "rename_parameters", f"new name for {old!r}", empty=False)
    after = [names.get(n, n) for n in current]
    duplicates = sorted({n for n in after if after.count(n) > 1})
    if duplicates:
        raise ValueError(f"rename_parameters: names would be used twice: {', '.join(duplicates)}")
    return after


def clashing_name(named: Sequence[tuple[str, Value]]) -> str | None:
    """The first name given to two different parameters, or None."""
    owner: dict[str, Value] = {}
    for n, p in named:
        if owner.setdefault(n, p) is not p:
            return n
    return None


def check_unique_names(named: list[tuple[str, Value]], owner: str, func: str) -> list[tuple[str, Value]]:
    """``named``, or a ``ValueError`` if two different parameters of ``owner`` (a class name) share a name."""
    name = clashing_name(named)
    if name is not None:
        raise ValueError(
            f"{func}: two different parameters are named {name!r} in {owner};"
            " give them different names (named_parameters() must list each name once)"
        )
    return named


def unknown_parameter(name: object, known: Sequence[str], func: str) -> ValueError:
    """The error for a parameter name the model does not have, listing the ones it has."""
    return ValueError(f"{func}: unknown parameter name {name!r}; this model's parameters are: {', '.join(known)}")


# ------------------------------------------------------------------ losses


def check_pairs(observed: object, predicted: object, func: str) -> list[tuple[Scalar, Scalar]]:
    """``(observed_i, predicted_i)`` pairs: two sequences of one length >= 1, of Values and finite numbers.

    ``observed[1]`` is the first data point in messages, as the replay names it.
    """
    what = "a sequence (list or tuple) of numbers/Values"
    obs, pred = _check_sequence(observed, func, "observed", what), _check_sequence(predicted, func, "predicted", what)
    if len(obs) != len(pred):
        raise ValueError(
            f"{func}: observed and predicted must have the same length,"
            f" got {len(obs)} observed and {len(pred)} predicted"
        )
    if not obs:
        raise ValueError(f"{func}: needs at least one (observed, predicted) pair, got none")
    if _floats_and_values(obs, pred):
        return list(zip(obs, pred))  # nothing to convert (the common case)
    columns: list[list[Scalar]] = []
    for name, xs in (("observed", obs), ("predicted", pred)):
        column: list[Scalar] = []
        for i, v in enumerate(xs, start=1):
            if isinstance(v, list):  # a model with several outputs gives a list per sample
                raise TypeError(
                    f"{func}: {name}[{i}] must be a number or a Value, got a list"
                    " (did the model have more than one output?)"
                )
            column.append(v if isinstance(v, Value) else check_number(v, func, f"{name}[{i}]", "a number or a Value"))
        columns.append(column)
    return list(zip(columns[0], columns[1]))


# ------------------------------------------------------------------ training


def check_lr(lr: object, func: str) -> float:
    """The learning rate: a real number (``TypeError``), finite and > 0 (``ValueError``)."""
    return check_positive(lr, func, "learning rate lr")


def check_stopping(
    min_step_size: object, max_steps: object, steps: object, defaults: tuple[float, int], func: str
) -> None:
    """Either ``steps`` (a positive int) or the stopping rule (``max_steps`` a positive int, ``min_step_size >= 0``).

    ``defaults`` are ``(min_step_size, max_steps)``'s defaults: with ``steps``, the rule must keep them.
    """
    if steps is not None:
        check_positive_int(steps, func, "steps")
        if (min_step_size, max_steps) != defaults:
            raise ValueError(
                f"{func}: give either steps (a fixed number of steps) or"
                " min_step_size/max_steps (the stopping rule), not both"
            )
        return
    check_positive_int(max_steps, func, "max_steps")
    check_non_negative(min_step_size, func, "min_step_size")


def named_parameters_of(params: object, func: str) -> list[tuple[str, Value]]:
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
            f"{func}: params must be a Module, a mapping of names to Values or a list of Values,"
            f" got {type(params).__name__}"
        )
    out = [(name, check_value(p, func, f"parameter {name!r}")) for name, p in named]
    names = [n for n, _ in out]
    if len(set(names)) != len(names):
        raise ValueError(f"{func}: parameter names must be different, got {names}")
    if not out:
        raise ValueError(f"{func}: no parameters to train")
    return out


def select_parameters(named: list[tuple[str, Value]], params: object, func: str) -> list[tuple[str, Value]]:
    """The parameters ``params`` picks from a model's ``named`` ones, by name or as Values."""
    picks = [params] if isinstance(params, (str, Value)) else params
    if not isinstance(picks, Iterable):
        raise TypeError(f"{func}: params must be a list of names or parameters, got {type(params).__name__}")
    by_name = dict(named)
    name_of = {p: n for n, p in named}
    chosen: list[tuple[str, Value]] = []
    for p in picks:
        if isinstance(p, str):
            if p not in by_name:
                raise unknown_parameter(p, [n for n, _ in named], func)
            chosen.append((p, by_name[p]))
        elif isinstance(p, Value) and p in name_of:
            chosen.append((name_of[p], p))
        else:
            raise ValueError(f"{func}: params must be names or parameters of this model, got {p!r}")
    return chosen


def check_samples(inputs: object, targets: object, func: str) -> tuple[list[Any], list[Any]]:
    """Training data: two sequences of one length >= 1; each target a number, or a sequence of numbers.

    Samples and outputs count from 1 in messages, as the modules count their inputs.
    """
    xs = _check_sequence(inputs, func, "inputs", "a list of samples")
    ts = _check_sequence(targets, func, "targets", "a list of samples")
    if len(xs) != len(ts):
        raise ValueError(
            f"{func}: inputs and targets must have the same length, got {len(xs)} inputs and {len(ts)} targets"
        )
    if not xs:
        raise ValueError(f"{func}: no data: inputs and targets are empty")
    for i, t in enumerate(ts, start=1):
        if _is_sequence(t):
            for j, v in enumerate(t, start=1):
                if not isinstance(v, Value):
                    check_number(v, func, f"target {i}, output {j}", "a number")
        elif not isinstance(t, Value):
            check_number(t, func, f"target {i}", "a number (or a list of numbers for several outputs)")
    return list(xs), list(ts)


def _floats_and_values(numbers: Sequence[Any], values: Sequence[Any]) -> bool:
    """True if ``numbers`` are all finite floats or Values and ``values`` all Values: the common case, checked fast.

    Plain loops and exact types: this runs in every training step, where a
    generator or an abstract-class check would cost more than the ops it guards.
    (``train`` gives the built-in losses its targets as Values made once.)
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


def pair_outputs(
    targets: Sequence[Any], preds: Sequence[Value | list[Value]], func: str
) -> tuple[list[Scalar], list[Value]]:
    """Each output beside its target; a model with several outputs needs a target sequence per sample."""
    if _floats_and_values(targets, preds):
        return list(targets), list(preds)  # type: ignore[arg-type]  # all Values, checked above
    obs: list[Scalar] = []
    out: list[Value] = []
    for i, (t, p) in enumerate(zip(targets, preds), start=1):
        several = _is_sequence(t)
        if isinstance(p, list):
            if not several or len(t) != len(p):
                raise ValueError(
                    f"{func}: the model gives {len(p)} outputs for sample {i},"
                    f" so its target must be a sequence of {len(p)} numbers, got {t!r}"
                )
            obs.extend(t)
            out.extend(p)
        else:
            if several:
                raise ValueError(
                    f"{func}: the model gives 1 output for sample {i}, so its target must be one number, got {t!r}"
                )
            obs.append(t)
            out.append(p)
    return obs, out


def check_sgd_parameters(parameters: object) -> list[Value]:
    """``SGD``'s parameters as a list: Values, at least one, none twice."""
    if isinstance(parameters, Value):
        raise TypeError("SGD: parameters must be an iterable of Values (e.g. model.parameters()), got one Value")
    if isinstance(parameters, (str, bytes)) or not isinstance(parameters, Iterable):
        raise TypeError(
            "SGD: parameters must be a Module or an iterable of Values (e.g. model.parameters()),"
            f" got {type(parameters).__name__}"
        )
    params = [check_value(p, "SGD", f"parameter {i}") for i, p in enumerate(parameters, start=1)]
    if not params:
        raise ValueError("SGD: got an empty list of parameters; nothing to train")
    if len(set(params)) != len(params):
        # The same Value twice would take two steps per call.
        raise ValueError("SGD: the same parameter is listed more than once")
    return params


# ------------------------------------------------------------------ ledger text


def check_text_options(max_lines: object, precision: object, func: str) -> tuple[int | None, int]:
    """A ledger table's ``max_lines`` (a positive int, or None for every step) and ``precision`` (an int >= 0)."""
    lines = None if max_lines is None else check_positive_int(max_lines, func, "max_lines")
    return lines, check_int(precision, func, "precision", 0)


def check_flag(flag: object, func: str, arg: str) -> bool:
    """``flag`` if it is True or False; ``TypeError`` otherwise (``compiled=1`` or ``"yes"`` is a slip)."""
    if not isinstance(flag, bool):
        raise TypeError(f"{func}: {arg} must be True or False, got {type(flag).__name__} {flag!r}")
    return flag
