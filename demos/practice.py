"""``python -m demos.practice``: compute a gradient of the articles' network by hand, one number at a time.

The questions come from the engine's graph (``viz.practice.questions``): first the forward
values of a data point, then each chain-rule factor on the gradient's path, the
product, and the sum over the data. An answer is a number (right within 1 %, or to
the 4 decimals shown) or a formula in the point's names (``sigmoid(x1)``,
``-2*(observed - predicted)``; the sum's formula is checked by ``viz.practice.check``). A
wrong answer gets a hint naming the factor and its rule, and one more try; then the
answer is shown. Answers come one per line from the terminal or a pipe; the run
always ends with ``score: K/N`` (questions not reached count as unanswered) and
exit status 0 (130 after Ctrl-C); a usage error is one line and status 2.
"""

from __future__ import annotations

import argparse
import random
import sys
import textwrap
from collections.abc import Sequence
from typing import NamedTuple, TextIO

from demos import network as net
from demos._options import OneLineParser, UsageError, finite_loss, parse_set
from engine import Value
from nn.statquest import INPUTS, PARAMETER_NAMES
from viz.chainrule.numbers import fmt
from viz.chainrule.visible import visible_text
from viz.cli.run import run_command
from viz.practice.check import check
from viz.practice.hand_formula import FormulaError, read_formula
from viz.practice.questions import SHOWN_DECIMALS, Question, Quiz, make_questions

__all__ = ["main", "draw_point", "ask", "Answer", "Score"]

PROG = "python -m demos.practice"

EPILOG = f"""\
The questions, for dSSR/dNAME: the forward values of a data point (x1, y1, x2,
y2, predicted), each chain-rule factor on the gradient's path there, their
product, and the sum over the data. They are made from the engine's graph.

The seed picks the parameters (each from a standard normal, to 2 decimals, as
the articles drew w3 and w4), the parameter whose gradient is asked and the data
point; --set, --param and --point replace its choices.

Answers, one per line: a number (right within 1 %, or to {SHOWN_DECIMALS} decimals) or a
formula in the point's names (sigmoid(x1), -2*(observed - predicted)*y1 ...).
A wrong answer gets a hint and one more try. Reads a terminal or a pipe:
  printf '2.095\\n2.2\\n' | {PROG}
The last line is always 'score: K/N' (questions not reached count as
unanswered); the exit status is 0 (130 after Ctrl-C), or 2 for a usage error.
"""


def build_parser() -> OneLineParser:
    p = OneLineParser(prog=PROG, description="Practise backpropagation on the articles' network, with feedback.",
                      epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=1, metavar="N",
                   help="pick the parameters, gradient and point (default 1)")
    p.add_argument("--set", dest="assignments", metavar="NAME=VALUE", nargs="+", action="extend", default=[],
                   help="a parameter's value (w1..w4, b1..b3), instead of the seed's")
    p.add_argument("--param", metavar="NAME",
                   help=f"the gradient to derive: dSSR/dNAME, NAME one of {', '.join(PARAMETER_NAMES)}")
    p.add_argument("--point", metavar="K", help=f"the data point to work through, 1..{len(INPUTS)}, or 'all'")
    return p


def draw_point(seed: int) -> tuple[dict[str, float], str, int]:
    """The seed's parameters (standard normal, 2 decimals), parameter and data point (from 1)."""
    rng = random.Random(seed)
    values = {n: round(rng.gauss(0.0, 1.0), 2) + 0.0 for n in PARAMETER_NAMES}  # + 0.0: no -0.0
    return values, rng.choice(PARAMETER_NAMES), rng.randint(1, len(INPUTS))


class Answer(NamedTuple):
    """A line of input: its ``text`` (stripped), and whether it was ``readable`` text in the input's
    encoding (when not, ``text`` shows the bytes that were not as ``\\xNN``)."""

    text: str
    readable: bool = True


def _readline(inp: TextIO) -> Answer:
    """One line of ``inp`` ("" at its end). Read as bytes where the stream has them and decoded here:
    a text stream decodes its whole read-ahead at once, so one bad byte would lose every line after it."""
    buffer = getattr(inp, "buffer", None)
    encoding = getattr(inp, "encoding", None) or "utf-8"
    if buffer is not None and callable(getattr(buffer, "readline", None)):
        raw = buffer.readline()
        try:
            return Answer(raw.decode(encoding))
        except UnicodeDecodeError:
            return Answer(raw.decode(encoding, "backslashreplace") or "\n", readable=False)
    try:
        return Answer(inp.readline())
    except UnicodeDecodeError as err:  # a text stream without bytes beneath: this read is lost
        return Answer(err.object[err.start:err.end].decode("latin-1").encode("unicode_escape").decode() + "\n",
                      readable=False)


def _read(inp: TextIO, out: TextIO, echo: bool) -> Answer | None:
    """One answer line (None at the end of the input); echoed when it does not come from a terminal,
    control characters as escapes (an answer cannot clear the screen)."""
    out.flush()
    line = _readline(inp)
    if not line.text:
        print(file=out)
        return None
    answer = Answer(line.text.strip(), line.readable)
    if echo:
        print(visible_text(answer.text), file=out)
    return answer


def _judge(q: Question, answer: str, root: Value, param: str) -> tuple[bool, str]:
    """(right, a note on the answer): a number within the tolerance, or a formula worth it."""
    if not answer:
        return False, "no answer"
    try:
        return q.accepts(float(answer)), ""
    except ValueError:
        pass
    try:
        if q.kind == "sum":
            return check(root, param, answer).agrees, ""
        value = read_formula(answer, q.values).value(q.values)
    except FormulaError as err:
        return False, f"cannot read that: {' '.join(str(err).split())}"
    return q.accepts(value), f"your formula gives {fmt(value, 6)}"


def _say(out: TextIO, text: str) -> None:
    """Feedback under the question, indented, within 80 columns."""
    for line in textwrap.wrap(text, 80, initial_indent=" " * 6, subsequent_indent=" " * 8,
                              break_long_words=False, break_on_hyphens=False):
        print(line, file=out)


class Score(NamedTuple):
    """How a session went: ``right`` of ``questions``; ``interrupted`` by Ctrl-C."""

    right: int
    questions: int
    interrupted: bool = False


def ask(quiz: Quiz, root: Value, inp: TextIO, out: TextIO, *, echo: bool = False) -> Score:
    """Ask each question (two tries each). Stops at the end of the input, or at Ctrl-C."""
    n = len(quiz.questions)
    score = 0
    for k, q in enumerate(quiz.questions, 1):
        print(file=out)
        print(f"{k}/{n}  {q.prompt} = ", end="", file=out)
        for attempt in (1, 2):
            try:
                answer = _read(inp, out, echo)
            except KeyboardInterrupt:
                print(file=out)
                return Score(score, n, interrupted=True)
            if answer is None:
                left = n - k + 1
                print(f"(the input ended: {left} question{'s' if left > 1 else ''} not answered)", file=out)
                return Score(score, n)
            if answer.readable:
                right, note = _judge(q, answer.text, root, quiz.param)
            else:
                encoding = getattr(inp, "encoding", None) or "utf-8"
                right, note = False, f"cannot read that: the line is not {encoding} text"
            shown = fmt(q.expected, 6)
            if right:
                score += 1
                print(f"      right: {shown}" + (f" = {q.formula}" if q.formula else ""), file=out)
                break
            wrong = "not quite" + (f" ({note})" if note else "")
            if attempt == 1:
                _say(out, f"{wrong}. Hint: {q.hint}")
                print("      one more try = ", end="", file=out)
            else:
                _say(out, f"{wrong}. The answer: {shown}" + (f" = {q.formula}" if q.formula else ""))
    return Score(score, n)


def main(argv: Sequence[str] | None = None, *, inp: TextIO | None = None, out: TextIO | None = None) -> int:
    """Run a practice session; 0 (whatever the score), 2 for a usage error."""
    inp = sys.stdin if inp is None else inp
    out = sys.stdout if out is None else out
    if inp is None:  # python -m demos.practice <&-
        raise ValueError("standard input is closed; practice reads your answers from it")
    args = build_parser().parse_args(argv)
    try:
        values, param, point = draw_point(args.seed)
        values.update(parse_set(args.assignments))
        if args.param is not None:
            param = args.param.strip().lower()
            if param not in PARAMETER_NAMES:
                raise UsageError(f"--param {args.param}: choose one of {', '.join(PARAMETER_NAMES)}")
        points: list[int] | None = [point]
        if args.point is not None:
            if args.point.strip().lower() == "all":
                points = None
            elif args.point.strip().isdigit() and 1 <= int(args.point) <= len(INPUTS):
                points = [int(args.point)]
            else:
                raise UsageError(f"--point {args.point}: give a data point 1..{len(INPUTS)} or 'all'")
        graph = net.build(values)
        finite_loss(graph.ssr.data)
    except UsageError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 2
    quiz = make_questions(graph.ssr, param, points=points)
    print(f"Practice: {quiz.gradient} of the articles' network, one number at a time.", file=out)
    print("Parameters: " + ", ".join(f"{n} = {fmt(values[n], 6)}" for n in PARAMETER_NAMES), file=out)
    for k in quiz.asked:
        data = ", ".join(f"{n} = {fmt(v, 6)}" for n, v in quiz.data[k - 1].items())
        print(f"Data point {k}: {data}", file=out)
    print(f"Answer with a number (within 1 %, or to {SHOWN_DECIMALS} decimals) or a formula;", file=out)
    print("a wrong answer gets a hint and one more try.", file=out)
    isatty = getattr(inp, "isatty", None)
    score = ask(quiz, graph.ssr, inp, out, echo=not (isatty and isatty()))
    print(file=out)
    print(f"score: {score.right}/{score.questions}", file=out)
    return 130 if score.interrupted else 0


if __name__ == "__main__":
    raise SystemExit(run_command(PROG, main))
