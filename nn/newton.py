"""Newton's method on the loss, with the same ledger as gradient descent: ``newton(model, inputs, targets)``.

Each step, for the parameters being trained (``engine.grad`` twice: the gradient
built as a graph, then differentiated again):

    loss       = loss at the current values
    gradient   g = d loss / d parameters
    Hessian    H = d² loss / (d parameter_i d parameter_j)
    step size  s = (H + damping·I)⁻¹ g        (one parameter: s = g / (d²loss/dp² + damping))
    new value  = old value - s

On a parabola (SSR in b3 alone: predicted is linear in b3) the first step lands on
the minimum: b3 = 0 - (-15.66) / 6. The stopping rule is gradient descent's (every
|step size| < ``min_step_size``, that step taken; or ``max_steps``; or exactly ``steps``).

``damping`` adds ``damping`` to the Hessian's diagonal (Levenberg's damping): between
Newton's step (0) and a short gradient step (large). A Hessian (plus damping) that
is not positive definite or is singular stops the run with
``NotPositiveDefiniteError``, saying what to do. ``adaptive=True`` is
Levenberg-Marquardt: a step that would raise the loss, or a Hessian that is not
positive definite, is not taken; the damping is multiplied by 10 and the system
solved again; after each step taken the damping is divided by 10.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from engine import Value, grad
from engine.checks import check_bool, check_callable, check_non_negative, check_value
from engine.format import format_number
from nn.checks import (
    InputLike,
    check_options,
    check_samples,
    check_unique_names,
    named_parameters_of,
    select_parameters,
)
from nn.descent import NonFiniteLossError
from nn.ledger import Ledger
from nn.linear_solve import NotPositiveDefinite, cholesky_solve
from nn.losses import ssr
from nn.module import Module
from nn.options import MAX_STEPS, MIN_STEP_SIZE, Options
from nn.public import CALLER, public
from nn.train import LossFunction, loss_function

__all__ = ["newton", "NotPositiveDefiniteError", "FIRST_DAMPING", "LAST_DAMPING", "MAX_TRIALS"]

#: Adaptive damping that has to start from 0 starts at this times the largest |diagonal entry| of H ...
FIRST_DAMPING = 1e-3
#: ... and, divided by 10 after each step taken, returns to 0 (Newton's own step) below this times it.
LAST_DAMPING = 1e-6
#: Adaptive damping gives up after this many tries in one step (the damping then 10**39 times its first).
MAX_TRIALS = 40


class NotPositiveDefiniteError(ArithmeticError):
    """Newton's system ``(H + damping·I) s = g`` has no downhill solution at step ``step``.

    ``singular``: the Hessian (plus damping) is singular rather than indefinite.
    ``hessian`` is H there (without the damping); ``ledger`` holds the steps taken before.
    """

    def __init__(self, message: str, step: int, hessian: list[list[float]], singular: bool, ledger: Ledger) -> None:
        super().__init__(message)
        self.step, self.hessian, self.singular, self.ledger = step, hessian, singular, ledger


@public("newton")
def newton(
    model: Module,
    inputs: Sequence[InputLike],
    targets: Sequence[float | Sequence[float]],
    *,
    loss: LossFunction = ssr,
    params: Sequence[str | Value] | None = None,
    damping: float = 0.0,
    adaptive: bool = False,
    min_step_size: float = MIN_STEP_SIZE,
    max_steps: int = MAX_STEPS,
    steps: int | None = None,
) -> Ledger:
    """Fit ``model`` to ``(inputs, targets)`` by Newton's method; returns the ``Ledger`` (as ``train``'s).

    The arguments are ``train``'s (no learning rate: Newton's step is the whole
    step), plus ``damping`` (>= 0, added to the Hessian's diagonal) and ``adaptive``
    (Levenberg-Marquardt: the damping grows until a step lowers the loss). Each
    ``ledger[k]`` also holds the step's ``hessian``, its ``second_derivatives``
    (the diagonal) and its ``damping``; ``ledger.method`` is ``"newton"``.

        ledger = newton(network({"b3": 0.0}), INPUTS, OBSERVED, params=["b3"])
        ledger[0].new_values["b3"]        # 2.6092 = 0 - (-15.6551) / 6: the minimum, in one step

    ``NotPositiveDefiniteError`` when the Hessian (plus damping) is not positive
    definite or is singular (its message says what to do); ``NonFiniteLossError``
    when the steps diverge. Parameters' ``.grad`` are left as they were.
    """
    if not isinstance(model, Module) or not callable(model):
        raise TypeError(f"{CALLER}: model must be a callable nn Module, got {type(model).__name__}")
    check_callable(loss, CALLER, "loss", "a function (observed, predicted) -> Value such as nn.ssr")
    samples, observed = check_samples(inputs, targets)
    named = check_unique_names(model.named_parameters(), type(model).__name__)
    chosen = named if params is None else select_parameters(named, params)
    options = check_options(lr=1.0, min_step_size=min_step_size, max_steps=max_steps, steps=steps, compiled=False)
    lam = check_non_negative(damping, CALLER, "damping")
    check_bool(adaptive, CALLER, "adaptive")
    trained = named_parameters_of(dict(chosen))
    return _run(loss_function(model, samples, observed, loss), trained, options, lam, adaptive)


def _run(loss_fn: Callable[[], Value], named: list[tuple[str, Value]], options: Options, damping: float,
         adaptive: bool) -> Ledger:
    """The steps, from the parameters' current values; arguments already checked."""
    values = [p for _, p in named]
    rule = options.steps is None
    ledger = Ledger(names=tuple(n for n, _ in named), lr=1.0, start={n: p.data for n, p in named},
                    min_step_size=options.min_step_size if rule else None, max_steps=options.limit,
                    method="newton", damping=damping, adaptive=adaptive)
    ledger.stop_reason = "max_steps" if rule else "steps"
    lam = damping
    for k in range(1, options.limit + 1):
        loss = _evaluate(loss_fn, k, ledger)
        g, hessian = _derivatives(loss, values, k, ledger)
        if adaptive:
            sizes, used = _adaptive_step(loss_fn, values, g, hessian, loss.data, lam=lam, k=k, ledger=ledger)
            lam = used / 10.0 if used / 10.0 >= LAST_DAMPING * _scale(hessian) else 0.0
        else:
            sizes, used = _solve(g, hessian, lam, k, ledger, loss), lam
            for p, s in zip(values, sizes):
                p.data -= s
        ledger.record_newton(loss.data, g, sizes, [p.data for p in values], hessian, used)
        if rule and all(abs(s) < options.min_step_size for s in sizes):
            ledger.stop_reason = "min_step_size"
            break
    ledger.final_loss = _evaluate(loss_fn, len(ledger) + 1, ledger, final=True).data
    return ledger


def _evaluate(loss_fn: Callable[[], Value], step: int, ledger: Ledger, final: bool = False) -> Value:
    """``loss_fn()``, a finite Value; ``NonFiniteLossError`` (the steps diverged) otherwise."""
    where = f"after the last step (step {step - 1})" if final else f"at step {step}"
    try:
        loss = loss_fn()
    except OverflowError as e:
        raise _diverged(ledger, f"a number overflowed ({e})", where, step) from e
    check_value(loss, CALLER, "the loss")
    ledger.loss_name = loss.label or "loss"
    if not math.isfinite(loss.data):
        raise _diverged(ledger, f"the loss {ledger.loss_name} became {loss.data!r}", where, step, loss.data)
    return loss


def _diverged(ledger: Ledger, what: str, where: str, step: int, loss: float | None = None) -> NonFiniteLossError:
    ledger.stop_reason, ledger.stop_note, ledger.final_loss = "diverged", f"{what} {where}", loss
    return NonFiniteLossError(
        f"{CALLER}: {what} {where}: Newton's steps grew instead of shrinking (the method diverged);"
        " adaptive=True takes only steps that lower the loss", step, 1.0, ledger)


def _derivatives(loss: Value, values: list[Value], k: int, ledger: Ledger) -> tuple[list[float], list[list[float]]]:
    """The gradient and the Hessian at the current values, both finite (else ``NonFiniteLossError``)."""
    first = grad(loss, values, create_graph=True, allow_unused=True)
    g = [v.data for v in first]
    hessian = [list(grad(d, values, allow_unused=True)) for d in first]
    names, name = ledger.names, ledger.loss_name
    for i, row in enumerate(hessian):
        if not math.isfinite(g[i]):
            raise _diverged(ledger, f"the gradient d{name}/d{names[i]} became {g[i]!r}", f"at step {k}", k, loss.data)
        for j, h in enumerate(row):
            if not math.isfinite(h):
                what = f"the second derivative d²{name}/d{names[i]}d{names[j]} became {h!r}"
                raise _diverged(ledger, what, f"at step {k}", k, loss.data)
    return g, hessian


def _scale(hessian: list[list[float]]) -> float:
    return max(abs(hessian[i][i]) for i in range(len(hessian))) or 1.0


def _solve(g: list[float], hessian: list[list[float]], lam: float, k: int, ledger: Ledger, loss: Value) -> list[float]:
    """Newton's step ``(H + lam·I)⁻¹ g``; ``NotPositiveDefiniteError`` saying what to do when there is none."""
    try:
        return cholesky_solve(hessian, g, lam)
    except NotPositiveDefinite as e:
        ledger.stop_reason = "singular" if e.singular else "not_positive_definite"
        ledger.final_loss = loss.data
        raise NotPositiveDefiniteError(_refusal(e, hessian, lam, k, ledger), k, hessian, e.singular, ledger) from None


def _refusal(e: NotPositiveDefinite, hessian: list[list[float]], lam: float, k: int, ledger: Ledger) -> str:
    """The error's message: what is wrong with the Hessian at step ``k``, and what to do."""
    plus = f" + {format_number(lam, 6)}·I" if lam else ""
    name = ledger.names[e.index]
    if e.singular:
        what = (f"singular (Cholesky's pivot for {name} is {e.pivot:.3g}, 0 next to the largest diagonal entry):"
                " the loss is flat in some direction here (a parameter it does not read, or several that"
                " trade off exactly), so Newton's step is not determined")
    else:
        what = (f"not positive definite (Cholesky's pivot for {name} is {e.pivot:.3g} < 0): the loss curves"
                " downward in some direction here, and Newton's step would head for a maximum or a saddle")
    fix = next((d for d in (10.0 ** p for p in range(-6, 16)) if d > lam and _positive_definite(hessian, d)), None)
    damped = (f", or damping={format_number(fix, 6)} (H + {format_number(fix, 6)}·I is positive definite here)"
              if fix is not None else "")
    return (f"{CALLER}: at step {k} the Hessian of {ledger.loss_name}{plus} is {what}; pass adaptive=True"
            f" (Levenberg-Marquardt: the damping grows until a step lowers the loss){damped}, or use train"
            " (gradient descent)")


def _positive_definite(hessian: list[list[float]], lam: float) -> bool:
    try:
        cholesky_solve(hessian, [0.0] * len(hessian), lam)
    except NotPositiveDefinite:
        return False
    return True


def _adaptive_step(loss_fn: Callable[[], Value], values: list[Value], g: list[float], hessian: list[list[float]],
                   loss: float, *, lam: float, k: int, ledger: Ledger) -> tuple[list[float], float]:
    """Levenberg-Marquardt: the first damping from ``lam`` up (x10) whose step does not raise the loss.

    Returns the step taken (the parameters moved by it) and its damping.
    """
    old = [p.data for p in values]
    for _ in range(MAX_TRIALS):
        try:
            sizes = cholesky_solve(hessian, g, lam)
        except NotPositiveDefinite:
            sizes = None
        if sizes is not None:
            for p, o, s in zip(values, old, sizes):
                p.data = o - s
            try:
                trial = loss_fn().data
            except OverflowError:
                trial = math.inf
            if trial <= loss:
                return sizes, lam
            for p, o in zip(values, old):
                p.data = o
        lam = lam * 10.0 if lam > 0.0 else FIRST_DAMPING * _scale(hessian)
    raise ValueError(
        f"{CALLER}: at step {k} no damping up to {lam:.3g} gives a step that does not raise {ledger.loss_name}"
        f" from {format_number(loss, 6)}: does the loss give the same number for the same parameters?"
    )
