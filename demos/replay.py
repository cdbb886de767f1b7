"""Watch backward, one ``+=`` at a time, on the articles' drug-dosage network.

    python -m demos.replay                  # every step, as a table
    python -m demos.replay --step           # pause for Enter after each step
    python -m demos.replay --equations      # each step as a chain-rule equation
    python -m demos.replay --leaf w1        # only the steps on the paths from w1
    python -m demos.replay --html out/      # out/index.html: the explorer page, one file
    python -m demos.replay --html out/ --frames   # and frame_000.svg ... for slides
    python -m demos.replay --gif backward.gif --leaf b3 --slide   # one animated file, one frame per +=

The network (StatQuest, "Neural Networks Pt. 2: Backpropagation Main Ideas"):
one input, two softplus hidden neurons, one linear output, and the sum of
squared residuals over three data points::

    x1 = input * w1 + b1     y1 = softplus(x1)
    x2 = input * w2 + b2     y2 = softplus(x2)
    predicted = y1 * w3 + y2 * w4 + b3
    SSR = sum over the data of (observed - predicted)^2

The graph is the one training uses (``nn.statquest.network`` and ``nn.ssr``);
``demos.network.name_terms`` names the terms nn leaves unlabelled (``y1w3``, ``residual``,
``sq`` ...), and each data point's nodes are told apart as ``x1[1]``, ``x1[2]``,
``x1[3]`` (``viz.chainrule.names.node_names``) in the text and in the drawings.
"""

from __future__ import annotations

import argparse
import math
import sys
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from demos._console import WIDTH, Console, run_main
from demos.network import articles_network
from engine import Value, graph
from engine.backward_steps import backward_steps
from engine.format import format_number
from nn.statquest import INPUTS, MAIN_IDEAS_START, OBSERVED, PARAMETER_NAMES, PUBLISHED_OPTIMUM
from viz.chainrule.names import node_names
from viz.cli.parsing import OneLineParser, parse_assignments  # as python -m viz reads --set
from viz.graph.options import MAX_DPI, MIN_DPI
from viz.replay.animate import DEFAULT_DELAY, MAX_DELAY, MIN_DELAY, animate
from viz.replay.frames import MAX_FRAMES, write_replay
from viz.replay.media import kind_of
from viz.replay.step_text import replay_lines

__all__ = [
    "PUBLISHED_OPTIMUM",
    "MAIN_IDEAS_START",
    "INPUTS",
    "OBSERVED",
    "find_node",
    "point_lines",
    "main",
    "build_parser",
]

# The numbers (StatQuest's published optimum, the data) live in nn.statquest, the graph
# with the articles' names in demos.network. The replay's default is Main Ideas' starting
# point: the optimum with b3 = 0, where the articles work out dSSR/db3 = -15.7.


def find_node(root: Value, name: str) -> Value:
    """The node of ``root``'s graph named ``name`` (a label, or ``x1[2]`` as the replay names it): ``--leaf``."""
    return graph.find_node(root, name, "--leaf", "NAME", names=node_names(root))


def point_lines(params: Mapping[str, Value], set_names: Sequence[str], digits: int = 4) -> list[str]:
    """Which point the replay runs at: where the numbers come from, then every parameter's value.

    ``Parameters: Main Ideas' starting point (the published optimum, b3 = 0)``, or
    with ``--set b3=1``: ``Parameters: b3 from --set, the others from Main Ideas' start``,
    or, when ``--set`` gives every parameter, ``Parameters: all from --set``.
    """
    if set(params) <= set(set_names):
        first = "Parameters: all from --set"
    elif set_names:
        first = f"Parameters: {', '.join(set_names)} from --set, the others from Main Ideas' start"
    else:
        first = "Parameters: Main Ideas' starting point (the published optimum, b3 = 0)"
    values = "  ".join(f"{name} = {format_number(p.data, digits)}" for name, p in params.items())
    return textwrap.wrap(first, WIDTH, subsequent_indent="  ") + textwrap.wrap(
        values, WIDTH, initial_indent="  ", subsequent_indent="  "
    )


def _check_assignments(parser: argparse.ArgumentParser, assigned: Mapping[str, float]) -> None:
    """Refuse, in ``--set``'s words, a name the network does not have or a value that is not finite."""
    for name, value in assigned.items():
        if name not in PARAMETER_NAMES:
            parser.error(f"--set {name}: unknown parameter; the network's parameters are {', '.join(PARAMETER_NAMES)}")
        if not math.isfinite(value):
            parser.error(f"--set {name}: {value} is not a finite number")


def build_parser() -> argparse.ArgumentParser:
    """The replay's command line."""
    parser = OneLineParser(
        prog="python -m demos.replay",
        description="Replay backward on the articles' network, one += per line.",
    )
    parser.add_argument("--step", action="store_true", help="pause for Enter after each step")
    parser.add_argument("--equations", action="store_true",
                        help="print each step as a chain-rule equation (wider lines) instead of a table")
    parser.add_argument("--leaf", metavar="NAME", help="only the steps on the paths from this node (w1, b3, x1[2] ...)")
    parser.add_argument("--set", nargs="+", action="extend", default=[], metavar="NAME=VALUE",
                        help="parameter values (default: the published optimum with b3 = 0)")
    # --digits and --max-frames default to None (filled in by main): a value given where
    # nothing uses it (--digits with --html, --max-frames without --frames) is refused.
    parser.add_argument("--digits", type=int,
                        help="significant digits of the printed numbers (default 4; drawings show 3)")
    parser.add_argument("--html", metavar="DIR",
                        help="instead of printing, write DIR/index.html: one self-contained page that steps "
                        "through backward on one drawing (and shows a node's chain rule, changes parameters, "
                        "practises)")
    parser.add_argument("--frames", action="store_true",
                        help="with --html, also write each step as DIR/frame_000.svg ... (for slides)")
    parser.add_argument("--gif", metavar="FILE",
                        help="instead of printing, write the backward pass as one animation, one frame per += "
                        "with its equation: .gif, .png (APNG) or .mp4 (needs ffmpeg)")
    parser.add_argument("--delay", type=float, metavar="SECONDS",
                        help=f"seconds per frame of --gif (default {DEFAULT_DELAY:g})")
    parser.add_argument("--slide", action="store_true",
                        help="draw --frames and --gif for a 16:9 slide (every text 14 pt)")
    parser.add_argument("--no-compact", dest="compact", action="store_false",
                        help="draw the page, --frames and --gif with op ovals (default: each op in its box)")
    parser.add_argument("--dpi", type=int, metavar="N", help="pixels per inch of the --gif frames (default 96)")
    parser.add_argument("--max-frames", type=int,
                        help=f"the most frames --frames or --gif draws (default {MAX_FRAMES})")
    return parser


def _check_pictures(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse picture options without the pictures they are for, and a --gif file type there is no writing."""
    for flag, value in (("--delay", args.delay), ("--dpi", args.dpi)):
        if value is not None and not args.gif:
            parser.error(f"{flag} is for the frames of --gif: give --gif FILE too")
    if args.delay is not None and not MIN_DELAY <= args.delay <= MAX_DELAY:  # NaN too
        parser.error(f"--delay must be from {MIN_DELAY:g} to {MAX_DELAY:g} seconds, got {args.delay:g}")
    if args.dpi is not None and not MIN_DPI <= args.dpi <= MAX_DPI:
        parser.error(f"--dpi must be from {MIN_DPI} to {MAX_DPI} pixels per inch, got {args.dpi}")
    if args.slide and not (args.gif or args.frames):
        parser.error("--slide is for the frames: give --gif FILE, or --html DIR with --frames (the page fits "
                     "any screen as it is)")
    if not args.compact and not (args.gif or args.html):
        parser.error("--no-compact is for the drawings: give --gif FILE or --html DIR")
    if args.gif:
        try:
            kind_of(Path(args.gif), None, "--gif", hint="")
        except ValueError as err:
            parser.error(str(err))


def _write_pictures(parser: argparse.ArgumentParser, args: argparse.Namespace,
                    graph: tuple[Value, list[Value], Value | None], max_frames: int, stdout: TextIO) -> int:
    """``--html DIR`` (the page, and with --frames the frames) and ``--gif FILE``; one line each.
    ``graph``: the root, the parameters and the leaf (or None)."""
    root, params, leaf = graph
    drawing: dict[str, Any] = {"compact": args.compact, "max_frames": max_frames}
    slide: dict[str, Any] = {"slide": True} if args.slide else {}
    try:
        if args.html:
            paths = write_replay(root, args.html, leaf=leaf, params=params, frames=args.frames, **drawing,
                                 **(slide if args.frames else {}))
            frames = f"{len(paths) - 1} frames and " if args.frames else ""
            print(f"wrote {frames}{paths[-1]}", file=stdout)
        if args.gif:
            delay = DEFAULT_DELAY if args.delay is None else args.delay
            path = animate(root, args.gif, leaf=leaf, params=params, delay=delay, dpi=args.dpi, **drawing, **slide)
            print(f"wrote {path} ({len(backward_steps(root, leaf=leaf)) + 1} frames)", file=stdout)
    except (ValueError, OSError, RuntimeError) as err:
        message = " ".join(str(err).split())  # one line, whatever the error text holds
        print(f"{parser.prog}: error: {message}", file=sys.stderr)
        return 2
    return 0


def main(
    argv: Sequence[str] | None = None, *, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """Run the replay command line; returns the exit status."""
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        assigned = parse_assignments(args.set)
        _check_assignments(parser, assigned)
        set_names = list(assigned)
        root, params = articles_network(assigned)
        leaf = find_node(root, args.leaf) if args.leaf else None
    except ValueError as err:
        parser.error(str(err))
    if args.digits is not None and not 1 <= args.digits <= 17:
        parser.error(f"--digits must be in 1..17, got {args.digits}")
    if args.max_frames is not None and args.max_frames < 1:
        parser.error(f"--max-frames must be at least 1, got {args.max_frames}")
    if args.frames and not args.html:
        parser.error("--frames writes SVG files beside the page: give --html DIR too")
    if args.max_frames is not None and not (args.frames or args.gif):
        parser.error("--max-frames limits the frames --frames or --gif draws: give --frames (and --html DIR) "
                     "or --gif FILE too")
    printed = [o for o, on in (("--step", args.step), ("--equations", args.equations),
                                ("--digits", args.digits is not None)) if on]
    if (args.html or args.gif) and printed:
        instead = "--html writes the page" if args.html else "--gif writes the animation"
        parser.error(f"{printed[0]} changes the printed replay, and {instead} instead of printing;"
                     f" leave {printed[0]} out")
    _check_pictures(parser, args)
    digits = 4 if args.digits is None else args.digits
    max_frames = MAX_FRAMES if args.max_frames is None else args.max_frames

    if args.html or args.gif:
        # The page and the animation hold every step's equation: no table is printed.
        return _write_pictures(parser, args, (root, list(params.values()), leaf), max_frames, stdout)

    steps = backward_steps(root, leaf=leaf)
    lines = replay_lines(root, steps, digits=digits, equations=args.equations)
    header, rows = lines[: len(lines) - len(steps)], lines[len(lines) - len(steps):]
    header = point_lines(params, set_names, digits) + [""] + header
    con = Console(stdout, step=args.step, inp=stdin)
    for line in header:
        con.line(line)
    for row in rows:
        con.line(row)
        con.pause()  # end of input ends pausing: the rest prints straight through
    return 0


if __name__ == "__main__":
    # Ctrl-C during a pause exits 130 and a closed pipe (| head) quietly, as every demo does.
    sys.exit(run_main(main, "demos.replay"))
