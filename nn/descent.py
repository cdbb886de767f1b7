"""The gradient-descent loop itself: each step eager or all steps compiled, the ledger filled.

``nn.train``'s ``train`` and ``gradient_descent`` check their arguments once and
call ``run_steps`` with them (the options as one ``Options``); this module takes
the steps. An eager step evaluates the loss, backpropagates, checks that the
gradients are finite, updates the parameters (SGD) and records the step;
``compiled=True`` runs the same steps as code that ``engine.trace`` generated,
with the same numbers bit for bit. A step whose loss or gradient is not finite
ends training with ``NonFiniteLossError``. Messages name ``CALLER``: the public
function that was called puts its name there (``nn.public``).
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Sequence

from engine import GraphChangedError, Tape, Value, topological_order, trace
from engine.checks import check_value
from engine.format import format_number
from nn.ledger import Ledger
from nn.optim import SGD
from nn.options import Options
from nn.public import CALLER

__all__ = ["NonFiniteLossError", "run_steps"]


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


def _diverged(ledger: Ledger, what: str, where: str, step: int, loss: float | None = None) -> NonFiniteLossError:
    """The error to raise; its ledger is marked ``diverged`` first, so its summary says so.

    ``loss`` is the loss at the ledger's final values, when it was computed. The
    message ends at "diverged)"; ``nn.train`` adds the learning rate to try.
    """
    ledger.stop_reason = "diverged"
    ledger.stop_note = f"{what} {where}"
    ledger.final_loss = loss
    return NonFiniteLossError(
        f"{CALLER}: {what} {where} with learning rate {format_number(ledger.lr, 6)}: the steps grew instead of"
        " shrinking (gradient descent diverged)",
        step, ledger.lr, ledger,
    )


def _evaluate(loss_fn: Callable[[], Value], step: int, ledger: Ledger, final: bool = False) -> Value:
    """``loss_fn()``, checked to be a finite Value; ``final`` for the evaluation after the last step."""
    try:
        loss = loss_fn()
    except OverflowError as e:
        where = f"after the last step (step {step - 1})" if final else f"at step {step}"
        raise _diverged(ledger, f"a number overflowed ({e})", where, step) from e
    if type(loss) is not Value:
        check_value(loss, CALLER, "the loss")
    ledger.loss_name = loss.label or "loss"
    if not math.isfinite(loss.data):
        where = f"after the last step (step {step - 1})" if final else f"at step {step}"
        raise _diverged(ledger, f"the loss {ledger.loss_name} became {loss.data!r}", where, step, loss.data)
    return loss


def run_steps(
    loss_fn: Callable[[], Value], named: list[tuple[str, Value]], options: Options, zero: Sequence[Value] = ()
) -> Ledger:
    """The steps themselves, from the parameters' current values; arguments already checked.

    ``zero``: Values besides the trained ones whose grads are reset each step
    (train's other model parameters), so that they too hold the last step's gradient.
    """
    values = [p for _, p in named]
    rule = options.steps is None  # the stopping rule, not a fixed number of steps
    ledger = Ledger(
        names=tuple(n for n, _ in named), lr=options.lr, start={n: p.data for n, p in named},
        min_step_size=options.min_step_size if rule else None, max_steps=options.limit,
    )
    ledger.stop_reason = "max_steps" if rule else "steps"
    step = _Stepper(loss_fn, ledger, SGD._of(values, options.lr), [p for p in zero if p not in set(values)])
    try:
        if options.compiled:
            _run_compiled(step, options.limit, options.min_step_size if rule else -1.0)
        else:
            min_step_size = options.min_step_size
            for k in range(1, options.limit + 1):
                sizes = step(k)
                if rule and all(abs(s) < min_step_size for s in sizes):
                    ledger.stop_reason = "min_step_size"
                    break
    finally:
        step.restore_other_leaves()
    final = _evaluate(loss_fn, len(ledger) + 1, ledger, final=True)
    ledger.final_loss = final.data
    if options.compiled:
        step.tape.check_graph(final)
    return ledger


class _Stepper:
    """One eager gradient-descent step: ``step(k)`` evaluates, backpropagates, checks, updates, records."""

    def __init__(self, loss_fn: Callable[[], Value], ledger: Ledger, opt: SGD, zero: list[Value]) -> None:
        self.loss_fn, self.ledger, self.opt = loss_fn, ledger, opt
        self.zero = zero
        self.tape: Tape
        # The leaves that outlive the steps without being trained (data made
        # once, outside loss_fn) and their grads before the first step: each
        # step's backward() adds to them, so they are put back at the end.
        self.others: list[tuple[Value, float]] | None = None

    def restore_other_leaves(self) -> None:
        """Give the untrained leaves back the grads they had before training (the compiled path never touches them)."""
        for leaf, grad in self.others or ():
            leaf.grad = grad

    def __call__(self, k: int) -> list[float]:
        """Step ``k`` (from 1); returns its step sizes. ``NonFiniteLossError`` if it diverged."""
        ledger, values = self.ledger, self.opt.parameters
        # The cyclic garbage collector is paused during the step: a step's
        # graph holds no reference cycles (a node refers only to its inputs)
        # and is freed by reference counting when the step drops its loss,
        # so a collection here would only scan the live graph for nothing
        # (on an MLP, half of the step's time). It runs again between steps,
        # for whatever cyclic garbage the user's own code makes.
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            loss = _evaluate(self.loss_fn, k, ledger)
            if self.others is None:  # the first eager step: one walk, not one per step
                kept = set(values).union(self.zero)
                self.others = [(n, n.grad) for n in topological_order(loss) if not n.inputs and n not in kept]
            # Only the leaves that outlive the step need zeroing: the trained
            # parameters (and train's other parameters). backward() zeroes
            # the nodes it walks; this step's own leaves start at 0.
            self.opt.zero_grad()
            for p in self.zero:
                p.grad = 0.0
            loss.backward()
            grads = [p.grad for p in values]
            # One sum in C for the common case: finite grads give a finite sum
            # (or, rarely, an overflow, which the loop below clears).
            if not math.isfinite(sum(grads)):
                for name, g in zip(ledger.names, grads):
                    if not math.isfinite(g):
                        what = f"the gradient d{ledger.loss_name}/d{name} became {g!r}"
                        raise _diverged(ledger, what, f"at step {k}", k, loss.data)
            sizes = self.opt.step()
            ledger.record(loss.data, grads, sizes, [p.data for p in values])
            del loss  # the graph is freed here, with the collector still paused
        finally:
            if paused:
                gc.enable()
        return sizes


def _run_compiled(step: _Stepper, limit: int, min_step: float) -> None:
    """Steps 1..limit (or until every step size < ``min_step``) as one generated loop.

    The trace's code records each step into the ledger's flat numbers. When a
    step cannot be taken (a non-finite loss or gradient, an error in the
    forward pass), that step is run again eagerly from the same parameter
    values, which raises the eager path's own error.
    """
    ledger, values = step.ledger, step.opt.parameters
    # The collector is paused as in an eager step: tracing is step 1's forward and
    # backward (its graph is freed by reference counting once recorded), and the
    # generated code makes no reference cycles at all.
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        try:
            tape = trace(step.loss_fn, dict(zip(ledger.names, values)))
        except (TypeError, ValueError, ArithmeticError):
            # A loss the eager path refuses (not a Value, an overflow ...) is refused in
            # its words; what only tracing refuses (an op without a template ...) in trace's.
            _evaluate(step.loss_fn, 1, ledger)
            raise
        step.tape = tape
        ledger.loss_name = tape.loss_label or "loss"
        descent = tape.descent()
        # Each step's loss and gradients; the ledger works out sizes and new values when read.
        taken: list[float] = []
        done, status, state = descent([p.data for p in values], ledger.lr, limit, min_step, taken.extend)
    finally:
        if paused:
            gc.enable()
    ledger.add_losses_and_grads(taken)
    for p, v in zip(values, state):
        p.data = v
    if taken:  # the trained parameters hold the last step's gradient, as after an eager run
        for p, g in zip(values, taken[len(taken) - len(values):]):
            p.grad = g
    if status == 3:
        ledger.stop_reason = "min_step_size"
    elif status in (1, 2, 4):
        step(done + 1)  # raises the eager path's error for this step
        raise GraphChangedError(
            f"{CALLER}: the compiled step {done + 1} failed where the eager step does not: loss_fn builds"
            " another graph than when it was traced (does it branch on .data?); use compiled=False"
        )
