"""A dot run's time budget, the notice while it works, and how dot is called (any dot, by any name)."""

import time

import pytest

import viz.graph.dot_program as dotexe
from viz.graph.dot_program import DEFAULT_TIMEOUT, DotError, dot_timeout, run_dot

# As draw writes it: one node or edge a line.
SOURCE = 'digraph {\n\tn0 [label="a"]\n\tn1 [label="b"]\n\top1 [label="+"]\n\tn0 -> op1\n\top1 -> n1\n}\n'


def _script(tmp_path, body: str) -> str:
    path = tmp_path / "fake-dot"
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return str(path)


def test_the_default_budget_is_well_under_a_minute(monkeypatch):
    monkeypatch.delenv(dotexe.TIMEOUT_VAR, raising=False)
    assert dot_timeout() == DEFAULT_TIMEOUT <= 30
    monkeypatch.setenv(dotexe.TIMEOUT_VAR, "2.5")
    assert dot_timeout() == 2.5


@pytest.mark.parametrize("text", ["soon", "0", "-1", "nan", "inf"])
def test_a_bad_budget_in_the_environment_is_an_error(monkeypatch, text):
    monkeypatch.setenv(dotexe.TIMEOUT_VAR, text)
    with pytest.raises(DotError, match=f"{dotexe.TIMEOUT_VAR}='{text}' is not a positive number of seconds"):
        dot_timeout()


def test_a_hanging_dot_is_stopped_at_the_budget(monkeypatch, tmp_path):
    monkeypatch.setenv("CHAINGRAD_DOT", _script(tmp_path, "sleep 60\n"))
    start = time.monotonic()
    with pytest.raises(DotError, match=r"did not finish within 0.5 s; draw a smaller graph"):
        run_dot(SOURCE, "svg", timeout=0.5)
    assert time.monotonic() - start < 20  # stopped, with the sleep it started: not a minute


def test_a_slow_render_says_on_a_terminal_that_graphviz_is_working(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("CHAINGRAD_DOT", _script(tmp_path, "cat >/dev/null; sleep 1; printf '<svg/>'\n"))
    monkeypatch.setattr(dotexe, "NOTICE_AFTER", 0.2)
    monkeypatch.setattr(dotexe, "_isatty", lambda stream: True)
    assert run_dot(SOURCE, "svg") == b"<svg/>"
    err = capsys.readouterr().err
    assert err.startswith("chaingrad: Graphviz is laying out 3 nodes (waiting up to 30 s;"), err


def test_no_notice_when_stderr_is_not_a_terminal(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("CHAINGRAD_DOT", _script(tmp_path, "cat >/dev/null; sleep 1; printf '<svg/>'\n"))
    monkeypatch.setattr(dotexe, "NOTICE_AFTER", 0.2)
    assert run_dot(SOURCE, "svg") == b"<svg/>"
    assert capsys.readouterr().err == ""


def test_dot_is_asked_for_its_dot_layout_by_name(monkeypatch, tmp_path):
    # Graphviz picks its layout engine from its program name unless -K says it: a dot
    # installed as dot-debian or dot-2.43 would otherwise refuse to lay anything out.
    args = tmp_path / "args"
    monkeypatch.setenv("CHAINGRAD_DOT", _script(tmp_path, f'echo "$@" > {args}; cat >/dev/null; printf "<svg/>"\n'))
    run_dot(SOURCE, "svg")
    assert args.read_text().split() == ["-Kdot", "-Tsvg"]
