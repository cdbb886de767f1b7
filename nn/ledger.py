"""The training ledger: one row per gradient-descent step, and how the run started and ended.

Each row holds what the articles write down for a step: the loss at the
current parameters, and for each trained parameter its gradient, its step
size (gradient x learning rate) and its new value (old value - step size).
A run of Newton's method (``nn.newton``) keeps the same rows, its step size being
Newton's step, and beside them each step's Hessian and the damping it used.
The text and file formats are ``nn.ledger_format``'s; the methods here hand over to it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from engine.checks import check_int
from engine.format import format_number
from nn import ledger_format
from nn.checks import check_text_options
from nn.ledger_format import STOP_REASONS
from nn.public import public

__all__ = ["Step", "Ledger", "STOP_REASONS"]


@dataclass(frozen=True)
class Step:
    """One gradient-descent step.

    ``loss`` is evaluated at the parameters *before* the step (it is the loss
    whose gradient was used); ``grads[name]`` is d loss / d parameter there,
    ``step_sizes[name] = grads[name] x lr`` and ``new_values[name]`` is the value
    after the step, ``old - step size``.
    """

    step: int
    loss: float
    grads: dict[str, float]
    step_sizes: dict[str, float]
    new_values: dict[str, float]
    #: Newton's method: the Hessian there, ``hessian[i][j]`` = d²loss/(d names[i] d names[j]) (None for descent).
    hessian: tuple[tuple[float, ...], ...] | None = None
    #: Newton's method: the damping added to the Hessian's diagonal for this step.
    damping: float | None = None

    @property
    def second_derivatives(self) -> dict[str, float] | None:
        """Newton's method: d²loss/dparam² for each parameter (the Hessian's diagonal); None for descent."""
        if self.hessian is None:
            return None
        return {name: self.hessian[i][i] for i, name in enumerate(self.grads)}


@dataclass(repr=False, eq=False)
class Ledger:
    """All the steps of one training run, with how it started and why it stopped.

    ``len(ledger)`` is the number of steps; ``ledger[0]`` is the first ``Step``.
    ``str(ledger)`` is ``ledger.table()``: a plain-text table that fits 80
    columns when parameter names are short, one line per (step, parameter).
    ``stop_reason`` is a key of ``STOP_REASONS``; ``stop_note`` says what
    happened when training diverged. ``final_loss`` is the loss at
    ``final_values`` (``inf``/``nan`` when that is how it diverged).

    The numbers are kept flat, ``numbers``: per step the loss, then for each
    parameter its gradient, step size and new value (``record`` appends a
    step). ``rows`` and ``ledger[i]`` build ``Step`` objects from them when read:
    a training loop then pays for one list extension per step, not for a
    ``Step`` and three dicts. A compiled run records less still, each step's
    loss and gradients (``add_losses_and_grads``): the step sizes and new values
    are worked out when first read, with SGD's own two operations
    (``size = grad * lr``, ``new = old - size``), so they are the same floats.
    """

    names: tuple[str, ...]
    lr: float
    start: dict[str, float]
    loss_name: str = "loss"
    min_step_size: float | None = None
    max_steps: int | None = None
    stop_reason: str | None = None
    final_loss: float | None = None
    stop_note: str | None = None
    #: ``"gradient descent"``, or ``"newton"`` for ``nn.newton``'s runs (then ``lr`` is 1: the full step).
    method: str = "gradient descent"
    #: Newton's method: the damping given, and whether it adapted step by step (Levenberg-Marquardt).
    damping: float | None = None
    adaptive: bool = False
    _numbers: list[float] = field(default_factory=list)
    _compact: list[float] = field(default_factory=list)  # loss, grads ... of steps not yet worked out
    _second: list[float] = field(default_factory=list)  # Newton's: per step its damping, then its Hessian by rows

    # ------------------------------------------------------------ recording

    @property
    def numbers(self) -> list[float]:
        """Per step: the loss, then each parameter's gradient, step size and new value (flat)."""
        if self._compact:
            self._work_out()
        return self._numbers

    def record(self, loss: float, grads: Sequence[float], sizes: Sequence[float], values: Sequence[float]) -> None:
        """Append one step: its loss, and each parameter's gradient, step size and new value."""
        # Slice assignments fill the row's columns in C: this runs once per eager step.
        row = [loss] * (1 + 3 * len(grads))
        row[1::3] = grads
        row[2::3] = sizes
        row[3::3] = values
        self.numbers.extend(row)

    def record_newton(self, loss: float, grads: Sequence[float], sizes: Sequence[float], values: Sequence[float],
                      hessian: Sequence[Sequence[float]], damping: float) -> None:
        """Append one step of Newton's method: ``record``'s numbers, its Hessian and the damping it used."""
        self.record(loss, grads, sizes, values)
        self._second.append(damping)
        for row in hessian:
            self._second.extend(row)

    def add_losses_and_grads(self, numbers: list[float]) -> None:
        """Append steps given as their loss and gradients only (flat: loss, grad_1 .. grad_n per step).

        The steps follow the last one recorded (or ``start``) and took SGD's
        steps at ``lr``; sizes and new values are worked out when read.
        """
        if self._compact:
            self._compact += numbers
        else:
            self._compact = numbers

    def _work_out(self) -> None:
        """Turn the compact steps into full ones: ``size = grad * lr``, ``new = old - size``, as SGD does."""
        n, lr, out = len(self.names), self.lr, self._numbers
        width = 1 + 3 * n
        if out:
            last = len(out) - width
            old = [out[last + 3 + 3 * j] for j in range(n)]
        else:
            old = [self.start[name] for name in self.names]
        compact, self._compact = self._compact, []
        for base in range(0, len(compact), 1 + n):
            row = [compact[base]]
            for j in range(n):
                grad = compact[base + 1 + j]
                size = grad * lr
                new = old[j] - size
                old[j] = new
                row += (grad, size, new)
            out += row

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ledger):
            return NotImplemented
        mine = (self.names, self.lr, self.start, self.loss_name, self.min_step_size, self.max_steps,
                self.stop_reason, self.final_loss, self.stop_note, self.numbers, self.method, self.damping,
                self.adaptive, self._second)
        return mine == (other.names, other.lr, other.start, other.loss_name, other.min_step_size,
                        other.max_steps, other.stop_reason, other.final_loss, other.stop_note, other.numbers,
                        other.method, other.damping, other.adaptive, other._second)

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass with eq is

    def step(self, index: int) -> Step:
        """Step ``index + 1`` as a ``Step`` (``index`` from 0; negative counts from the end)."""
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError(f"Ledger: step index {index} out of range for {n} steps")
        width = 1 + 3 * len(self.names)
        base = index * width
        nums = self.numbers
        grads, sizes, values = {}, {}, {}
        for j, name in enumerate(self.names):
            at = base + 1 + 3 * j
            grads[name], sizes[name], values[name] = nums[at], nums[at + 1], nums[at + 2]
        if not self._second:
            return Step(step=index + 1, loss=nums[base], grads=grads, step_sizes=sizes, new_values=values)
        n = len(self.names)
        at = index * (1 + n * n)
        flat = self._second[at + 1:at + 1 + n * n]
        hessian = tuple(tuple(flat[i * n:(i + 1) * n]) for i in range(n))
        return Step(step=index + 1, loss=nums[base], grads=grads, step_sizes=sizes, new_values=values,
                    hessian=hessian, damping=self._second[at])

    @property
    def rows(self) -> list[Step]:
        """Every step as a ``Step``, built from ``numbers``."""
        return [self.step(i) for i in range(len(self))]

    # ------------------------------------------------------------ access

    def __len__(self) -> int:
        n = len(self.names)
        return len(self._numbers) // (1 + 3 * n) + len(self._compact) // (1 + n)

    def __iter__(self) -> Iterator[Step]:
        return (self.step(i) for i in range(len(self)))

    @overload
    def __getitem__(self, index: int) -> Step: ...

    @overload
    def __getitem__(self, index: slice) -> list[Step]: ...

    def __getitem__(self, index: int | slice) -> Step | list[Step]:
        """``ledger[i]`` is step ``i + 1`` (a ``Step``); ``ledger[i:j]`` a list of them."""
        if isinstance(index, slice):
            return [self.step(i) for i in range(len(self))[index]]
        return self.step(index)

    def __repr__(self) -> str:
        # Short on purpose: a long run's rows would fill the screen.
        final = "None" if self.final_loss is None else format_number(self.final_loss, 6)
        return (
            f"Ledger(names={self.names!r}, steps={len(self)}, lr={format_number(self.lr, 6)},"
            f" stop_reason={self.stop_reason!r}, final_loss={final})"
        )

    @property
    def steps(self) -> int:
        """The number of steps taken."""
        return len(self)

    @property
    def final_values(self) -> dict[str, float]:
        """Each trained parameter's value after the last step (the start values if no step ran)."""
        return dict(self.step(-1).new_values) if len(self) else dict(self.start)

    @property
    def losses(self) -> list[float]:
        """The loss at each step, before that step's update."""
        return self.numbers[:: 1 + 3 * len(self.names)]

    # ------------------------------------------------------------ text and files

    def summary(self, precision: int = 4) -> str:
        """Why and when training stopped, the loss before and after, each parameter start -> final."""
        return ledger_format.summary(self, check_int(precision, "Ledger.summary", "precision", 0))

    @public("Ledger.table")
    def table(self, max_lines: int | None = 40, precision: int = 4) -> str:
        """A plain-text table of the steps, then the summary.

        One line per (step, parameter): step, loss, parameter, gradient, step
        size and new value, so it stays narrow for any number of parameters.
        A run longer than ``max_lines`` lines shows its first and last steps
        (``max_lines=None`` shows every step).
        """
        return ledger_format.table(self, *check_text_options(max_lines, precision))

    def __str__(self) -> str:
        return self.table()

    @public("Ledger.to_markdown")
    def to_markdown(self, max_lines: int | None = None, precision: int = 4) -> str:
        """A Markdown table, one row per (step, parameter), then the summary.

        Every step by default; with ``max_lines``, the first and last steps that fit.
        """
        return ledger_format.markdown(self, *check_text_options(max_lines, precision))

    def to_html(self, max_lines: int | None = 40, precision: int = 4) -> str:
        """An HTML table, one row per (step, parameter), then the summary (the first and last steps that fit)."""
        return ledger_format.html(self, max_lines, precision)

    def _repr_html_(self) -> str:
        """Jupyter shows a ledger as its HTML table."""
        return self.to_html()

    def plot(self, *, label: str | None = None, ax: Any = None) -> Any:
        """The loss after each step on a log scale, with why training stopped: a matplotlib Figure.

        Needs matplotlib (``pip install "chaingrad[plot]"``); the drawing is
        ``nn.plots.plot_loss``, imported here so that ``import nn`` needs only the
        standard library. ``ax`` draws into existing axes (several runs on one).
        """
        from nn.plots import plot_loss  # matplotlib is imported only when a picture is drawn

        return plot_loss(self, label=label, ax=ax)

    @public("Ledger.to_csv")
    def to_csv(self, path: str | Path | None = None) -> str:
        """CSV, one row per step: ``step``, the loss, then per parameter
        ``d<loss>/d<name>``, ``step size <name>`` and ``<name>`` (its new value).

        Numbers are written in full precision (``repr`` of the float). With
        ``path`` the text is also written to that file. Returns the text.
        """
        return ledger_format.to_csv(self, path)

    @public("Ledger.save")
    def save(self, path: str | Path) -> Path:
        """Write the ledger to ``path``, by suffix: ``.md``, ``.csv`` or ``.txt`` (the full table)."""
        return ledger_format.save(self, path)
