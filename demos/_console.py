"""Plain-text output for the demos: headings, aligned tables, pauses, checks.

Output is meant for an 80-column terminal. Colour (bold headings, green/red
check marks) only when stdout is a terminal and ``NO_COLOR`` is not set, so
piped or captured output is plain text.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO

from engine.files import cause
from engine.format import format_number
from viz.cli.parsing import OneLineParser
from viz.cli.run import run_command

__all__ = [
    "WIDTH",
    "Mismatch",
    "Console",
    "build_parser",
    "run_main",
    "check_out_dir",
    "cli",
    "fixed",
    "check_close",
    "check_published",
    "decimals_of",
]

WIDTH = 80
DEFAULT_OUT = "chaingrad-out"

_BOLD, _GREEN, _RED, _RESET = "\033[1m", "\033[32m", "\033[31m", "\033[0m"


class Mismatch(Exception):
    """A hand formula, the engine and/or a finite difference disagree beyond tolerance."""


def fixed(x: float, decimals: int = 6, *, parens: bool = False) -> str:
    """``x`` with ``decimals`` decimals, as the demos print numbers; ``-0.000000`` shows as ``0.000000``.

    ``parens=True`` puts a negative number in parentheses, for a factor after an
    operator: ``0.0 - (-2.6037)``, never ``0.0 - -2.6037``. (``engine.format``'s "fixed" style.)
    """
    return format_number(x, decimals, style="fixed", parens=parens)


def check_published(what: str, computed: float, published: float, decimals: int) -> None:
    """``Mismatch`` unless ``computed`` rounds to ``published`` at ``decimals`` places."""
    if not abs(computed - published) <= 0.5 * 10.0**-decimals + 1e-12:
        raise Mismatch(
            f"{what}: computed {computed!r} does not round to the published {published}"
            f" at {decimals} decimal(s)"
        )


def decimals_of(x: float) -> int:
    """Decimal places of a published number as written (-2.61 -> 2)."""
    text = repr(float(x))
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def check_close(what: str, a: float, b: float, names: Sequence[str], tol: float) -> float:
    """|a - b|, or ``Mismatch`` when it exceeds ``tol * max(1, |a|, |b|)``.

    A relative tolerance for large numbers, an absolute one near zero.
    """
    diff = abs(a - b)
    if not diff <= tol * max(1.0, abs(a), abs(b)):  # `not <=` also catches NaN
        raise Mismatch(
            f"{what}: {names[0]} = {a!r} but {names[1]} = {b!r}"
            f" (difference {diff:.3g}, tolerance {tol:g})"
        )
    return diff


class Console:
    """Where a demo writes: ``out`` (stdout by default), pausing on ``inp`` when ``step``."""

    def __init__(
        self,
        out: IO[str] | None = None,
        *,
        step: bool = False,
        inp: IO[str] | None = None,
        color: bool | None = None,
    ) -> None:
        self.out = out if out is not None else sys.stdout
        self.inp = inp if inp is not None else sys.stdin
        self.step = step
        if color is None:
            isatty = getattr(self.out, "isatty", None)
            color = bool(isatty and isatty()) and "NO_COLOR" not in os.environ
        self.color = color

    # ------------------------------------------------------------- text
    def _paint(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.color else text

    def line(self, text: str = "") -> None:
        print(text, file=self.out)

    def lines(self, text: str) -> None:
        for row in text.splitlines():
            self.line(row)

    def paragraph(self, text: str, indent: int = 0) -> None:
        """``text`` re-wrapped to the terminal width (whitespace collapsed)."""
        pad = " " * indent
        self.lines(textwrap.fill(" ".join(text.split()), WIDTH - 2, initial_indent=pad,
                                 subsequent_indent=pad))

    def title(self, text: str) -> None:
        """A part's title between two rules of '='."""
        rule = "=" * WIDTH
        self.line()
        self.line(rule)
        self.line(self._paint(text, _BOLD))
        self.line(rule)

    def heading(self, text: str) -> None:
        """A section heading, underlined with '-'."""
        self.line()
        self.line(self._paint(text, _BOLD))
        self.line("-" * len(text))

    def ok(self, text: str) -> None:
        self.line(self._paint("ok", _GREEN) + "  " + text)

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        left: int = 1,
        gap: int = 2,
        indent: int = 2,
    ) -> None:
        """Columns right-aligned except the first ``left`` ones; every cell is a string."""
        widths = [len(h) for h in headers]
        for row in rows:
            for i, cell in enumerate(row):
                widths[i] = max(widths[i], len(cell))

        def render(cells: Sequence[str]) -> str:
            parts = []
            for i, cell in enumerate(cells):
                parts.append(cell.ljust(widths[i]) if i < left else cell.rjust(widths[i]))
            return (" " * indent + (" " * gap).join(parts)).rstrip()

        self.line(render(headers))
        for row in rows:
            self.line(render(row))

    def values(self, values: Mapping[str, float], decimals: int = 2) -> None:
        """Named numbers as a two-row table: the names, then the values."""
        names = list(values)
        self.table(names, [[fixed(values[n], decimals) for n in names]], left=0)

    # ------------------------------------------------------------- pausing
    def pause(self) -> None:
        """With ``step``: wait for Enter. End of input (Ctrl-D, a closed pipe) ends pausing.

        The prompt always ends its line: a terminal echoes the Enter, input from a
        pipe or a file does not, so then the newline is printed here.
        """
        if not self.step:
            return
        print(self._paint("-- press Enter to go on --", _BOLD), end="", file=self.out, flush=True)
        try:
            answer = self.inp.readline() if self.inp is not None else ""
        except (OSError, ValueError):  # standard input closed (<&-): as at its end
            answer = ""
        isatty = getattr(self.inp, "isatty", None)
        if not answer:  # EOF: go on without pausing again
            self.step = False
            print(file=self.out)
        elif not (isatty and isatty()):
            print(file=self.out)


def build_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """The parser of every demo's options: --step, --out DIR, --no-graph (``cli`` reads them)."""
    parser = OneLineParser(prog=prog, description=description)
    parser.add_argument(
        "--step", action="store_true", help="pause after each step until Enter is pressed"
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        type=Path,  # None when not given (cli fills in the default), so that a --out no run uses is refused
        help=f"folder for pictures, created if missing (default: ./{DEFAULT_OUT})",
    )
    parser.add_argument("--no-graph", action="store_true", help="do not draw the graph")
    return parser


def run_main(body: Callable[[], object], prog: str) -> int:
    """Run ``body()`` and return the exit status (``body``'s own, when it returns an int).

    A ``Mismatch`` gives 1 with the disagreement spelled out on stderr (the demos
    double as an acceptance test of the engine); every other failure is
    ``viz.cli.run.run_command``'s: one line on stderr (status 2), a closed pipe
    quietly, Ctrl-C 130.
    """

    def mismatch(exc: BaseException) -> int | None:
        if not isinstance(exc, Mismatch):
            return None
        sys.stdout.flush()
        print(f"\n{prog}: MISMATCH, a check failed:\n  {exc}", file=sys.stderr)
        return 1

    return run_command(f"python -m {prog}", body, mismatch)


def check_out_dir(path: Path) -> Path:
    """``--out DIR`` made ready before any work (created if missing); ``ValueError`` when it cannot be."""
    if path.exists() and not path.is_dir():
        raise ValueError(f"--out {str(path)!r}: it is a file, not a folder; give a folder for the pictures")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ValueError(f"--out {str(path)!r}: cannot create this folder: {cause(err, path, making=True)}") from None
    if not os.access(path, os.W_OK):
        raise ValueError(f"--out {str(path)!r}: this folder cannot be written to")
    return path


def cli(
    module: str,
    description: str,
    body: Callable[[Console, argparse.Namespace], object],
    argv: Sequence[str] | None = None,
    *,
    draws: bool = False,
    only_draws: bool = False,
) -> int:
    """``python -m <module>``: parse the common options, then ``body(con, args)``.

    Every demo's ``main``. ``description`` heads the help (its first line, so
    a module's ``__doc__`` will do); the exit status is ``run_main``'s. A demo that
    ``draws`` into ``--out`` has the folder made ready (or refused) before any work.
    An option the run would not use is refused in one line: ``--out`` or ``--no-graph``
    for a demo that draws nothing, ``--out`` together with ``--no-graph``, and ``--no-graph``
    for a demo that ``only_draws`` (it would leave nothing to do).
    """
    prog = f"python -m {module}"
    parser = build_parser(prog, description.strip().splitlines()[0])
    args = parser.parse_args(list(argv) if argv is not None else None)
    given = [o for o, on in (("--out", args.out is not None), ("--no-graph", args.no_graph)) if on]
    if given and not draws:
        parser.error(f"{given[0]}: {prog} draws no pictures (python -m demos, demos.graph and demos.pictures do)")
    if len(given) == 2:
        parser.error("--out is where the pictures go, and --no-graph draws none; give one of them")
    if args.no_graph and only_draws:
        parser.error(f"--no-graph: {prog} only draws, so it would do nothing; leave --no-graph out")
    if args.out is None:
        args.out = Path(DEFAULT_OUT)

    def run() -> object:
        if draws and not args.no_graph:
            check_out_dir(args.out)  # before the work: not after seconds of output
        return body(Console(step=args.step), args)

    return run_main(run, module)
