"""Every option of every ``python -m`` command with every other: each applies, or the run is refused in one line.

The table of options comes from each command's parser, so a new option must get a
sample value here (``SAMPLES``) before the suite passes. Each option alone and each
pair is run in a folder of its own, and its outcome (status, standard output and
error, the files written) is compared with the runs of either option alone:

- a refusal (or any error) is one line on stderr with status 2, never a traceback;
- otherwise the pair's outcome differs from each single option's: both options
  changed something (``--html --check`` that writes the page and never checks would
  give the page alone). Where one option is what the other always does
  (``--compact`` with ``--html``: the page is compact), ``SAME`` says why, and the
  outcome must then equal the other option's alone.

Runs are in this process (stdin empty, stdout a buffer that takes bytes too).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import demos._console
import demos.check
import demos.forward
import demos.graph
import demos.practice
import demos.replay
import viz.cli.command


@dataclass(frozen=True)
class Command:
    """A command: its main, its parser, the words every run starts with, a sample run of each option."""

    module: str
    main: Callable[[Sequence[str]], int]
    parser: Callable[[], argparse.ArgumentParser]
    base: tuple[str, ...]
    samples: dict[str, tuple[str, ...]]  # option (its long name) -> its words in a run
    in_base: frozenset[str] = frozenset()  # options the base itself gives
    same: dict[frozenset[str], tuple[str, str]] = field(default_factory=dict)  # pair -> (the option that wins, why)
    name: str = ""  # the id of its runs, when one module has several Commands
    refused_alone: frozenset[str] = frozenset()  # options refused in a run of their own (the rest must run)

    @property
    def id(self) -> str:
        return self.name or self.module


def _demo_parser() -> argparse.ArgumentParser:
    return demos._console.build_parser("python -m demos.graph", "demo")


VIZ_SAMPLES = {
    "--output": ("-o", "g.dot"), "--html": ("--html", "p.html"), "--format": ("--format", "svg"),
    "--explain": ("--explain", "x"), "--check": ("--check", "dy/dx = 2*x*w1"), "--latex": ("--latex",),
    "--markdown": ("--markdown",), "--highlight": ("--highlight", "x"), "--no-grads": ("--no-grads",),
    "--no-formulas": ("--no-formulas",), "--no-legend": ("--no-legend",), "--precision": ("--precision", "5"),
    "--rankdir": ("--rankdir", "TB"), "--compact": ("--compact",), "--params": ("--params", "x"),
    "--title": ("--title", "T"), "--max-nodes": ("--max-nodes", "1"), "--max-layout": ("--max-layout", "3"),
    "--dot-timeout": ("--dot-timeout", "0.000001"), "--max-paths": ("--max-paths", "1"),
    "--no-compact": ("--no-compact",), "--slide": ("--slide",), "--gif": ("--gif", "b.gif"),
    "--delay": ("--delay", "0.5"), "--dpi": ("--dpi", "50"),
}
VIZ_SAME = {frozenset({"--compact", "--html"}): ("--html", "the explorer page is always drawn compact"),
            frozenset({"--compact", "--gif"}): ("--gif", "the animation's frames are drawn as the page, compact"),
            frozenset({"--compact", "--slide"}): ("--slide", "a slide's boxes are always compact")}
# Alone: --latex/--markdown need --explain, --max-paths an explanation, --dot-timeout a dot run
# (the DOT text is printed), and the limits of 1 node and 3 layout pieces refuse the drawing.
# --no-compact, --delay and --dpi are for the page, the animation or a PNG, none of which the DOT text is.
VIZ_REFUSED = frozenset({"--latex", "--markdown", "--max-paths", "--dot-timeout", "--max-nodes", "--max-layout",
                         "--no-compact", "--delay", "--dpi"})

COMMANDS = [
    Command("viz", viz.cli.command.main, viz.cli.command.build_parser, ("y = x*x*w1", "--set", "x=0.123456", "w1=1.7"),
            VIZ_SAMPLES, in_base=frozenset({"--set"}), same=VIZ_SAME, refused_alone=VIZ_REFUSED),
    # no assignment: only the leaves have names, the root is "root"
    Command("viz", viz.cli.command.main, viz.cli.command.build_parser, ("x*x*w1", "--set", "x=0.123456", "w1=1.7"),
            {**VIZ_SAMPLES, "--check": ("--check", "droot/dx = 2*x*w1")}, in_base=frozenset({"--set"}),
            same=VIZ_SAME, name="viz, no labels", refused_alone=VIZ_REFUSED),
    # python -m demos and demos.pictures read the same options as demos.graph (demos._console.cli,
    # draws=True), demos.output_layer ... as demos.forward (draws nothing).
    Command("demos.graph", demos.graph.main, _demo_parser, (),
            {"--step": ("--step",), "--out": ("--out", "pics"), "--no-graph": ("--no-graph",)},
            refused_alone=frozenset({"--no-graph"})),  # it only draws
    Command("demos.forward", demos.forward.main, _demo_parser, (),
            {"--step": ("--step",), "--out": ("--out", "pics"), "--no-graph": ("--no-graph",)},
            refused_alone=frozenset({"--out", "--no-graph"})),  # it draws nothing
    Command(
        "demos.replay", demos.replay.main, demos.replay.build_parser, (),
        {"--step": ("--step",), "--equations": ("--equations",), "--leaf": ("--leaf", "b3"),
         "--set": ("--set", "w3=0.5"), "--digits": ("--digits", "6"), "--html": ("--html", "r"),
         "--frames": ("--frames",), "--max-frames": ("--max-frames", "2"),
         # the animation of b3's paths: 14 frames (all 67 steps would take a minute a run)
         "--gif": ("--gif", "b.gif", "--leaf", "b3"), "--delay": ("--delay", "0.5"), "--dpi": ("--dpi", "50"),
         "--slide": ("--slide",), "--no-compact": ("--no-compact",)},
        # beside a page, of --frames; of the drawings --gif and --html make
        refused_alone=frozenset({"--frames", "--max-frames", "--delay", "--dpi", "--slide", "--no-compact"}),
        same={frozenset({"--gif", "--leaf"}): ("--gif", "the --gif sample replays b3's paths already")},
    ),
    Command("demos.check", demos.check.main, demos.check.build_parser, ("dSSR/db3 = -2*(observed - predicted)",),
            {"--set": ("--set", "b3=1"), "--point": ("--point", "2")}),
    Command("demos.practice", demos.practice.main, demos.practice.build_parser, (),
            {"--seed": ("--seed", "5"), "--set": ("--set", "w1=1"), "--param": ("--param", "w3"),
             "--point": ("--point", "all")}),
]


def _options(parser: argparse.ArgumentParser) -> list[str]:
    """Every option of the parser by its long name, --help left out."""
    return [a.option_strings[-1] for a in parser._actions
            if a.option_strings and not isinstance(a, argparse._HelpAction)]


@pytest.mark.parametrize("command", COMMANDS, ids=[c.id for c in COMMANDS])
def test_every_option_has_a_sample(command: Command):
    options = set(_options(command.parser())) - command.in_base
    assert options == set(command.samples), (
        f"python -m {command.module}: options without a sample run here: {options - set(command.samples)}; "
        f"samples of options it does not have: {set(command.samples) - options}"
    )


@dataclass(frozen=True)
class Outcome:
    status: int
    stdout: bytes
    stderr: str
    files: tuple[tuple[str, bytes], ...]

    def refused(self) -> bool:
        return self.status == 2


def _run(command: Command, options: Sequence[str], where: Path) -> Outcome:
    where.mkdir()
    argv = [*command.base, *(w for o in options for w in command.samples[o])]
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    cwd, stdin = os.getcwd(), sys.stdin
    os.chdir(where)
    sys.stdin = io.StringIO("")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = command.main(argv)
            except SystemExit as exit_:  # argparse's usage errors
                status = exit_.code if isinstance(exit_.code, int) else 2
    finally:
        os.chdir(cwd)
        sys.stdin = stdin
    out.flush()
    files = tuple(sorted((p.relative_to(where).as_posix(), p.read_bytes()) for p in where.rglob("*") if p.is_file()))
    return Outcome(status, out.buffer.getvalue(), err.getvalue(), files)  # type: ignore[attr-defined]


def _cases() -> list[tuple[Command, tuple[str, ...]]]:
    cases = []
    for command in COMMANDS:
        options = sorted(command.samples)
        cases += [(command, (o,)) for o in options]
        cases += [(command, pair) for pair in itertools.combinations(options, 2)]
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> Callable[[Command, tuple[str, ...]], Outcome]:
    """The outcome of a run, each run once (the singles are compared with many pairs)."""
    done: dict[tuple[str, tuple[str, ...]], Outcome] = {}
    root = tmp_path_factory.mktemp("runs")

    def get(command: Command, options: tuple[str, ...]) -> Outcome:
        key = (command.id, options)
        if key not in done:
            done[key] = _run(command, options, root / f"{len(done)}")
        return done[key]

    return get


@pytest.mark.parametrize("command, options", CASES, ids=[f"{c.id} {' '.join(o)}" for c, o in CASES])
def test_each_option_applies_with_each_other_or_the_run_is_refused(command: Command, options, outcomes):
    got = outcomes(command, options)
    assert "Traceback" not in got.stderr, got.stderr
    if len(options) == 1:  # a sample that fails alone would make every pair with it pass as "refused"
        assert got.refused() == (options[0] in command.refused_alone), (options, got.stderr)
    if got.refused():
        assert got.stderr.count("\n") == 1 and "error: " in got.stderr, got.stderr
        return
    assert got.status in (0, 1), (got.status, got.stderr)
    alone = [((), options[0])] if len(options) == 1 else [((options[0],), options[1]), ((options[1],), options[0])]
    for others, option in alone:
        without = outcomes(command, others)
        same = command.same.get(frozenset(options))
        if same is not None and same[0] != option:
            assert got == without, f"{option} should change nothing here ({same[1]})"
            continue
        assert got != without, f"{option} changes nothing in python -m {command.module} {' '.join(options)}"
