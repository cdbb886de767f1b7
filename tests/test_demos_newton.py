"""demos.newton (part 7): the numbers it prints, against hand formulas in plain floats and central differences."""

from __future__ import annotations

import math
import re

import pytest

from demos import newton as part
from tests.test_demos import (
    DETAILS_2,
    INPUTS,
    MAIN_IDEAS,
    NAMES,
    OBSERVED,
    assert_fits,
    descend,
    forward_pass,
    gradients,
    run,
    section,
)


def _hand_dssr_db3(b3: float) -> float:
    return sum(-2.0 * (o - forward_pass({**MAIN_IDEAS, "b3": b3}, x)["predicted"]) for x, o in zip(INPUTS, OBSERVED))


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    import io
    import sys
    from contextlib import redirect_stdout

    out = tmp_path_factory.mktemp("newton")
    buf = io.StringIO()
    stdin, sys.stdin = sys.stdin, io.StringIO("")
    try:
        with redirect_stdout(buf):
            rc = part.main(["--out", str(out)])
    finally:
        sys.stdin = stdin
    return rc, buf.getvalue(), out


def test_it_runs_fits_80_columns_and_writes_its_pictures(output):
    rc, text, out = output
    assert rc == 0
    assert_fits(text, out)
    assert (out / "gradient.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
    if (out / "newton.png").exists():
        assert (out / "newton.png").read_bytes().startswith(b"\x89PNG")
    else:
        assert "Skipped newton.png" in text


def test_the_second_derivative_of_ssr_in_b3_is_6_beside_the_hand_slope(output):
    text = section(output[1], "d²SSR/db3² from the engine")
    rows = re.findall(r"^\s+(-?\d+\.\d\d)\s+(-?\d+\.\d{4})\s+(\d\.\d{4})\s+6$", text, re.MULTILINE)
    assert [float(b) for b, _, _ in rows] == list(part.B3_VALUES)
    for b3, slope, second in rows:
        assert float(slope) == pytest.approx(_hand_dssr_db3(float(b3)), abs=5e-5)
        assert float(second) == 6.0
    assert "= 2 n = 2 x 3 = 6, for every b3" in text


def test_the_paths_of_the_second_derivative_sum_to_6(output):
    text = section(output[1], "d²SSR/db3² path by path: explain(dSSR/db3, b3)")
    paths = re.findall(r"path (\d), through dSSR/dpredicted\[(\d)\]: 1 × 2 × 1 = 2", text)
    assert paths == [("1", "1"), ("2", "2"), ("3", "3")]
    assert "sum over paths = 6" in text and "d(dSSR/db3)/db3" in text


def test_newtons_step_on_b3_and_descents_ten_are_the_hand_runs(output):
    text = section(output[1], "Newton's step on b3")
    g = _hand_dssr_db3(0.0)
    assert f"= 0 - ({g:.4f}) / 6 = {-g / 6:.4f}" in text
    rows = re.findall(r"^\s+(\d+)\s+(.*)\|(.*)$", text, re.MULTILINE)
    assert [int(k) for k, _, _ in rows] == list(range(1, 11))
    newton_rows = [r for r in rows if r[1].split()]
    assert len(newton_rows) == 2 and float(newton_rows[0][1].split()[2]) == pytest.approx(-g / 6, abs=5e-5)
    p = dict(MAIN_IDEAS)
    for _, _, right in rows:
        slope, size, new = map(float, right.split())
        hand = _hand_dssr_db3(p["b3"])
        p["b3"] -= 0.1 * hand
        assert (slope, size, new) == pytest.approx((hand, 0.1 * hand, p["b3"]), abs=5e-5)


def test_the_hessian_at_details_2_is_the_central_difference_of_the_hand_gradient(output):
    text = section(output[1], "All seven parameters (Details Pt. 2's start)")
    h = 1e-5
    for name in NAMES:
        (line,) = re.findall(rf"^  {name}\s+(.*)$", text, re.MULTILINE)
        cells = [float(c) for c in line.split()]
        up, down = dict(DETAILS_2), dict(DETAILS_2)
        up[name] += h
        down[name] -= h
        gu, gd = gradients(up), gradients(down)
        for other, cell in zip(NAMES, cells):
            assert cell == pytest.approx((gu[other] - gd[other]) / (2 * h), abs=0.006), (name, other)
    assert "not positive definite (Cholesky's pivot for w3" in " ".join(text.split())
    steps = dict(re.findall(r"^  (gradient descent, lr 0\.1|Newton, adaptive=True)\s+(\d+)", text, re.MULTILINE))
    assert int(steps["gradient descent, lr 0.1"]) == 472 and int(steps["Newton, adaptive=True"]) < 30
    # lr 0.1 by the stop rule, by hand in floats: it stops at 472 steps too
    before = descend(DETAILS_2, 0.1, 471)  # the 472nd step is the first whose step sizes are all < 0.001
    assert max(abs(0.1 * g) for g in gradients(before).values()) < 0.001
    assert max(abs(0.1 * g) for g in gradients(descend(DETAILS_2, 0.1, 470)).values()) >= 0.001
    assert math.isfinite(float(re.findall(r"Newton, adaptive=True\s+\d+\s+(\S+)", text)[0]))


def test_a_wrong_second_derivative_fails_the_part(capsys, monkeypatch):
    monkeypatch.setattr(part, "second_derivative", lambda b3: (0.0, 5.999))
    rc, out, err = run(part, ["--no-graph"], capsys, monkeypatch)
    assert rc == 1 and "MISMATCH" in err and "the hand derivation 6" in err


def test_no_graph_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rc, out, _ = run(part, ["--no-graph"], capsys, monkeypatch)
    assert rc == 0 and "Pictures" not in out and not list(tmp_path.iterdir())
