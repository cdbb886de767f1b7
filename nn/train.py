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

import math
import numbers
from collections.abc import Callable, Mapping, Sequence

from engine import Value
from nn.ledger import Ledger, Step
from nn.losses import ssr
from nn.module import InputLike, Module
from nn.optim import SGD, check_lr

__all__ = [
    "train",
    "gradient_descent",
    "NonFiniteLossError",
    "MIN_STEP_SIZE",
    "MAX_STEPS",
    "LEARNING_RATE",
]

#: The articles' defaults: learning rate 0.1; stop when every step size is
#: below 0.001, or after 1000 steps.
LEARNING_RATE = 0.1
MIN_STEP_SIZE = 0.001
MAX_STEPS = 1000

Params = Module | Mapping[str, Value] | Sequence[Value]
LossFunction = Callable[[Sequence[float], Sequence[Value]], Value]


class NonFiniteLossError(FloatingPointError):
    """Training produced an infinite or NaN loss (or gradient): the steps diverged.

    ``step`` is the step at which it happened (``steps + 1`` when it was the
    loss after the last step), ``lr`` the learning rate, and ``ledger`` holds the
    steps taken before it, to show how the numbers grew.
    """

    def __init__(self, message: str, step: int, lr: float, ledger: Ledger) -> None:
        super().__init__(message)
        self.step = step
        self.lr = lr
        self.ledger = ledger


def _named(params: Params, who: str) -> list[tuple[str, Value]]:
    if isinstance(params, Module):
        named = params.unique_named_parameters(who)
    elif isinstance(params, Mapping):
        named = list(params.items())
    elif isinstance(params, Value):
        named = [(params.label or "p1", params)]
    else:
        named = [(p.label if isinstance(p, Value) and p.label else f"p{i + 1}", p)
                 for i, p in enumerate(params)]
    for name, p in named:
        if not isinstance(p, Value):
            raise TypeError(f"{who}: parameter {name!r} must be a Value, got {type(p).__name__}")
    names = [n for n, _ in named]
    if len(set(names)) != len(names):
        raise ValueError(f"{who}: parameter names must be different, got {names}")
    return named


def _check_stopping(who: str, min_step_size: float, max_steps: int, steps: int | None) -> None:
    if steps is not None:
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise ValueError(f"{who}: steps must be a positive int, got {steps!r}")
        if min_step_size != MIN_STEP_SIZE or max_steps != MAX_STEPS:
            raise ValueError(
                f"{who}: give either steps (a fixed number of steps) or"
                " min_step_size/max_steps (the stopping rule), not both"
            )
        return
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
        raise ValueError(f"{who}: max_steps must be a positive int, got {max_steps!r}")
    if (isinstance(min_step_size, bool) or not isinstance(min_step_size, numbers.Real)
            or not math.isfinite(min_step_size) or min_step_size < 0):
        raise ValueError(f"{who}: min_step_size must be a number >= 0, got {min_step_size!r}")


def _diverged(
    who: str, what: str, where: str, step: int, lr: float, ledger: Ledger, loss: float | None = None
) -> NonFiniteLossError:
    """The error to raise; its ledger is marked ``diverged`` first, so its summary says so.

    ``loss`` is the loss at the ledger's final values, when it was computed.
    """
    ledger.stop_reason = "diverged"
    ledger.stop_note = f"{what} {where}"
    ledger.final_loss = loss
    return NonFiniteLossError(
        f"{who}: {what} {where} with learning rate {lr:g}: the steps grew instead of"
        f" shrinking (gradient descent diverged); try a smaller learning rate, e.g. lr={lr / 10:g}",
        step, lr, ledger,
    )


def _evaluate(
    loss_fn: Callable[[], Value], who: str, step: int, lr: float, ledger: Ledger, final: bool = False
) -> Value:
    """``loss_fn()``, checked to be a finite Value; ``final`` for the evaluation after the last step."""
    where = f"after the last step (step {step - 1})" if final else f"at step {step}"
    try:
        loss = loss_fn()
    except OverflowError as e:
        raise _diverged(who, f"a number overflowed ({e})", where, step, lr, ledger) from e
    if not isinstance(loss, Value):
        raise TypeError(f"{who}: the loss must be a Value, got {type(loss).__name__}")
    ledger.loss_name = loss.label or "loss"
    if not math.isfinite(loss.data):
        raise _diverged(
            who, f"the loss {ledger.loss_name} became {loss.data!r}", where, step, lr, ledger, loss.data
        )
    return loss


def gradient_descent(
    loss_fn: Callable[[], Value],
    params: Params,
    *,
    lr: float = LEARNING_RATE,
    min_step_size: float = MIN_STEP_SIZE,
    max_steps: int = MAX_STEPS,
    steps: int | None = None,
    who: str = "gradient_descent",
) -> Ledger:
    """Minimise ``loss_fn()`` over ``params`` by gradient descent; returns the ``Ledger``.

    ``loss_fn`` takes no arguments and builds the loss graph from the current
    parameter values each time it is called. ``params`` is a ``Module`` (all its
    parameters), a mapping ``{name: Value}``, or a list of Values (named by their
    labels). Each step: ``step size = grad x lr``, ``new = old - step size``.
    Stops when every ``|step size| < min_step_size`` (that step is taken) or
    after ``max_steps``; with ``steps=N``, after exactly N steps.

    Raises ``NonFiniteLossError`` naming the step when the loss or a gradient
    stops being finite (usually: the learning rate is too large).
    """
    lr = check_lr(lr, who)
    _check_stopping(who, min_step_size, max_steps, steps)
    named = _named(params, who)
    if not named:
        raise ValueError(f"{who}: no parameters to train")
    names = [n for n, _ in named]
    values = [p for _, p in named]
    opt = SGD(values, lr)
    ledger = Ledger(
        names=tuple(names), lr=lr, start={n: p.data for n, p in named},
        min_step_size=None if steps is not None else float(min_step_size),
        max_steps=steps if steps is not None else max_steps,
    )
    limit = steps if steps is not None else max_steps
    ledger.stop_reason = "steps" if steps is not None else "max_steps"
    for k in range(1, limit + 1):
        loss = _evaluate(loss_fn, who, k, lr, ledger)
        # Zero every leaf under the loss, so that afterwards each grad is the
        # last step's gradient, not a sum; and every trained parameter too: one
        # the loss does not reach keeps no stale grad for SGD to apply.
        loss.zero_grad()
        opt.zero_grad()
        loss.backward()
        grads = [p.grad for p in values]
        for name, g in zip(names, grads):
            if not math.isfinite(g):
                what = f"the gradient d{ledger.loss_name}/d{name} became {g!r}"
                raise _diverged(who, what, f"at step {k}", k, lr, ledger, loss.data)
        sizes = opt.step()
        ledger.rows.append(Step(
            step=k,
            loss=loss.data,
            grads=dict(zip(names, grads)),
            step_sizes=dict(zip(names, sizes)),
            new_values={n: p.data for n, p in named},
        ))
        if steps is None and all(abs(s) < min_step_size for s in sizes):
            ledger.stop_reason = "min_step_size"
            break
    ledger.final_loss = _evaluate(loss_fn, who, len(ledger) + 1, lr, ledger, final=True).data
    return ledger


def _check_number(x: object, where: str, what: str) -> None:
    """``TypeError`` / ``ValueError`` from ``train`` unless ``x`` is a Value or a finite real number."""
    if isinstance(x, Value):
        return
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"train: {where} must be {what}, got {type(x).__name__} {x!r}")
    if not math.isfinite(x):
        raise ValueError(f"train: {where} must be finite, got {x!r}")


def _check_targets(targets: Sequence[object]) -> None:
    """Each target is a number (one output) or a sequence of numbers (several outputs)."""
    # Samples and outputs count from 1, as the modules count their inputs.
    for i, t in enumerate(targets, start=1):
        if isinstance(t, Sequence) and not isinstance(t, (str, bytes)):
            for j, v in enumerate(t, start=1):
                _check_number(v, f"target {i}, output {j}", "a number")
        else:
            _check_number(t, f"target {i}", "a number (or a list of numbers for several outputs)")


def _flatten(targets: Sequence[object], preds: Sequence[object]) -> tuple[list[object], list[object]]:
    """Pair each output with its target; a model with several outputs needs a target sequence per sample."""
    obs: list[object] = []
    out: list[object] = []
    for i, (t, p) in enumerate(zip(targets, preds), start=1):
        several = isinstance(t, Sequence) and not isinstance(t, (str, bytes))
        if isinstance(p, list):
            if not several or len(t) != len(p):
                raise ValueError(
                    f"train: the model gives {len(p)} outputs for sample {i},"
                    f" so its target must be a sequence of {len(p)} numbers, got {t!r}"
                )
            obs.extend(t)
            out.extend(p)
        else:
            if several:
                raise ValueError(
                    f"train: the model gives 1 output for sample {i},"
                    f" so its target must be one number, got {t!r}"
                )
            obs.append(t)
            out.append(p)
    return obs, out


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
) -> Ledger:
    """Fit ``model`` to ``(inputs, targets)`` by full-batch gradient descent; returns the ``Ledger``.

    Each step the loss is ``loss(targets, [model(x) for x in inputs])`` (by
    default the sum of squared residuals, ``ssr``). ``params`` picks the
    parameters to train, by name or as Values (default: all of them); the
    others keep their values. Stopping: see ``gradient_descent``
    (every ``|gradient x lr| < min_step_size``, or ``max_steps``, or exactly ``steps``).

        ledger = train(model, [0.0, 0.5, 1.0], [0.0, 1.0, 0.0], params=["b3"], lr=0.1)
        print(ledger)                      # the step table and a summary
    """
    who = "train"
    if not isinstance(model, Module) or not callable(model):
        raise TypeError(f"{who}: model must be a callable nn Module, got {type(model).__name__}")
    for what, xs in (("inputs", inputs), ("targets", targets)):
        if isinstance(xs, (str, bytes, Value, numbers.Real)) or not isinstance(xs, Sequence):
            raise TypeError(f"{who}: {what} must be a list of samples, got {type(xs).__name__}")
    if len(inputs) != len(targets):
        raise ValueError(
            f"{who}: inputs and targets must have the same length, got {len(inputs)} inputs"
            f" and {len(targets)} targets"
        )
    if not inputs:
        raise ValueError(f"{who}: no data: inputs and targets are empty")
    _check_targets(targets)
    named = model.unique_named_parameters(who)
    if params is None:
        chosen = named
    else:
        if isinstance(params, (str, Value)):
            params = [params]
        by_name = dict(named)
        name_of = {p: n for n, p in named}
        chosen = []
        for p in params:
            if isinstance(p, str):
                if p not in by_name:
                    raise ValueError(model._unknown(p, who))
                chosen.append((p, by_name[p]))
            elif isinstance(p, Value) and p in name_of:
                chosen.append((name_of[p], p))
            else:
                raise ValueError(f"{who}: params must be names or parameters of this model, got {p!r}")
    samples = list(inputs)
    observed = list(targets)

    def loss_fn() -> Value:
        preds = []
        for i, x in enumerate(samples, start=1):
            try:
                preds.append(model(x))
            except (TypeError, ValueError) as e:
                # Say which sample; keep the error's kind (a subclass may
                # not take a plain message, so re-raise as the base class).
                kind = TypeError if isinstance(e, TypeError) else ValueError
                raise kind(f"{who}: sample {i} ({x!r}): {e}") from None
        obs, out = _flatten(observed, preds)
        return loss(obs, out)

    return gradient_descent(
        loss_fn, dict(chosen), lr=lr, min_step_size=min_step_size,
        max_steps=max_steps, steps=steps, who=who,
    )
