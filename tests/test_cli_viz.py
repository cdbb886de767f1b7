"""python -m viz: drawing expressions, explanations, and refusing anything outside the whitelist."""

import html
import math
import os
import subprocess
import sys

import pytest

from tests.articles import PARAMS, hand_forward, sigmoid, softplus
from viz.chainrule.numbers import fmt
from viz.cli.command import main
from viz.expression import ExpressionError, evaluate, parse
from viz.graph.draw import draw

NETWORK = (
    "x1 = input*w1 + b1; y1 = softplus(x1); x2 = input*w2 + b2; y2 = softplus(x2); "
    "predicted = y1*w3 + y2*w4 + b3; SSR = (observed - predicted)**2"
)
SETS = ["input=0.5", "observed=1"] + [f"{k}={v}" for k, v in PARAMS.items()]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_draws_an_expression_to_svg(tmp_path, capsys):
    out_file = tmp_path / "g.svg"
    code, out, err = run(capsys, "softplus(x*w1 + b1)*w3", "--set", "x=0.5", "w1=3.34", "b1=-1.43",
                         "w3=-1.22", "-o", str(out_file))
    assert code == 0 and err == ""
    svg = out_file.read_text(encoding="utf-8")
    assert "<svg" in svg and ">softplus<" in svg
    z = 0.5 * 3.34 - 1.43
    assert out.splitlines()[0] == f"wrote {out_file}"
    # the root's value and each leaf's grad, by the hand formulas
    assert out.splitlines()[1] == f"root = {fmt(softplus(z) * -1.22)}"
    assert f"droot/dw1 = {fmt(-1.22 * sigmoid(z) * 0.5)}" in " ".join(out.split())


def test_assignments_label_their_nodes_and_explain_prints_the_chain(capsys):
    code, out, err = run(capsys, NETWORK, "--set", *SETS, "--explain", "w1")
    assert code == 0, err
    x1, y1, x2, y2, pred = hand_forward(PARAMS, 0.5)
    assert out.splitlines()[0] == f"SSR = {fmt((1.0 - pred) ** 2)}"
    lines = [" ".join(line.split()) for line in out.splitlines()]  # columns are padded
    assert "path 1: dSSR/dpredicted × dpredicted/dy1 × dy1/dx1 × dx1/dw1" in lines
    assert "= -2·(observed - predicted) × w3 × sigmoid(x1) × input" in lines
    expected = -2 * (1.0 - pred) * PARAMS["w3"] * sigmoid(x1) * 0.5
    assert f"w1.grad = {fmt(expected)}   (agree)" in out


def test_every_line_fits_80_columns_with_one_grad_per_line(capsys):
    code, out, err = run(capsys, NETWORK, "--set", *SETS, "--explain", "w1", "--explain", "b1")
    assert code == 0, err
    lines = out.splitlines()
    assert max(map(len, lines)) <= 80, max(lines, key=len)
    # After the root's value, one line per free name, in the order they appear, "=" aligned.
    names = ["input", "w1", "b1", "w2", "b2", "w3", "w4", "b3", "observed"]
    grads = lines[1:1 + len(names)]
    assert [g.split()[0] for g in grads] == [f"dSSR/d{n}" for n in names]
    assert len({g.index("=") for g in grads}) == 1
    x1, y1, x2, y2, pred = hand_forward(PARAMS, 0.5)
    assert grads[-1].split()[-1] == fmt(2 * (1.0 - pred))  # dSSR/dobserved = 2(observed - predicted)
    # The explanation's sentence is wrapped, not cut: it reads the same joined up.
    assert "dSSR/db1 = sum over 1 path from SSR down to b1 of the product of the local derivatives " \
        "along each path" in " ".join(out.split())


def test_help_fits_80_columns():
    done = subprocess.run([sys.executable, "-m", "viz", "--help"], capture_output=True, text=True, check=False,
                          env={**os.environ, "COLUMNS": "80"})
    assert done.returncode == 0
    assert max(map(len, done.stdout.splitlines())) <= 80, max(done.stdout.splitlines(), key=len)


def test_without_output_the_dot_text_is_printed(capsys):
    code, out, _ = run(capsys, NETWORK, "--set", *SETS, "--highlight", "w2", "--rankdir", "TB",
                       "--precision", "4", "--no-grads")
    prog = evaluate(NETWORK, {k.split("=")[0]: float(k.split("=")[1]) for k in SETS})
    prog.root.backward()
    params = [prog.values[k] for k in PARAMS]
    expected = draw(prog.root, highlight=prog.values["w2"], rankdir="TB", precision=4,
                    show_grads=False, params=params).source
    assert code == 0 and out == expected


def test_compact_option_draws_the_ops_inside_the_boxes(capsys):
    code, out, _ = run(capsys, NETWORK, "--set", *SETS, "--compact", "--highlight", "w1")
    prog = evaluate(NETWORK, {k.split("=")[0]: float(k.split("=")[1]) for k in SETS})
    prog.root.backward()
    params = [prog.values[k] for k in PARAMS]
    expected = draw(prog.root, highlight=prog.values["w1"], params=params, compact=True).source
    assert code == 0 and out == expected
    assert " -> op" not in out and out != draw(prog.root, highlight=prog.values["w1"],
                                                 params=params).source


def test_format_writes_the_drawing_to_stdout(capsysbinary):
    code = main(["x*w", "--set", "x=2", "w=3", "--format", "svg"])
    out = capsysbinary.readouterr().out
    assert code == 0 and out.startswith(b"<?xml") and b"</svg>" in out


def test_params_option_and_default(capsys):
    _, out, _ = run(capsys, "x*w1 + k", "--set", "x=1", "w1=2", "k=3")
    from viz.graph.style import STYLES
    assert out.count(STYLES["param"].fill) == 1 + 1  # w1's box and the legend swatch
    _, out, _ = run(capsys, "x*w1 + k", "--set", "x=1", "w1=2", "k=3", "--params", "k,x", "--no-legend")
    assert out.count(STYLES["param"].fill) == 2
    # The same rule as draw: a bias named b alone is a parameter, a w alone is not.
    _, out, _ = run(capsys, "x*w + b", "--set", "x=1", "w=2", "b=3")
    assert out.count(STYLES["param"].fill) == 1 + 1  # b's box and the legend swatch


@pytest.mark.parametrize(
    "expression, construct",
    [
        ("__import__('os').system('touch /tmp/chaingrad-pwned')", "calling"),
        ("x.real", "attribute access"),
        ("x[0]", "subscripts"),
        ("(lambda: 1)()", "calling"),
        ("lambda: x", "lambda"),
        ("[a for a in b]", "list comprehensions"),
        ("import os", "import"),
        ("open('f')", "'open' is not one of the functions"),
        ("eval('1')", "'eval' is not one of the functions"),
        ("x if x else 1", "conditional expressions"),
        ("x < 1", "comparisons"),
        ("'text'", "not a number"),
        ("x // 2", "the // operator"),
        ("x ^ 2", "use ** for powers"),
        ("def f(): pass", "function definitions"),
        ("x += 1", "augmented assignment"),
        ("a, b = 1, 2", "only 'name = expression'"),
        ("softplus(x, y)", "exactly one argument"),
        ("softplus(x=1)", "exactly one argument"),
        ("True * x", "not a number"),
        ("f'{x}'", "f-strings"),
    ],
)
def test_refused_expressions_exit_2_with_a_one_line_message(capsys, expression, construct, tmp_path):
    code, out, err = run(capsys, expression, "--set", "x=1")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("python -m viz: error: ") and construct in err


def test_nothing_is_executed(tmp_path, capsys):
    marker = tmp_path / "pwned"
    run(capsys, f"__import__('os').system('touch {marker}')")
    run(capsys, f"open('{marker}', 'w')")
    assert not marker.exists()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["x*w"], "no value for x, w; give each with --set"),
        (["x*w", "--set", "x=1", "w=2", "z=3"], "--set names not used as inputs: z"),
        (["x*w", "--set", "x=1", "w=two"], "--set w: 'two' is not a number"),
        (["x*w", "--set", "x=1", "x=2", "w=1"], "--set gives 'x' twice"),
        (["x*w", "--set", "x"], "--set expects NAME=VALUE"),
        (["x*w", "--set", "x=1", "w=inf"], "must be finite"),
        (["log(x)", "--set", "x=0"], "log: input (node 'x') must be > 0"),
        (["x/0", "--set", "x=1"], "division by zero"),
        (["x * 10.0**400", "--set", "x=1"], "too large"),
        (["x ** 9**9**9", "--set", "x=2"], "too large for a float"),
        (["x +", "--set", "x=1"], "cannot parse"),
        (["y = x; y*2", "--set", "x=1"], "only renames"),
        (["y = x*2; y = y*2", "--set", "x=1"], "assigned twice"),
        (["y*2; y = x", "--set", "x=1"], "only the last statement"),
        (["z = x*2", "--set", "x=1", "--highlight", "q"], "--highlight 'q': no such name; names: x, z"),
        (["z = x*2", "--set", "x=1", "--explain", "q"], "--explain 'q': no such name"),
        (["z = x*2", "--set", "x=1", "-o", "out.txt"], "use -o FILE.svg, .png, .pdf or .dot, or pass --format svg"),
        (["z = x*2", "--set", "x=1", "-o", "out.svg", "--dpi", "300"], "--dpi sets the pixels per inch of a PNG"),
        (["z = x*2", "--set", "x=1", "-o", "out.png", "--dpi", "5"], "--dpi must be from 10 to 600 pixels per inch"),
        (["z = x*2", "--set", "x=1", "--delay", "2"], "--delay is the seconds per frame of an animation"),
        (["z = x*2", "--set", "x=1", "--gif", "out.webm"], "use a .gif, .png (APNG) or .mp4 file name"),
        (["z = x*2", "--set", "x=1", "--gif", "out.gif", "--delay", "nan"], "--delay must be from 0.02 to 60 seconds"),
        (["z = x*2", "--set", "x=1", "-o", "/nonexistent-dir/out.svg"], "does not exist"),
        (["z = x*1", "--set", "x=1", "--max-nodes", "2"], "max_nodes=2"),
        (["z = x*2", "--set", "x=1", "--precision", "0"], "precision"),
        (["softplus"], "is a function: call it"),
        (["2 * 3"], "plain number"),
    ],
)
def test_errors_name_the_problem(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_too_many_paths_is_a_clear_error(capsys):
    expr = "a = x + x; b = a + a; c = b + b; d = c + c; e = d + d; f = e + e; g = f + f"
    code, _, err = run(capsys, expr, "--set", "x=1", "--explain", "x")
    assert code == 2 and "there are 128 paths" in err and "max_paths=128" in err
    code, out, _ = run(capsys, expr, "--set", "x=1", "--explain", "x", "--max-paths", "128")
    assert code == 0 and "engine's grad    x.grad = 128" in out


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["x", "--rankdir", "diagonal"])
    assert stop.value.code == 2


def test_an_unlabelled_root_has_one_name_in_values_grads_explanation_and_legend(capsys, tmp_path):
    code, out, err = run(capsys, "w1*x + b1", "--set", "w1=2", "x=3", "b1=1", "--explain", "w1",
                         "-o", str(tmp_path / "g.dot"))
    assert code == 0, err
    lines = out.splitlines()
    name = "(w1·x + b1)"
    assert lines[1] == f"{name} = {fmt(2 * 3 + 1)}"
    assert lines[2] == f"d{name}/dw1 = {fmt(3.0)}"
    assert f"d{name}/dw1 = sum over 1 path" in " ".join(out.split())
    assert "root" not in "\n".join(lines[1:])
    assert f"d{html.escape(name)}/d(node)" in (tmp_path / "g.dot").read_text(encoding="utf-8")
    # Too long to spell out: "root", everywhere.
    code, out, err = run(capsys, "softplus(x*w1 + b1)*w3*2 + x*x", "--set", "w1=2", "x=3", "b1=1", "w3=1",
                         "--explain", "w1")
    assert out.splitlines()[0].startswith("root = ") and "droot/dw1 = sum over" in " ".join(out.split())


@pytest.mark.parametrize(
    "argv, says",
    [
        (["--set", "x=1", "x*2"], "put --set after the expression"),
        (["x", "--precision", "abc"], "--precision: invalid int value: 'abc'"),
        (["x", "--rankdir", "diagonal"], "--rankdir: invalid choice"),
        (["x", "--no-such-option"], "unrecognized arguments: --no-such-option"),
    ],
)
def test_usage_errors_are_one_line_with_status_2(argv, says):
    done = subprocess.run([sys.executable, "-m", "viz", *argv], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("python -m viz: error: ")
    assert says in done.stderr


@pytest.mark.parametrize(
    "argv, hint",
    [
        ([], False),
        (["--bogus"], False),
        (["--compact"], False),
        (["--set", "x=1", "x*2"], True),
        (["--compact", "--set", "x=1", "x*2"], True),
        (["--se", "x=1", "x*2"], True),  # argparse's abbreviation of --set
    ],
)
def test_the_hint_about_set_comes_only_when_set_was_given(argv, hint):
    done = subprocess.run([sys.executable, "-m", "viz", *argv], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "required: expression" in done.stderr
    assert ("put --set after the expression" in done.stderr) == hint, done.stderr


def test_values_may_come_first_when_ended_by_two_dashes(capsys):
    code, out, err = run(capsys, "--set", "x=1.5", "--explain", "x", "--", "x*2")
    assert code == 0, err
    assert out.splitlines()[0] == f"(x·2) = {fmt(1.5 * 2)}"


def test_leading_spaces_and_indented_lines_are_not_an_error(capsys):
    code, out, err = run(capsys, " -x", "--set", "x=2", "--explain", "x")
    assert code == 0, err
    assert out.splitlines()[0] == f"(-x) = {fmt(-2.0)}"
    # The network typed over indented lines, as --help's example shows it.
    indented = "x1 = input*w1 + b1; y1 = softplus(x1);\n      " + NETWORK.split("y1 = softplus(x1); ", 1)[1]
    assert run(capsys, indented, "--set", *SETS, "--explain", "w1")[1] == run(capsys, NETWORK, "--set", *SETS,
                                                                              "--explain", "w1")[1]


def test_parse_assignments_is_public_and_reads_set_words():
    from viz.cli.command import parse_assignments

    assert parse_assignments(["w1=3.34", " x =0.5"]) == {"w1": 3.34, "x": 0.5}
    for words, says in ((["w1"], "NAME=VALUE"), (["w1=a"], "not a number"), (["a=1", "a=2"], "twice")):
        with pytest.raises(ExpressionError, match=says):
            parse_assignments(words)


def test_help_is_useful():
    done = subprocess.run([sys.executable, "-m", "viz", "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    for text in ("--set", "--explain", "--highlight", "--no-grads", "--precision", "--rankdir",
                 "--format", "softplus", "never eval", "examples:"):
        assert text in done.stdout


def test_the_module_runs_and_exits_2_on_error():
    done = subprocess.run([sys.executable, "-m", "viz", "x.y"], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "attribute access" in done.stderr and "Traceback" not in done.stderr


# ------------------------------------------------------------------ the reader itself


def test_the_reader_builds_the_same_numbers_as_a_hand_formula():
    prog = evaluate("y = -a**2 / (b - 1) + exp(a) * 3", {"a": 1.5, "b": 4.0})
    assert prog.assigned == ["y"] and prog.free == ["a", "b"]
    assert math.isclose(prog.root.data, -(1.5**2) / 3.0 + math.exp(1.5) * 3, rel_tol=1e-12)
    assert prog.root.label == "y" and prog.values["a"].label == "a"


def test_named_numbers_become_labelled_leaves():
    prog = evaluate("lr = 0.1; step = g * lr", {"g": 2.0})
    assert prog.values["lr"].label == "lr" and prog.values["lr"].data == 0.1
    assert prog.root.data == 2.0 * 0.1


def test_parse_lists_names_without_evaluating():
    prog = parse("u = a*b\nv = softplus(u) + c")
    assert prog.assigned == ["u", "v"] and prog.free == ["a", "b", "c"]
    with pytest.raises(ExpressionError, match="nested too deeply|cannot parse"):
        parse("(" * 3000 + "x" + ")" * 3000)
    with pytest.raises(ExpressionError, match="more than 10000"):
        parse("x+" * 6000 + "x")


def test_the_committed_figure_is_what_the_command_draws(capsysbinary):
    # The same command as docs/figures.sh; regenerate the figures with it when the drawing changes.
    from pathlib import Path

    docs = Path(__file__).resolve().parent.parent / "docs"
    network = (
        "x1 = input*w1 + b1; y1 = softplus(x1); x2 = input*w2 + b2; y2 = softplus(x2);\n"
        "predicted = y1*w3 + y2*w4 + b3; SSR = (observed - predicted)**2"
    )
    values = "input=0.5 observed=1 w1=3.34 b1=-1.43 w2=-3.53 b2=0.57 w3=-1.22 w4=-2.30 b3=0".split()
    title = "The drug-dosage network, one data point (input 0.5, observed 1), b3 = 0"
    script = (docs / "figures.sh").read_text(encoding="utf-8")
    assert network in script and "--compact --highlight w1" in script
    code = main([network, "--set", *values, "--compact", "--highlight", "w1", "--title", title,
                 "--format", "dot"])
    assert code == 0
    assert capsysbinary.readouterr().out.decode("utf-8") == (docs / "network.dot").read_text(encoding="utf-8")
    assert "<svg" in (docs / "network.svg").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "source, where",
    [
        # (source, the 1-based line and column of the offending character, found in the text)
        ("x  +* 2", None),
        ("   x +* 2", None),
        ("a = 1\n    b = (a +* 2)\nb", 2),
        ("a = 1;\n  b = 2\n\tc = a ** / b", 3),
    ],
)
def test_syntax_errors_point_at_the_line_and_column_as_typed(source, where):
    lines = source.splitlines()
    line = where or 1
    bad = "*" if "+*" in lines[line - 1] else "/"  # the unexpected token: '*' after '+', or '/' after '**'
    column = lines[line - 1].index("+*" if bad == "*" else "/") + (2 if bad == "*" else 1)
    expected = f"(line {line}, column {column})" if len(lines) > 1 else f"(column {column})"
    with pytest.raises(ExpressionError) as caught:
        parse(source)
    assert str(caught.value).endswith(expected), str(caught.value)
