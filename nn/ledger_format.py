"""The ledger as text and files: the summary, a plain-text table, Markdown, CSV, ``save``.

Tables have one line per (step, parameter), so they stay narrow for any
number of parameters; a long run shows its first and last steps. Errors name
``CALLER``: the ``Ledger`` method called puts its name there (``nn.public``).
"""

from __future__ import annotations

import csv
import html as _html
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from engine.files import as_path, check_parent, write_text
from engine.format import format_number
from nn.public import CALLER

if TYPE_CHECKING:  # nn.ledger imports this module to hand its methods over
    from nn.ledger import Ledger

__all__ = ["STOP_REASONS", "summary", "table", "markdown", "html", "to_csv", "save"]

#: Why training stopped -> how the summary says it.
STOP_REASONS = {
    "min_step_size": "every step size was below min_step_size",
    "max_steps": "max_steps was reached before every step size fell below min_step_size",
    "steps": "the fixed number of steps was done",
    "diverged": "gradient descent diverged (the loss or a gradient stopped being finite)",
    "not_positive_definite": "the Hessian was not positive definite (Newton's step would not go downhill)",
    "singular": "the Hessian was singular (the loss is flat in some direction: Newton's step is not determined)",
}

_PARAM_COLUMN = 2  # the parameter name, left-aligned; every other column is right-aligned


def _align(ledger: Ledger) -> list[str]:
    return ["l" if k == _PARAM_COLUMN else "r" for k in range(len(_columns(ledger)))]


def _markdown_rule(ledger: Ledger) -> list[str]:
    return [":---" if a == "l" else "---:" for a in _align(ledger)]


def summary(ledger: Ledger, precision: int) -> str:
    """Why and when training stopped, the loss before and after, each parameter start -> final."""
    n = len(ledger)
    reason = STOP_REASONS.get(ledger.stop_reason or "", "training has not run")
    if ledger.stop_reason == "min_step_size":
        reason = f"every step size was below {_general(ledger.min_step_size)}"
    elif ledger.stop_reason == "max_steps":
        reason = f"max_steps = {ledger.max_steps} was reached"
    elif ledger.stop_reason == "diverged":
        how = "Newton's method" if ledger.method == "newton" else "gradient descent"
        reason = f"{how} diverged: {ledger.stop_note}" if ledger.stop_note else reason.replace("gradient descent", how)
    lines = [f"{n} step{'s' if n != 1 else ''} {_how(ledger)}; stopped because {reason}."]
    if len(ledger):
        first = _loss_num(ledger.numbers[0], precision)
        last = _loss_num(ledger.final_loss, precision) if ledger.final_loss is not None else "?"
        lines.append(f"{ledger.loss_name}: {first} -> {last}")
    width = max((len(name) for name in ledger.names), default=0)
    final = ledger.final_values
    starts = [_num(ledger.start[name], precision) for name in ledger.names]
    swidth = max((len(s) for s in starts), default=0)
    for name, start in zip(ledger.names, starts):
        lines.append(f"{name:<{width}}  {start:>{swidth}} -> {_num(final[name], precision)}")
    return "\n".join(lines)


def _how(ledger: Ledger) -> str:
    """``at lr = 0.1``, or for Newton's method ``of Newton's method (damping 0)``."""
    if ledger.method != "newton":
        return f"at lr = {_general(ledger.lr)}"
    damping = _general(ledger.damping)
    if ledger.adaptive:
        return f"of Newton's method (adaptive damping from {damping})"
    return f"of Newton's method (damping {damping})"


def table(ledger: Ledger, max_lines: int | None, precision: int) -> str:
    """A plain-text table of the steps (the first and last that fit ``max_lines``), then the summary."""
    cols = _columns(ledger)
    rows = _cells(ledger, precision, max_lines)
    widths = [len(c) for c in cols]
    for cells in rows:
        if cells is not None:
            widths = [max(w, len(c)) for w, c in zip(widths, cells)]

    def line(cells: Sequence[str]) -> str:
        parts = [c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(cells, widths, _align(ledger))]
        return "  ".join(parts).rstrip()

    out = [line(cols), line(["-" * w for w in widths])]
    skipped = _skipped(ledger, max_lines)
    for cells in rows:
        out.append(f"  ... {skipped} steps not shown ..." if cells is None else line(cells))
    out.append("")
    out.append(summary(ledger, precision))
    return "\n".join(out)


def markdown(ledger: Ledger, max_lines: int | None, precision: int) -> str:
    """A Markdown table, one row per (step, parameter), then the summary as a list."""
    cols = _columns(ledger)
    out = ["| " + " | ".join(cols) + " |", "|" + "|".join(_markdown_rule(ledger)) + "|"]
    skipped = _skipped(ledger, max_lines)
    for cells in _cells(ledger, precision, max_lines):
        if cells is None:
            out.append(f"| ... | | {skipped} steps not shown |" + " |" * (len(cols) - 3))
        else:
            out.append("| " + " | ".join(cells) + " |")
    first, *rest = summary(ledger, precision).split("\n")
    out += ["", first, ""] + [f"- {line}" for line in rest]
    return "\n".join(out) + "\n"


def html(ledger: Ledger, max_lines: int | None, precision: int) -> str:
    """An HTML table (what Jupyter shows for a ledger), one row per (step, parameter), then the summary."""
    esc = _html.escape
    align = ["right" if a == "r" else "left" for a in _align(ledger)]
    head = "".join(f'<th style="text-align:{a}">{esc(c)}</th>' for c, a in zip(_columns(ledger), align))
    out = ['<table class="chaingrad-ledger">', f"<thead><tr>{head}</tr></thead>", "<tbody>"]
    skipped = _skipped(ledger, max_lines)
    for cells in _cells(ledger, precision, max_lines):
        if cells is None:
            out.append(f'<tr><td colspan="{len(align)}" style="text-align:center">... {skipped} steps not shown ...'
                       '</td></tr>')
        else:
            tds = "".join(f'<td style="text-align:{a}">{esc(c)}</td>' for c, a in zip(cells, align))
            out.append(f"<tr>{tds}</tr>")
    out += ["</tbody>", "</table>"]
    lines = summary(ledger, precision).split("\n")
    out.append("<p>" + "<br>".join(esc(line) for line in lines) + "</p>")
    return "\n".join(out) + "\n"


def to_csv(ledger: Ledger, path: str | Path | None) -> str:
    """CSV, one row per step, numbers in full precision (``repr``); also written to ``path`` if given."""
    target = None if path is None else check_parent(as_path(path, CALLER), CALLER)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    newton = ledger.method == "newton"
    header = ["step", ledger.loss_name]
    for name in ledger.names:
        second = [f"d²{ledger.loss_name}/d{name}²"] if newton else []
        header += [f"d{ledger.loss_name}/d{name}", *second, f"step size {name}", name]
    writer.writerow(header + (["damping"] if newton else []))
    for r in ledger:
        row: list[object] = [r.step, repr(r.loss)]
        curvature = r.second_derivatives or {}
        for name in ledger.names:
            second = [repr(curvature[name])] if newton else []
            row += [repr(r.grads[name]), *second, repr(r.step_sizes[name]), repr(r.new_values[name])]
        writer.writerow(row + ([repr(r.damping)] if newton else []))
    text = buf.getvalue()
    if target is not None:
        write_text(target, text, CALLER)
    return text


def save(ledger: Ledger, path: str | Path) -> Path:
    """Write the ledger to ``path``, by suffix: ``.md``, ``.csv`` or ``.txt`` (the full table)."""
    p = as_path(path, CALLER)
    suffix = p.suffix.lower()
    if suffix not in (".md", ".csv", ".txt"):
        raise ValueError(
            f"{CALLER}: unknown suffix {p.suffix!r} in {str(p)!r}; use .md, .csv or .txt"
        )
    check_parent(p, CALLER)
    if suffix == ".md":
        write_text(p, markdown(ledger, None, 4), CALLER)
    elif suffix == ".csv":
        to_csv(ledger, p)
    else:
        write_text(p, table(ledger, None, 4) + "\n", CALLER)
    return p


def _columns(ledger: Ledger) -> list[str]:
    loss = ledger.loss_name
    if ledger.method == "newton":
        damping = ["damping"] if ledger.adaptive else []
        return ["step", loss, "param", f"d{loss}/dparam", f"d²{loss}/dparam²", "step size", "new value", *damping]
    return ["step", loss, "param", f"d{loss}/dparam", "step size", "new value"]


def _omitted(ledger: Ledger, max_lines: int | None) -> tuple[int, int] | None:
    """The half-open range of step indices left out to keep to ``max_lines`` lines (None: all shown).

    A long run shows as many first and last steps as fit, at least one of each.
    """
    per_step = max(1, len(ledger.names))
    n = len(ledger)
    if max_lines is None or n * per_step <= max_lines:
        return None
    keep = max(1, max_lines // (2 * per_step))
    if 2 * keep >= n:
        return None
    return (keep, n - keep)


def _skipped(ledger: Ledger, max_lines: int | None) -> int:
    omitted = _omitted(ledger, max_lines)
    return omitted[1] - omitted[0] if omitted else 0


def _cells(ledger: Ledger, precision: int, max_lines: int | None) -> list[list[str] | None]:
    """Rows of cells, one per (step, parameter); ``None`` marks the omitted steps."""
    omitted = _omitted(ledger, max_lines)
    out: list[list[str] | None] = []
    for i, r in enumerate(ledger):
        if omitted and i == omitted[0]:
            out.append(None)
        if omitted and omitted[0] <= i < omitted[1]:
            continue
        curvature = r.second_derivatives
        for j, name in enumerate(ledger.names):
            second = [] if curvature is None else [_num(curvature[name], precision)]
            damping = [_num(r.damping or 0.0, precision) if j == 0 else ""] if ledger.adaptive else []
            out.append([
                str(r.step) if j == 0 else "",
                _loss_num(r.loss, precision) if j == 0 else "",
                name,
                _num(r.grads[name], precision),
                *second,
                _num(r.step_sizes[name], precision),
                _num(r.new_values[name], precision),
                *damping,
            ])
    return out


def _num(x: float, precision: int) -> str:
    """A cell: ``precision`` decimals, e-notation from 1e6 up and below ``10**-precision``."""
    return format_number(x, precision, style="fixed_or_e")


def _loss_num(x: float, precision: int) -> str:
    """A loss: at least ``precision`` significant digits as it falls towards 0 (``0.08367``)."""
    return format_number(x, precision, style="loss")


def _general(x: float | None) -> str:
    """A setting (learning rate, step size) as Python's ``g`` writes it: ``0.1``, ``0.001``, ``10``."""
    return "None" if x is None else format_number(x, 6)
