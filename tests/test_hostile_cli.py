"""The hostile command lines of tests/hostile_cli.py: one line on stderr, the right status, in bounded time."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hostile_cli import COMMANDS, GRAPHVIZ_PURE, HANGING_DOT, RUNS, SAME_AS_DEMOS, Command, Run

ROOT = Path(__file__).resolve().parent.parent


def _empty_value_cases():
    for command in COMMANDS:
        for action in command.parser()._actions:
            if action.nargs == 0:  # a flag (--step, --help) takes no value
                continue
            if action.option_strings:
                yield command, action.option_strings[-1], [*command.base, action.option_strings[-1], ""]
            elif command.base:
                yield command, action.dest, ["" if i == 0 else a for i, a in enumerate(command.base)]


EMPTY = list(_empty_value_cases())


@pytest.mark.parametrize("command, option, argv", EMPTY, ids=[f"{c.module} {o} ''" for c, o, _ in EMPTY])
def test_an_empty_value_is_refused_in_one_line(command: Command, option, argv, capsys):
    with pytest.raises(SystemExit) as info:
        command.parser().parse_args(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "empty value" in err, err


def test_every_command_line_is_in_the_table():
    modules = {"viz"} | {f"demos.{p.stem}" for p in (ROOT / "demos").glob("*.py")
                         if "\ndef main(" in p.read_text()}
    modules = {"demos" if m == "demos.__main__" else m for m in modules}
    listed = {c.module for c in COMMANDS} | set(SAME_AS_DEMOS)
    assert modules <= listed, f"commands without hostile rows in tests/hostile_cli.py: {modules - listed}"
    run_modules = {r.module for r in RUNS}
    assert {c.module for c in COMMANDS} <= run_modules


@pytest.fixture(scope="module")
def hanging_dot(tmp_path_factory):
    script = tmp_path_factory.mktemp("dot") / "hanging-dot"
    script.write_text("#!/bin/sh\nsleep 60\n")
    script.chmod(0o755)
    return str(script)


def _graphviz_pure() -> str:
    """The graphviz-pure beside this interpreter (or on PATH), else a dot that is missing."""
    here = Path(sys.executable).parent / "graphviz-pure"
    return str(here) if here.exists() else shutil.which("graphviz-pure") or "/no/graphviz-pure"


def _fill(text: str, tmp: Path, hanging: str) -> str:
    return text.replace(HANGING_DOT, hanging).replace("{tmp}", str(tmp)).replace(GRAPHVIZ_PURE, _graphviz_pure())


@pytest.mark.parametrize("run", RUNS, ids=[r.id for r in RUNS])
def test_a_hostile_run_ends_in_one_line_and_a_status(run: Run, tmp_path, hanging_dot):
    (tmp_path / "a-file").write_text("not a folder\n")
    (tmp_path / "bin").mkdir()  # NO_FFMPEG: a shell and nothing else
    (tmp_path / "bin" / "sh").symlink_to(shutil.which("sh") or "/bin/sh")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    env.update({k: _fill(v, tmp_path, hanging_dot) for k, v in run.env.items()})
    argv = [_fill(a, tmp_path, hanging_dot) for a in run.argv]
    start = time.monotonic()
    proc = _run(run, argv, env, tmp_path)
    seconds = time.monotonic() - start
    err = proc.stderr
    assert proc.returncode == run.status, (proc.returncode, err[-2000:])
    assert "Traceback" not in err, err
    if run.says:
        assert err.count("\n") == 1 and run.says in err, err
    else:
        assert err == "", err
    if run.before_work:
        assert proc.stdout == ""
    assert run.prints in proc.stdout, proc.stdout[-2000:]
    assert seconds < run.seconds, f"took {seconds:.1f} s"


def _run(run: Run, argv, env, cwd) -> subprocess.CompletedProcess:
    redirect = {"closed": " >&-", "full": " >/dev/full", "pipe": ""}[run.stdout]
    feed = run.stdin not in ("closed", "devnull")
    redirect += {"closed": " <&-", "devnull": " </dev/null"}.get(run.stdin, "")
    proc = subprocess.run(["sh", "-c", f'exec "$0" "$@"{redirect}', sys.executable, "-m", run.module, *argv],
                          input=run.stdin.encode("utf-8", "surrogateescape") if feed else None,
                          capture_output=True, env=env, cwd=cwd, timeout=run.seconds + 60)
    # Decoded here: a command may print what is not UTF-8, and the test must show it, not fail on it.
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))
