"""docs/walkthrough.ipynb: committed without outputs, and runs from a clean kernel with what it shows.

Executed with nbclient in a fresh kernel (skipped, with the reason, where
nbclient, ipykernel or matplotlib is missing). Each code cell that shows
something carries a tag; the test checks that cell's output kind and its
numbers against values computed here independently (plain-float formulas).
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
from pathlib import Path

import pytest

from demos import network as net
from nn import statquest as sq

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "docs" / "walkthrough.ipynb"
MISSING = [m for m in ("nbclient", "nbformat", "ipykernel", "matplotlib") if importlib.util.find_spec(m) is None]


def test_committed_without_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "the notebook has no code cells"
    dirty = [i for i, c in enumerate(code, 1) if c["outputs"] or c["execution_count"] is not None]
    assert not dirty, f"code cells {dirty} hold outputs: clear them before committing (README: The notebook)"


@pytest.fixture(scope="module")
def executed():
    if MISSING:
        pytest.skip(f"{', '.join(MISSING)} not installed (pip install -e \".[notebook]\")")
    import nbclient
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(REPO / "docs")}})
    client.execute(env=env)  # raises CellExecutionError, with the cell and traceback, on any error
    return {c.metadata["tags"][0]: c for c in nb.cells if c.cell_type == "code" and c.metadata.get("tags")}


def data(cell, mime):
    found = [o["data"][mime] for o in cell.outputs if mime in o.get("data", {})]
    assert len(found) == 1, f"expected one {mime} output, got {[list(o.get('data', {})) for o in cell.outputs]}"
    return found[0]


def test_every_cell_ran_without_errors(executed):
    for tag, cell in executed.items():
        assert not [o for o in cell.outputs if o.output_type == "error"], tag


def test_graph_is_inline_svg(executed):
    svg = data(executed["graph"], "image/svg+xml")
    assert svg.lstrip().startswith(("<?xml", "<svg")) and "</svg>" in svg
    assert ">w1<" in svg and ">SSR<" in svg


def test_explanation_is_markdown_with_latex(executed):
    md = data(executed["explain"], "text/markdown")
    assert "\\begin{aligned}" in md and "(agree)" in md
    # The sum over paths equals the hand formula for dSSR/dw1, summed in plain floats.
    hand = 0.0
    for dose, obs in zip(sq.INPUTS, sq.OBSERVED):
        f = net.forward_floats(sq.DETAILS_2_START, dose)
        hand += -2 * (obs - f["predicted"]) * sq.DETAILS_2_START["w3"] * dose / (1 + 2.718281828459045 ** -f["x1"])
    assert f"Sum over paths: {hand:.3g};" in md


def test_latex_is_printed(executed):
    text = "".join(o.get("text", "") for o in executed["latex"].outputs)
    assert text.startswith("\\begin{align*}") and text.rstrip().endswith("\\end{align*}")


def test_table_sets_engine_beside_hand_and_they_agree(executed):
    md = data(executed["table"], "text/markdown")
    rows = [line.split("|")[1:-1] for line in md.splitlines()[2:]]
    assert [r[0].strip() for r in rows] == list(sq.PARAMETER_NAMES)
    for r in rows:
        by_hand, engine, diff = (float(c) for c in r[2:5])
        assert by_hand == engine and diff < 1e-12


def test_ledger_is_an_html_table(executed):
    html = data(executed["ledger"], "text/html")
    assert '<table class="chaingrad-ledger">' in html
    assert "5000 steps at lr = 0.02; stopped because the fixed number of steps was done." in html


@pytest.mark.parametrize("tag", ["loss", "descent", "fit"])
def test_pictures_are_pngs(executed, tag):
    png = base64.b64decode(data(executed[tag], "image/png"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 300 and height > 200


def test_network_cell_prints_the_plain_float_ssr(executed):
    text = "".join(o.get("text", "") for o in executed["network"].outputs)
    assert text.splitlines()[0] == f"SSR = {net.ssr_floats(sq.DETAILS_2_START):.4f}"


def test_the_second_derivative_of_ssr_in_b3_is_6_at_every_b3(executed):
    md = data(executed["second"], "text/markdown")
    rows = [[c.strip() for c in line.split("|")[1:-1]] for line in md.splitlines()[2:]]
    assert [float(r[0]) for r in rows] == [0.0, 1.0, 2.61, -3.0]
    for b3, slope, second, hand in rows:
        p = {**sq.MAIN_IDEAS_START, "b3": float(b3)}
        by_hand = sum(-2 * (o - net.forward_floats(p, x)["predicted"]) for x, o in zip(sq.INPUTS, sq.OBSERVED))
        assert float(slope) == pytest.approx(by_hand, abs=1e-6) and second == "6.0" and hand == "6"


def test_the_gradients_graph_is_inline_svg_with_the_forward_pass_apart(executed):
    svg = data(executed["gradient-graph"], "image/svg+xml")
    assert ">dSSR/dw1<" in svg and ">dy1/dx1<" in svg and "forward pass" in svg


def test_the_second_derivative_is_explained_path_by_path(executed):
    md = data(executed["explain2"], "text/markdown")
    assert "(agree)" in md and md.count("path 1") == 1 and "path 2" in md


def test_newtons_ledger_shows_the_second_derivative_and_the_one_step(executed):
    html = data(executed["newton"], "text/html")
    start = sq.MAIN_IDEAS_START
    hand = sum(-2 * (o - net.forward_floats(start, x)["predicted"]) for x, o in zip(sq.INPUTS, sq.OBSERVED))
    assert "d²SSR/dparam²" in html and "2 steps of Newton&#x27;s method (damping 0)" in html
    assert f">{-hand / 6:.4f}<" in html and ">6.0000<" in html
    png = base64.b64decode(data(executed["newton-plot"], "image/png"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
