"""The command line: ``python -m viz EXPRESSION --set name=value ... -o graph.svg``."""

from __future__ import annotations

import argparse
import math
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from engine import FUNCTIONS, Value, topological_order
from viz.chainrule.explanation import DEFAULT_MAX_PATHS, explain
from viz.chainrule.formulas import Namer, node_name
from viz.chainrule.numbers import fmt
from viz.checks import check_file_path
from viz.cli.parsing import OneLineParser, parse_assignments
from viz.cli.rules import check_combination, fill_defaults, stdout_reserved
from viz.cli.run import run_command
from viz.expression import ExpressionError, Program, evaluate
from viz.graph.dot_program import TIMEOUT_VAR, run_dot
from viz.graph.draw import draw
from viz.graph.options import MAX_DPI, MIN_DPI, PARAM_LABEL, RANKDIRS, DrawOptions
from viz.graph.render import CLI_WORDS, FORMATS, output_format, render
from viz.keywords import as_keywords, option_names
from viz.page.explorer import explore
from viz.page.options import DEFAULT_TITLE
from viz.practice.check import CheckResult, check
from viz.practice.hand_formula import split_gradient
from viz.replay.animate import DEFAULT_DELAY, MAX_DELAY, MIN_DELAY, animate
from viz.replay.frames import FRAME_SET
from viz.replay.media import kind_of

__all__ = ["main", "build_parser", "parse_assignments"]  # parse_assignments: viz.cli.parsing's

PROG = "python -m viz"

# The functions the expression may call, wrapped: one more op declared in engine must not
# push the help past 80 columns.
_FUNCTIONS_LINE = textwrap.fill(f"new lines, and the functions {', '.join(sorted(FUNCTIONS))});", 79)

EXAMPLES = f"""\
examples:
  {PROG} "softplus(x*w1 + b1)*w3" \\
      --set x=0.5 w1=3.34 b1=-1.43 w3=-1.22 -o graph.svg

  # one data point through the articles' network; assigned names label the nodes
  {PROG} "x1 = input*w1 + b1; y1 = softplus(x1);
      x2 = input*w2 + b2; y2 = softplus(x2);
      predicted = y1*w3 + y2*w4 + b3; SSR = (observed - predicted)**2" \\
      --set input=0.5 observed=1 w1=3.34 b1=-1.43 w2=-3.53 b2=0.57 \\
            w3=-1.22 w4=-2.30 b3=0 \\
      -o net.svg --highlight w1 --explain w1

The expression is read with Python's ast module against a whitelist (numbers,
names, + - * / **, unary -, name = expression statements separated by ';' or
{_FUNCTIONS_LINE}
it is never eval'ed. Free names are leaves: give each a value with --set
(after the expression, or before it with -- ahead of the expression).
backward() is run from the last statement before drawing. Without -o, --html,
--format, --explain or --check the DOT text is printed. Every option applies
with every other, or the run is refused before any work (--rankdir with only
--explain: nothing is drawn). Errors exit with status 2; --check exits with
status 1 when the formula disagrees with the engine.
"""

DESCRIPTION = """\
Draw the computation graph of an expression after backward(): values, grads,
and the local derivative on every edge; explain a grad by the chain rule."""


class _Parser(OneLineParser):
    """One-line errors, and a hint when ``--set`` has taken the expression as one of its words."""

    _argv: Sequence[str] = ()

    def parse_known_args(self, args=None, namespace=None):
        # Kept so that error() can tell whether --set was given.
        self._argv = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def _has_set(self) -> bool:
        """Whether ``--set`` (or an abbreviation argparse accepts, ``--se``, ``--set=...``) was given."""
        for arg in self._argv:
            if arg == "--":
                return False
            head = arg.split("=", 1)[0]
            if len(head) > 2 and head.startswith("--") and "--set".startswith(head):
                return True
        return False

    def error(self, message: str) -> NoReturn:
        if "required: expression" in message and self._has_set():
            # --set takes every word after it, the expression included.
            message += (
                "; put --set after the expression (python -m viz \"x*2\" --set x=1), "
                "or end its values with -- (python -m viz --set x=1 -- \"x*2\")"
            )
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("expression", help="e.g. \"softplus(x*w1 + b1)*w3\" or \"x1 = x*w1; y = softplus(x1)\"")
    p.add_argument("--set", dest="assignments", metavar="NAME=VALUE", nargs="+", action="extend",
                   default=[], help="value of each free name (leaf), e.g. --set w1=3.34 x=0.5")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the drawing; .svg, .png, .pdf (with a Graphviz dot) or .dot chosen by the suffix")
    p.add_argument("--html", metavar="FILE",
                   help="write the explorer page: one self-contained HTML file where a click on a node "
                   "shows its chain rule, the parameters can be changed, backward steps one += at a "
                   "time and an exercise hides the grads (--highlight NAME: only the steps from NAME)")
    p.add_argument("--format", choices=FORMATS,
                   help="output format (overrides the suffix of -o; without -o the drawing goes to stdout)")
    _picture_options(p)
    p.add_argument("--explain", metavar="NAME", action="append", default=[],
                   help="print d(root)/d(NAME) as a sum over paths of chain-rule products (repeatable)")
    p.add_argument("--check", metavar='"dROOT/dNAME = FORMULA"', action="append", default=[],
                   help="check a gradient derived by hand (per data point, summed over the data) against "
                   "the engine; exit status 1 when it disagrees (repeatable)")
    text = p.add_mutually_exclusive_group()
    text.add_argument("--latex", dest="explain_format", action="store_const", const="latex",
                      help="print each --explain as LaTeX (amsmath align*) for a slide, and nothing else "
                      "on stdout ('wrote FILE' goes to stderr)")
    text.add_argument("--markdown", dest="explain_format", action="store_const", const="markdown",
                      help="print each --explain as Markdown with LaTeX, and nothing else on stdout")
    p.add_argument("--highlight", metavar="NAME",
                   help="draw the paths from NAME up to the root in red")
    p.add_argument("--no-grads", dest="show_grads", action="store_false",
                   help="show '?' instead of each grad (an exercise sheet)")
    p.add_argument("--no-formulas", dest="formulas", action="store_false",
                   help="edge labels show only the local derivative's number")
    p.add_argument("--no-legend", dest="legend", action="store_false", help="leave out the legend")
    # Defaults of None, filled in by fill_defaults: an option given can be told from one left out.
    p.add_argument("--precision", type=int, metavar="N",
                   help=f"significant digits of the numbers shown (default {DrawOptions.precision})")
    p.add_argument("--rankdir", choices=RANKDIRS,
                   help="layout direction: LR left to right (default), TB top to bottom")
    p.add_argument("--params", metavar="NAMES",
                   help="comma-separated leaves drawn as parameters (default: names like w1, b3, b: "
                   "w followed by digits, or b with or without digits)")
    p.add_argument("--title", help="a title above the drawing")
    p.add_argument("--max-nodes", type=int, metavar="N",
                   help=f"refuse to draw more than N value nodes (default {DrawOptions.max_nodes})")
    p.add_argument("--max-layout", type=int, metavar="N",
                   help="refuse a drawing whose layout has more than N pieces: values, ops, edges and the "
                   f"ranks long edges cross (default {DrawOptions.max_layout}; Graphviz's time grows with it)")
    p.add_argument("--dot-timeout", type=float, metavar="SECONDS",
                   help=f"stop Graphviz after SECONDS (default: ${TIMEOUT_VAR}, else 30)")
    p.add_argument("--max-paths", type=int, metavar="N",
                   help=f"refuse to explain more than N paths (default {DEFAULT_MAX_PATHS})")
    return p


def _picture_options(p: argparse.ArgumentParser) -> None:
    """--dpi, --gif, --delay, --compact, --no-compact, --slide: a PNG's resolution, the animated backward
    pass, and the drawings' shape."""
    p.add_argument("--compact", action="store_true",
                   help="show each op inside its value's box (no op ovals): about half as wide (the --html "
                   "page and the --gif frames always are, unless --no-compact)")
    p.add_argument("--no-compact", action="store_true",
                   help="draw the --html page and the --gif frames with op ovals (-o draws them unless --compact)")
    p.add_argument("--slide", action="store_true",
                   help="a drawing for a 16:9 slide: compact, every text 14 pt, a 16:9 page")
    p.add_argument("--dpi", type=int, metavar="N",
                   help=f"pixels per inch of a PNG (default 96; 300 for print; {MIN_DPI} to {MAX_DPI})")
    p.add_argument("--gif", metavar="FILE",
                   help="write the backward pass as an animation, one frame per += with its equation: "
                   ".gif, .png (APNG) or .mp4 (needs ffmpeg) (--highlight NAME: only the steps from NAME)")
    p.add_argument("--delay", type=float, metavar="SECONDS",
                   help=f"seconds per frame of --gif (default {DEFAULT_DELAY:g}; the last frame stays three times"
                   " as long)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0; 1 when a --check disagrees; 2 on any error)."""
    args = build_parser().parse_args(argv)
    # --dot-timeout applies to this run's dot, not to what the process does after main returns.
    kept = os.environ.get(TIMEOUT_VAR)
    try:
        # Every failure (a bad expression, dot failing or too slow, stdout closed or full) is one line.
        return run_command(PROG, lambda: _run(args))
    finally:
        if kept is None:
            os.environ.pop(TIMEOUT_VAR, None)
        else:
            os.environ[TIMEOUT_VAR] = kept


def _run(args: argparse.Namespace) -> int:
    """Draw, explain and check as the flags say; the exit status."""
    _check_flags(args)
    prog = evaluate(args.expression, parse_assignments(args.assignments))
    root = prog.root
    root.backward()
    options = _draw_options(args, prog)
    # Everything that can be refused is worked out before anything is written.
    explanations = [
        explain(root, _named(prog, n, "--explain"), precision=args.precision, max_paths=args.max_paths)
        for n in args.explain
    ]
    checks = [check(root, split_gradient(text)[1], text) for text in args.check]
    wrote = sys.stderr if stdout_reserved(args) else sys.stdout  # stdout may hold one thing alone
    if args.html:
        page = explore(root, args.html, params=options.params, leaf=options.highlight, precision=args.precision,
                       title=args.title or DEFAULT_TITLE, max_nodes=args.max_nodes, max_layout=args.max_layout,
                       max_paths=args.max_paths, compact=not args.no_compact)
        print(f"wrote {page}", file=wrote)
    if args.gif:
        _write_animation(args, root, options, wrote)
    if _write_drawing(args, root, options, wrote):
        return 0  # stdout holds the drawing alone (check_combination refused --explain and --check)
    if not (explanations or checks or args.output):
        return 0  # the page or the animation alone
    if checks and not explanations:
        return _print_checks(checks)
    if args.explain_format:
        print("\n\n".join(e.latex() if args.explain_format == "latex" else e.markdown() for e in explanations))
        return 0
    _print_grads(args, prog)
    for e in explanations:
        print()
        print(e)
    if checks:
        print()
        return _print_checks(checks)
    return 0


def _check_flags(args: argparse.Namespace) -> None:
    """Refuse flags that would not apply in this run (``viz.cli.rules``), before any work; fill in the
    defaults of the rest; ``--dot-timeout`` set for every dot run of this process."""
    if args.dot_timeout is not None and not (args.dot_timeout > 0 and math.isfinite(args.dot_timeout)):
        raise ValueError(f"--dot-timeout must be a positive number of seconds, got {args.dot_timeout:g}")
    check_combination(args)
    fill_defaults(args)
    if args.dot_timeout is not None:
        os.environ[TIMEOUT_VAR] = repr(args.dot_timeout)  # what every dot run of this process reads
    _check_pictures(args)


def _check_pictures(args: argparse.Namespace) -> None:
    """Refuse, before any work and in the command line's words, a file type or a --dpi that cannot be written."""
    png = False
    if args.output:
        check_file_path(args.output, "render", "a file name")  # a folder, a missing one: said first
    if args.output or args.format:
        fmt = output_format(Path(args.output or "stdout"), args.format, None, "-o", CLI_WORDS)
        png = fmt == "png"
    if args.gif:
        kind_of(Path(args.gif), None, "--gif", hint="")
    if args.dpi is not None:
        if not MIN_DPI <= args.dpi <= MAX_DPI:
            raise ExpressionError(f"--dpi must be from {MIN_DPI} to {MAX_DPI} pixels per inch, got {args.dpi}")
        if not (png or args.gif):
            raise ExpressionError("--dpi sets the pixels per inch of a PNG: give -o FILE.png, --format png or --gif")
    if args.delay is not None and not args.gif:
        raise ExpressionError("--delay is the seconds per frame of an animation: give --gif FILE too")
    if args.delay is not None and not (MIN_DELAY <= args.delay <= MAX_DELAY):  # NaN too
        raise ExpressionError(f"--delay must be from {MIN_DELAY:g} to {MAX_DELAY:g} seconds, got {args.delay:g}")


def _write_animation(args: argparse.Namespace, root: Value, options: DrawOptions, wrote: TextIO) -> None:
    """``--gif FILE``: the backward pass, one frame per +=, drawn as the page draws it (compact unless --no-compact)."""
    keywords = {k: v for k, v in as_keywords(options).items() if k not in FRAME_SET}
    keywords["compact"] = not args.no_compact
    leaf = options.highlight if isinstance(options.highlight, Value) else None  # a node: --highlight NAME found
    path = animate(root, args.gif, leaf=leaf, delay=DEFAULT_DELAY if args.delay is None else args.delay,
                   dpi=args.dpi, **keywords)
    print(f"wrote {path}", file=wrote)


def _named(prog: Program, name: str, option: str) -> Value:
    """The node the program calls ``name`` (for ``option``), or an error listing the names."""
    if name not in prog.values:
        raise ExpressionError(f"{option} {name!r}: no such name; names: " + ", ".join(sorted(prog.values)))
    return prog.values[name]


def _draw_options(args: argparse.Namespace, prog: Program) -> DrawOptions:
    """The drawing options: every flag named as a ``DrawOptions`` field, with nodes for the names given."""
    if args.params is None:
        param_names = [n for n in prog.free if PARAM_LABEL.fullmatch(n)]
    else:
        param_names = [n.strip() for n in args.params.split(",") if n.strip()]
    params = [_named(prog, n, "--params") for n in param_names]
    highlight = _named(prog, args.highlight, "--highlight") if args.highlight else None
    # A flag left out (None: see fill_defaults) takes DrawOptions' default.
    flags = {name: value for name, value in vars(args).items()
             if name in option_names(DrawOptions) and name not in ("highlight", "params", "compact")
             and value is not None}
    # -o draws op ovals unless --compact (--html and --gif draw as the page does: compact unless --no-compact).
    return DrawOptions(**flags, highlight=highlight, params=params, compact=bool(args.compact))


def _write_drawing(args: argparse.Namespace, root: Value, options: DrawOptions, wrote: TextIO) -> bool:
    """Write the drawing where the flags say (``-o``; stdout with ``--format``, or when nothing else is asked).

    ``wrote`` takes the ``wrote FILE`` line. True when stdout then holds the drawing alone and the run is done.
    """
    keywords = as_keywords(options)
    if args.output:
        path = render(root, args.output, format=args.format, dpi=args.dpi, **keywords)
        print(f"wrote {path}", file=wrote)
        return False
    if args.format:
        source = draw(root, **keywords).source
        data = source.encode("utf-8") if args.format == "dot" else run_dot(source, args.format, dpi=args.dpi)
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return True
    if not (args.explain or args.check or args.html or args.gif):
        print(draw(root, **keywords).source, end="")
        return True
    return False


def _print_grads(args: argparse.Namespace, prog: Program) -> None:
    """The root's value, then (unless ``--no-grads``) d root / d leaf for every free name, one per line."""
    root = prog.root
    # The name the drawing's legend and the explanations give the root: its label, a short
    # expression such as (x·2), or "root"; one name for it in everything printed.
    root_name = node_name(root, Namer(args.precision), topological_order(root))
    print(f"{root_name} = {fmt(root.data, args.precision)}")
    if args.show_grads:
        # One grad per line, the = signs aligned: a terminal's 80 columns hold any number of them.
        heads = [f"d{root_name}/d{n}" for n in prog.free]
        width = max(map(len, heads), default=0)
        for head, n in zip(heads, prog.free):
            print(f"{head:<{width}} = {fmt(prog.values[n].grad, args.precision)}")


def _print_checks(results: Sequence[CheckResult]) -> int:
    """Print ``viz.practice.check``'s verdict on each ``dROOT/dNAME = formula``; 1 if any disagrees."""
    print("\n\n".join(str(r) for r in results))
    return 0 if all(r.agrees for r in results) else 1
