"""Argument checks that belong to nn: samples, parameter names, paired sequences.

Every check names the function the user called (``caller``) and the argument,
as the other packages' checks do; the generic ones (a real number, a positive
int ...) are ``engine.checks``.
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from engine import Value
from nn.activations import ActivationLike

__all__ = [
    "InputLike",
    "Scalar",
    "as_inputs",
    "check_count",
    "check_lr",
    "check_samples",
    "check_sgd_parameters",
    "check_stopping",
    "named_parameters_of",
    "pair_outputs",
    "select_parameters",
    "check_layer_activations",
    "check_sizes",
    "check_parameter_value",
    "check_pairs",
    "check_unique_names",
    "clashing_name",
    "make_rng",
    "unknown_parameter",
]

#: One sample: a number (for one input), or a sequence of numbers/Values.
InputLike = float | int | Value | Sequence[float | int | Value]
#: One observed or predicted value of a loss.
Scalar = Value | float | int


def check_count(n: object, what: str) -> int:
    """``n`` if it is a positive int; ``ValueError`` naming ``what`` otherwise."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{what} must be a positive int, got {n!r}")
    return n


def make_rng(caller: str, seed: object, rng: object) -> random.Random:
    """``rng``, or ``random.Random(seed)``; ``seed`` must be an int (not a bool, not None)."""
    # None would seed from the clock, a float or str is almost always a slip:
    # a model's start must be reproducible from the seed written in the code.
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"{caller}: seed must be an int, got {type(seed).__name__} {seed!r}")
    if rng is None:
        return random.Random(seed)
    if not isinstance(rng, random.Random):
        raise TypeError(f"{caller}: rng must be a random.Random or None, got {type(rng).__name__}")
    return rng


def as_inputs(x: object, nin: int, caller: str) -> list[Value]:
    """One sample as a list of ``nin`` Values; plain numbers become leaves labelled ``input``/``input<i>``."""
    if isinstance(x, (Value, numbers.Real)):
        xs: list[object] = [x]
    elif isinstance(x, (str, bytes)) or not isinstance(x, Sequence):
        # Sets and dicts have no input order; an iterator would be used up by one call.
        raise TypeError(
            f"{caller}: an input must be a number or a sequence (list or tuple) of numbers,"
            f" got {type(x).__name__} {x!r}"
        )
    else:
        xs = list(x)
    if len(xs) != nin:
        raise ValueError(
            f"{caller} expects {nin} input{'s' if nin != 1 else ''} per sample, got {len(xs)}: {x!r}"
        )
    out: list[Value] = []
    for i, v in enumerate(xs):
        if isinstance(v, Value):
            out.append(v)
        elif isinstance(v, numbers.Real) and not isinstance(v, bool):
            if not math.isfinite(v):
                raise ValueError(f"{caller}: input {i + 1} must be finite, got {v!r}")
            out.append(Value(float(v), "input" if nin == 1 else f"input{i + 1}"))
        else:
            raise TypeError(
                f"{caller}: input {i + 1} must be a number or a Value, got {type(v).__name__} {v!r}"
            )
    return out


def check_parameter_value(value: object, name: str) -> float:
    """A new value for parameter ``name`` (for ``set_parameters``): a finite real number or a Value's data."""
    if isinstance(value, Value):
        value = value.data
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"set_parameters: value for {name!r} must be a real number,"
            f" got {type(value).__name__} {value!r}"
        )
    if not math.isfinite(value):
        raise ValueError(f"set_parameters: value for {name!r} must be finite, got {value!r}")
    return float(value)


def clashing_name(named: Sequence[tuple[str, Value]]) -> str | None:
    """The first name given to two different parameters, or None."""
    owner: dict[str, Value] = {}
    for n, p in named:
        if owner.setdefault(n, p) is not p:
            return n
    return None


def check_unique_names(
    named: list[tuple[str, Value]], owner: str, caller: str
) -> list[tuple[str, Value]]:
    """``named``, or a ``ValueError`` if two different parameters of ``owner`` (a class name) share a name."""
    name = clashing_name(named)
    if name is not None:
        raise ValueError(
            f"{caller}: two different parameters are named {name!r} in {owner};"
            " give them different names (named_parameters() must list each name once)"
        )
    return named


def unknown_parameter(name: object, known: Sequence[str], caller: str) -> ValueError:
    """The error for a parameter name the model does not have, listing the ones it has."""
    return ValueError(
        f"{caller}: unknown parameter name {name!r}; this model's parameters are: {', '.join(known)}"
    )


def check_pairs(
    observed: object, predicted: object, caller: str
) -> list[tuple[Scalar, Scalar]]:
    """``(observed_i, predicted_i)`` pairs: two sequences of one length >= 1, of Values and finite numbers."""
    seqs: list[Sequence[object]] = []
    for what, xs in (("observed", observed), ("predicted", predicted)):
        if isinstance(xs, (Value, numbers.Real, str, bytes)) or not isinstance(xs, Sequence):
            raise TypeError(
                f"{caller}: {what} must be a sequence (list or tuple) of numbers/Values,"
                f" got {type(xs).__name__}"
            )
        seqs.append(xs)
    obs, pred = seqs
    if len(obs) != len(pred):
        raise ValueError(
            f"{caller}: observed and predicted must have the same length,"
            f" got {len(obs)} observed and {len(pred)} predicted"
        )
    if not obs:
        raise ValueError(f"{caller}: needs at least one (observed, predicted) pair, got none")
    checked: list[list[Scalar]] = []
    for what, xs in (("observed", obs), ("predicted", pred)):
        out: list[Scalar] = []
        # observed[1] is the first data point, as the replay names it.
        for i, v in enumerate(xs, start=1):
            if isinstance(v, bool) or not isinstance(v, (Value, numbers.Real)):
                hint = " (a list: did the model have more than one output?)" if isinstance(v, list) else ""
                raise TypeError(
                    f"{caller}: {what}[{i}] must be a number or a Value, got {type(v).__name__}{hint}"
                )
            if not isinstance(v, Value) and not math.isfinite(v):
                raise ValueError(f"{caller}: {what}[{i}] must be finite, got {v!r}")
            out.append(v if isinstance(v, Value) else float(v))
        checked.append(out)
    return list(zip(checked[0], checked[1]))


def check_sizes(sizes: object) -> list[int]:
    """An MLP's layer sizes: a non-empty sequence of positive ints."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or not sizes:
        raise ValueError(f"MLP: sizes must be a non-empty list of layer sizes, got {sizes!r}")
    return [check_count(s, "MLP: each layer size") for s in sizes]


def check_layer_activations(
    activations: ActivationLike | Sequence[ActivationLike] | None, layers: int
) -> list[ActivationLike]:
    """An MLP's activation per layer: one for all, one per layer, or the default (tanh, then linear)."""
    if activations is None:
        hidden: list[ActivationLike] = ["tanh"] * (layers - 1)
        return hidden + ["linear"]
    if isinstance(activations, str) or callable(activations):
        return [activations] * layers
    if not isinstance(activations, Sequence):
        # a set or a dict has no order to match the layers with
        raise TypeError(
            "MLP: activations must be one activation (a name such as 'tanh', or a"
            " function) or a list of one per layer, got"
            f" {type(activations).__name__} {activations!r}"
        )
    acts = list(activations)
    if len(acts) != layers:
        raise ValueError(
            f"MLP: {layers} layers need {layers} activations"
            f" (or one name for all), got {len(acts)}: {activations!r}"
        )
    return acts


def check_lr(lr: object, caller: str) -> float:
    """The learning rate as a float; ``TypeError`` unless a real number, ``ValueError`` unless finite and > 0."""
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
        raise TypeError(f"{caller}: learning rate lr must be a number, got {type(lr).__name__} {lr!r}")
    rate = float(lr)
    if not (math.isfinite(rate) and rate > 0.0):
        raise ValueError(f"{caller}: learning rate lr must be a positive finite number, got {rate!r}")
    return rate


def check_stopping(
    min_step_size: object,
    max_steps: object,
    steps: object,
    default_min_step_size: float,
    default_max_steps: int,
    caller: str,
) -> None:
    """Either ``steps`` (a positive int) or the stopping rule: ``max_steps`` a positive int, ``min_step_size >= 0``."""
    if steps is not None:
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise ValueError(f"{caller}: steps must be a positive int, got {steps!r}")
        if min_step_size != default_min_step_size or max_steps != default_max_steps:
            raise ValueError(
                f"{caller}: give either steps (a fixed number of steps) or"
                " min_step_size/max_steps (the stopping rule), not both"
            )
        return
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
        raise ValueError(f"{caller}: max_steps must be a positive int, got {max_steps!r}")
    if (isinstance(min_step_size, bool) or not isinstance(min_step_size, numbers.Real)
            or not math.isfinite(min_step_size) or min_step_size < 0):
        raise ValueError(f"{caller}: min_step_size must be a number >= 0, got {min_step_size!r}")


def named_parameters_of(params: object, caller: str) -> list[tuple[str, Value]]:
    """What to train, named: a ``{name: Value}`` mapping, or Values named by their labels (``p<i>`` if none).

    ``ValueError`` if there are none or two share a name; ``TypeError`` for one that is not a Value.
    """
    named: list[tuple[str, object]]
    if isinstance(params, Mapping):
        named = list(params.items())
    elif isinstance(params, Value):
        named = [(params.label or "p1", params)]
    elif isinstance(params, Iterable) and not isinstance(params, (str, bytes)):
        named = [(p.label if isinstance(p, Value) and p.label else f"p{i + 1}", p)
                 for i, p in enumerate(params)]
    else:
        raise TypeError(
            f"{caller}: params must be a Module, a mapping of names to Values or a list of Values,"
            f" got {type(params).__name__}"
        )
    out: list[tuple[str, Value]] = []
    for name, p in named:
        if not isinstance(p, Value):
            raise TypeError(f"{caller}: parameter {name!r} must be a Value, got {type(p).__name__}")
        out.append((name, p))
    names = [n for n, _ in out]
    if len(set(names)) != len(names):
        raise ValueError(f"{caller}: parameter names must be different, got {names}")
    if not out:
        raise ValueError(f"{caller}: no parameters to train")
    return out


def select_parameters(
    named: list[tuple[str, Value]], params: object, caller: str
) -> list[tuple[str, Value]]:
    """The parameters ``params`` picks from a model's ``named`` ones, by name or as Values."""
    picks = [params] if isinstance(params, (str, Value)) else params
    if not isinstance(picks, Iterable):
        raise TypeError(f"{caller}: params must be a list of names or parameters, got {type(params).__name__}")
    by_name = dict(named)
    name_of = {p: n for n, p in named}
    chosen: list[tuple[str, Value]] = []
    for p in picks:
        if isinstance(p, str):
            if p not in by_name:
                raise unknown_parameter(p, [n for n, _ in named], caller)
            chosen.append((p, by_name[p]))
        elif isinstance(p, Value) and p in name_of:
            chosen.append((name_of[p], p))
        else:
            raise ValueError(f"{caller}: params must be names or parameters of this model, got {p!r}")
    return chosen


def _check_target_number(x: object, where: str, what: str, caller: str) -> None:
    """``TypeError`` / ``ValueError`` unless ``x`` is a Value or a finite real number."""
    if isinstance(x, Value):
        return
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{caller}: {where} must be {what}, got {type(x).__name__} {x!r}")
    if not math.isfinite(x):
        raise ValueError(f"{caller}: {where} must be finite, got {x!r}")


def check_samples(inputs: object, targets: object, caller: str) -> tuple[list[Any], list[Any]]:
    """Training data: two sequences of one length >= 1; each target a number, or a sequence of numbers.

    Samples and outputs count from 1 in messages, as the modules count their inputs.
    """
    seqs: list[Sequence[object]] = []
    for what, xs in (("inputs", inputs), ("targets", targets)):
        if isinstance(xs, (str, bytes, Value, numbers.Real)) or not isinstance(xs, Sequence):
            raise TypeError(f"{caller}: {what} must be a list of samples, got {type(xs).__name__}")
        seqs.append(xs)
    xs, ts = seqs
    if len(xs) != len(ts):
        raise ValueError(
            f"{caller}: inputs and targets must have the same length, got {len(xs)} inputs"
            f" and {len(ts)} targets"
        )
    if not xs:
        raise ValueError(f"{caller}: no data: inputs and targets are empty")
    for i, t in enumerate(ts, start=1):
        if isinstance(t, Sequence) and not isinstance(t, (str, bytes)):
            for j, v in enumerate(t, start=1):
                _check_target_number(v, f"target {i}, output {j}", "a number", caller)
        else:
            _check_target_number(t, f"target {i}", "a number (or a list of numbers for several outputs)", caller)
    return list(xs), list(ts)


def pair_outputs(
    targets: Sequence[Any], preds: Sequence[Value | list[Value]], caller: str
) -> tuple[list[Scalar], list[Value]]:
    """Each output beside its target; a model with several outputs needs a target sequence per sample."""
    obs: list[Scalar] = []
    out: list[Value] = []
    for i, (t, p) in enumerate(zip(targets, preds), start=1):
        several = isinstance(t, Sequence) and not isinstance(t, (str, bytes))
        if isinstance(p, list):
            if not several or len(t) != len(p):
                raise ValueError(
                    f"{caller}: the model gives {len(p)} outputs for sample {i},"
                    f" so its target must be a sequence of {len(p)} numbers, got {t!r}"
                )
            obs.extend(t)
            out.extend(p)
        else:
            if several:
                raise ValueError(
                    f"{caller}: the model gives 1 output for sample {i},"
                    f" so its target must be one number, got {t!r}"
                )
            obs.append(t)
            out.append(p)
    return obs, out


def check_sgd_parameters(parameters: object) -> list[Value]:
    """``SGD``'s parameters as a list: Values, at least one, none twice."""
    if isinstance(parameters, Value):
        raise TypeError(
            "SGD: parameters must be an iterable of Values (e.g. model.parameters()), got one Value"
        )
    if isinstance(parameters, (str, bytes)) or not isinstance(parameters, Iterable):
        raise TypeError(
            "SGD: parameters must be a Module or an iterable of Values (e.g. model.parameters()),"
            f" got {type(parameters).__name__}"
        )
    params: list[Value] = []
    for i, p in enumerate(parameters, start=1):
        if not isinstance(p, Value):
            raise TypeError(f"SGD: parameter {i} must be a Value, got {type(p).__name__}")
        params.append(p)
    if not params:
        raise ValueError("SGD: got an empty list of parameters; nothing to train")
    if len(set(params)) != len(params):
        # The same Value twice would take two steps per call.
        raise ValueError("SGD: the same parameter is listed more than once")
    return params
