"""demos.pictures: python -m demos's PNGs, and the one line it prints without matplotlib."""

from __future__ import annotations

import io
import sys

import pytest

from demos import pictures
from demos._console import Console
from nn.plots import EXTRA_HINT


@pytest.fixture(scope="module")
def ledgers():
    return pictures.runs()


def test_the_runs_are_part_4s(ledgers):
    b3, fast, slow = ledgers["b3"], ledgers["fast"], ledgers["slow"]
    assert (b3.names, len(b3), b3.lr, b3.stop_reason) == (("b3",), 10, 0.1, "min_step_size")
    assert round(b3.final_values["b3"], 2) == 2.61  # Main Ideas' published result
    assert (len(fast), fast.lr, len(slow), slow.lr) == (5000, 0.1, 5000, 0.02)


def test_run_writes_the_three_pictures(tmp_path, ledgers):
    pytest.importorskip("matplotlib", reason="matplotlib (the plot extra) is not installed")
    out = io.StringIO()
    written = pictures.run(Console(out), tmp_path / "pics", ledgers)
    assert [p.name for p in written] == ["descent.png", "fit.png", "loss.png"]
    for p in written:
        assert p.read_bytes().startswith(b"\x89PNG") and f"  written: {p}" in out.getvalue()


def test_without_matplotlib_one_line_says_how_to_get_them(tmp_path, ledgers, monkeypatch):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    out = io.StringIO()
    assert pictures.run(Console(out), tmp_path / "pics", ledgers) == []
    text = out.getvalue()
    hint = " ".join(f"Skipped descent.png, fit.png and loss.png: matplotlib is not installed; {EXTRA_HINT}.".split())
    assert " ".join(text.split("=" * 80)[-1].split()) == hint  # said once, after the title
    assert all(len(line) <= 80 for line in text.splitlines())
    assert not (tmp_path / "pics").exists()


def test_no_graph_is_refused_it_would_leave_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        pictures.main(["--no-graph"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.count("\n") == 1 and "only draws" in err
    assert not any(tmp_path.iterdir())


def legend_of(fig):
    legend = fig.axes[0].get_legend()
    return legend.get_title().get_text(), [t.get_text() for t in legend.get_texts()]


def test_the_loss_legend_names_each_run_by_its_lr_and_says_what_they_share_once(ledgers):
    pytest.importorskip("matplotlib", reason="matplotlib (the plot extra) is not installed")
    slow, fast = ledgers["slow"], ledgers["fast"]
    title, names = legend_of(pictures.loss_figure(slow, fast))
    assert names == ["lr = 0.02", "lr = 0.1"]
    assert title == "each run: 5000 steps; stopped because the fixed number of steps was done."
    assert "lr" not in title
    # Runs that stop differently: each says its own, its learning rate once.
    title, names = legend_of(pictures.loss_figure(ledgers["b3"], fast))
    assert title == ""
    assert names == ["lr = 0.1: 10 steps; stopped because every step size was below 0.001.",
                     "lr = 0.1: 5000 steps; stopped because the fixed number of steps was done."]
    with pytest.raises(ValueError, match="loss_figure: give at least one ledger"):
        pictures.loss_figure()
