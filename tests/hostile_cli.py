"""Hostile command lines, as data: what a careless or hostile user types, and what must come back.

Two tables, run by ``tests/test_hostile_cli.py``:

- ``COMMANDS``: every ``python -m`` command and how to build its parser. From it,
  every option that takes a value gets a row ``--option ''`` automatically (the
  empty-value rule), so a new option is covered the day it is added.
- ``RUNS``: whole runs in a subprocess, with their environment (a ``dot`` that
  fails, is missing or hangs), standard input (closed) and output (closed, a full
  disk), and the expected outcome: the exit status, one line on stderr saying
  ``says``, nothing on stdout when the error must come before any work, and a
  time bound.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field

import demos._console
import demos.check
import demos.practice
import demos.replay
import viz.cli.command

#: Text the ``dot`` placeholders below are replaced with in ``RUNS``' environments.
HANGING_DOT = "{hanging_dot}"  # a script that sleeps for a minute
GRAPHVIZ_PURE = "{graphviz_pure}"  # the pip-installed dot, which has no PDF
NO_FFMPEG = "{tmp}/bin"  # a PATH with a shell (sh) and no ffmpeg
MISSING = "{tmp}/no-such-dot"


def _demo_parser() -> argparse.ArgumentParser:
    return demos._console.build_parser("python -m demos", "demo")


@dataclass(frozen=True)
class Command:
    """A command line: its module, its parser, and the arguments that make a valid run of it."""

    module: str
    parser: Callable[[], argparse.ArgumentParser]
    base: tuple[str, ...] = ()  # positional arguments it needs


COMMANDS = [
    Command("viz", viz.cli.command.build_parser, ("x*2",)),
    Command("demos", _demo_parser),
    Command("demos.replay", demos.replay.build_parser),
    Command("demos.check", demos.check.build_parser, ("dSSR/db3 = -2*(observed - predicted)",)),
    Command("demos.practice", demos.practice.build_parser),
]

#: The other demos' command lines are ``demos``' own (``demos._console.cli``).
SAME_AS_DEMOS = ["demos.forward", "demos.output_layer", "demos.hidden_layer", "demos.gradient_descent",
                 "demos.graph", "demos.article_formulas", "demos.pictures", "demos.newton"]


@dataclass(frozen=True)
class Run:
    """``python -m module *argv`` must exit ``status`` with ``says`` on one line of stderr."""

    module: str
    argv: tuple[str, ...]
    status: int
    says: str  # a piece of the one stderr line ("" when stderr must be empty)
    env: dict[str, str] = field(default_factory=dict)
    stdin: str = "devnull"  # "devnull", "closed" or text to feed (a surrogate \udcXX: the byte XX)
    stdout: str = "pipe"  # "pipe", "closed" or "full" (/dev/full)
    before_work: bool = False  # nothing may be printed on stdout first
    prints: str = ""  # a piece stdout must hold
    seconds: float = 30.0  # a generous bound for a loaded machine; the point is "not minutes"

    @property
    def id(self) -> str:
        return f"{self.module} {' '.join(self.argv)} [{self.stdin}/{self.stdout}]"[:90]


PRODUCT_100 = "*".join(["x"] * 100)  # 100 factors of x: the drawing the issue found taking minutes
# Finite values, two paths to x of 1e200·1e200 and -1e200·1e200: dy/dx is inf + -inf = nan.
OPPOSITE = ("m = a*x; n = c*x; y = m*b + n*b", "--set", "x=1e-300", "a=1e200", "c=-1e200", "b=1e200")

RUNS = [
    # standard output closed or full, standard input closed
    Run("viz", ("x*2", "--set", "x=1"), 2, "standard output is closed", stdout="closed"),
    Run("viz", ("x*2", "--set", "x=1"), 2, "cannot write to standard output", stdout="full"),
    Run("demos.replay", ("--leaf", "b3"), 2, "cannot write to standard output", stdout="full"),
    Run("demos.replay", ("--step", "--leaf", "b3"), 0, "", stdin="closed"),
    Run("demos", ("--step", "--no-graph"), 0, "", stdin="closed", seconds=60),
    Run("demos.practice", (), 2, "standard input is closed", stdin="closed"),
    Run("demos.check", ("dSSR/db3 = -2*(observed - predicted)",), 2, "standard output is closed", stdout="closed"),
    Run("demos.replay", (), 0, "", stdin="closed"),
    # standard input that is not valid text: that line is an unreadable answer, the score still comes
    Run("demos.practice", ("--seed", "1"), 0, "", stdin="2.095\n\udcff\udcfe\n2.2\n",
        env={"PYTHONIOENCODING": "utf-8:strict"}, prints="score: 2/11"),
    Run("demos.practice", ("--seed", "1"), 0, "", stdin="\udce9t\udce9\n", env={"PYTHONIOENCODING": "utf-8:strict"},
        prints="cannot read that: the line is not utf-8 text"),
    Run("demos.practice", ("--seed", "1"), 0, "", stdin="\x1b[2J\x00\n", prints="\\u001b[2J\\u0000"),
    # --out / -o that cannot be written, found before the work
    Run("demos", ("--out", "{tmp}/a-file"), 2, "it is a file, not a folder", before_work=True),
    Run("demos", ("--out", "/proc/no/such/folder"), 2, "cannot create this folder", before_work=True),
    Run("viz", ("x*2", "--set", "x=1", "-o", "{tmp}"), 2, "it is a directory"),
    Run("viz", ("x*2", "--set", "x=1", "-o", "{tmp}/no/such/dir/y.svg"), 2, "does not exist"),
    Run("demos.replay", ("--html", "{tmp}/a-file"), 2, "a-file"),
    # a file that cannot be written: its path and the real cause, never "standard output"
    Run("viz", ("x*2", "--set", "x=1", "--html", "/dev/full"), 2,
        "explore: cannot write '/dev/full': No space left on device (ENOSPC)"),
    Run("viz", ("x*2", "--set", "x=1", "--html", "{tmp}/a-file/p.html"), 2,
        "a-file' is a file, not a directory (ENOTDIR)", before_work=True),
    Run("viz", ("x*2", "--set", "x=1", "-o", "/dev/full", "--format", "dot"), 2,
        "render: cannot write '/dev/full': No space left on device (ENOSPC)"),
    Run("viz", ("x*2", "--set", "x=1", "-o", "{tmp}/a-file/y.svg"), 2, "a-file' is a file, not a directory (ENOTDIR)"),
    Run("viz", ("x*2", "--set", "x=1", "--explain", "x", "--latex"), 2, "cannot write to standard output",
        stdout="full"),
    Run("demos.replay", ("--html", "{tmp}/a-file/replay", "--frames"), 2,
        "a-file' is a file, not a directory (ENOTDIR)"),
    Run("demos", ("--out", "{tmp}/a-file/out"), 2, "a-file' is a file, not a directory (ENOTDIR)", before_work=True),
    # dot failing, missing, hanging
    Run("viz", ("x*2", "--set", "x=1", "-o", "{tmp}/y.svg"), 2, "failed (exit 1)",
        env={"CHAINGRAD_DOT": "/bin/false"}),
    Run("demos.replay", ("--html", "{tmp}/replay"), 2, "failed (exit 1)", env={"CHAINGRAD_DOT": "/bin/false"}),
    # no dot at all: the demos say so among their output and go on (the numbers are the point)
    Run("demos", ("--out", "{tmp}/out"), 0, "", env={"CHAINGRAD_DOT": MISSING}, seconds=60),
    Run("demos.graph", ("--out", "{tmp}/out"), 2, "failed (exit 1)", env={"CHAINGRAD_DOT": "/bin/false"}),
    Run("demos.pictures", ("--out", "{tmp}/a-file"), 2, "it is a file, not a folder", before_work=True),
    Run("demos.newton", ("--out", "{tmp}/a-file"), 2, "it is a file, not a folder", before_work=True),
    Run("demos.newton", ("--out", "{tmp}/pics", "--no-graph"), 2, "--no-graph draws none", before_work=True),
    Run("viz", ("x*2", "--set", "x=1", "--format", "svg"), 2, "does not name an executable",
        env={"CHAINGRAD_DOT": MISSING}),
    Run("viz", ("x*2", "--set", "x=1", "-o", "{tmp}/y.svg"), 2, "did not finish within 1 s",
        env={"CHAINGRAD_DOT": HANGING_DOT, "CHAINGRAD_DOT_TIMEOUT": "1"}, seconds=15),
    Run("viz", ("x*2", "--set", "x=1", "-o", "{tmp}/y.svg", "--dot-timeout", "1"), 2, "did not finish within 1 s",
        env={"CHAINGRAD_DOT": HANGING_DOT}, seconds=15),
    Run("demos.replay", ("--html", "{tmp}/replay"), 2, "did not finish within 1 s",
        env={"CHAINGRAD_DOT": HANGING_DOT, "CHAINGRAD_DOT_TIMEOUT": "1"}, seconds=15),
    Run("viz", ("x*2", "--set", "x=1", "-o", "{tmp}/y.svg"), 2, "CHAINGRAD_DOT_TIMEOUT='soon'",
        env={"CHAINGRAD_DOT_TIMEOUT": "soon"}),
    Run("viz", ("x*2", "--set", "x=1", "--dot-timeout", "0"), 2, "--dot-timeout must be a positive number"),
    # drawings too large to lay out quickly: refused before dot starts
    Run("viz", (PRODUCT_100, "--set", "x=1", "-o", "{tmp}/p.svg"), 2, "more than max_layout=",
        env={"CHAINGRAD_DOT": HANGING_DOT}, seconds=10),
    Run("viz", (PRODUCT_100, "--set", "x=1", "--max-layout", "0"), 2, "max_layout must be an int >= 1"),
    # options that would not apply in the run: refused before any work
    Run("viz", ("x*2", "--set", "x=1", "--explain", "x", "--rankdir", "TB"), 2,
        "--rankdir changes the drawing, and this run draws nothing", before_work=True),
    Run("viz", ("x*2", "--set", "x=1", "--check", "dy/dx = 2", "--highlight", "x"), 2,
        "--highlight changes the drawing", before_work=True),
    Run("viz", ("x*2", "--set", "x=1", "--format", "svg", "--check", "d(x·2)/dx = 2"), 2,
        "--format without -o writes the drawing alone to standard output", before_work=True),
    Run("viz", ("x*2", "--set", "x=1", "--html", "{tmp}/p.html", "--no-legend"), 2,
        "--no-legend does not apply to the --html page", before_work=True),
    Run("viz", ("x*2", "--set", "x=1", "--dot-timeout", "5"), 2, "this run does not start it", before_work=True),
    Run("viz", ("x*2", "--set", "x=1", "--max-paths", "3"), 2, "--max-paths limits the explanations",
        before_work=True),
    Run("viz", ("x*2", "--set", "x=1", "--check", "dy/dx = 2", "--precision", "5"), 2, "--precision sets the digits",
        before_work=True),
    # ... and applied where they do: --html checks too, and keeps to --max-layout
    Run("viz", ("y = x*2", "--set", "x=1", "--html", "{tmp}/p.html", "--check", "dy/dx = 3"), 1, ""),
    Run("viz", (PRODUCT_100, "--set", "x=1", "--html", "{tmp}/p.html", "--max-layout", "3"), 2,
        "more than max_layout=3", env={"CHAINGRAD_DOT": HANGING_DOT}, seconds=10),
    Run("demos.replay", ("--html", "{tmp}/r", "--step"), 2, "--step changes the printed replay", before_work=True),
    Run("demos.replay", ("--digits", "6", "--html", "{tmp}/r"), 2, "--digits changes the printed replay",
        before_work=True),
    Run("demos.replay", ("--max-frames", "3"), 2, "--max-frames limits the frames --frames or --gif draws",
        before_work=True),
    Run("demos.forward", ("--out", "{tmp}/pics"), 2, "demos.forward draws no pictures", before_work=True),
    Run("demos.graph", ("--no-graph",), 2, "demos.graph only draws", before_work=True),
    Run("demos", ("--out", "{tmp}/pics", "--no-graph"), 2, "--no-graph draws none", before_work=True),
    # grads beyond the float range: said where, in each tool's words
    Run("viz", (*OPPOSITE, "--explain", "x"), 0, ""),
    Run("viz", (*OPPOSITE, "--check", "dy/dx = 0"), 2, "check: the engine's dy/dx is nan"),
    Run("viz", (*OPPOSITE, "--html", "{tmp}/p.html"), 2, "explore: the grad of 'x' is nan"),
    # usage errors: one line, like every other error
    Run("demos", ("--bogus",), 2, "unrecognized arguments: --bogus", before_work=True),
    Run("demos.replay", ("--bogus",), 2, "unrecognized arguments: --bogus", before_work=True),
    Run("viz", ("x*2", "--set", "x=1", "-o", ""), 2, "empty value", before_work=True),
    Run("demos.replay", ("--leaf", ""), 2, "empty value", before_work=True),
    Run("viz", ("",), 2, "empty value", before_work=True),
    # pictures: a slide, an animation, a resolution, a PDF, each refused in the command line's words
    Run("viz", ("x*w", "--set", "x=1", "w=2", "--gif", "{tmp}/b.webm"), 2, "use a .gif, .png (APNG) or .mp4",
        before_work=True),
    Run("viz", ("x*w", "--set", "x=1", "w=2", "--gif", "{tmp}/b.mp4"), 2, "an MP4 needs ffmpeg",
        env={"PATH": NO_FFMPEG}, before_work=True),
    Run("viz", ("x*w", "--set", "x=1", "w=2", "--gif", "/dev/full"), 2, "cannot tell what to write for '/dev/full'"),
    Run("viz", ("x*w", "--set", "x=1", "w=2", "--gif", "{tmp}/a-file/b.gif"), 2, "is a file, not a directory"),
    Run("viz", ("x*w", "--set", "x=1", "w=2", "--gif", "{tmp}/b.gif", "--delay", "0"), 2,
        "--delay must be from 0.02 to 60 seconds", before_work=True),
    Run("viz", ("x*w", "--set", "x=1", "w=2", "--delay", "1"), 2, "give --gif FILE too", before_work=True),
    Run("viz", ("x*w", "--set", "x=1", "w=2", "-o", "{tmp}/g.png", "--dpi", "9000"), 2,
        "--dpi must be from 10 to 600", before_work=True),
    Run("viz", ("x*w", "--set", "x=1", "w=2", "-o", "{tmp}/g.svg", "--dpi", "300"), 2,
        "--dpi sets the pixels per inch of a PNG", before_work=True),
    Run("viz", ("x*w", "--set", "x=1", "w=2", "-o", "{tmp}/g.pdf"), 2, "SVG (--format svg) and PNG at 300 dpi",
        env={"CHAINGRAD_DOT": "{graphviz_pure}"}, before_work=True),
    Run("viz", ("x*w", "--set", "x=1", "w=2", "-o", "{tmp}/g.txt"), 2, "or pass --format svg", before_work=True),
    Run("demos.replay", ("--gif", "{tmp}/b.webm"), 2, "use a .gif, .png (APNG) or .mp4", before_work=True),
    Run("demos.replay", ("--gif", "{tmp}/b.mp4", "--leaf", "b3"), 2, "an MP4 needs ffmpeg", env={"PATH": NO_FFMPEG},
        before_work=True),
    Run("demos.replay", ("--delay", "2"), 2, "--delay is for the frames of --gif", before_work=True),
    Run("demos.replay", ("--dpi", "300"), 2, "--dpi is for the frames of --gif", before_work=True),
    Run("demos.replay", ("--gif", "{tmp}/b.gif", "--dpi", "1"), 2, "--dpi must be from 10 to 600", before_work=True),
    Run("demos.replay", ("--slide",), 2, "--slide is for the frames", before_work=True),
    Run("demos.replay", ("--gif", "{tmp}/a-file/b.gif", "--leaf", "b3"), 2, "is a file, not a directory"),
]
