"""The training ledger: one row per gradient-descent step, printable and exportable.

Each row holds what the articles write down for a step: the loss at the
current parameters, and for each trained parameter its gradient, its step
size (gradient x learning rate) and its new value (old value - step size).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Step", "Ledger", "STOP_REASONS"]

#: Why training stopped -> how the summary says it.
STOP_REASONS = {
    "min_step_size": "every step size was below min_step_size",
    "max_steps": "max_steps was reached before every step size fell below min_step_size",
    "steps": "the fixed number of steps was done",
    "diverged": "gradient descent diverged (the loss or a gradient stopped being finite)",
}


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


@dataclass(repr=False)
class Ledger:
    """All the steps of one training run, with how it started and why it stopped.

    ``len(ledger)`` is the number of steps; ``ledger[0]`` is the first ``Step``.
    ``str(ledger)`` is ``ledger.table()``: a plain-text table that fits 80
    columns when parameter names are short, one line per (step, parameter).
    ``stop_reason`` is a key of ``STOP_REASONS``; ``stop_note`` says what
    happened when training diverged. ``final_loss`` is the loss at
    ``final_values`` (``inf``/``nan`` when that is how it diverged).
    """

    names: tuple[str, ...]
    lr: float
    start: dict[str, float]
    loss_name: str = "loss"
    min_step_size: float | None = None
    max_steps: int | None = None
    rows: list[Step] = field(default_factory=list)
    stop_reason: str | None = None
    final_loss: float | None = None
    stop_note: str | None = None

    # ------------------------------------------------------------ access

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Step]:
        return iter(self.rows)

    def __getitem__(self, index: int | slice) -> Step | list[Step]:
        return self.rows[index]

    def __repr__(self) -> str:
        # Short on purpose: a long run's rows would fill the screen.
        final = "None" if self.final_loss is None else f"{self.final_loss:.6g}"
        return (
            f"Ledger(names={self.names!r}, steps={len(self.rows)}, lr={self.lr:g},"
            f" stop_reason={self.stop_reason!r}, final_loss={final})"
        )

    @property
    def steps(self) -> int:
        """The number of steps taken."""
        return len(self.rows)

    @property
    def final_values(self) -> dict[str, float]:
        """Each trained parameter's value after the last step (the start values if no step ran)."""
        return dict(self.rows[-1].new_values) if self.rows else dict(self.start)

    @property
    def losses(self) -> list[float]:
        """The loss at each step, before that step's update."""
        return [r.loss for r in self.rows]

    # ------------------------------------------------------------ text

    def summary(self, precision: int = 4) -> str:
        """Why and when training stopped, the loss before and after, each parameter start -> final."""
        n = len(self.rows)
        reason = STOP_REASONS.get(self.stop_reason or "", "training has not run")
        if self.stop_reason == "min_step_size":
            reason = f"every step size was below {self.min_step_size:g}"
        elif self.stop_reason == "max_steps":
            reason = f"max_steps = {self.max_steps} was reached"
        elif self.stop_reason == "diverged" and self.stop_note:
            reason = f"gradient descent diverged: {self.stop_note}"
        lines = [f"{n} step{'s' if n != 1 else ''} at lr = {self.lr:g}; stopped because {reason}."]
        if self.rows:
            first = _loss_num(self.rows[0].loss, precision)
            last = _loss_num(self.final_loss, precision) if self.final_loss is not None else "?"
            lines.append(f"{self.loss_name}: {first} -> {last}")
        width = max((len(name) for name in self.names), default=0)
        final = self.final_values
        starts = [_num(self.start[name], precision) for name in self.names]
        swidth = max((len(s) for s in starts), default=0)
        for name, start in zip(self.names, starts):
            lines.append(f"{name:<{width}}  {start:>{swidth}} -> {_num(final[name], precision)}")
        return "\n".join(lines)

    def _columns(self) -> list[str]:
        return ["step", self.loss_name, "param", f"d{self.loss_name}/dparam", "step size", "new value"]

    def _omitted(self, max_lines: int | None) -> tuple[int, int] | None:
        """The half-open range of step indices left out to keep to ``max_lines`` lines (None: all shown).

        A long run shows as many first and last steps as fit, at least one of each.
        """
        per_step = max(1, len(self.names))
        n = len(self.rows)
        if max_lines is None or n * per_step <= max_lines:
            return None
        keep = max(1, max_lines // (2 * per_step))
        if 2 * keep >= n:
            return None
        return (keep, n - keep)

    def _cells(self, precision: int, max_lines: int | None) -> list[list[str] | None]:
        """Rows of cells, one per (step, parameter); ``None`` marks the omitted steps."""
        omitted = self._omitted(max_lines)
        out: list[list[str] | None] = []
        for i in range(len(self.rows)):
            if omitted and i == omitted[0]:
                out.append(None)
            if omitted and omitted[0] <= i < omitted[1]:
                continue
            r = self.rows[i]
            for j, name in enumerate(self.names):
                out.append([
                    str(r.step) if j == 0 else "",
                    _loss_num(r.loss, precision) if j == 0 else "",
                    name,
                    _num(r.grads[name], precision),
                    _num(r.step_sizes[name], precision),
                    _num(r.new_values[name], precision),
                ])
        return out

    def table(self, max_lines: int | None = 40, precision: int = 4) -> str:
        """A plain-text table of the steps, then the summary.

        One line per (step, parameter): step, loss, parameter, gradient, step
        size and new value, so it stays narrow for any number of parameters.
        A run longer than ``max_lines`` lines shows its first and last steps
        (``max_lines=None`` shows every step).
        """
        cols = self._columns()
        rows = self._cells(precision, max_lines)
        widths = [len(c) for c in cols]
        for cells in rows:
            if cells is not None:
                widths = [max(w, len(c)) for w, c in zip(widths, cells)]
        align = ["r", "r", "l", "r", "r", "r"]

        def line(cells: Sequence[str]) -> str:
            parts = [c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(cells, widths, align)]
            return "  ".join(parts).rstrip()

        out = [line(cols), line(["-" * w for w in widths])]
        skipped = self._skipped(max_lines)
        for cells in rows:
            out.append(f"  ... {skipped} steps not shown ..." if cells is None else line(cells))
        out.append("")
        out.append(self.summary(precision))
        return "\n".join(out)

    def __str__(self) -> str:
        return self.table()

    def to_markdown(self, max_lines: int | None = None, precision: int = 4) -> str:
        """A Markdown table, one row per (step, parameter), then the summary.

        Every step by default; with ``max_lines``, the first and last steps that fit.
        """
        cols = self._columns()
        rule = ["---:", "---:", ":---", "---:", "---:", "---:"]  # the parameter name left-aligned
        out = ["| " + " | ".join(cols) + " |", "|" + "|".join(rule) + "|"]
        skipped = self._skipped(max_lines)
        for cells in self._cells(precision, max_lines):
            if cells is None:
                out.append(f"| ... | | {skipped} steps not shown | | | |")
            else:
                out.append("| " + " | ".join(cells) + " |")
        first, *rest = self.summary(precision).split("\n")
        out += ["", first, ""] + [f"- {line}" for line in rest]
        return "\n".join(out) + "\n"

    def to_csv(self, path: str | Path | None = None) -> str:
        """CSV, one row per step: ``step``, the loss, then per parameter
        ``d<loss>/d<name>``, ``step size <name>`` and ``<name>`` (its new value).

        Numbers are written in full precision (``repr`` of the float). With
        ``path`` the text is also written to that file. Returns the text.
        """
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        header = ["step", self.loss_name]
        for name in self.names:
            header += [f"d{self.loss_name}/d{name}", f"step size {name}", name]
        writer.writerow(header)
        for r in self.rows:
            row: list[object] = [r.step, repr(r.loss)]
            for name in self.names:
                row += [repr(r.grads[name]), repr(r.step_sizes[name]), repr(r.new_values[name])]
            writer.writerow(row)
        text = buf.getvalue()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def save(self, path: str | Path) -> Path:
        """Write the ledger to ``path``, by suffix: ``.md``, ``.csv`` or ``.txt`` (the full table)."""
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix == ".md":
            p.write_text(self.to_markdown(), encoding="utf-8")
        elif suffix == ".csv":
            self.to_csv(p)
        elif suffix == ".txt":
            p.write_text(self.table(max_lines=None) + "\n", encoding="utf-8")
        else:
            raise ValueError(
                f"Ledger.save: unknown suffix {p.suffix!r} in {str(p)!r}; use .md, .csv or .txt"
            )
        return p

    def _skipped(self, max_lines: int | None) -> int:
        omitted = self._omitted(max_lines)
        return omitted[1] - omitted[0] if omitted else 0


def _num(x: float, precision: int) -> str:
    """Fixed-point with ``precision`` decimals; scientific for very large or very small non-zero numbers."""
    if not math.isfinite(x):
        return repr(x)
    if x != 0.0 and (abs(x) >= 1e6 or abs(x) < 10.0 ** -precision):
        return f"{x:.{max(precision - 1, 1)}e}"
    s = f"{x:.{precision}f}"
    return "0." + "0" * precision if s.strip("-0.") == "" else s  # no "-0.0000"


def _loss_num(x: float, precision: int) -> str:
    """A loss with at least ``precision`` significant digits, as it falls towards 0.

    ``precision`` decimals from 1 up (``20.4236``); below 1, as many decimals
    as ``precision`` significant digits need (``0.08367``, ``0.002152``); below
    ``10 ** -(precision - 1)`` and from 1e6 up, scientific (``4.470e-04``).
    """
    if not math.isfinite(x) or x == 0.0 or abs(x) >= 1.0:
        return _num(x, precision)
    if abs(x) < 10.0 ** -(precision - 1):
        return f"{x:.{max(precision - 1, 1)}e}"
    decimals = precision - 1 - math.floor(math.log10(abs(x)))
    return f"{x:.{decimals}f}"
