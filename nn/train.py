"""Gradient descent with a step ledger, stopping the way the articles do.

Each step, for the parameters being trained:

    loss       = loss at the current values      (forward)
    gradient   = d loss / d parameter             (backward)
    step size  = gradient x learning rate
    new value  = old value - step size

Stopping rule (default): the step whose step sizes are *all* smaller than
``min_step_size`` in absolute value is still taken (its new values are in
the ledger), and then training stops; otherwise it stops after ``max_steps``.
With ``steps=N`` exactly N steps are taken and the rule is off.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import partial
from typing import Any, cast

from engine import Value
from engine.checks import check_callable
from engine.format import format_number
from nn.checks import (
    InputLike,
    Scalar,
    as_inputs,
    check_options,
    check_samples,
    check_unique_names,
    floats_and_values,
    is_sequence,
    named_parameters_of,
    select_parameters,
)
from nn.descent import NonFiniteLossError, run_steps
from nn.layer import Layer
from nn.ledger import Ledger
from nn.losses import mse, ssr
from nn.mlp import MLP
from nn.module import Module
from nn.neuron import Neuron
from nn.options import LEARNING_RATE, MAX_STEPS, MIN_STEP_SIZE, Options
from nn.public import CALLER, public

__all__ = [
    "train",
    "gradient_descent",
    "NonFiniteLossError",
    "MIN_STEP_SIZE",
    "MAX_STEPS",
    "LEARNING_RATE",
]

Params = Module | Mapping[str, Value] | Sequence[Value]
#: ``loss(observed, predicted)``, as ``ssr`` and ``mse``.
LossFunction = Callable[[Sequence[Scalar], Sequence[Value]], Value]
#: One sample -> the model's prediction: a Value, or a list of them for several outputs.
Forward = Callable[[InputLike], Value | list[Value]]


#: After a divergence, these smaller learning rates (lr / k) are tried from the same start.
TRY_SMALLER = (10, 100, 1000)


def _suggestion(
    loss_fn: Callable[[], Value], named: list[tuple[str, Value]], start: dict[str, float], options: Options,
    zero: Sequence[Value],
) -> str:
    """Which smaller learning rate converges from ``start``, found by training with it.

    Converges: the run ends without diverging and lower than it started. The
    parameters are put back as they were (at the divergence) afterwards.
    """
    at_error = [p.data for _, p in named]
    diverging: list[str] = []
    found = ""
    try:
        for k in TRY_SMALLER:
            trial_lr = options.lr / k
            for name, p in named:
                p.data = start[name]
            try:
                trial = run_steps(loss_fn, named, replace(options, lr=trial_lr), zero)
            except NonFiniteLossError:
                diverging.append(format_number(trial_lr, 6))
                continue
            if trial.rows and trial.final_loss is not None and trial.final_loss < trial.rows[0].loss:
                n = len(trial)
                # Converged when the stopping rule ended it; a fixed or capped run only descended.
                verb = "converges" if trial.stop_reason == "min_step_size" else "descends without diverging"
                found = (f"lr={format_number(trial_lr, 6)} {verb} from the same start ({n} step{'s' if n != 1 else ''},"
                         f" {trial.loss_name} {format_number(trial.rows[0].loss, 4)} ->"
                         f" {format_number(trial.final_loss, 4)})")
                break
            diverging.append(format_number(trial_lr, 6))
    finally:
        for (_, p), value in zip(named, at_error):
            p.data = value
    tried = " and ".join(", ".join(f"lr={x}" for x in diverging).rsplit(", ", 1))
    if found:
        return found + (f"; {tried} diverge{'s' if len(diverging) == 1 else ''} too" if diverging else "")
    smallest = format_number(options.lr / TRY_SMALLER[-1] / 10, 6)
    return f"{tried} do not descend from the same start either; try a smaller learning rate still, e.g. lr={smallest}"


@public("gradient_descent")
def gradient_descent(
    loss_fn: Callable[[], Value],
    params: Params,
    *,
    lr: float = LEARNING_RATE,
    min_step_size: float = MIN_STEP_SIZE,
    max_steps: int = MAX_STEPS,
    steps: int | None = None,
    compiled: bool = False,
) -> Ledger:
    """Minimise ``loss_fn()`` over ``params`` by gradient descent; returns the ``Ledger``.

    ``loss_fn`` takes no arguments and builds the loss graph from the current
    parameter values each time it is called. ``params`` is a ``Module`` (all its
    parameters), a mapping ``{name: Value}``, or a list of Values (named by their
    labels). Each step: ``step size = grad x lr``, ``new = old - step size``.
    Stops when every ``|step size| < min_step_size`` (that step is taken) or
    after ``max_steps``; with ``steps=N``, after exactly N steps.

    ``compiled=True`` traces ``loss_fn`` once (``engine.trace``) and runs the
    steps as generated Python: the same ledger bit for bit, many times faster.
    It needs a ``loss_fn`` that builds the same graph for any parameter values
    (no branching on ``.data``); the graph after the last step is compared
    with the traced one, and a difference is a ``GraphChangedError``.

    After training, each parameter's ``grad`` is the last step's gradient;
    other leaves that outlive the steps (data made outside ``loss_fn``) keep
    the grads they had before, in both modes.

    Raises ``NonFiniteLossError`` naming the step when the loss or a gradient
    stops being finite (usually: the learning rate is too large).
    """
    check_callable(loss_fn, CALLER, "loss_fn", "a function of no arguments that returns the loss Value")
    options = check_options(lr=lr, min_step_size=min_step_size, max_steps=max_steps, steps=steps, compiled=compiled)
    if isinstance(params, Module):
        params = dict(check_unique_names(params.named_parameters(), type(params).__name__))
    return _descend(loss_fn, named_parameters_of(params), options)


def _descend(
    loss_fn: Callable[[], Value], named: list[tuple[str, Value]], options: Options, zero: Sequence[Value] = ()
) -> Ledger:
    """``run_steps``; on a divergence the error also says which smaller learning rate converges.

    That rate is found by training again from the start with lr / 10, lr / 100,
    lr / 1000 (at most three more runs, only when training has failed).
    """
    try:
        return run_steps(loss_fn, named, options, zero)
    except NonFiniteLossError as err:
        hint = _suggestion(loss_fn, named, err.ledger.start, options, zero)
        raise NonFiniteLossError(f"{err}; {hint}", err.step, err.lr, err.ledger) from None


@public("train")
def train(
    model: Module,
    inputs: Sequence[InputLike],
    targets: Sequence[float | Sequence[float]],
    *,
    loss: LossFunction = ssr,
    params: Sequence[str | Value] | None = None,
    lr: float = LEARNING_RATE,
    min_step_size: float = MIN_STEP_SIZE,
    max_steps: int = MAX_STEPS,
    steps: int | None = None,
    compiled: bool = False,
) -> Ledger:
    """Fit ``model`` to ``(inputs, targets)`` by full-batch gradient descent; returns the ``Ledger``.

    Each step the loss is ``loss(targets, [model(x) for x in inputs])`` (by
    default the sum of squared residuals, ``ssr``); an ``MLP`` with several
    outputs gives ``model.outputs(x)``, paired with a sequence of targets per
    sample. ``params`` picks the parameters to train, by name or as Values
    (default: all of them); the others keep their values. Stopping: see ``gradient_descent``
    (every ``|gradient x lr| < min_step_size``, or ``max_steps``, or exactly ``steps``).
    ``compiled=True``: the steps run as traced code (see ``gradient_descent``), same ledger.

        ledger = train(model, [0.0, 0.5, 1.0], [0.0, 1.0, 0.0], params=["b3"], lr=0.1)
        print(ledger)                      # the step table and a summary
    """
    if not isinstance(model, Module) or not callable(model):
        raise TypeError(f"{CALLER}: model must be a callable nn Module, got {type(model).__name__}")
    check_callable(loss, CALLER, "loss", "a function (observed, predicted) -> Value such as nn.ssr")
    samples, observed = check_samples(inputs, targets)
    named = check_unique_names(model.named_parameters(), type(model).__name__)
    chosen = named if params is None else select_parameters(named, params)
    options = check_options(lr=lr, min_step_size=min_step_size, max_steps=max_steps, steps=steps, compiled=compiled)
    # dict: a parameter picked twice is trained once; none picked is an error.
    trained = named_parameters_of(dict(chosen))
    return _descend(loss_function(model, samples, observed, loss), trained, options, zero=[p for _, p in named])


def loss_function(model: Module, samples: list[Any], observed: list[Any], loss: LossFunction) -> Callable[[], Value]:
    """``train``'s ``loss_fn`` (and ``newton``'s): ``loss(targets, [model(x) for x in samples])``, from arguments
    already checked."""
    check, run = _checked_forward(model)
    # ssr and mse make each plain-number target a leaf labelled "observed" in
    # every call; for a model with one output train makes those leaves once
    # (the same graph and numbers, as for the inputs below). Other losses get the targets as given.
    targets: list[Any] = observed
    if (loss is ssr or loss is mse) and _one_output(model) and all(type(t) is float for t in observed):
        targets = [Value(t, "observed") for t in observed]
    # For the library's own modules each sample is checked and made into
    # input leaves once, on the first call (sample by sample, so the first bad
    # sample is reported as before), not in every step: the leaves are data,
    # never trained, so every step computes the same numbers from them.
    # backward() only adds to their grads, which nothing reads, and the
    # stepper gives them back the grads they had (0) when training ends.
    # Another module gets each sample as given, every call.
    leaves: list[Any] = []

    def loss_fn() -> Value:
        preds: list[Value | list[Value]] = []
        for i, x in enumerate(samples, start=1):
            try:
                if i > len(leaves):  # the first call: check sample i
                    leaves.append(check(x))
                preds.append(run(leaves[i - 1]))
            except (TypeError, ValueError) as e:
                # Say which sample; keep the error's kind (a subclass may
                # not take a plain message, so re-raise as the base class).
                kind = TypeError if isinstance(e, TypeError) else ValueError
                raise kind(f"{CALLER}: sample {i} ({x!r}): {e}") from None
        obs, out = _pair_outputs(targets, preds)
        return loss(obs, out)

    return loss_fn


def _pair_outputs(targets: Sequence[Any], preds: Sequence[Value | list[Value]]) -> tuple[list[Scalar], list[Value]]:
    """Each output beside its target; a model with several outputs needs a target sequence per sample.

    Checked in every step: what a module gives is known only once it has run.
    """
    if floats_and_values(targets, preds):
        return list(targets), list(preds)  # type: ignore[arg-type]  # all Values, checked above
    obs: list[Scalar] = []
    out: list[Value] = []
    for i, (t, p) in enumerate(zip(targets, preds), start=1):
        several = is_sequence(t)
        if isinstance(p, list):
            if not several or len(t) != len(p):
                raise ValueError(
                    f"{CALLER}: the model gives {len(p)} outputs for sample {i},"
                    f" so its target must be a sequence of {len(p)} numbers, got {t!r}"
                )
            obs.extend(t)
            out.extend(p)
        else:
            if several:
                raise ValueError(
                    f"{CALLER}: the model gives 1 output for sample {i}, so its target must be one number, got {t!r}"
                )
            obs.append(t)
            out.append(p)
    return obs, out


def _forward(model: Module) -> Forward:
    """How ``train`` reads one sample's prediction: ``model(x)``, a list for several outputs.

    An ``MLP`` with several outputs gives them with ``outputs(x)``; any other
    module is called (a ``Layer`` gives a list, a ``Neuron`` a ``Value``).
    """
    if isinstance(model, MLP) and model.nout > 1:
        return model.outputs
    # train has checked that the model is callable; what a custom module returns
    # is checked on each call, by _pair_outputs and the loss.
    return cast(Forward, model)


def _one_output(model: Module) -> bool:
    """True for a library module whose prediction for a sample is one Value (not a list)."""
    return type(model) is Neuron or (type(model) is MLP and model.nout == 1)


def _checked_forward(model: Module) -> tuple[Callable[[Any], Any], Callable[[Any], Value | list[Value]]]:
    """How ``train`` reads one sample: ``(check, run)``, the prediction being ``run(check(x))``.

    For an ``MLP``, ``Layer`` or ``Neuron`` (exactly: a subclass may call
    itself differently) ``check`` is the module's own ``as_inputs`` (its errors
    named as calling the module names them) and ``run`` its forward pass from
    the checked Values, giving what calling it gives. Any other module: the
    sample as it is, and ``_forward``.
    """
    t = type(model)
    if t is MLP:
        mlp = cast(MLP, model)
        check = public("MLP")(partial(as_inputs, nin=mlp.nin))
        if mlp.nout > 1:
            return check, mlp.forward
        only = mlp.forward

        def output(xs: list[Value]) -> Value:  # model(x): the network's one output
            return only(xs)[0]
        return check, output
    if t is Layer:
        layer = cast(Layer, model)
        return public("Layer")(partial(as_inputs, nin=layer.nin)), layer.forward
    if t is Neuron:
        neuron = cast(Neuron, model)
        return public("Neuron")(partial(as_inputs, nin=neuron.nin)), neuron.forward
    return _as_given, _forward(model)


def _as_given(x: Any) -> Any:
    """A sample for a module that checks its own input: unchanged."""
    return x
