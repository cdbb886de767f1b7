"""Finding a dot executable, rendering real SVG/PNG through it, and writing files."""

import os
import stat
from pathlib import Path

import pytest

import viz.graph.dot_program as dotexe
from engine import Value
from viz import DotError, DotNotFoundError, draw, find_dot, render, to_svg


@pytest.fixture
def graph():
    w, x = Value(3.34, "w1"), Value(0.5, "input")
    y = (w * x).softplus().relabel("y1")
    y.backward()
    return y


def fake_exe(directory: Path, name: str, body: str) -> Path:
    """A small executable script standing in for dot."""
    path = directory / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


posix_only = pytest.mark.skipif(os.name != "posix", reason="fake executables are shell scripts")


# ------------------------------------------------------------------ the search order


@posix_only
def test_the_environment_variable_comes_first(tmp_path, monkeypatch):
    chosen = fake_exe(tmp_path, "my-dot", "exit 0")
    path_dir = tmp_path / "bin"
    path_dir.mkdir()
    fake_exe(path_dir, "dot", "exit 0")
    monkeypatch.setenv("PATH", str(path_dir))
    monkeypatch.setenv("CHAINGRAD_DOT", str(chosen))
    assert Path(find_dot()) == chosen


@posix_only
def test_dot_on_path_comes_before_graphviz_pure(tmp_path, monkeypatch):
    monkeypatch.delenv("CHAINGRAD_DOT", raising=False)
    fake_exe(tmp_path, "dot", "exit 0")
    fake_exe(tmp_path, "graphviz-pure", "exit 0")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(dotexe, "_script_dirs", lambda: [tmp_path])
    assert Path(find_dot()) == tmp_path / "dot"


def test_graphviz_pure_beside_the_interpreter_is_found_without_path(monkeypatch, tmp_path):
    # graphviz-pure is a dependency: pip puts its binary in the interpreter's scripts directory.
    monkeypatch.delenv("CHAINGRAD_DOT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on PATH
    found = Path(find_dot())
    assert found.name.startswith("graphviz-pure")
    assert found.parent in dotexe._script_dirs()


@posix_only
def test_graphviz_pure_on_path_is_the_last_resort(tmp_path, monkeypatch):
    monkeypatch.delenv("CHAINGRAD_DOT", raising=False)
    fake_exe(tmp_path, "graphviz-pure", "exit 0")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(dotexe, "_script_dirs", lambda: [tmp_path / "empty"])
    assert Path(find_dot()) == tmp_path / "graphviz-pure"


def test_nothing_found_names_what_was_tried_and_how_to_install(tmp_path, monkeypatch):
    monkeypatch.delenv("CHAINGRAD_DOT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(dotexe, "_script_dirs", lambda: [tmp_path])
    with pytest.raises(DotNotFoundError) as err:
        find_dot()
    message = str(err.value)
    for part in ("CHAINGRAD_DOT", "'dot' on PATH", f"'graphviz-pure' in {tmp_path}",
                 "pip install graphviz-pure", "apt install graphviz"):
        assert part in message


def test_a_wrong_environment_variable_is_an_error_not_a_silent_fallback(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINGRAD_DOT", str(tmp_path / "missing-dot"))
    with pytest.raises(DotNotFoundError, match="CHAINGRAD_DOT=.*missing-dot.*does not name an executable"):
        find_dot()


@posix_only
def test_a_failing_dot_reports_its_stderr(tmp_path, monkeypatch, graph):
    bad = fake_exe(tmp_path, "bad-dot", "echo 'syntax error in line 1' >&2; exit 1")
    monkeypatch.setenv("CHAINGRAD_DOT", str(bad))
    with pytest.raises(DotError, match="syntax error in line 1"):
        to_svg(draw(graph))


# ------------------------------------------------------------------ real rendering


def test_renders_a_real_svg_through_the_dot_that_is_found(tmp_path, graph):
    out = render(graph, tmp_path / "graph.svg", highlight="w1")
    svg = out.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for text in ("w1", "input", "y1", "softplus", "grad"):
        assert f">{text}<" in svg
    # 4 value boxes (w1, input, w1*input, y1) + 2 op ovals; edges: 2 into ×, × out, into softplus, out
    assert svg.count('class="node"') == 6 and svg.count('class="edge"') == 5
    assert to_svg(draw(graph, highlight="w1")) == svg


def test_renders_png_and_dot(tmp_path, graph):
    png = render(graph, tmp_path / "graph.PNG")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dot = render(graph, tmp_path / "graph.dot", precision=5)
    assert dot.read_text(encoding="utf-8") == draw(graph, precision=5).source
    forced = render(graph, tmp_path / "graph.txt", format="dot")
    assert forced.read_text(encoding="utf-8") == draw(graph).source


def test_render_accepts_an_already_drawn_graph(tmp_path, graph):
    g = draw(graph, show_grads=False)
    out = render(g, tmp_path / "sheet.dot")
    assert out.read_text(encoding="utf-8") == g.source
    with pytest.raises(TypeError, match="drawing options"):
        render(g, tmp_path / "sheet.dot", precision=4)


def test_inline_display_in_jupyter_uses_the_found_dot(monkeypatch, tmp_path, graph):
    monkeypatch.delenv("CHAINGRAD_DOT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot on PATH: graphviz itself could not render
    g = draw(graph)
    bundle = g._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"] and "<svg" in bundle["image/svg+xml"]
    assert g._repr_mimebundle_(include=["image/png"])["image/png"][:4] == b"\x89PNG"


# ------------------------------------------------------------------ file errors


def test_unknown_suffix_is_refused(tmp_path, graph):
    with pytest.raises(ValueError, match=r"suffix '\.txt'.*\.svg, \.png, \.pdf or \.dot.*format='svg'"):
        render(graph, tmp_path / "graph.txt")
    with pytest.raises(ValueError, match="no suffix"):
        render(graph, tmp_path / "graph")
    assert list(tmp_path.iterdir()) == []


def test_missing_directory_and_unwritable_paths_are_clear_errors(tmp_path, graph):
    with pytest.raises(FileNotFoundError, match="directory .*nope.* does not exist"):
        render(graph, tmp_path / "nope" / "graph.svg")
    (tmp_path / "taken.svg").mkdir()
    with pytest.raises(OSError, match="cannot write .*taken.svg"):
        render(graph, tmp_path / "taken.svg")


def test_without_dot_the_dot_source_is_still_written(tmp_path, monkeypatch, graph):
    monkeypatch.delenv("CHAINGRAD_DOT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(dotexe, "_script_dirs", lambda: [tmp_path])
    target = tmp_path / "graph.svg"
    with pytest.raises(DotNotFoundError, match=r"pip install graphviz-pure.*written to .*graph\.dot.*dot -Tsvg"):
        render(graph, target)
    assert not target.exists()
    assert (tmp_path / "graph.dot").read_text(encoding="utf-8") == draw(graph).source


def test_the_digraphs_own_render_goes_through_the_found_dot(tmp_path, monkeypatch, graph):
    monkeypatch.delenv("CHAINGRAD_DOT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # graphviz's own render would need dot on PATH
    g = draw(graph)
    out = g.render(str(tmp_path / "graph"), format="png")
    assert out == str(tmp_path / "graph.png") and (tmp_path / "graph.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "graph").read_text(encoding="utf-8") == g.source
    out = g.render(outfile=tmp_path / "other.svg", cleanup=True)
    assert "<svg" in Path(out).read_text(encoding="utf-8") and not (tmp_path / "other.gv").exists()
    with pytest.raises(ValueError, match="view"):
        g.render(tmp_path / "x", view=True)


def test_svg_text_is_refused_with_what_the_function_takes(graph):
    from viz import draw, to_png, to_svg

    svg = to_svg(draw(graph))
    for fn in (to_png, to_svg):
        with pytest.raises(ValueError, match=r"got SVG text; it takes DOT source .* or the graphviz.Digraph"):
            fn(svg)
    assert to_png(draw(graph).source)[:8] == b"\x89PNG\r\n\x1a\n"  # DOT text is still welcome


def test_compact_network_fits_a_slide_better(tmp_path):
    # The articles' network for one data point: the compact drawing (ops inside the boxes)
    # must be much narrower than the default one, and nearer a 16:9 slide's shape.
    import re

    from tests.articles import network

    ssr, p = network(inputs=[0.5], observed=[1.0])
    ssr.backward()

    def size(**options):
        svg = to_svg(draw(ssr, highlight=p["w1"], **options))
        w, h = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups()
        return float(w), float(h)

    (wd, hd), (wc, hc) = size(), size(compact=True)
    assert wc < 0.7 * wd
    assert wc / hc < 3.0 < wd / hd


# ------------------------------------------------------------------ resolution and PDF


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header (the IHDR chunk), read without Pillow."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_a_png_at_300_dpi_is_three_times_the_100_dpi_one(tmp_path, graph):
    from viz import to_png

    small, large = (png_size(render(graph, tmp_path / f"g{d}.png", dpi=d).read_bytes()) for d in (100, 300))
    # dot rounds each side to whole pixels: within one pixel of three times
    assert abs(large[0] - 3 * small[0]) <= 3 and abs(large[1] - 3 * small[1]) <= 3
    assert large[0] > 3 * small[0] - 4 and small[0] > 50
    # The default is dot's own 96 per inch; to_png takes dpi too.
    default = png_size(to_png(draw(graph)))
    assert default[0] == pytest.approx(small[0] * 0.96, abs=2)
    assert png_size(to_png(draw(graph), dpi=300)) == large


def test_dpi_is_for_png_only_and_said_in_each_language(tmp_path, graph):
    from viz.graph.render import CLI_WORDS, output_format

    with pytest.raises(ValueError, match=r"render: dpi=300 sets a PNG's pixels per inch; SVG has none"):
        render(graph, tmp_path / "g.svg", dpi=300)
    with pytest.raises(ValueError, match=r"-o: --dpi 300 sets a PNG's pixels per inch; DOT has none"):
        output_format(tmp_path / "g.dot", None, 300, "-o", CLI_WORDS)
    assert list(tmp_path.iterdir()) == []


def test_pdf_through_a_graphviz_dot_or_one_line_saying_how_to_get_one(tmp_path, graph, monkeypatch):
    from viz.graph.dot_program import dot_writes

    out = tmp_path / "g.pdf"
    if dot_writes("pdf"):  # a system Graphviz (CI's second run of the drawing tests)
        assert render(graph, out).read_bytes()[:5] == b"%PDF-"
        out.unlink()
    monkeypatch.setattr("viz.graph.render.dot_writes", lambda fmt: False)  # a dot without PDF: graphviz-pure
    with pytest.raises(DotNotFoundError) as info:
        render(graph, out)
    message = str(info.value)
    assert message.startswith("render: the dot in use (") and "cannot write PDF" in message
    assert "apt install graphviz" in message and "format='svg'" in message and "dpi=300" in message
    assert "\n" not in message and not out.exists()


def test_graphviz_pure_has_no_pdf_and_is_asked_only_once(monkeypatch):
    import shutil

    pure = shutil.which("graphviz-pure")
    if pure is None or not os.access(pure, os.X_OK):
        pytest.skip("graphviz-pure is not on PATH")
    dotexe._writes.cache_clear()
    assert dotexe._writes(pure, "pdf") is False and dotexe._writes(pure, "svg") is True
    assert dotexe._writes.cache_info().misses == 2
    dotexe._writes(pure, "pdf")
    assert dotexe._writes.cache_info().hits == 1
