"""Part 4: gradient descent, one step by hand, then the articles' training runs.

Run alone with ``python -m demos.gradient_descent``.

* One step by hand (Main Ideas: only b3 is trained, from b3 = 0, learning rate
  0.1): step size = dSSR/db3 x learning rate, new b3 = old b3 - step size; the
  first two steps, beside the published numbers.
* Training b3 alone with ``nn.train`` and the articles' stopping rule.
* Training w3, w4, b3 (Details Pt. 1): by the stopping rule, and for 1000 steps.
* Training all seven parameters (Details Pt. 2) at learning rate 0.1 and at
  0.02, a fixed number of steps each: at 0.1 the first steps overshoot and
  descent ends at another zero-SSR point; at 0.02 it ends at the published one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from demos import network as net
from demos._console import Console, Mismatch, check_close, check_published, cli, decimals_of, fixed
from demos._derivative import HAND_TOL
from nn import Ledger, train
from nn import statquest as sq

__all__ = ["HandStep", "hand_step", "run", "main"]

#: A trained network whose SSR is below this is counted as a zero-SSR solution.
ZERO_SSR = 1e-6


@dataclass(frozen=True)
class HandStep:
    """One gradient-descent step on b3, worked by hand and by the engine."""

    old: float
    predicted: list[float]
    hand_grad: float
    engine_grad: float
    step_size: float
    new: float


def hand_step(params: Mapping[str, float], lr: float) -> HandStep:
    """One step on b3: dSSR/db3 = sum of -2 (observed - predicted); new = old - dSSR/db3 x lr.

    The derivative is worked in plain floats and compared with the engine's
    ``grad`` (``Mismatch`` if they differ); the step uses the engine's number.
    """
    rows = net.forward_all(params)
    predicted = [f["predicted"] for _, _, f in rows]
    hand = sum(-2.0 * (obs - f["predicted"]) for _, obs, f in rows)
    graph = net.build(params)
    graph.ssr.backward()
    engine = graph.params["b3"].grad
    check_close("dSSR/db3 (one step by hand)", engine, hand, ("engine grad", "hand formula"),
                HAND_TOL)
    step_size = engine * lr
    return HandStep(params["b3"], predicted, hand, engine, step_size, params["b3"] - step_size)


def _show_hand_steps(con: Console) -> list[HandStep]:
    lr = sq.LEARNING_RATE
    published = sq.MAIN_IDEAS_STEPS
    count = "One step" if len(published) == 1 else f"The first {len(published)} steps"
    con.heading(f"{count} by hand: only b3, learning rate {lr:g}  (Main Ideas)")
    con.line("The other six parameters stay at the published optimum; b3 starts at 0.")
    params = dict(sq.MAIN_IDEAS_START)
    steps = []
    for k, (pub_grad, pub_size, pub_new) in enumerate(published, start=1):
        s = hand_step(params, lr)
        for what, value, pub in (("dSSR/db3", s.engine_grad, pub_grad),
                                 ("step size", s.step_size, pub_size), ("new b3", s.new, pub_new)):
            check_published(f"step {k}: {what}", value, pub, decimals_of(pub))
        terms = " + ".join(f"-2 ({fixed(o, 1)} - {fixed(p, 4, parens=True)})" for o, p in zip(sq.OBSERVED,
                                                                             s.predicted))
        con.line()
        con.line(f"Step {k}, at b3 = {fixed(s.old, 4)}:")
        con.line("  dSSR/db3  = sum of -2 (observed - predicted)")
        con.line(f"            = {terms}")
        con.line(f"            = {fixed(s.hand_grad, 4)}")
        con.line(f"  step size = dSSR/db3 x learning rate = {fixed(s.hand_grad, 4)} x {lr:g}"
                 f" = {fixed(s.hand_grad * lr, 4)}")
        con.line(f"  new b3    = old b3 - step size = {fixed(s.old, 4)} - {fixed(s.hand_grad * lr, 4, parens=True)}"
                 f" = {fixed(s.old - s.hand_grad * lr, 4)}")
        con.line()
        con.table(
            ["", "by hand", "engine", "published"],
            [
                ["dSSR/db3", fixed(s.hand_grad, 4), fixed(s.engine_grad, 4), f"{pub_grad:g}"],
                ["step size", fixed(s.hand_grad * lr, 4), fixed(s.step_size, 4), f"{pub_size:g}"],
                ["new b3", fixed(s.old - s.hand_grad * lr, 4), fixed(s.new, 4), f"{pub_new:g}"],
            ],
        )
        steps.append(s)
        params["b3"] = s.new
    return steps


def _show_b3_run(con: Console, hand: Sequence[HandStep]) -> Ledger:
    lr = sq.LEARNING_RATE
    con.heading(f"Training b3 alone with nn.train (learning rate {lr:g})")
    con.line(f"The articles' stopping rule: stop when the step size is below"
             f" {sq.MIN_STEP_SIZE:g},")
    con.line(f"or after {sq.MAX_STEPS} steps.")
    con.line()
    model = sq.network(sq.MAIN_IDEAS_START)
    ledger = train(model, list(sq.INPUTS), list(sq.OBSERVED), params=["b3"], lr=lr, compiled=True,
                   min_step_size=sq.MIN_STEP_SIZE, max_steps=sq.MAX_STEPS)
    for k, s in enumerate(hand):  # the training loop takes the steps worked by hand above
        check_close(f"step {k + 1}: new b3", ledger[k].new_values["b3"], s.new,
                    ("nn.train", "one step by hand"), HAND_TOL)
    shown = _pick(len(ledger), head=4, tail=2)
    rows: list[list[str]] = []
    for i in shown:
        if i is None:
            rows.append(["...", "", "", "", ""])
            continue
        r = ledger[i]
        rows.append([str(r.step), fixed(r.loss, 4), fixed(r.grads["b3"], 4),
                     fixed(r.step_sizes["b3"], 4), fixed(r.new_values["b3"], 4)])
    con.table(["step", "SSR", "dSSR/db3", "step size", "new b3"], rows, left=0)
    final = ledger.final_values["b3"]
    pub = sq.MAIN_IDEAS_FINAL_B3
    check_published("trained b3", final, pub, 2)
    con.line()
    con.line(f"  {len(ledger)} steps; final b3 = {fixed(final, 4)}, SSR = {fixed(_final_loss(ledger), 6)}"
             f"   published: b3 = {pub:g}")
    return ledger


def _show_output_layer_run(con: Console) -> dict[str, Ledger]:
    """Details Pt. 1: w3, w4, b3 trained at lr 0.1, by the stopping rule and for MAX_STEPS."""
    lr = sq.LEARNING_RATE
    trained = ["w3", "w4", "b3"]
    con.heading(f"Training w3, w4, b3 (Details Pt. 1, learning rate {lr:g})")
    start = ", ".join(f"{p} = {sq.DETAILS_1_START[p]:g}" for p in trained)
    con.line(f"From {start}, the hidden layer at the published optimum.")
    con.line()
    runs = {}
    for key, options in (("rule", dict(min_step_size=sq.MIN_STEP_SIZE, max_steps=sq.MAX_STEPS)),
                         ("fixed", dict(steps=sq.MAX_STEPS))):
        model = sq.network(sq.DETAILS_1_START)
        runs[key] = train(model, list(sq.INPUTS), list(sq.OBSERVED), params=trained, lr=lr, compiled=True,
                          **options)
    rows = []
    for key, what in (("rule", "stopping rule"), ("fixed", "fixed")):
        ledger = runs[key]
        final = ledger.final_values
        rows.append([f"{what}, {len(ledger)} steps", *[fixed(final[p], 3) for p in trained],
                     f"{ledger.final_loss:.1e}"])
    rows.append(["published", *[f"{sq.PUBLISHED_OPTIMUM[p]:.2f}" for p in trained], ""])
    con.table(["", *trained, "SSR"], rows)
    for p in trained:
        check_published(f"{p} trained for {sq.MAX_STEPS} steps", runs["fixed"].final_values[p],
                        sq.PUBLISHED_OPTIMUM[p], 2)
    con.line()
    con.paragraph(
        f"The stopping rule fires while the steps are small but the fit still improves"
        f" (every step size below {sq.MIN_STEP_SIZE:g}); {sq.MAX_STEPS} steps go on to"
        " the zero-SSR values that round to the published ones."
    )
    return runs


def _pick(n: int, head: int, tail: int, middle: Sequence[int] = ()) -> list[int | None]:
    """Row indices to show: the first ``head``, some ``middle`` ones, the last ``tail``; None = gap."""
    keep = sorted({*range(min(head, n)), *[m for m in middle if 0 <= m < n],
                   *range(max(n - tail, 0), n)})
    out: list[int | None] = []
    for a, b in zip([None, *keep], keep):
        if a is not None and b != a + 1:
            out.append(None)
        out.append(b)
    return out


def _run_all_seven(lr: float) -> Ledger:
    model = sq.network(sq.DETAILS_2_START)
    return train(model, list(sq.INPUTS), list(sq.OBSERVED), lr=lr, steps=sq.DETAILS_2_STEPS, compiled=True)


def _after_step(ledger: Ledger, k: int) -> dict[str, float]:
    """Parameter values after ``k`` steps (k = 0: the start)."""
    return dict(ledger.start) if k == 0 else ledger[k - 1].new_values


def _ssr_after(ledger: Ledger, k: int) -> float:
    """SSR after ``k`` steps: the loss the next step starts from (the final loss after the last)."""
    return ledger[k].loss if k < len(ledger) else _final_loss(ledger)


def _final_loss(ledger: Ledger) -> float:
    """The loss at the trained values (``train`` records it when it stops)."""
    if ledger.final_loss is None:
        raise Mismatch("training stopped without recording the final loss")
    return ledger.final_loss


def _show_all_seven(con: Console, ledger: Ledger) -> None:
    names = sq.PARAMETER_NAMES
    n = len(ledger)
    rows: list[list[str]] = []
    for k in _pick(n + 1, head=6, tail=1, middle=(100, 1000, 3000)):
        if k is None:
            rows.append(["...", *[""] * (len(names) + 1)])
            continue
        values = _after_step(ledger, k)
        rows.append([str(k), fixed(_ssr_after(ledger, k), 4), *[fixed(values[p], 3) for p in names]])
    con.table(["step", "SSR", *names], rows, left=0)


def run(con: Console) -> dict[str, Ledger]:
    """Print part 4; raise ``Mismatch`` if a step or a run disagrees with what it should give."""
    con.title("4. Gradient descent")
    con.line()
    con.lines(
        "Each step, for each parameter being trained:\n"
        "  step size = derivative x learning rate\n"
        "  new value = old value - step size"
    )
    hand = _show_hand_steps(con)
    con.pause()
    b3_ledger = _show_b3_run(con, hand)
    con.pause()
    _show_output_layer_run(con)
    con.pause()

    # A fixed number of steps at the articles' rate and at a smaller one: at the
    # smaller rate the step-size rule would stop on an early plateau.
    fast_lr, slow_lr = sq.LEARNING_RATE, sq.DETAILS_2_LEARNING_RATE
    fast, slow = _run_all_seven(fast_lr), _run_all_seven(slow_lr)
    start = ", ".join(f"{p} = {v:g}" for p, v in sq.DETAILS_2_START.items())
    for ledger in (fast, slow):
        con.heading(f"Training all seven at learning rate {ledger.lr:g}"
                    f" ({sq.DETAILS_2_STEPS} steps, Details Pt. 2)")
        if ledger is fast:
            con.line(f"From {start}.")
            con.line("Each row: the SSR and the parameters after that many steps.")
            con.line()
        _show_all_seven(con, ledger)
        con.pause()

    con.heading("Where they end, beside the published optimum")
    final_fast, final_slow = fast.final_values, slow.final_values
    rows = []
    for p in sq.PARAMETER_NAMES:
        rows.append([p, fixed(sq.DETAILS_2_START[p], 2), fixed(final_fast[p], 3),
                     fixed(final_slow[p], 3), f"{sq.PUBLISHED_OPTIMUM[p]:.2f}"])
    rows.append(["SSR", fixed(net.ssr_floats(sq.DETAILS_2_START), 4), f"{fast.final_loss:.1e}",
                 f"{slow.final_loss:.1e}", f"{net.ssr_floats(sq.PUBLISHED_OPTIMUM):.1e}"])
    con.table(["", "start", f"lr {fast_lr:g}", f"lr {slow_lr:g}", "published"], rows)
    # The articles publish the parameters to two decimals, not the SSR there.
    con.line("  (published SSR: computed here at the published values, rounded as they are)")
    for ledger in (fast, slow):
        if not _final_loss(ledger) < ZERO_SSR:
            raise Mismatch(f"all-seven training at lr {ledger.lr:g} ended with SSR"
                           f" {ledger.final_loss!r}, not a zero-SSR solution")
    for p in sq.PARAMETER_NAMES:
        check_published(f"{p} trained at lr {slow_lr:g}", final_slow[p],
                        sq.PUBLISHED_OPTIMUM[p], 2)
    # The parameters that end furthest from the published values, for the explanation.
    far = sorted(sq.PARAMETER_NAMES,
                 key=lambda p: -abs(final_fast[p] - sq.PUBLISHED_OPTIMUM[p]))[:2]
    far_text = ", ".join(f"{p} = {final_fast[p]:.2f} instead of {sq.PUBLISHED_OPTIMUM[p]:.2f}"
                         for p in far)
    con.line()
    con.ok(f"both runs end at SSR ~ 0; lr {slow_lr:g} at the published optimum"
           " (to two decimals)")
    _explain(con, fast, slow, far_text)
    con.pause()
    return {"b3": b3_ledger, "fast": fast, "slow": slow}


def _explain(con: Console, fast: Ledger, slow: Ledger, far: str) -> None:
    """Why lr 0.1 lands elsewhere, with the numbers from the two ledgers."""
    first = [fixed(_ssr_after(fast, k), 2) for k in range(5)]
    w3s = [fixed(_after_step(fast, k)["w3"], 2) for k in range(5)]
    b1_fast = fixed(_after_step(fast, 4)["b1"], 2)
    b1_slow = fixed(_after_step(slow, 4)["b1"], 2)
    overshoots = any(_ssr_after(fast, k + 1) > _ssr_after(fast, k) for k in range(4))
    con.heading(f"Why learning rate {fast.lr:g} lands elsewhere")
    con.paragraph(
        "Three data points and seven parameters: many settings fit the data exactly"
        " (SSR = 0), a whole valley of them, and gradient descent stops at the one"
        " its path reaches first."
    )
    if overshoots:
        con.line()
        con.paragraph(
            f"At {fast.lr:g} the first steps overshoot: SSR goes {' -> '.join(first)}"
            f" as w3 swings {' -> '.join(w3s)}, and these big steps move b1 to"
            f" {b1_fast} in four steps (at {slow.lr:g}: {b1_slow}). From there the path"
            f" runs down to another zero-SSR point: {far}. At {slow.lr:g} each step is small,"
            " SSR falls steadily, and the path ends where the articles' did."
        )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m demos.gradient_descent [--step]``: print part 4; 1 if a check fails."""
    return cli("demos.gradient_descent", __doc__, lambda con, args: run(con), argv)


if __name__ == "__main__":
    raise SystemExit(main())
