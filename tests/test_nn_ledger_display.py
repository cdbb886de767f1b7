"""Ledger in Jupyter: the HTML table (_repr_html_) and ledger.plot().

The HTML cells are read back with html.parser and compared with the plain-text
table's columns and with the ledger's own numbers; the plot's data with the
ledger's losses.
"""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser

import pytest

from nn import statquest as sq
from nn import train


class Cells(HTMLParser):
    """Rows of cell texts of the first table, and the text of the paragraph after it."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.paragraph: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
            self._in = "cell"
        elif tag == "p":
            self._in = "p"
        elif tag == "br" and self._in == "p":
            self.paragraph.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th", "p"):
            self._in = None

    def handle_data(self, data):
        if self._in == "cell":
            self.rows[-1][-1] += data
        elif self._in == "p":
            self.paragraph.append(data)


@pytest.fixture(scope="module")
def ledger():
    return train(sq.network(sq.MAIN_IDEAS_START), sq.INPUTS, sq.OBSERVED, params=["b3"], lr=0.1)


def parse(text: str) -> Cells:
    p = Cells()
    p.feed(text)
    return p


def test_html_table_has_the_ledgers_numbers(ledger):
    page = parse(ledger._repr_html_())
    head, *rows = page.rows
    assert head == ["step", "SSR", "param", "dSSR/dparam", "step size", "new value"]
    assert len(rows) == len(ledger) == 10
    for cells, step in zip(rows, ledger):
        assert int(cells[0]) == step.step
        assert float(cells[1]) == pytest.approx(step.loss, rel=1e-3)
        assert cells[2] == "b3"
        for cell, value in zip(cells[3:], (step.grads["b3"], step.step_sizes["b3"], step.new_values["b3"])):
            assert float(cell) == pytest.approx(value, abs=5e-5)
    # The published first step: dSSR/db3 -15.7, step size -1.57, new b3 1.57.
    assert [round(float(c), 2) for c in rows[0][3:]] == [-15.66, -1.57, 1.57]
    # Same cells as the plain-text table, and the same summary.
    text_rows = [line.split() for line in ledger.table().splitlines()[2:12]]
    assert rows == text_rows
    assert "".join(page.paragraph) == ledger.summary()


def test_html_escapes_names_and_elides_long_runs():
    from engine import Value
    from nn import gradient_descent

    w = Value(3.0, "<w&>")
    led = gradient_descent(lambda: (w * w).relabel("L<"), [w], lr=0.01, steps=100)
    text = led.to_html(max_lines=10)
    assert "<w&>" not in text and "&lt;w&amp;&gt;" in text and "dL&lt;/d" in text
    page = parse(text)
    assert ["... 90 steps not shown ..."] in page.rows
    assert [r[0] for r in page.rows[1:] if len(r) == 6] == ["1", "2", "3", "4", "5", "96", "97", "98", "99", "100"]


def test_plot_delegates_to_nn_plots(ledger):
    pytest.importorskip("matplotlib", reason="matplotlib (the plot extra) is not installed")
    fig = ledger.plot()
    (line,) = fig.axes[0].lines
    assert [float(y) for y in line.get_ydata()] == [*ledger.losses, ledger.final_loss]
    again = ledger.plot(label="again", ax=fig.axes[0])
    assert again is fig and len(fig.axes[0].lines) == 2


def test_nn_imports_neither_viz_nor_matplotlib():
    code = "import sys, nn; print(sorted({m.split('.')[0] for m in sys.modules} & {'viz', 'matplotlib', 'graphviz'}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_nn_module_imports_viz():
    # Not only on `import nn`: no nn module imports viz anywhere, even inside a
    # function (ledger.plot() once imported viz.plots when called).
    import ast
    from pathlib import Path

    import nn

    found = []
    for path in sorted(Path(nn.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            found += [f"{path.name}:{node.lineno} {n}" for n in names if n == "viz" or n.startswith("viz.")]
    assert found == []
