"""Which options of ``python -m viz`` (``viz.cli.command``) go together: every option applies in every
run it is given in, or the run is refused in one line before any work.

A run makes some of: a drawing (``-o FILE``; ``--format`` without ``-o`` on standard output;
the DOT text on standard output when nothing else is asked), the explorer page (``--html``),
the animated backward pass (``--gif``) and text (``--explain``, ``--check``). Each option changes
one of them, and is refused in a run that makes none of what it changes (``--rankdir`` with
``--explain`` alone), or where what it changes cannot take it (``--no-legend`` with ``--html``:
the page always has its legend).
Standard output holds one thing when a run says so: the drawing (``--format`` without ``-o``)
or the derivations (``--latex``, ``--markdown``); ``wrote FILE`` then goes to standard error.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from viz.chainrule.explanation import DEFAULT_MAX_PATHS
from viz.expression import ExpressionError
from viz.graph.options import DrawOptions

__all__ = ["check_combination", "fill_defaults", "stdout_reserved"]

#: The options whose default argparse leaves None, so that "given" can be told from "left out":
#: each one's value when left out (the drawing's, as ``DrawOptions`` declares it; explain's for --max-paths).
DEFAULTS = {
    "precision": DrawOptions.precision, "rankdir": DrawOptions.rankdir, "max_nodes": DrawOptions.max_nodes,
    "max_layout": DrawOptions.max_layout, "max_paths": DEFAULT_MAX_PATHS,
}

_DRAWN_BY_DOT = ("svg", "png")


def _given(args: argparse.Namespace) -> set[str]:
    """The options given, of those a run may not be able to apply."""
    flags = {
        "--highlight": args.highlight is not None, "--params": args.params is not None,
        "--title": args.title is not None, "--compact": args.compact, "--no-compact": args.no_compact,
        "--slide": args.slide, "--no-formulas": not args.formulas,
        "--no-legend": not args.legend, "--no-grads": not args.show_grads,
        "--rankdir": args.rankdir is not None, "--precision": args.precision is not None,
        "--max-nodes": args.max_nodes is not None, "--max-layout": args.max_layout is not None,
        "--max-paths": args.max_paths is not None, "--dot-timeout": args.dot_timeout is not None,
    }
    return {option for option, on in flags.items() if on}


def fill_defaults(args: argparse.Namespace) -> None:
    """Each option of ``DEFAULTS`` left out set to its default (after ``check_combination``)."""
    for name, default in DEFAULTS.items():
        if getattr(args, name) is None:
            setattr(args, name, default)


def stdout_reserved(args: argparse.Namespace) -> bool:
    """Whether standard output holds the drawing or the derivations alone (``wrote FILE`` goes to stderr)."""
    return bool(args.explain_format) or bool(args.format and not args.output)


def check_combination(args: argparse.Namespace) -> None:
    """``ExpressionError`` (one line, status 2) for options that would not apply in this run."""
    if args.explain_format and not args.explain:
        raise ExpressionError(f"--{args.explain_format} prints explanations: give --explain NAME too")
    if args.explain_format and args.format and not args.output:
        raise ExpressionError(f"--{args.explain_format} and --format without -o would both write to stdout;"
                              " give -o FILE for the drawing")
    if args.explain_format and args.check:
        raise ExpressionError(f"--{args.explain_format} prints only the derivations, to paste; run --check without it")
    texts = [o for o, on in (("--explain", args.explain), ("--check", args.check)) if on]
    if args.format and not args.output and texts:
        raise ExpressionError(f"--format without -o writes the drawing alone to standard output, so {texts[0]} "
                              "cannot print there; give -o FILE for the drawing")
    drawing = bool(args.output or args.format) or not (texts or args.html or args.gif)
    page, gif = bool(args.html), bool(args.gif)
    given = _given(args)
    made = "this run draws nothing (--explain and --check print text); add -o FILE, --html FILE or --gif FILE"
    for option in ("--highlight", "--params", "--compact", "--slide", "--no-formulas", "--no-legend", "--rankdir",
                   "--max-nodes", "--max-layout"):
        if option in given and not (drawing or page or gif):
            raise ExpressionError(f"{option} changes the drawing, and {made}, or leave {option} out")
    _check_pictures(args, given, drawing)
    for option in ("--no-grads", "--precision"):
        if option in given and not (drawing or page or gif or args.explain):
            what = "hides the grads" if option == "--no-grads" else "sets the digits"
            raise ExpressionError(f"{option} {what} of the drawing and of --explain's list, and {made} "
                                  f"(--check prints 6 digits), or leave {option} out")
    if "--max-paths" in given and not (args.explain or page):
        raise ExpressionError("--max-paths limits the explanations of --explain and of the --html page, and this "
                              "run has neither; leave --max-paths out")
    if "--dot-timeout" in given and not _runs_dot(args):
        raise ExpressionError("--dot-timeout limits Graphviz, and this run does not start it (only --html, --gif, "
                              "and -o or --format making .svg or .png, do); leave --dot-timeout out")
    if page:
        for option, why in (("--rankdir", "is drawn left to right"), ("--no-formulas", "shows every edge's formula"),
                            ("--no-legend", "always has its legend"), ("--slide", "fits any screen as it is"),
                            ("--no-grads", "hides the grads in its exercise mode instead (its Exercise toggle)")):
            if option in given and not (option == "--rankdir" and args.rankdir == DrawOptions.rankdir):
                raise ExpressionError(f"{option} does not apply to the --html page, which {why}; "
                                      f"draw with {option} and -o in a run of its own")


def _check_pictures(args: argparse.Namespace, given: set[str], drawing: bool) -> None:
    """The options of the page's and the animation's drawing: --title, --compact, --no-compact."""
    if "--title" in given and not (drawing or args.html):
        raise ExpressionError("--title heads the drawing of -o and the --html page, and the --gif frames are titled "
                              "with their steps' equations; add -o FILE, or leave --title out")
    if {"--compact", "--no-compact"} <= given:
        raise ExpressionError("--compact and --no-compact say the opposite; give one of them")
    if "--no-compact" in given and not (args.html or args.gif):
        raise ExpressionError("--no-compact draws the --html page and the --gif frames with op ovals, and this run "
                              "has neither (-o draws op ovals unless --compact); leave --no-compact out")


def _runs_dot(args: argparse.Namespace) -> bool:
    if args.html or args.gif:
        return True
    if args.output:
        return (args.format or Path(args.output).suffix.lstrip(".")).lower() in _DRAWN_BY_DOT
    return args.format in _DRAWN_BY_DOT
