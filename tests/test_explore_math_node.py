"""The explorer page's arithmetic (viz/page/static/explore-math.js) run by node: the engine's floats, bit for bit.

The page recomputes the graph when a value is edited, with ``CG.rule(op)`` -
the same forward rule and local derivatives as ``engine/value.py``. Here node
runs that script on the cases below and prints each result's 64 bits, which
must be those of the engine's eager operator (``Value(a) ** n`` ...). The
cases are ones where every libm gives the same correctly rounded results
(powers of +-1, 0 and small integers), so a difference is one of formula or
branch, not of the platform's ``Math.pow``.
"""

import json
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from engine import Value
from engine.numeric import power_name

NODE = shutil.which("node")
SCRIPT = Path(__file__).resolve().parents[1] / "viz" / "page" / "static" / "explore-math.js"

# Reads the page's script as the page does (a plain script defining CG), then
# the cases on stdin: [[op, [input data as Python repr]], ...]; prints
# [[data bits, [local bits ...]] or the DomainError's message, ...] as hex strings.
HARNESS = r"""
const fs = require("fs"), vm = require("vm");
vm.runInThisContext(fs.readFileSync(process.argv[1], "utf8") + "\nglobalThis.CG = CG;");
const view = new DataView(new ArrayBuffer(8));
const hex = x => { view.setFloat64(0, x); return view.getBigUint64(0).toString(16).padStart(16, "0"); };
const cases = JSON.parse(fs.readFileSync(0, "utf8"));
const out = cases.map(([op, ins]) => {
  try {
    const r = CG.rule(op)(ins.map(d => ({ data: Number(d), label: null })), null);
    return [hex(r.data), r.locals.map(hex)];
  } catch (e) {
    return e.message;
  }
});
process.stdout.write(JSON.stringify(out));
"""


def hexbits(x):
    return struct.pack(">d", x).hex()


def run_page(cases):
    done = subprocess.run([NODE, "-e", HARNESS, str(SCRIPT)], input=json.dumps(cases), capture_output=True,
                          text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def engine_result(op, ins):
    a = Value(ins[0])
    out = a ** (Value(ins[1]) if op == "**" else ins[1])
    return [hexbits(out.data), [hexbits(g) for g in out.local_grads]]


POWERS = [  # (base, exponent): x ** n, n in the op name
    (-1.0, 2.0**54), (-1.0, -(2.0**54)), (-1.0, 2.0**53 + 2), (-1.0, 1e300), (-0.5, 2.0**54),
    (0.0, 2.0**54), (1.0, 2.0**54), (-1.0, 2.0**53), (-1.0, 2.0**53 - 1), (-2.0, 3.0), (3.0, 2.0),
    (-3.0, -1.0), (0.0, 1.0), (0.0, 2.0), (-1.0, 0.0), (2.0, -2.0),
]
VALUE_POWERS = [(1.0, 2.0**54), (0.5, 2.0**54), (1.0, -(2.0**54)), (2.0, 3.0), (4.0, 0.5), (2.0, -1.0)]


@pytest.mark.skipif(NODE is None, reason="needs node (Debian's nodejs) to run the page's script")
def test_the_pages_powers_are_the_engines_bit_for_bit():
    cases = [(power_name(n), [repr(a), repr(n)]) for a, n in POWERS]
    cases += [("**", [repr(a), repr(b)]) for a, b in VALUE_POWERS]
    got = run_page([[op, ins[:1] if op != "**" else ins] for op, ins in cases])
    want = [engine_result(op, [float(x) for x in ins]) for op, ins in cases]
    assert got == want
    # The hand formula of the huge-exponent case: (-1) ** 2**54 = 1, d/da = 2**54 * (1 / -1).
    assert got[0] == [hexbits(1.0), [hexbits(-(2.0**54))]]
    assert got[4][1] == [hexbits(-0.0)]  # 2**54 * (0.0 / -0.5): the sign of the odd power a^(n-1)


@pytest.mark.skipif(NODE is None, reason="needs node (Debian's nodejs) to run the page's script")
def test_the_pages_domain_errors_are_the_engines():
    cases = [("**-1", ["0.0"]), ("**0.5", ["-4.0"]), ("**", ["-1.0", "2.0"])]
    got = run_page(cases)
    for (op, ins), message in zip(cases, got):
        a = Value(float(ins[0]))
        with pytest.raises(ArithmeticError if op == "**-1" else ValueError) as err:
            a ** (Value(float(ins[1])) if op == "**" else float(op[2:]))
        assert message == str(err.value)
