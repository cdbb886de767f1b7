"""Frames of the backward replay (their DOT text), and the files and page the replay writes."""

from __future__ import annotations

import html
import io
import json
import re

import pytest

from demos.network import articles_network
from demos.replay import main
from engine import Value, topological_order
from engine.backward_steps import backward_steps
from tests.helpers import backward_grads, boxes
from viz.chainrule.names import node_names
from viz.chainrule.numbers import fmt
from viz.graph.style import FOCUS, GRAD_COLOUR, HIGHLIGHT, RECEIVER_WIDTH
from viz.replay.frames import MAX_FRAMES, TooManyFramesError, replay_frames, write_replay
from viz.replay.step_text import step_equation

# The grad cell of a value box in draw()'s DOT: the second magenta cell of node n<i>.
GRAD_CELL = re.compile(
    rf'^\s*n(\d+) \[label=<.*?<font color="{GRAD_COLOUR}">grad</font></td>'
    rf'<td align="right"[^>]*><font color="{GRAD_COLOUR}">(.*?)</font>',
    re.MULTILINE,
)


def shown_grads(source: str) -> dict:
    """{topological index: grad text shown} read back from a frame's DOT text."""
    return {int(i): text for i, text in GRAD_CELL.findall(source)}


def expected_cells(root: Value, grads: dict, precision: int = 3) -> dict:
    """What each node's grad cell must read: the number, or a blank for nodes not reached yet."""
    out = {}
    for i, node in enumerate(topological_order(root)):
        if node.is_constant:
            continue  # a constant's box shows only its number
        out[i] = fmt(grads[node], precision) if node in grads else " "
    return out


@pytest.fixture(scope="module")
def network():
    # With op ovals (compact=False): the step's edge goes into its op, the op into the consumer.
    root, params = articles_network()
    return root, params, replay_frames(root, params=list(params.values()), compact=False)


def test_one_frame_per_step_plus_the_start(network):
    root, params, frames = network
    steps = backward_steps(root)
    assert len(frames) == len(steps) + 1
    assert [f.number for f in frames] == list(range(len(frames)))
    assert frames[0].step is None
    assert [f.step for f in frames[1:]] == steps


OUTLINED = re.compile(
    r'^\s*(n\d+) \[(?:label=<.*>> )?color="([^"]*)" height=0 margin=0 penwidth=(\d+) shape=box '
    r'style=rounded width=0\]$',
    re.MULTILINE,
)


def outlined(source: str) -> list:
    """The boxes outlined in a colour: (id, colour, pen width). (Every box of a frame is an outline, of the
    same size; those not marked are invisible.)"""
    return [found for found in OUTLINED.findall(source) if found[1] != "transparent"]


def test_start_frame_shows_only_the_roots_grad(network):
    root, params, frames = network
    cells = shown_grads(frames[0].digraph.source)
    assert cells == expected_cells(root, {root: 1.0})
    assert FOCUS.lower() not in frames[0].digraph.source.lower()
    # The caption speaks of dSSR/dSSR = 1: the root's box is outlined and the viewer opens on it.
    root_box = f"n{len(topological_order(root)) - 1}"
    assert outlined(frames[0].digraph.source) == [(root_box, GRAD_COLOUR, str(RECEIVER_WIDTH))]
    assert frames[0].focus == (root_box,)


def test_a_step_frame_focuses_the_one_edge_its_local_derivative_comes_from(network):
    root, params, frames = network
    index = {node: i for i, node in enumerate(topological_order(root))}
    names = node_names(root)
    seen_other_inputs = 0
    for frame in frames[1:]:
        step, source = frame.step, frame.digraph.source
        lines = source.splitlines()
        c = index[step.consumer]
        op_line = next(line for line in lines if line.strip().startswith(f"op{c} ["))
        assert FOCUS in op_line
        # Only the edge of this step's input position is emphasised, not the consumer's other inputs.
        into_op = [line for line in lines if re.match(rf"\s*n\d+ -> op{c} ", line)]
        assert len(into_op) == len(step.consumer.inputs)
        emphasised = [k for k, line in enumerate(into_op) if FOCUS in line]
        assert emphasised == [step.edge]
        assert into_op[step.edge].strip().startswith(f"n{index[step.input]} -> op{c} ")
        seen_other_inputs += len(into_op) - 1
        # That edge and the op's edge into the consumer: nothing else.
        assert len([line for line in lines if " -> " in line and f'color="{FOCUS}"' in line]) == 2
        # The box whose grad changes is outlined in the grads' colour (thicker), the consumer's in
        # the focus colour, and no other box is outlined.
        target = f"n{index[step.input]}"
        assert sorted(outlined(source)) == sorted([(f"n{c}", FOCUS, str(RECEIVER_WIDTH)),
                                                  (target, GRAD_COLOUR, str(RECEIVER_WIDTH))])
        assert frame.focus == (f"op{c}", target)
        # The step's equation is the drawing's title.
        equation = step_equation(step, names, root, digits=3, times="×")
        assert frame.caption == equation
        assert html.escape(equation, quote=True) in source
    assert seen_other_inputs > 0  # consumers with several inputs were met, and only one edge lit


def test_the_detail_writes_each_name_as_the_equation_does(network):
    # Step 1 passes SSR's grad to sq[1]+sq[2]: a name with an operator is parenthesised in both
    # lines; a name with only a data point's index (input*w2[3] is not, x1[2] is) as it is.
    root, params, frames = network
    names = node_names(root)
    for frame in frames[1:]:
        i = names[frame.step.input]
        d = f"dSSR/d{i}" if re.fullmatch(r"[\w.']+(\[\d+\])*", i) else f"dSSR/d({i})"
        assert frame.detail.startswith(d + " "), frame.detail
        assert frame.caption.startswith(d + " += "), frame.caption
    assert frames[1].detail.startswith("dSSR/d(sq[1]+sq[2]) is now final: 1 ")
    assert any(f.detail.startswith("dSSR/dx1[2] ") for f in frames[1:])


def test_boxes_carry_the_names_the_captions_use(network):
    # Three data points repeat x1, y1 ...: each box shows its unique name (x1[2]), as in the captions.
    root, params, frames = network
    names = node_names(root)
    order = topological_order(root)
    source = frames[-1].digraph.source
    shown = dict(re.findall(r'^\s*n(\d+) \[label=<.*?<b>(.*?)</b>', source, re.MULTILINE))
    expected = {str(i): html.escape(names[n], quote=True) for i, n in enumerate(order) if not n.is_constant}
    assert shown == expected
    assert {"x1[1]", "x1[2]", "x1[3]"} <= set(shown.values())


def test_the_layout_stays_put_from_frame_to_frame(network):
    # Rendered by dot: every value box has the same place and size in every frame, so the
    # eye can follow the grads; blank, short and long grads and the moving focus change nothing.
    from viz.graph.render import to_svg

    root, params, frames = network
    first = boxes(to_svg(frames[0].digraph))
    assert len(first) == len(topological_order(root))
    for frame in frames[1::6]:
        assert boxes(to_svg(frame.digraph)) == first, frame.number


def test_leaf_frames_draw_the_paths_from_the_leaf_in_red():
    root, params = articles_network()
    frames = replay_frames(root, leaf=params["w1"])
    steps = backward_steps(root, leaf=params["w1"])
    assert len(frames) == len(steps) + 1
    assert HIGHLIGHT in frames[0].digraph.source
    assert frames[-1].grads[params["w1"]] == backward_grads(root)[params["w1"]]


def test_too_many_frames_is_a_clear_error_before_drawing():
    root, params = articles_network()
    n = len(backward_steps(root)) + 1
    with pytest.raises(TooManyFramesError) as exc:
        replay_frames(root, max_frames=10)
    message = str(exc.value)
    assert f"{n} frames" in message and "max_frames=10" in message
    assert f"max_frames={n}" in message and f"--max-frames {n}" in message and "leaf=" in message
    assert len(replay_frames(root, max_frames=n)) == n
    assert MAX_FRAMES >= n  # the articles' network fits the default limit
    with pytest.raises(ValueError, match="max_frames must be an int >= 1"):
        replay_frames(root, max_frames=0)
    with pytest.raises(TypeError, match="focus= is set by the replay"):
        replay_frames(root, focus=root)


# ------------------------------------------------------------------ files and the page


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root, params = articles_network()
    out = tmp_path_factory.mktemp("replay")
    paths = write_replay(root, out, leaf=params["b3"], params=list(params.values()), frames=True)
    return root, params, out, paths


def test_write_replay_writes_numbered_svgs_and_a_page(written):
    root, params, out, paths = written
    n = len(backward_steps(root, leaf=params["b3"])) + 1
    assert [p.name for p in paths] == [f"frame_{k:03d}.svg" for k in range(n)] + ["index.html"]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)
    for p in paths[:-1]:
        text = p.read_text(encoding="utf-8")
        assert "<svg" in text and text.rstrip().endswith("</svg>")
    # The last frame's picture shows b3's grad as backward() computes it.
    b3 = fmt(backward_grads(root)[params["b3"]], 3)
    assert f">{b3}</text>" in html.unescape(paths[-2].read_text(encoding="utf-8"))  # dot writes - as &#45;


def test_without_frames_only_the_page_is_written(tmp_path):
    root, params = articles_network()
    paths = write_replay(root, tmp_path / "new", params=list(params.values()))
    assert paths == [tmp_path / "new" / "index.html"]
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["index.html"]


def test_the_page_holds_one_drawing_not_one_per_frame(written):
    root, params, out, paths = written
    page = paths[-1].read_text(encoding="utf-8")
    assert page.count("<svg") == 1
    assert sum(p.stat().st_size for p in paths[:-1]) > 5 * len(page.encode())  # the frames stay outside
    # Its steps are the replay's: the same edges in the same order, the start's caption first.
    data = json.loads(re.search(r'id="chaingrad-data">(.*?)</script>', page, re.DOTALL).group(1))
    index = {node: i for i, node in enumerate(topological_order(root))}
    steps = backward_steps(root, leaf=params["b3"])
    assert data["steps"] == [[index[s.consumer], s.edge] for s in steps]
    assert data["start"] == replay_frames(root, leaf=params["b3"], max_frames=1000)[0].caption
    assert data["leaf"] == index[params["b3"]]


def test_command_line_writes_the_page(tmp_path):
    out = io.StringIO()
    status = main(["--leaf", "b3", "--html", str(tmp_path)], stdout=out)
    assert status == 0
    assert out.getvalue().splitlines() == [f"wrote {tmp_path / 'index.html'}"]
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]


def test_command_line_writes_frames_on_request(tmp_path):
    out = io.StringIO()
    status = main(["--leaf", "b3", "--html", str(tmp_path), "--frames"], stdout=out)
    assert status == 0
    root, params = articles_network()
    n = len(backward_steps(root, leaf=params["b3"])) + 1
    assert out.getvalue().splitlines() == [f"wrote {n} frames and {tmp_path / 'index.html'}"]
    assert (tmp_path / "index.html").exists() and (tmp_path / f"frame_{n - 1:03d}.svg").exists()


def test_command_line_frame_limit(tmp_path, capsys):
    out = io.StringIO()
    status = main(["--html", str(tmp_path), "--frames", "--max-frames", "5"], stdout=out)
    assert status == 2
    assert "more than max_frames=5" in capsys.readouterr().err and out.getvalue() == ""
    assert not (tmp_path / "index.html").exists()
    # The page alone has no frame limit (it grows with the graph, not with the steps), so
    # --max-frames without --frames would limit nothing: refused in one line, nothing written.
    with pytest.raises(SystemExit) as stop:
        main(["--html", str(tmp_path), "--max-frames", "5"], stdout=out)
    err = capsys.readouterr().err
    assert stop.value.code == 2 and err.count("\n") == 1
    assert "--max-frames limits the frames --frames or --gif draws" in err
    assert not (tmp_path / "index.html").exists()


def test_frames_need_a_page_directory(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--frames"], stdout=io.StringIO())
    assert stop.value.code == 2
    assert "--frames writes SVG files beside the page: give --html DIR too" in capsys.readouterr().err


def test_compact_frames_focus_ids_that_exist_in_the_drawing():
    # A compact drawing has no op nodes: each frame's focus must name boxes that are drawn.
    w, x = Value(3.0, "w"), Value(0.5, "x")
    root = (w * x + w).relabel("out")
    index = {node: i for i, node in enumerate(topological_order(root))}
    frames = replay_frames(root, compact=True)
    assert len(frames) == len(backward_steps(root)) + 1
    for frame in frames[1:]:
        ids = {m for m in re.findall(r"^\s*(\w+) \[", frame.digraph.source, re.MULTILINE)}
        assert frame.focus == (f"n{index[frame.step.consumer]}", f"n{index[frame.step.input]}")
        assert set(frame.focus) <= ids


# ------------------------------------------------------------------ one size, the page's layout


def svg_page(svg: str) -> tuple[str, str]:
    return re.search(r'<svg width="([\d.]+pt)" height="([\d.]+pt)"', svg).groups()


def relative(boxes_: dict) -> dict:
    """Each box's place relative to the first box's (the drawings differ by what is above the graph)."""
    x0, y0 = boxes_["n0"][0], boxes_["n0"][1]
    return {k: tuple(round(v - (x0, y0)[i % 2], 1) for i, v in enumerate(b)) for k, b in boxes_.items()}


@pytest.mark.parametrize("slide", [False, True])
def test_every_frame_has_one_size_and_the_graph_one_place(slide):
    # The titles (the steps' equations) differ in length: each frame's title takes the longest's width.
    from viz.graph.render import to_svg

    root, params = articles_network()
    frames = replay_frames(root, leaf=params["w1"], params=list(params.values()), slide=slide)
    svgs = [to_svg(f.digraph) for f in frames]
    assert len({svg_page(svg) for svg in svgs}) == 1, {svg_page(svg) for svg in svgs}
    first = boxes(svgs[0])
    for k, svg in enumerate(svgs[1:], 1):
        now = boxes(svg)
        assert now.keys() == first.keys()
        for name in first:  # the same place: within a hundredth of a point's rounding in dot
            assert now[name] == pytest.approx(first[name], abs=0.6), (k, name)
    if slide:
        width, height = (float(v[:-2]) for v in svg_page(svgs[0]))
        assert width / height == pytest.approx(16 / 9, abs=0.01)


def test_frames_are_drawn_as_the_page_draws_the_graph():
    # The page's drawing and a frame's: compact by default, the same boxes in the same places.
    from viz.graph.render import to_svg
    from viz.page.explorer import explore_html

    root, params = articles_network()
    frame = replay_frames(root, params=list(params.values()))[3]
    assert " -> op" not in frame.digraph.source  # compact, as the page
    page = explore_html(root, params=list(params.values()))
    page_svg = page[page.index("<svg"):page.index("</svg>") + 6]
    # The page names its boxes' groups by their data-index (n<index> in the DOT text).
    page_svg = re.sub(r'(<g id="node\d+" class="node [^"]*"[^>]*data-index="(\d+)"[^>]*>)<title>[^<]*</title>',
                      r"\1<title>n\2</title>", page_svg)
    frame_boxes, page_boxes = relative(boxes(to_svg(frame.digraph))), relative(boxes(page_svg))
    assert frame_boxes.keys() == page_boxes.keys() and len(frame_boxes) == len(topological_order(root))
    for name, box in frame_boxes.items():
        assert box == pytest.approx(page_boxes[name], abs=0.6), name


def test_the_frames_of_a_learners_own_graph_share_one_size():
    from nn import MLP, ssr
    from viz.graph.render import to_svg

    model = MLP(2, [2, 1], seed=5)
    loss = ssr([1.0], [model([1.0, -0.5])])
    loss.backward()
    a = Value(-0.7)
    unlabelled = (a * a).exp() - a
    unlabelled.backward()
    for root in (loss, unlabelled):
        frames = replay_frames(root)
        assert len(frames) == len(backward_steps(root)) + 1
        assert len({svg_page(to_svg(f.digraph)) for f in frames[::3]}) == 1
