"""nn.ledger: the printed table, Markdown and CSV exports."""

import csv
import io

import pytest

from engine.format import format_number
from nn import train
from nn.statquest import DETAILS_1_START, DETAILS_2_START, network

INPUTS = [0.0, 0.5, 1.0]
OBSERVED = [0.0, 1.0, 0.0]


@pytest.fixture
def main_ideas():
    return train(network({"b3": 0.0}), INPUTS, OBSERVED, params=["b3"], lr=0.1)


@pytest.fixture
def all_seven():
    return train(network(DETAILS_2_START), INPUTS, OBSERVED, lr=0.02, steps=300)


def test_table_lists_every_step_of_a_short_run(main_ideas):
    text = str(main_ideas)
    table, _, _ = text.partition("\n\n")  # the summary follows a blank line
    lines = table.splitlines()
    assert lines[0].split() == ["step", "SSR", "param", "dSSR/dparam", "step", "size", "new", "value"]
    body = [line for line in lines[2:] if line.split() and line.split()[0].isdigit()]
    assert [int(line.split()[0]) for line in body] == list(range(1, len(main_ideas) + 1))
    first = body[0].split()
    r = main_ideas[0]
    assert [float(c) for c in (first[1], first[3], first[4], first[5])] == [
        pytest.approx(v, abs=5e-5) for v in (r.loss, r.grads["b3"], r.step_sizes["b3"], r.new_values["b3"])
    ]
    assert "stopped because every step size was below 0.001" in text


@pytest.mark.parametrize("start, params", [
    ({"b3": 0.0}, ["b3"]),
    (DETAILS_1_START, ["w3", "w4", "b3"]),
    (DETAILS_2_START, None),
])
def test_table_fits_80_columns(start, params):
    ledger = train(network(start), INPUTS, OBSERVED, params=params, lr=0.02, steps=1200)
    assert max(len(line) for line in ledger.table().splitlines()) <= 80


def test_long_runs_show_first_and_last_steps(all_seven):
    text = all_seven.table(max_lines=28)
    table, _, _ = text.partition("\n\n")
    steps = [int(line.split()[0]) for line in table.splitlines()[2:] if line[:4].strip().isdigit()]
    assert steps == [1, 2, 299, 300]  # 28 lines / 7 parameters / 2 ends
    assert "... 296 steps not shown ..." in text
    full = all_seven.table(max_lines=None)
    assert "not shown" not in full
    assert len(full.splitlines()) > 300 * 7


def test_markdown_has_one_row_per_step_and_parameter(all_seven):
    md = all_seven.to_markdown()
    rows = [line for line in md.splitlines() if line.startswith("|")]
    assert rows[0] == "| step | SSR | param | dSSR/dparam | step size | new value |"
    assert len(rows) == 2 + len(all_seven) * 7
    assert all(r.count("|") == 7 for r in rows)
    assert "- w1 " in md and "stopped because the fixed number of steps was done" in md
    short = all_seven.to_markdown(max_lines=14)
    assert "| ... | | 298 steps not shown | | | |" in short


def test_csv_round_trips_every_number(main_ideas, tmp_path):
    text = main_ideas.to_csv(tmp_path / "ledger.csv")
    assert (tmp_path / "ledger.csv").read_text() == text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["step", "SSR", "dSSR/db3", "step size b3", "b3"]
    assert len(rows) == 1 + len(main_ideas)
    for cells, r in zip(rows[1:], main_ideas):
        assert int(cells[0]) == r.step
        assert [float(c) for c in cells[1:]] == [r.loss, r.grads["b3"], r.step_sizes["b3"], r.new_values["b3"]]


def test_save_by_suffix(main_ideas, tmp_path):
    assert main_ideas.save(tmp_path / "a.md").read_text() == main_ideas.to_markdown()
    assert main_ideas.save(tmp_path / "a.csv").read_text() == main_ideas.to_csv()
    assert "step" in main_ideas.save(tmp_path / "a.txt").read_text()
    with pytest.raises(ValueError, match="unknown suffix '.json'"):
        main_ideas.save(tmp_path / "a.json")


def test_summary_shows_start_and_final(main_ideas):
    summary = main_ideas.summary()
    final = main_ideas.final_values["b3"]
    assert f"b3  0.0000 -> {final:.4f}" in summary
    assert summary.startswith(f"{len(main_ideas)} steps at lr = 0.1")


def test_every_loss_keeps_four_significant_digits(main_ideas):
    # Main Ideas' losses fall from 20 to 6e-05, through 1e-02 .. 1e-04
    table, _, summary = str(main_ideas).partition("\n\n")
    cells = [line.split()[1] for line in table.splitlines()[2:] if line.split() and line.split()[0].isdigit()]
    assert len(cells) == len(main_ideas)
    assert any(1e-4 <= r.loss < 1e-2 for r in main_ideas)
    for cell, r in zip(cells, main_ideas):
        assert float(cell) == pytest.approx(r.loss, rel=5e-4, abs=0)
    first, last = summary.splitlines()[1].removeprefix("SSR: ").split(" -> ")
    assert float(first) == pytest.approx(main_ideas[0].loss, rel=5e-4, abs=0)
    assert float(last) == pytest.approx(main_ideas.final_loss, rel=5e-4, abs=0)
    md = main_ideas.to_markdown()
    for cell, r in zip([line.split(" | ")[1] for line in md.splitlines()[2:] if line.startswith("| ")], main_ideas):
        assert float(cell) == pytest.approx(r.loss, rel=5e-4, abs=0)


def test_loss_number_format():
    # The ledger's losses: engine.format's "loss" style.
    assert format_number(20.423612, 4, style="loss") == "20.4236"
    assert format_number(0.52289, 4, style="loss") == "0.5229"
    assert format_number(0.0836712, 4, style="loss") == "0.08367"
    assert format_number(0.00215248, 4, style="loss") == "0.002152"
    assert format_number(0.000447012, 4, style="loss") == "4.470e-04"
    assert format_number(6.3034e-05, 4, style="loss") == "6.303e-05"
    assert format_number(0.0, 4, style="loss") == "0.0000"
    assert format_number(2.5e7, 4, style="loss") == "2.500e+07"
    assert format_number(float("inf"), 4, style="loss") == "inf"


def test_number_format():
    # The ledger's cells: engine.format's "fixed_or_e" style.
    assert format_number(-0.00001, 4, style="fixed_or_e") == "-1.000e-05"
    assert format_number(-0.00004, 2, style="fixed_or_e") == "-4.0e-05"
    assert format_number(0.0, 4, style="fixed_or_e") == "0.0000"
    assert format_number(-1e-20, 4, style="fixed_or_e") == "-1.000e-20"
    assert format_number(2.61, 2, style="fixed_or_e") == "2.61"
    assert format_number(1.5e7, 3, style="fixed_or_e") == "1.50e+07"
    assert format_number(float("inf"), 4, style="fixed_or_e") == "inf"


def test_repr_is_short(all_seven):
    text = repr(all_seven)
    assert text.startswith("Ledger(names=('w1', 'b1', 'w2', 'b2', 'w3', 'w4', 'b3'), steps=300, lr=0.02")
    assert "stop_reason='steps'" in text and len(text) < 200


@pytest.mark.parametrize("call, message", [
    (lambda ledger: ledger.table(max_lines=0), "Ledger.table: max_lines must be a positive int, got 0"),
    (lambda ledger: ledger.table(max_lines="10"), "Ledger.table: max_lines must be a positive int, got '10'"),
    (lambda ledger: ledger.table(precision=-1), "Ledger.table: precision must be an int >= 0, got -1"),
    (lambda ledger: ledger.to_markdown(precision=2.5), "Ledger.to_markdown: precision must be an int >= 0, got 2.5"),
    (lambda ledger: ledger.summary(precision=True), "Ledger.summary: precision must be an int >= 0, got True"),
])
def test_bad_text_options_name_the_method_and_the_option(main_ideas, call, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        call(main_ideas)
