"""Rendering: DOT text -> SVG, PNG or a file, through the dot executable ``viz.find_dot`` finds.

``render(root, "graph.svg")`` draws and writes in one call; ``to_svg`` and
``to_png`` turn a drawing (or DOT text) into an image, through the same dot as
``ChainGraph`` (``viz.graph.chaingraph``), so ``pip install chaingrad`` alone is
enough (``graphviz-pure`` is a dependency).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import graphviz

from engine import Value
from engine.checks import check_str
from engine.files import write_bytes
from viz.checks import check_dot_source, check_file_path, check_option, check_root
from viz.graph.dot_program import ENV_VAR, DotNotFoundError, dot_writes, find_dot, run_dot
from viz.graph.dot_source import to_dot
from viz.graph.options import MAX_DPI, DrawOptions
from viz.graph.resolve import resolve
from viz.keywords import read_options

__all__ = ["FORMATS", "WORDS", "CLI_WORDS", "MAX_DPI", "render", "to_svg", "to_png", "output_format"]

#: File types ``render`` writes, by suffix (``pdf`` needs a Graphviz dot: graphviz-pure has no PDF).
FORMATS = ("svg", "png", "dot", "pdf")
#: How a message names the ways out: in Python's words, or (``CLI_WORDS``) the command line's.
WORDS = {"format": "format={!r}", "dpi": "dpi={}", "suffix": "a .svg, .png, .pdf or .dot file name"}
CLI_WORDS = {"format": "--format {}", "dpi": "--dpi {}", "suffix": "-o FILE.svg, .png, .pdf or .dot"}


def to_svg(digraph: graphviz.Digraph | graphviz.Source | str) -> str:
    """SVG text of a drawing (or of DOT source text), rendered by the found dot executable."""
    return run_dot(check_dot_source(digraph, "to_svg"), "svg").decode("utf-8")


def to_png(digraph: graphviz.Digraph | graphviz.Source | str, *, dpi: int | None = None) -> bytes:
    """PNG bytes of a drawing (or of DOT source text), rendered by the found dot executable.

    ``dpi``: pixels per inch (dot's default 96; 300 for print or a projector: 300/96 times as many pixels).
    """
    source = check_dot_source(digraph, "to_png")
    if dpi is not None:
        check_option("dpi", dpi, "to_png")
    return run_dot(source, "png", dpi=dpi)


def render(root: Value | graphviz.Digraph, path: str | Path, *, format: str | None = None,
           dpi: int | None = None, **draw_options: Any) -> Path:
    """Draw ``root`` (or take an already drawn ``Digraph``) and write it to ``path``.

    The file type comes from the suffix (``.svg``, ``.png``, ``.pdf`` or ``.dot``) unless
    ``format`` names one. SVG, PNG and PDF go through the found dot executable (PDF only
    through a Graphviz dot: graphviz-pure has none); if none is found, the DOT source is
    written beside ``path`` (suffix ``.dot``) and ``DotNotFoundError`` says where and how to
    install dot. ``dpi``: a PNG's pixels per inch (dot's default 96). The drawing options
    are ``viz.draw``'s (``slide=True`` for a 16:9 page). Returns the path written.
    """
    # The directory is checked before dot runs: a wrong folder is not found after the work.
    out = check_file_path(path, "render", "a file name (str or Path)")
    fmt_name = output_format(out, format, dpi, "render")
    if isinstance(root, (graphviz.Digraph, graphviz.Source)):
        if draw_options:
            raise TypeError("render: drawing options apply to a Value, not to an already drawn graph")
        source = root.source
    else:
        check_root(root, "render")
        source = to_dot(resolve(root, read_options(DrawOptions, draw_options, "render"))).source
    if fmt_name == "dot":
        write_bytes(out, source.encode("utf-8"), "render")
        return out
    try:
        data = run_dot(source, fmt_name, dpi=dpi)
    except DotNotFoundError as err:
        dot_path = out.with_suffix(".dot")
        write_bytes(dot_path, source.encode("utf-8"), "render")
        raise DotNotFoundError(
            f"{err}. The DOT source was written to {str(dot_path)!r}; "
            f"once dot is installed: dot -T{fmt_name} {dot_path} -o {out}"
        ) from None
    write_bytes(out, data, "render")
    return out


def output_format(path: Path, format: object, dpi: object, func: str, words: dict[str, str] = WORDS) -> str:
    """What to write to ``path``: ``format``, else its suffix; one of ``FORMATS``, checked with ``dpi``.

    ``ValueError`` (in ``words``: Python's keywords, or ``CLI_WORDS``) for a format that is none of
    them, a ``dpi`` with anything but PNG; ``DotNotFoundError`` for PDF when the dot in use has none.
    """
    given = None if format is None else check_str(format, func, "format", empty=False)
    fmt_name = (given or path.suffix.lstrip(".")).lower()
    if fmt_name not in FORMATS:
        what = f"format {given!r}" if given else (f"suffix {path.suffix!r}" if path.suffix else "no suffix")
        choices = " / ".join(words["format"].format(f) for f in ("svg", "png", "dot"))
        raise ValueError(f"{func}: cannot tell what to write for {str(path)!r} ({what}); "
                         f"use {words['suffix']}, or pass {choices}")
    if dpi is not None:
        check_option("dpi", dpi, func)
        if fmt_name != "png":
            raise ValueError(f"{func}: {words['dpi'].format(dpi)} sets a PNG's pixels per inch; "
                             f"{fmt_name.upper()} has none (SVG and PDF scale to any size)")
    if fmt_name == "pdf" and not dot_writes("pdf"):
        raise DotNotFoundError(
            f"{func}: the dot in use ({find_dot()}) cannot write PDF; PDF needs Graphviz's own dot: install "
            "Graphviz (apt install graphviz, brew install graphviz, https://graphviz.org/download/), which "
            f"chaingrad finds on PATH (or set {ENV_VAR}). Meanwhile SVG ({words['format'].format('svg')}) "
            f"and PNG at 300 dpi ({words['format'].format('png')}, {words['dpi'].format(300)}) work now"
        )
    return fmt_name
