"""python -m viz ... --explain NAME --latex / --markdown: only the text to paste, on stdout."""

from __future__ import annotations

import pytest

from engine import Value
from viz import explain
from viz.cli.command import main

EXPR = "x1 = input*w1 + b1; y1 = softplus(x1); SSR = (observed - y1*w3)**2"
SET = ["--set", "input=0.5", "observed=1", "w1=3.34", "b1=-1.43", "w3=-1.22"]


def same_graph():
    """The expression built directly with Values: the independent side."""
    inp, obs = Value(0.5, "input"), Value(1.0, "observed")
    w1, b1, w3 = Value(3.34, "w1"), Value(-1.43, "b1"), Value(-1.22, "w3")
    x1 = (inp * w1 + b1).relabel("x1")
    y1 = x1.softplus().relabel("y1")
    ssr = ((obs - y1 * w3) ** 2).relabel("SSR")
    ssr.backward()
    return ssr, w1, b1


@pytest.mark.parametrize("flag, method", [("--latex", "latex"), ("--markdown", "markdown")])
def test_stdout_holds_only_the_explanations(tmp_path, capsys, flag, method):
    ssr, w1, b1 = same_graph()
    out = tmp_path / "net.svg"
    status = main([EXPR, *SET, "--explain", "w1", "--explain", "b1", flag, "-o", str(out)])
    captured = capsys.readouterr()
    assert status == 0
    # One blank line between the two, a line's end after the last (the texts themselves end without one).
    expected = getattr(explain(ssr, w1), method)() + "\n\n" + getattr(explain(ssr, b1), method)() + "\n"
    assert captured.out == expected
    assert captured.err == f"wrote {out}\n" and out.exists()


BAD = [
    (["--latex"], "--latex prints explanations: give --explain NAME too"),
    (["--markdown"], "--markdown prints explanations: give --explain NAME too"),
    (["--explain", "w1", "--latex", "--markdown"], "argument --markdown: not allowed with argument --latex"),
    (["--explain", "w1", "--latex", "--format", "svg"], "would both write to stdout; give -o FILE"),
    (["--explain", "nope", "--latex"], "--explain 'nope': no such name"),
    (["--explain", "w1", "--markdown", "--check", "dSSR/dw1 = 1"], "run --check without it"),
]


@pytest.mark.parametrize("extra, words", BAD, ids=[b[1][:30] for b in BAD])
def test_usage_errors_are_one_line_with_status_2(capsys, extra, words):
    try:
        status = main([EXPR, *SET, *extra])
    except SystemExit as exit_:  # argparse's own errors
        status = exit_.code
    captured = capsys.readouterr()
    assert status == 2 and captured.out == ""
    assert words in captured.err and captured.err.count("\n") == 1
