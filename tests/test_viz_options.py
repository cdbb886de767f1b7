"""The option lists, each declared once: DrawOptions and PageOptions, their signatures, checks and flags."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from engine import Value
from viz import draw, explore
from viz.checks import OPTION_RULES
from viz.cli.command import _draw_options, build_parser
from viz.expression import evaluate
from viz.graph.draw import draw_frame
from viz.graph.options import DrawOptions
from viz.page.explorer import explore_html
from viz.page.options import PageOptions
from viz.replay.frames import FRAME_SET, replay_frames


def _root() -> Value:
    w, x = Value(2.0, "w1"), Value(3.0, "x")
    y = (w * x).relabel("y")
    y.backward()
    return y


def _keywords(func) -> list[tuple[str, object]]:
    return [(p.name, p.default) for p in inspect.signature(func).parameters.values() if p.kind is p.KEYWORD_ONLY]


def _fields(kind, skip=()) -> list[tuple[str, object]]:
    return [(f.name, f.default) for f in dataclasses.fields(kind) if f.name not in skip]


def test_the_drawing_functions_show_the_options_as_their_keywords():
    assert _keywords(draw) == _fields(DrawOptions)
    assert _keywords(draw_frame)[3:] == _fields(DrawOptions)  # after grads, focus, focus_edge
    own = ["leaf", "params", "max_frames", "precision", "compact"]
    assert [n for n, _ in _keywords(replay_frames)] == own + [
        n for n, _ in _fields(DrawOptions) if n not in own and n not in FRAME_SET]
    assert _keywords(explore) == _keywords(explore_html) == _fields(PageOptions)


def test_every_option_has_a_check():
    for kind in (DrawOptions, PageOptions):
        assert {f.name for f in dataclasses.fields(kind)} <= set(OPTION_RULES), kind


@pytest.mark.parametrize("call, says", [
    (lambda y: draw(y, colour=1), "draw: unknown drawing option 'colour'"),
    (lambda y: draw(y, compakt=True), "did you mean 'compact'?"),
    (lambda y: explore_html(y, legend=False), "explore: unknown page option 'legend'"),
    (lambda y: replay_frames(y, colour=1), "replay_frames: unknown drawing option 'colour'"),
])
def test_an_unknown_option_is_named_with_the_known_ones(call, says):
    with pytest.raises(TypeError, match="unknown") as info:
        call(_root())
    assert says in str(info.value)


def test_the_same_rule_checks_an_option_wherever_it_is_taken():
    y = _root()
    for func, call in (("draw", lambda: draw(y, precision=18)), ("explore", lambda: explore_html(y, precision=18)),
                       ("replay_frames", lambda: replay_frames(y, precision=18))):
        with pytest.raises(ValueError, match=f"^{func}: precision must be an int between 1 and 17, got 18$"):
            call()


def test_the_command_line_passes_every_drawing_flag_through():
    args = build_parser().parse_args(["x1 = x*w1; y = x1*2", "--set", "x=1", "w1=2", "--compact", "--no-legend",
                                      "--no-grads", "--no-formulas", "--precision", "5", "--rankdir", "TB",
                                      "--title", "T", "--max-nodes", "7", "--max-layout", "99", "--highlight", "w1"])
    prog = evaluate(args.expression, {"x": 1.0, "w1": 2.0})
    options = _draw_options(args, prog)
    assert (options.compact, options.legend, options.show_grads, options.formulas) == (True, False, False, False)
    assert (options.precision, options.rankdir, options.title, options.max_nodes, options.max_layout) == (
        5, "TB", "T", 7, 99)
    assert options.highlight is prog.values["w1"] and list(options.params) == [prog.values["w1"]]
    defaults = _draw_options(build_parser().parse_args(["x*2", "--set", "x=1"]), evaluate("x*2", {"x": 1.0}))
    assert dataclasses.replace(defaults, params=None) == DrawOptions()
