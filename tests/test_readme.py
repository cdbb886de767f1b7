"""README.md tells the truth: its code runs and prints what it shows.

README.md is parsed by its headings and code fences, and each claim it makes
about output is re-run against the code:

- every ```python block runs without raising (one namespace per section, blocks
  in order, in a temporary working directory so the files it writes land there);
- a ```python block directly followed by a plain ``` block prints exactly that
  block (modulo trailing whitespace);
- a ``print(...)  # value`` line prints exactly the value in its comment;
- a ```bash block directly followed by a plain ``` block is a command and its
  output: the command is run (``python`` is this interpreter) and its stdout
  compared; a ``wrote FILE`` line means FILE exists afterwards;
- a plain block that starts with ``$ command`` is a transcript: same check;
- the excerpt in "Start here" is a contiguous run of lines of
  ``python -m demos.hidden_layer``'s output;
- the NonFiniteLossError line in "Train a network" is what
  ``train(network(DETAILS_2_START), INPUTS, OBSERVED, lr=10)`` raises;
- the set-up commands in "Start here" are the ones the project supports;
- every relative link and image exists, and every ``#anchor`` names a heading.

Each check is a function of the README's text, so the last tests feed them
altered copies of the README and make sure every check can fail. A failure
names the README section that drifted and shows a diff (README -> actual).
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import difflib
import io
import os
import re
import shlex
import subprocess
import sys
import tempfile
import tokenize
import traceback
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"

# The commands "Start here" must show, as written (the install and test entry points).
SETUP_COMMANDS = ('pip install -e . && python -m demos', 'pip install -e ".[test]" && pytest')
# The demo whose output the excerpt in "Start here" is taken from.
EXCERPT_COMMAND = ("python", "-m", "demos.hidden_layer")
# Too large a learning rate, as "Train a network" describes it in words.
DIVERGENT_LR = 10


# --- Parsing ----------------------------------------------------------------------------
@dataclasses.dataclass
class Block:
    """One fenced code block: ``lang`` is the info string ('' for a plain block)."""

    lang: str
    text: str
    line: int  # 1-based README line of the first line of code (after the opening fence)
    adjacent: bool  # only blank lines separate it from the previous block of its section


@dataclasses.dataclass
class Section:
    title: str
    level: int
    line: int
    blocks: list[Block]
    prose: str  # the text outside code blocks


FENCE = re.compile(r"^(`{3,})\s*([\w+-]*)\s*$")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def parse(text: str) -> list[Section]:
    """Split README text into sections (one per heading, any level) and their blocks."""
    sections = [Section("(top)", 0, 1, [], "")]
    lines = text.splitlines()
    i = 0
    since_block: list[str] = []  # lines since the last closing fence, to decide adjacency
    while i < len(lines):
        line = lines[i]
        fence = FENCE.match(line)
        heading = HEADING.match(line)
        if fence:
            ticks, lang = fence.group(1), fence.group(2)
            start = i + 1
            j = start
            while j < len(lines) and lines[j].rstrip() != ticks:
                j += 1
            assert j < len(lines), f"README.md line {i + 1}: code fence {line!r} is never closed"
            section = sections[-1]
            adjacent = bool(section.blocks) and all(not s.strip() for s in since_block)
            section.blocks.append(Block(lang, "\n".join(lines[start:j]) + "\n", start + 1, adjacent))
            since_block = []
            i = j + 1
            continue
        if heading:
            sections.append(Section(heading.group(2), len(heading.group(1)), i + 1, [], ""))
            since_block = []
        else:
            sections[-1].prose += line + "\n"
            since_block.append(line)
        i += 1
    return sections


def section(text: str, title: str) -> Section:
    """The section of README text whose heading is ``title``."""
    sections = parse(text)
    for s in sections:
        if s.title == title:
            return s
    titles = ", ".join(repr(s.title) for s in sections[1:])
    raise AssertionError(f"README.md has no section {title!r} (its headings: {titles})")


def output_block(s: Section, index: int) -> Block | None:
    """The plain block right after block ``index`` (its printed output), if there is one."""
    if index + 1 < len(s.blocks):
        nxt = s.blocks[index + 1]
        if nxt.lang == "" and nxt.adjacent:
            return nxt
    return None


# --- Comparing --------------------------------------------------------------------------
def normalise(text: str) -> list[str]:
    """Lines with trailing whitespace removed, and no trailing blank lines."""
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def assert_same(shown: str, actual: str, where: str, what: str) -> None:
    """Fail with a diff (README -> actual) when ``actual`` is not what README shows."""
    expected_lines, actual_lines = normalise(shown), normalise(actual)
    if expected_lines == actual_lines:
        return
    diff = "\n".join(difflib.unified_diff(expected_lines, actual_lines, "README.md", "actual", lineterm=""))
    raise AssertionError(
        f"README.md section {where!r} drifted: {what} is not what the code prints.\n"
        f"Update the README block (or fix the code). Diff, README -> actual:\n{diff}"
    )


# --- Running ----------------------------------------------------------------------------
def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    # This checkout's packages, whatever the working directory.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@cache
def run_command(argv: tuple[str, ...], stdin: str | None = None) -> tuple[subprocess.CompletedProcess, Path]:
    """Run a README command in a fresh temporary directory (cached: outputs are deterministic).

    ``stdin``: the text piped into it (None: no input at all).
    """
    assert argv and argv[0] == "python", f"README command {shlex.join(argv)!r}: only `python ...` is run"
    workdir = tempfile.TemporaryDirectory(prefix="chaingrad-readme-")
    _workdirs.append(workdir)  # kept alive for the session, removed at exit
    feed = {"stdin": subprocess.DEVNULL} if stdin is None else {"input": stdin}
    result = subprocess.run(
        (sys.executable,) + argv[1:], cwd=workdir.name, env=subprocess_env(),
        capture_output=True, text=True, encoding="utf-8", timeout=60, **feed,
    )
    return result, Path(workdir.name)


_workdirs: list[tempfile.TemporaryDirectory] = []


def command_argv(command: str) -> tuple[str, ...]:
    """A shell command as the README writes it (with ``\\`` continuations) as argv."""
    return tuple(shlex.split(command.replace("\\\n", " "), comments=True))


# A command that ends with another status says so in a comment: `python -m demos.check "..."  # exit status 1`.
EXIT_STATUS = re.compile(r"#\s*exit status (\d+)\s*$")


def command_parts(command: str) -> tuple[tuple[str, ...], str | None, int]:
    """(argv, the text a leading ``printf '...' |`` pipes in or None, the exit status to expect).

    ``printf 'a\\nb\\n' | python -m demos.practice`` feeds "a\\nb\\n" (``\\n`` is a new line,
    as printf reads it); a trailing ``# exit status N`` says the command ends with N (else 0).
    """
    status = EXIT_STATUS.search(command.rstrip())
    argv = command_argv(command)
    stdin = None
    if len(argv) > 2 and argv[0] == "printf" and argv[2] == "|":
        stdin, argv = argv[1].replace("\\n", "\n"), argv[3:]
    return argv, stdin, int(status.group(1)) if status else 0


def run_and_compare(argv: tuple[str, ...], shown: str, where: str, *, stdin: str | None = None,
                    status: int = 0) -> None:
    result, workdir = run_command(argv, stdin)
    assert result.returncode == status, (
        f"README.md section {where!r}: `{shlex.join(argv)}` exited with status {result.returncode},"
        f" not {status}\nstderr:\n{result.stderr}"
    )
    assert_same(shown, result.stdout, where, f"the output shown for `{shlex.join(argv)}`")
    check_written(result.stdout, workdir, where)


def check_written(stdout: str, workdir: Path, where: str) -> None:
    """Each ``wrote FILE`` line of a command's output names a non-empty file it made."""
    for name in re.findall(r"^wrote (\S+)$", stdout, flags=re.M):
        written = workdir / name
        assert written.is_file() and written.stat().st_size > 0, (
            f"README.md section {where!r}: the command says 'wrote {name}' but {written} is missing or empty"
        )


def value_comments(code: str, first_line: int) -> dict[int, str]:
    """README line -> value shown in the comment of a ``print(...)  # value ...`` line.

    The value is the comment up to the first run of two spaces (what follows is
    an explanation), and only counts when it starts like a value: a number, a
    bracket, a quote, or ``Name(``.
    """
    values = {}
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    lines = code.splitlines()
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        row = tok.start[0]
        if not lines[row - 1].lstrip().startswith("print("):
            continue
        value = re.split(r"\s{2,}", tok.string[1:].strip())[0]
        if re.match(r"""^([-+]?\d|[(\[{'"]|[A-Za-z_]\w*\(|True\b|False\b|None\b)""", value):
            values[first_line + row - 1] = value
    return values


def run_python_section(text: str, title: str, workdir: Path) -> None:
    """Run the section's python blocks in one namespace; check outputs and value comments."""
    s = section(text, title)
    namespace: dict[str, object] = {"__name__": "__readme__"}
    printed: dict[int, list[str]] = {}  # README line -> what print() printed on it
    filename = f"README.md ({title})"

    def recording_print(*args, sep=" ", end="\n", file=None, flush=False):
        builtins.print(*args, sep=sep, end=end, file=file, flush=flush)
        frame = sys._getframe(1)
        if file is None and frame.f_code.co_filename == filename:
            printed.setdefault(frame.f_lineno, []).append(sep.join(map(str, args)))

    namespace["print"] = recording_print
    blocks = [(i, b) for i, b in enumerate(s.blocks) if b.lang == "python"]
    assert blocks, f"README.md section {title!r} has no python block"
    old_cwd = os.getcwd()
    os.chdir(workdir)
    try:
        for index, block in blocks:
            # Padding with newlines makes tracebacks and f_lineno give README line numbers.
            code = compile("\n" * (block.line - 1) + block.text, filename, "exec")
            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out):
                    exec(code, namespace)
            except Exception as exc:  # the README's code must run: report where it broke
                raise AssertionError(
                    f"README.md section {title!r}: the python block at line {block.line} raised "
                    f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
                ) from None
            shown = output_block(s, index)
            if shown is not None:
                assert_same(shown.text, out.getvalue(), title,
                            f"the output block at line {shown.line} (printed by the python block at line {block.line})")
            for line, value in value_comments(block.text, block.line).items():
                got = printed.get(line)
                assert got is not None and len(got) == 1, (
                    f"README.md section {title!r} line {line}: expected one print, got {got!r}"
                )
                if got[0] != value:
                    diff = "\n".join(difflib.unified_diff([value], [got[0]], "README.md", "actual", lineterm=""))
                    raise AssertionError(
                        f"README.md section {title!r} line {line}: the comment says {value} but the line prints "
                        f"{got[0]}\n{diff}"
                    )
    finally:
        os.chdir(old_cwd)


# --- The checks, each a function of the README text --------------------------------------
def python_sections(text: str) -> list[str]:
    return [s.title for s in parse(text) if any(b.lang == "python" for b in s.blocks)]


def shell_examples(text: str) -> list[tuple[str, str, str]]:
    """(section, command, shown output) for every command whose output the README shows."""
    found = []
    for s in parse(text):
        for i, block in enumerate(s.blocks):
            shown = output_block(s, i)
            if block.lang in ("bash", "sh", "shell", "console") and shown is not None:
                found.append((s.title, block.text, shown.text))
            elif block.lang == "" and block.text.startswith("$ "):
                first, _, rest = block.text.partition("\n")
                found.append((s.title, first[2:], rest))
    return found


def check_shell_example(text: str, where: str, command: str) -> None:
    for title, cmd, shown in shell_examples(text):
        if title == where and cmd.strip() == command.strip():
            argv, stdin, status = command_parts(cmd)
            run_and_compare(argv, shown, title, stdin=stdin, status=status)
            return
    raise AssertionError(f"README.md section {where!r}: no longer shows `{command.strip()}` with its output")


def check_excerpt(text: str) -> None:
    where = "Start here"
    plain = [b for b in section(text, where).blocks if b.lang == ""]
    assert len(plain) == 1, f"README.md section {where!r}: expected one excerpt block, found {len(plain)}"
    excerpt = normalise(plain[0].text)
    while excerpt and not excerpt[0]:
        excerpt.pop(0)
    result, _ = run_command(EXCERPT_COMMAND)
    assert result.returncode == 0, f"`{shlex.join(EXCERPT_COMMAND)}` failed:\n{result.stderr}"
    output = normalise(result.stdout)
    n = len(excerpt)
    if any(output[k:k + n] == excerpt for k in range(len(output) - n + 1)):
        return
    # Show the diff against the window of the output that resembles the excerpt most.
    starts = [k for k, line in enumerate(output) if line == excerpt[0]] or range(max(1, len(output) - n + 1))
    best = max(starts, key=lambda k: difflib.SequenceMatcher(None, excerpt, output[k:k + n]).ratio())
    diff = "\n".join(difflib.unified_diff(excerpt, output[best:best + n], "README.md", "actual", lineterm=""))
    raise AssertionError(
        f"README.md section {where!r} drifted: the excerpt at line {plain[0].line} is not a contiguous run of "
        f"lines of `{shlex.join(EXCERPT_COMMAND)}`. Diff against the closest part of the output:\n{diff}"
    )


def check_nonfinite_error(text: str) -> None:
    from nn import train
    from nn.statquest import DETAILS_2_START, INPUTS, OBSERVED, network

    where = "Train a network"
    shown = [b for b in section(text, where).blocks if b.lang == "" and b.text.startswith("NonFiniteLossError")]
    assert len(shown) == 1, f"README.md section {where!r}: expected one NonFiniteLossError block, found {len(shown)}"
    try:
        train(network(DETAILS_2_START), INPUTS, OBSERVED, lr=DIVERGENT_LR)
    except Exception as exc:  # the type is part of what is compared
        actual = f"{type(exc).__name__}: {exc}"
    else:
        actual = f"(no error: train(network(DETAILS_2_START), INPUTS, OBSERVED, lr={DIVERGENT_LR}) returned)"
    assert_same(shown[0].text, actual, where,
                f"the error shown at line {shown[0].line} for train(network(DETAILS_2_START), INPUTS, OBSERVED,"
                f" lr={DIVERGENT_LR})")


def check_setup_commands(text: str) -> None:
    where = "Start here"
    commands = [re.sub(r"\s+#.*$", "", line).strip()
                for b in section(text, where).blocks if b.lang == "bash" for line in b.text.splitlines()]
    for wanted in SETUP_COMMANDS:
        assert wanted in commands, (
            f"README.md section {where!r}: the set-up command `{wanted}` is missing; its commands are {commands}"
        )


def slug(title: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces -> '-'."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def check_links(text: str, base: Path = REPO) -> None:
    sections = parse(text)
    anchors = {slug(s.title) for s in sections[1:]}
    problems = []
    for s in sections:
        prose = re.sub(r"`[^`]*`", "", s.prose)  # inline code is not a link
        targets = re.findall(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", prose)
        targets += re.findall(r"""<(?:img|a)\b[^>]*?(?:src|href)=["']([^"']+)["']""", prose)
        for target in targets:
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, flags=re.I):
                continue  # http:, https:, mailto: ...
            path, _, anchor = target.partition("#")
            if path and not (base / path).exists():
                problems.append(f"section {s.title!r}: {target!r} does not exist")
            elif not path and anchor not in anchors:
                problems.append(f"section {s.title!r}: anchor #{anchor} names no heading (anchors: {sorted(anchors)})")
    assert not problems, "README.md has broken links:\n" + "\n".join(problems)


# --- Tests of the real README ---------------------------------------------------------------
README_TEXT = README.read_text(encoding="utf-8")

# Known drift between README.md and the code: section title -> reason (xfail, strict).
KNOWN_DRIFT: dict[str, str] = {}


def _param(key: str):
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_DRIFT[key])] if key in KNOWN_DRIFT else []
    return pytest.param(key, marks=marks, id=key)


def test_readme_parses_into_its_sections():
    titles = [s.title for s in parse(README_TEXT)]
    for title in ("Start here", "The engine", "Draw a graph", "From the command line", "Train a network"):
        assert title in titles, f"README.md lost its section {title!r}"


@pytest.mark.parametrize("title", [_param(t) for t in python_sections(README_TEXT)])
def test_python_blocks_run_and_print_what_they_show(title, tmp_path):
    run_python_section(README_TEXT, title, tmp_path)


def test_python_blocks_are_found_with_outputs_and_value_comments():
    # Guards the parser: if these came back empty, the test above would check nothing.
    assert {"The engine", "Draw a graph", "Train a network"} <= set(python_sections(README_TEXT))
    with_output = [s.title for s in parse(README_TEXT)
                   for i, b in enumerate(s.blocks) if b.lang == "python" and output_block(s, i)]
    assert {"Draw a graph", "Train a network"} <= set(with_output)
    engine = [b for b in section(README_TEXT, "The engine").blocks if b.lang == "python"][0]
    assert len(value_comments(engine.text, engine.line)) == 3


@pytest.mark.parametrize("where,command", [
    pytest.param(w, c, id=f"{w}: {c.split()[2] if len(c.split()) > 2 else c}", marks=(
        [pytest.mark.xfail(strict=True, reason=KNOWN_DRIFT[w])] if w in KNOWN_DRIFT else []))
    for w, c, _ in shell_examples(README_TEXT)
])
def test_shell_examples_print_what_they_show(where, command):
    check_shell_example(README_TEXT, where, command)


def test_shell_examples_are_found():
    found = {(w, c.split()[2]) for w, c, _ in shell_examples(README_TEXT)}
    assert ("From the command line", "viz") in found
    assert ("Watch backward, one step at a time", "demos.replay") in found
    assert {(CHECK_SECTION, "demos.check"), (CHECK_SECTION, "demos.practice")} <= {
        (w, c.split("python -m ")[1].split()[0]) for w, c, _ in shell_examples(README_TEXT) if "python -m " in c
    }


def test_command_parts():
    assert command_parts("python -m demos.check 'dSSR/dw3 = y1'  # exit status 1") == (
        ("python", "-m", "demos.check", "dSSR/dw3 = y1"), None, 1)
    assert command_parts("printf '1\\n2\\n' | python -m demos.practice") == (
        ("python", "-m", "demos.practice"), "1\n2\n", 0)


def test_start_here_excerpt_is_in_the_demo_output():
    check_excerpt(README_TEXT)


def test_nonfinite_loss_error_is_what_train_raises():
    check_nonfinite_error(README_TEXT)


def test_start_here_setup_commands():
    check_setup_commands(README_TEXT)


def test_relative_links_and_images_exist():
    check_links(README_TEXT)
    # Guards the link finder: the figures README shows are among what it checks.
    assert "docs/network.svg" in README_TEXT and "docs/explore.png" in README_TEXT


# --- Every check can fail: altered copies of the README must be caught -------------------
def _altered(old: str, new: str) -> str:
    assert README_TEXT.count(old) == 1, f"alteration {old!r} must match README.md exactly once"
    return README_TEXT.replace(old, new)


def _command_in(text: str, where: str) -> str:
    return next(c for w, c, _ in shell_examples(text) if w == where)


CHECK_SECTION = "Check a derivation, practise one"

ALTERATIONS = [
    # (id, old, new, check(text) -> None, section the failure must name)
    ("engine value comment", "# 0.27985682463359646", "# 0.27985682463359647",
     lambda t, p: run_python_section(t, "The engine", p), "The engine"),
    ("engine block raises", "print(w1.grad)", "print(w1.gradient)",
     lambda t, p: run_python_section(t, "The engine", p), "The engine"),
    ("explain output", "= 0.56        × 0.5", "= 0.57        × 0.5",
     lambda t, p: run_python_section(t, "Draw a graph", p), "Draw a graph"),
    ("ledger table", "   2     3.2678  b3", "   2     3.2679  b3",
     lambda t, p: run_python_section(t, "Train a network", p), "Train a network"),
    ("ledger summary", "SSR: 20.4236 -> 6.303e-05", "SSR: 20.4236 -> 6.3e-05",
     lambda t, p: run_python_section(t, "Train a network", p), "Train a network"),
    ("cli output", "dSSR/dw2       = 1.39", "dSSR/dw2       = 1.40",
     lambda t, p: check_shell_example(t, "From the command line", _command_in(t, "From the command line")),
     "From the command line"),
    ("cli file written", "wrote net.svg", "wrote net.png",
     lambda t, p: check_shell_example(t, "From the command line", _command_in(t, "From the command line")),
     "From the command line"),
    ("replay transcript", "=   -15.66 final", "=   -15.67 final",
     lambda t, p: check_shell_example(t, "Watch backward, one step at a time", "python -m demos.replay --leaf b3"),
     "Watch backward, one step at a time"),
    ("checker output", "disagrees: the opposite sign", "disagrees: a constant factor",
     lambda t, p: check_shell_example(t, CHECK_SECTION, _command_in(t, CHECK_SECTION)), CHECK_SECTION),
    ("checker exit status", "b2=0.57   # exit status 1", "b2=0.57   # exit status 0",
     lambda t, p: check_shell_example(t, CHECK_SECTION, _command_in(t, CHECK_SECTION)), CHECK_SECTION),
    ("practice transcript", "right: 2.21107 = softplus(x1)", "right: 2.2111 = softplus(x1)",
     lambda t, p: check_shell_example(t, CHECK_SECTION, [c for w, c, _ in shell_examples(t)
                                                         if w == CHECK_SECTION][1]), CHECK_SECTION),
    ("practice input", "softplus(x1)\\n-0.725", "softplus(x2)\\n-0.725",
     lambda t, p: check_shell_example(t, CHECK_SECTION, [c for w, c, _ in shell_examples(t)
                                                         if w == CHECK_SECTION][1]), CHECK_SECTION),
    ("excerpt number", "    0.5          -0.2835", "    0.5          -0.2836",
     lambda t, p: check_excerpt(t), "Start here"),
    ("excerpt not contiguous", "    0.5          -0.2835          0.3600   0.7974   0.5000  -0.0407\n", "",
     lambda t, p: check_excerpt(t), "Start here"),
    ("nonfinite error", "at step 89 with", "at step 88 with",
     lambda t, p: check_nonfinite_error(t), "Train a network"),
    ("setup command", 'pip install -e ".[test]" && pytest', "pip install -e .[test] && pytest",
     lambda t, p: check_setup_commands(t), "Start here"),
    ("missing image", "(docs/explore.png)", "(docs/explore-missing.png)",
     lambda t, p: check_links(t), "The explorer page"),
    ("broken anchor", "(#rendering)", "(#rendring)",
     lambda t, p: check_links(t), "Start here"),
]


@pytest.mark.parametrize("old,new,check,where", [pytest.param(*a[1:], id=a[0]) for a in ALTERATIONS])
def test_each_check_catches_an_altered_readme(old, new, check, where, tmp_path):
    with pytest.raises(AssertionError) as caught:
        check(_altered(old, new), tmp_path)
    assert where in str(caught.value), f"the failure should name section {where!r}:\n{caught.value}"


def test_a_wrote_line_needs_the_file(tmp_path):
    check_written("SSR = 6.81\n", tmp_path, "From the command line")  # no claim, nothing to check
    with pytest.raises(AssertionError, match="From the command line.*wrote net.svg"):
        check_written("wrote net.svg\nSSR = 6.81\n", tmp_path, "From the command line")
    (tmp_path / "net.svg").write_text("<svg/>")
    check_written("wrote net.svg\nSSR = 6.81\n", tmp_path, "From the command line")
