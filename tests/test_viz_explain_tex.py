"""explain(..., format="latex" / "markdown"): slide-ready derivations.

The numbers in the LaTeX are checked against the articles' hand formula for
dSSR/dw1 (tests.articles-free: written out here in plain floats); pdflatex,
where installed, compiles the output, hostile labels included.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import unicodedata

import pytest

from demos import network as net
from engine import Value
from nn import MLP
from nn import statquest as sq
from tests.hostile_library import HOSTILE_LABELS
from viz import explain
from viz.chainrule.latex import tex_formula, tex_name, tex_number, to_latex, to_markdown
from viz.chainrule.tex_text import wrap_tex


def articles_w1():
    g = net.build(sq.DETAILS_2_START)
    g.ssr.backward()
    return explain(g.ssr, g.params["w1"])


def hand_w1_terms(p):
    """Each data point's -2 (observed - predicted) x w3 x sigmoid(x1) x input, in plain floats."""
    out = []
    for dose, observed in zip(sq.INPUTS, sq.OBSERVED):
        f = net.forward_floats(p, dose)
        out.append(-2 * (observed - f["predicted"]) * p["w3"] / (1 + math.exp(-f["x1"])) * dose)
    return out


def test_latex_paths_carry_the_hand_formulas_numbers():
    text = articles_w1().latex()
    assert text.startswith("\\begin{align*}\n") and text.endswith("\\end{align*}")
    products = [line for line in text.splitlines() if re.fullmatch(r"&\\qquad = \S+ \\\\", line)]
    hand = hand_w1_terms(sq.DETAILS_2_START)
    assert len(products) == 3
    for line, h in zip(products, hand):
        assert float(line.split()[2]) == pytest.approx(h, rel=5e-3, abs=1e-12)
    last = text.splitlines()[-2]
    assert last.startswith(r"\frac{\partial \mathrm{SSR}}{\partial w_{1}} &= 0 + (-0.0407) + 0.802 = 0.761")
    assert f"{sum(hand):.3g}" == "0.761"
    formula = (r"= -2 \cdot (\mathrm{observed} - \mathrm{predicted}) \times w_{3} \times \sigma(x_{1})"
               r" \times \mathrm{input}")
    assert formula in text
    assert "(agree)" in text
    assert text.isascii()


def test_format_argument_and_methods_agree():
    g = net.build(sq.DETAILS_2_START)
    g.ssr.backward()
    e = explain(g.ssr, "w1")
    assert explain(g.ssr, "w1", format="latex") == e.latex() == to_latex(e)
    assert explain(g.ssr, "w1", format="markdown") == e.markdown() == e._repr_markdown_() == to_markdown(e)
    assert explain(g.ssr, "w1", format="text") == str(e)


def test_markdown_is_a_sentence_math_and_the_check():
    md = articles_w1().markdown()
    intro, math_block, check = md.strip().split("\n\n")
    assert intro.startswith("`dSSR/dw1` is the sum over 3 paths from `SSR` down to `w1`")
    assert math_block.startswith("$$\n\\begin{aligned}\n") and math_block.endswith("\\end{aligned}\n$$")
    assert check == "Sum over paths: 0.761; engine's `w1.grad` = 0.761 (agree)."


NAMES = [
    ("w1", "w_{1}"),
    ("b", "b"),
    ("x1[2]", "x_{1}[2]"),
    ("predicted", r"\mathrm{predicted}"),
    ("SSR", r"\mathrm{SSR}"),
    ("sq[3]", r"\mathrm{sq}[3]"),
    ("my_var", r"\mathrm{my\_var}"),
    ("(a·3)", r"\text{(a\textperiodcentered{}3)}"),
    ("50% & $x_{1}^~#\\", r"\text{50\% \& \$x\_\{1\}\textasciicircum{}\textasciitilde{}\#\textbackslash{}}"),
    # An underscore is text, never math's subscript.
    ("_", r"\mathrm{\_}"),
    ("_1", r"\mathrm{\_}_{1}"),
    ("x_1", r"\mathrm{x\_}_{1}"),
    # A blank line would end the equation; control characters are shown as their escapes.
    ("a\n\nb", r"\text{a\textbackslash{}n\textbackslash{}nb}"),
    ("\x00\x7f", r"\text{\textbackslash{}u0000\textbackslash{}u007f}"),
    # Accents as commands, by the composed letter or by a combining mark; Greek as math.
    ("é", r"\text{\'{e}}"),
    ("e\u0301", r"\text{\'{e}}"),
    ("x\u0302", r"\text{\^{x}}"),
    ("ï", r"\text{\"{\i}}"),
    ("ǖ", r"\text{\={\"{u}}}"),
    ("αβ", r"\text{$\alpha${}$\beta$}"),
    # What OT1 would print as other glyphs, and ligatures kept apart.
    ("a<b>|", r"\text{a\textless{}b\textgreater{}\textbar{}}"),
    ("--", r"\text{-{}-}"),
    # No glyph in pdflatex's fonts: the Python escape.
    ("😀", r"\text{\textbackslash{}U0001f600}"),
    ("ą", r"\text{\textbackslash{}u0105}"),
    ("\u0301", r"\text{\textbackslash{}u0301}"),
    # As long as a drawing's box allows (MAX_NAME = 60), then an ellipsis.
    ("a" * 100, r"\text{" + "a" * 59 + r"\dots{}}"),
]


@pytest.mark.parametrize("name, tex", NAMES)
def test_tex_name(name, tex):
    assert tex_name(name) == tex


@pytest.mark.parametrize("name, tex", [("é", r"\text{é}"), ("😀", r"\text{😀}"),
                                       ("a\n\nb", r"\text{a\textbackslash{}n\textbackslash{}nb}"),
                                       ("$\x00", r"\text{\$\textbackslash{}u0000}")])
def test_tex_name_for_mathjax_keeps_unicode(name, tex):
    assert tex_name(name, pdflatex=False) == tex


FORMULAS = [
    ("-2·(observed - predicted)", r"-2 \cdot (\mathrm{observed} - \mathrm{predicted})"),
    ("sigmoid(x1)", r"\sigma(x_{1})"),
    ("sigmoid(a)·(1 - sigmoid(a))", r"\sigma(a) \cdot (1 - \sigma(a))"),
    ("1 - tanh(h)^2", r"1 - \tanh(h)^{2}"),
    ("b·a^(b - 1)", r"b \cdot a^{b - 1}"),
    ("a^b·ln a", r"a^{b} \cdot \ln a"),
    ("1/(x + y)", r"1/(x + y)"),
    ("-a/b^2", r"-a/b^{2}"),
    ("exp(x)", r"\exp(x)"),
    ("[x1 > 0]", r"[x_{1} > 0]"),
    ("3·u^1.5", r"3 \cdot u^{1.5}"),
]


@pytest.mark.parametrize("formula, tex", FORMULAS)
def test_tex_formula(formula, tex):
    assert tex_formula(formula) == tex


@pytest.mark.parametrize("x, tex", [(1.5e-5, r"1.5 \times 10^{-5}"), (-0.0407, "-0.0407"), (0.0, "0"),
                                     (math.inf, r"\infty"), (-math.inf, r"-\infty"), (math.nan, r"\mathrm{NaN}"),
                                     (2.5e21, r"2.5 \times 10^{21}")])
def test_tex_number(x, tex):
    assert tex_number(x) == tex


# Hostile input: (call, error type, words the message holds).
BAD = [
    (lambda e, r: explain(r, "a", format="pdf"), ValueError, "explain: format must be one of 'text', 'latex'"),
    (lambda e, r: explain(r, "a", format=1), ValueError, "got 1"),
    (lambda e, r: to_latex("not an explanation"), TypeError, "to_latex: expected an Explanation"),
    (lambda e, r: to_markdown(None), TypeError, "to_markdown: expected an Explanation (from explain), got NoneType"),
]


@pytest.mark.parametrize("call, kind, words", BAD, ids=[row[2][:40] for row in BAD])
def test_bad_input(call, kind, words):
    a = Value(2.0, "a")
    r = (a * a).relabel("r")
    r.backward()
    with pytest.raises(kind) as info:
        call(explain(r, a), r)
    assert words in str(info.value)


def hostile_graph():
    """Labels with every LaTeX special character, a root that is its own leaf, several paths."""
    a = Value(0.7, "a$%&_{}#^~\\")
    b = Value(-1.3, "b2")
    c = (a * b + a.tanh() / b).relabel("c")
    d = (c.sigmoid() ** 2 - c.exp() + (a ** b.exp())).relabel("loss [1]")
    d.backward()
    return d, a, b, c


needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None,
                                    reason="pdflatex is not installed (texlive-latex-base)")


def pdflatex(tmp_path, blocks: list[str], what: list[str]) -> None:
    """Compile the blocks on a page (the preamble a slide needs: amsmath); fail naming the block
    (``what[k]``) that holds the first TeX error."""
    head = "\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage[landscape,margin=1cm]{geometry}\n"
    doc, starts = head + "\\begin{document}\n", []
    for block in blocks:
        starts.append(doc.count("\n") + 1)
        doc += block + "\n"
    doc += "\\end{document}\n"
    assert doc.isascii()  # pdflatex reads it whatever its input encoding
    (tmp_path / "slide.tex").write_text(doc, encoding="ascii")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "slide.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300, errors="replace")
    log = (tmp_path / "slide.log").read_text(encoding="latin-1")
    where = re.search(r"^l\.(\d+)", log, re.MULTILINE)
    culprit = what[max(k for k, start in enumerate(starts) if start <= int(where.group(1)))] if where else "?"
    assert run.returncode == 0 and "! " not in log, f"in the block of {culprit}: {log[-2000:]}"
    assert (tmp_path / "slide.pdf").stat().st_size > 1000


@needs_pdflatex
def test_pdflatex_compiles_the_output(tmp_path):
    d, a, b, c = hostile_graph()
    blocks = [articles_w1().latex(), explain(d, a, format="latex"), explain(d, b, format="latex"),
              explain(c, c, format="latex"), explain(d, "loss [1]", format="latex")]
    pdflatex(tmp_path, blocks, ["articles", "a", "b", "c", "loss [1]"])


def label_graph(label: str):
    """A graph whose leaf, middle and root carry ``label`` (the middle with a suffix), the leaf also
    inside a formula (tanh); the root reached by two paths."""
    leaf = Value(0.5, label)
    middle = (leaf * leaf.tanh()).relabel(label + "2")
    root = (middle.exp() + leaf).relabel(label)
    root.backward()
    return root, middle, leaf


@needs_pdflatex
def test_pdflatex_compiles_every_hostile_label(tmp_path):
    blocks, what = [], []
    for label in HOSTILE_LABELS:
        root, middle, leaf = label_graph(label)
        for node in (leaf, middle):
            text = explain(root, node, format="latex")
            assert text.isascii() and max(map(len, text.split("\n"))) <= 1000, repr(label[:20])
            blocks.append(text)
            what.append(repr(label[:40]))
    # A learner's own graph: an MLP's parameters (L1.n1.w1 ...), and an expression with no labels.
    model = MLP(1, [2, 1], activations=("softplus", "linear"), seed=3)
    loss = (model(0.5) - 1.0) ** 2
    loss.backward()
    x = Value(0.3)
    y = x.sigmoid() * x + x
    y.backward()
    blocks += [explain(loss, model.parameters()[0], format="latex"), explain(y, x, format="latex")]
    what += ["MLP", "no labels"]
    pdflatex(tmp_path, blocks, what)


@pytest.mark.parametrize("label", HOSTILE_LABELS, ids=[repr(label[:12]) for label in HOSTILE_LABELS])
def test_markdown_keeps_every_hostile_label_on_its_lines(label):
    root, middle, leaf = label_graph(label)
    md = explain(root, leaf, format="markdown")
    intro, math_block, check = md.strip().split("\n\n")  # no blank line but between the three parts
    rows = math_block.split("\n")
    assert rows[:2] == ["$$", "\\begin{aligned}"] and rows[-2:] == ["\\end{aligned}", "$$"]
    assert all(row.endswith(" \\\\") for row in rows[2:-3])  # each row of the derivation on one line
    # No control character (shown as escapes), no line separator, nothing UTF-8 cannot hold.
    assert all(ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cs", "Zl", "Zp") for ch in md)
    md.encode("utf-8")


def test_long_lines_are_broken_where_tex_reads_nothing():
    text = r"\frac{\partial " + r"\text{" + r"\textbackslash{}" * 400 + "}" + r" \alpha" * 300 + "} x"
    wrapped = wrap_tex(text)
    assert wrapped.replace("%\n", "") == text
    lines = wrapped.split("\n")
    assert len(lines) > 1 and all(len(line) <= 1000 for line in lines)
    for line in lines[:-1]:  # each cut: after no backslash and inside no command name, before no space
        assert line.endswith("%") and not line.endswith("\\%")
        assert not re.search(r"\\[A-Za-z]*%$", line)
    assert all(not line.startswith(" ") for line in lines[1:])


def test_sums_and_signs_inside_products_get_brackets():
    h, w = Value(0.5, "h"), Value(2.0, "w")
    t = h.tanh().relabel("t")
    y = (t * w + w / t).relabel("y")
    y.backward()
    text = explain(y, h, format="latex")
    assert r"&\qquad = w \times (1 - \tanh(h)^{2}) \\" in text
    # A sign on the first factor reads right without brackets.
    assert r"&\qquad = -w/t^{2} \times (1 - \tanh(h)^{2}) \\" in text
    # After a ×, a sign gets them.
    b, c = Value(1.5, "b"), Value(3.0, "c")
    u = (c / b).relabel("u")
    v = (u * c).relabel("v")
    v.backward()
    assert r"&\qquad = c \times (-c/b^{2}) \\" in explain(v, b, format="latex")


def test_latex_and_markdown_end_with_their_last_line_not_a_blank_one(capsys):
    # print(explain(..., format="latex")) once ended with an empty line: the text ends at \end{align*}.
    w, x = Value(3.34, "w1"), Value(0.5, "x")
    y = (w * x).softplus().relabel("y")
    y.backward()
    tex, md = explain(y, w, format="latex"), explain(y, w, format="markdown")
    assert tex.endswith("\\end{align*}") and not tex.endswith("\n")
    assert md.endswith("(agree).") and not md.endswith("\n")
    print(tex)
    assert capsys.readouterr().out.endswith("\\end{align*}\n")
