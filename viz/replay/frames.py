"""Frames of the backward replay: one drawing per ``+=`` (for slides), and the replay's page.

Frame 0 is the start (only the root's grad is known: 1; the root's box is
outlined in the grads' colour); frame ``k`` is the graph after step ``k`` of
``engine.backward_steps``: the consumer being processed and the one
edge whose local derivative the step multiplies are emphasised (``draw_frame``'s
``focus_edge``), the box whose grad the step changes is outlined in the
grads' colour, every grad received so far is filled in (a partial sum until
its last step), and grads not yet reached are blank. The last frame shows every node's grad exactly as
``backward()`` leaves it. Every box shows the name the captions use
(``viz.chainrule.names.node_names``: ``x1[2]`` where a label repeats).

    >>> from viz.replay.frames import write_replay
    >>> write_replay(ssr, "replay/")                # doctest: +SKIP
    # replay/index.html: the explorer page (viz.explore), stepping on one drawing
    >>> write_replay(ssr, "replay/", frames=True)   # doctest: +SKIP
    # and replay/frame_000.svg ... replay/frame_067.svg

The frames are drawn as the page draws the graph (compact by default), all of one size with the
graph in one place; ``viz.replay.animate`` puts them together as one GIF, APNG or MP4.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphviz

from engine import Value
from engine.backward_steps import BackwardStep, backward_steps, grads_after
from engine.files import make_dirs, write_text
from engine.format import format_number
from viz.chainrule.names import d_name, node_names
from viz.checks import check_option, check_root
from viz.graph.dot_source import to_dot
from viz.graph.layout import MAX_TITLE, shorten
from viz.graph.options import DrawOptions
from viz.graph.render import to_svg
from viz.graph.resolve import Drawing, Marks, resolve
from viz.graph.style import GRAD_COLOUR, RECEIVER_WIDTH, outline_attrs
from viz.graph.text_width import text_width
from viz.keywords import keyword_options, read_options
from viz.page.explorer import explore
from viz.replay.step_text import step_equation

__all__ = ["MAX_FRAMES", "Frame", "TooManyFramesError", "replay_frames", "write_frames", "write_replay"]

#: More frames than this raise ``TooManyFramesError`` (``max_frames=`` / ``--max-frames`` to change).
#: Each frame is a full drawing: a few hundred frames of a mid-sized graph already make a page of tens of MB.
MAX_FRAMES = 200


class TooManyFramesError(ValueError):
    """The replay has more frames than ``max_frames``; the message says how to raise it or narrow the replay."""


@dataclass(frozen=True)
class Frame:
    """One picture of the replay: frame ``number`` (0 = start), after ``step`` (None for the start).

    ``grads`` maps every node of the graph to the grad shown (None = blank,
    not reached yet); ``caption`` is the step's chain-rule equation and
    ``detail`` says whether the input's grad is now final; ``digraph`` is the
    drawing (its ``.source`` is the DOT text); ``focus`` names the DOT nodes
    of the step for a viewer to scroll to: the consumer's op node (``op<k>``)
    and the input's box (``n<j>``); in a ``compact`` drawing, which has no op
    nodes, the consumer's box (``n<k>``) and the input's box; at the start,
    the root's box.
    """

    number: int
    step: BackwardStep | None
    grads: dict[Value, float | None]
    caption: str
    detail: str
    digraph: graphviz.Digraph
    focus: tuple[str, ...] = ()


def _check_frame_count(n_frames: int, max_frames: int, leaf: Value | None, func: str) -> None:
    if n_frames > max_frames:
        narrow = "" if leaf is not None else (
            ", or pass leaf=<a leaf> (--leaf NAME) to replay only the steps on the paths from that leaf"
        )
        raise TooManyFramesError(
            f"{func}: this replay has {n_frames} frames (the start and {n_frames - 1} steps), "
            f"more than max_frames={max_frames}; pass max_frames={n_frames} "
            f"(--max-frames {n_frames} on the command line) to draw them all{narrow}"
        )


def _detail(step: BackwardStep, names: dict[Value, str], root: Value, digits: int) -> str:
    i, r = names[step.input], names[root]
    d = f"{d_name(r)}/{d_name(i)}"  # as the equation writes it: dSSR/d(sq[1]+sq[2])
    if step.final:
        return f"{d} is now final: {format_number(step.after, digits)} (every consumer of {i} has passed its grad back)"
    return f"{d} so far: {format_number(step.after, digits)} ({i} has more consumers still to pass their grad back)"


#: Set by the replay for each frame: not among replay_frames' drawing options.
FRAME_SET = ("grads", "focus", "focus_edge", "highlight", "title", "names")


@keyword_options(DrawOptions, exclude=FRAME_SET)
def replay_frames(
    root: Value,
    *,
    leaf: Value | None = None,
    params: Collection[Value] | None = None,
    max_frames: int = MAX_FRAMES,
    precision: int = 3,
    compact: bool = True,
    **draw_options: Any,
) -> list[Frame]:
    """The frames of ``root``'s backward replay: the start, then one per step.

    ``leaf``: only the steps on the paths from ``leaf`` to ``root`` (those
    paths are drawn in red). ``params``: leaves coloured as parameters.
    ``precision``: significant digits in drawings and captions. More than
    ``max_frames`` frames raise ``TooManyFramesError`` before anything is
    drawn. ``compact``: as the explorer page draws the graph (ops inside the
    boxes; ``compact=False`` for op ovals). Other keyword arguments are
    ``viz.draw``'s (``slide=True`` for 16:9 frames, ``rankdir``, ``formulas`` ...).
    Every frame has the same layout and the same size: the grad cells keep room for a
    number, and the title (the step's equation) is as wide in every frame as the longest.
    """
    check_root(root, "replay_frames")
    return frames_of(root, "replay_frames", leaf, dict(draw_options, params=params, max_frames=max_frames,
                                                         precision=precision, compact=compact))


def frames_of(root: Value, func: str, leaf: Value | None, options: dict[str, Any]) -> list[Frame]:
    """``replay_frames`` for ``func`` (whose name its errors take): ``options`` are its keywords."""
    for reserved in FRAME_SET:
        if reserved in options:
            raise TypeError(f"{func}: {reserved}= is set by the replay for each frame")
    max_frames = options.pop("max_frames", MAX_FRAMES)
    check_option("max_frames", max_frames, func)
    steps = backward_steps(root, leaf=leaf)
    _check_frame_count(len(steps) + 1, max_frames, leaf, func)
    names = node_names(root)
    # One drawing's context for all frames: each frame adds its title and its marks. The boxes
    # carry the names the captions use (x1[2], *#7 ...).
    base = resolve(root, read_options(DrawOptions, dict(options, highlight=leaf, names=names), func))
    titles = [_title(steps, number, names, base) for number in range(len(steps) + 1)]
    # Every frame's title as wide as the widest: one page size for all frames, the graph in one place.
    width = max(text_width(shorten(t, MAX_TITLE), base.look.title_font, bold=True) for t in titles)
    return [_frame(base, steps, number, names, titles[number], width) for number in range(len(steps) + 1)]


def _caption(steps: list[BackwardStep], number: int, names: dict[Value, str], base: Drawing) -> str:
    """What frame ``number`` says: the start, or its step's chain-rule equation."""
    if number == 0:
        r = names[base.root]
        return f"start: {d_name(r)}/{d_name(r)} = 1; every other grad is still unknown"
    return step_equation(steps[number - 1], names, base.root, digits=base.options.precision, times="×")


def _title(steps: list[BackwardStep], number: int, names: dict[Value, str], base: Drawing) -> str:
    """Frame ``number``'s title: its caption, after ``step k of n:`` for a step."""
    caption = _caption(steps, number, names, base)
    return caption if number == 0 else f"step {number} of {len(steps)}:  {caption}"


def _frame(base: Drawing, steps: list[BackwardStep], number: int, names: dict[Value, str], title: str,
           width: int) -> Frame:
    """Frame ``number`` of the replay (0: the start, before any step), titled ``title``, ``width`` points wide."""
    root, precision = base.root, base.options.precision
    known = grads_after(root, steps, number)
    shown: dict[Value, float | None] = {node: known.get(node) for node in base.order}
    caption = _caption(steps, number, names, base)
    if number == 0:
        detail = "Press Next (or the right arrow) to pass the grads back, one += at a time."
        digraph = to_dot(base.framed(title, Marks(shown, title_width=width)))
        # The start sets the root's grad to 1: its box is outlined as every step
        # outlines the box it changes (a later statement adds to the node's attributes),
        # and a viewer opens on it.
        root_box = f"n{base.index[root]}"
        digraph.node(root_box, **outline_attrs(GRAD_COLOUR, RECEIVER_WIDTH))
        return Frame(number, None, shown, caption, detail, digraph, (root_box,))
    step = steps[number - 1]
    # The edge whose local derivative the step multiplies, and the box it adds to.
    marks = Marks(shown, step.consumer, focus_input=step.edge, receiver=step.consumer.inputs[step.edge],
                  title_width=width)
    digraph = to_dot(base.framed(title, marks))
    # A compact drawing has no op nodes: the consumer's own box stands for its op.
    consumer = "n" if base.compact else "op"
    focus = (f"{consumer}{base.index[step.consumer]}", f"n{base.index[step.input]}")
    return Frame(number, step, shown, caption, _detail(step, names, root, precision), digraph, focus)


def _frame_name(number: int, total: int) -> str:
    width = max(3, len(str(total - 1)))
    return f"frame_{number:0{width}d}.svg"


def write_frames(frames: list[Frame], directory: str | Path) -> list[Path]:
    """Render each frame to ``directory/frame_000.svg``, ``frame_001.svg`` ...; returns the paths."""
    directory = make_dirs(directory, "write_frames")
    paths = []
    for frame in frames:
        path = directory / _frame_name(frame.number, len(frames))
        paths.append(write_text(path, to_svg(frame.digraph), "write_frames"))
    return paths


def write_replay(
    root: Value,
    directory: str | Path,
    *,
    leaf: Value | None = None,
    params: Collection[Value] | None = None,
    frames: bool = False,
    max_frames: int = MAX_FRAMES,
    precision: int = 3,
    digits: int | None = None,
    title: str = "Backward, one step at a time",
    compact: bool = True,
    **draw_options: Any,
) -> list[Path]:
    """Write the replay's page, ``directory/index.html``, and with ``frames=True`` every frame as an SVG.

    The page is the explorer (``viz.explore``): one drawing whose boxes and edges
    change class from step to step, the step's equation under it, and the rest of the
    explorer (a node's chain rule, the parameters, an exercise). ``frames=True`` also
    writes ``frame_000.svg``, ``frame_001.svg`` ... for slides (more than ``max_frames``
    frames raise ``TooManyFramesError``; ``draw_options`` go to their drawings, ``slide=True``
    for 16:9 frames). ``compact`` draws the page and the frames alike (ops inside the boxes;
    ``False``: op ovals), so the frames show the page's layout. Returns the frame paths (if any)
    followed by the page's path. ``digits`` is a synonym of ``precision`` (the text replay's name for it).
    """
    if digits is not None:
        precision = digits
    directory = Path(directory)
    paths: list[Path] = []
    if frames:
        paths = write_frames(
            replay_frames(root, leaf=leaf, params=params, max_frames=max_frames, precision=precision,
                          compact=compact, **draw_options),
            directory,
        )
    else:
        make_dirs(directory, "write_replay")
    names = node_names(root)
    r = names[root]
    n_steps = len(backward_steps(root, leaf=leaf))
    subtitle = (
        f"Each step adds grad(consumer) × local derivative to the grad of one input "
        f"(grad = {d_name(r)}/d(node)); {n_steps} steps"
        + (f" on the paths from {names[leaf]} to {r}." if leaf is not None else ".")
        + " Click a node for its chain rule."
    )
    page = explore(root, directory / "index.html", leaf=leaf, params=params, precision=precision,
                   title=title, subtitle=subtitle, compact=compact)
    return paths + [page]
