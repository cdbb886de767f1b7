"""viz.animate and --gif: one frame per += of backward, each captioned with its step's equation, all of one size.

The captions are read back from the file (its comment lists them) and compared with the steps'
equations written from ``engine.backward_steps`` here; the frames are decoded by Pillow and set
beside the PNGs dot draws of the same frames.
"""

from __future__ import annotations

import io
import shutil
import sys

import pytest

from demos.network import articles_network
from demos.replay import main as replay_main
from engine import Value
from engine.backward_steps import backward_steps
from nn import MLP, ssr
from viz import animate, to_png
from viz.chainrule.names import d_name, node_names
from viz.cli.command import main as viz_main
from viz.expression import evaluate
from viz.replay.frames import replay_frames
from viz.replay.media import LAST_HOLD, ToolNotFoundError
from viz.replay.step_text import step_equation

Image = pytest.importorskip("PIL.Image", reason="Pillow (the animate extra) is not installed")


def expected_captions(root: Value, leaf: Value | None = None) -> list[str]:
    """What each frame must say: the start, then each step's chain-rule equation, from the steps alone."""
    names = node_names(root)
    r = d_name(names[root])
    return [f"start: {r}/{r} = 1; every other grad is still unknown"] + [
        step_equation(s, names, root, digits=3, times="×") for s in backward_steps(root, leaf=leaf)]


def read(path):
    """(frames as RGB images, durations in ms, the caption of each frame from the file's comment)."""
    im = Image.open(path)
    frames, durations = [], []
    for k in range(im.n_frames):
        im.seek(k)
        frames.append(im.convert("RGB"))
        durations.append(im.info.get("duration"))
    comment = im.info["comment"]
    lines = (comment.decode("utf-8") if isinstance(comment, bytes) else comment).split("\n")
    captions = []
    for k, line in enumerate(lines):
        head = f"frame {k}: "
        assert line.startswith(head), line
        captions.append(line[len(head):])
    return frames, durations, captions


def small_graph() -> Value:
    w, x, b = Value(3.34, "w1"), Value(0.5, "x"), Value(-1.43, "b1")
    y = (x * w + b).softplus().relabel("y")
    y.backward()
    return y


def test_the_articles_replay_of_b3_as_a_gif_one_frame_per_step(tmp_path):
    root, params = articles_network()
    b3 = params["b3"]
    out = animate(root, tmp_path / "b3.gif", leaf=b3, params=list(params.values()), slide=True, delay=0.5)
    frames, durations, captions = read(out)
    steps = backward_steps(root, leaf=b3)
    assert len(frames) == len(steps) + 1 == 14
    assert captions == expected_captions(root, b3)
    assert captions[-1].startswith("dSSR/db3 += dSSR/dpredicted[1] × dpredicted[1]/db3 :")
    assert captions[-1].endswith("= -15.7")  # the articles' dSSR/db3
    assert len({f.size for f in frames}) == 1
    width, height = frames[0].size
    assert width / height == pytest.approx(16 / 9, abs=0.01) and width > 1000
    assert durations == [500] * (len(frames) - 1) + [500 * LAST_HOLD]


@pytest.mark.parametrize("make", ["mlp", "unlabelled"])
def test_a_learners_own_graph_animates_with_its_own_captions(make, tmp_path):
    if make == "mlp":
        model = MLP(2, [2, 1], seed=3)
        root = ssr([1.0], [model([0.5, -1.0])])
    else:
        a, b = Value(0.5), Value(-1.5)
        root = (a * b + a).tanh() * a
    root.backward()
    out = animate(root, tmp_path / "own.gif")
    frames, _, captions = read(out)
    assert len(frames) == len(backward_steps(root)) + 1
    assert captions == expected_captions(root)
    assert len({f.size for f in frames}) == 1


def test_each_frame_is_the_drawing_of_its_step(tmp_path):
    # Frames after the first store only what changed (the rest transparent, over the frame before):
    # decoded, each must still be the whole drawing of its step.
    root = small_graph()
    out = animate(root, tmp_path / "y.gif")
    decoded, _, _ = read(out)
    drawn = [Image.open(io.BytesIO(to_png(f.digraph))).convert("RGB") for f in replay_frames(root)]
    assert len(decoded) == len(drawn)
    for k, (a, b) in enumerate(zip(decoded, drawn)):
        assert a.size == b.size
        diff = [abs(p - q) for p, q in zip(a.tobytes(), b.tobytes())]
        assert sum(diff) / len(diff) < 2.5, k  # a palette of 255 colours for antialiased drawings
        assert sum(d > 60 for d in diff) < len(diff) / 500, k  # no box or number out of place
    assert decoded[1].tobytes() != decoded[2].tobytes()  # each step changes its frame


def test_an_apng_holds_the_same_frames(tmp_path):
    root = small_graph()
    out = animate(root, tmp_path / "y.png", delay=0.25)
    im = Image.open(out)
    assert im.format == "PNG" and im.n_frames == len(backward_steps(root)) + 1
    assert im.info["Comment"].split("\n") == [f"frame {k}: {c}" for k, c in enumerate(expected_captions(root))]


def test_an_mp4_needs_ffmpeg_and_says_so_in_one_line(tmp_path, monkeypatch):
    root = small_graph()
    if shutil.which("ffmpeg"):
        out = animate(root, tmp_path / "y.mp4")
        assert out.read_bytes()[4:8] == b"ftyp"
    monkeypatch.setenv("PATH", str(tmp_path))  # no ffmpeg here
    with pytest.raises(ToolNotFoundError) as info:
        animate(root, tmp_path / "z.mp4")
    message = str(info.value)
    assert message.startswith("animate: an MP4 needs ffmpeg, and there is none on PATH;")
    assert "apt install ffmpeg" in message and ".gif" in message and "\n" not in message
    assert not (tmp_path / "z.mp4").exists()


def test_without_pillow_one_line_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ToolNotFoundError, match=r'^animate: Pillow is not installed; pip install "chaingrad\[animate'):
        animate(small_graph(), tmp_path / "y.gif")
    assert list(tmp_path.iterdir()) == []


def test_python_m_viz_writes_the_animation(tmp_path, capsys):
    out = tmp_path / "net.gif"
    code = viz_main(["y = softplus(x*w + b)", "--set", "x=0.5", "w=3.34", "b=-1.43", "--gif", str(out),
                     "--delay", "0.5", "--slide"])
    assert code == 0 and capsys.readouterr().out.splitlines() == [f"wrote {out}"]
    frames, durations, captions = read(out)
    prog = evaluate("y = softplus(x*w + b)", {"x": 0.5, "w": 3.34, "b": -1.43})
    prog.root.backward()
    assert len(frames) == len(backward_steps(prog.root)) + 1 == 1 + 5 and durations[0] == 500  # one per edge
    assert captions == expected_captions(prog.root)
    assert captions[1] == "dy/d(+#4) += dy/dy × dy/d(+#4) :  0 + 1 × 0.56 = 0.56"


def test_python_m_demos_replay_writes_the_animation(tmp_path):
    out, text = tmp_path / "b3.gif", io.StringIO()
    assert replay_main(["--gif", str(out), "--leaf", "b3"], stdout=text) == 0
    assert text.getvalue().splitlines() == [f"wrote {out} (14 frames)"]
    assert Image.open(out).n_frames == 14
