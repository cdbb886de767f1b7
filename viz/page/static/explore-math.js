/* chaingrad explorer: the engine's arithmetic and number formats in JavaScript.
 *
 * CG.OPS holds, for every op the engine records in Value.op, its forward rule and
 * its local derivatives: OPS[op](inputs, node) -> {data, locals}, the same float
 * operations as engine/value.py (stable softplus and sigmoid included), so that the
 * page's numbers equal the engine's to the last bits the platform's Math allows.
 * A domain error (log of a non-positive number ...) throws DomainError with the
 * engine's message.
 *
 * The formatters print numbers as the Python side does: fmt = viz's drawing format,
 * formatNumber = the replay's format (Python's "{:.Ng}"), pyRepr = Python's repr(float),
 * with round-half-even ties as Python's float formatting has them.
 */
var CG = (function () {
  "use strict";

  function DomainError(message) {
    this.name = "DomainError";
    this.message = message;
  }
  DomainError.prototype = Object.create(Error.prototype);

  // ---------------------------------------------------------------- number text

  // |x| rounded to p significant digits, ties to even: {digits: "ddd" (p of them), exp: X}
  // for |x| = d.dd x 10^X. toExponential(99) gives the exact leading digits of the double
  // (100 of them), from which the tie is decided as Python decides it.
  function roundDigits(x, p) {
    var s = Math.abs(x).toExponential(99);
    var e = s.indexOf("e");
    var exp = parseInt(s.slice(e + 1), 10);
    var all = s.charAt(0) + s.slice(2, e);
    var head = all.slice(0, p).split("");
    var tail = all.slice(p);
    var up = false;
    if (tail.length) {
      var first = tail.charCodeAt(0) - 48;
      if (first > 5) {
        up = true;
      } else if (first === 5) {
        up = /[1-9]/.test(tail.slice(1)) || (head[p - 1].charCodeAt(0) - 48) % 2 === 1;
      }
    }
    if (up) {
      var i = p - 1;
      while (i >= 0 && head[i] === "9") { head[i] = "0"; i--; }
      if (i >= 0) {
        head[i] = String.fromCharCode(head[i].charCodeAt(0) + 1);
      } else {
        head.unshift("1");
        head.pop();
        exp += 1;
      }
    }
    return { digits: head.join(""), exp: exp };
  }

  function stripZeros(frac) { return frac.replace(/0+$/, ""); }

  function expText(exp) {
    var a = Math.abs(exp);
    return "e" + (exp < 0 ? "-" : "+") + (a < 10 ? "0" : "") + a;
  }

  function nonFinite(x) { return x !== x ? "nan" : (x > 0 ? "inf" : "-inf"); }

  // Python's format(x, ".{p}g").
  function formatG(x, p) {
    if (!isFinite(x)) { return nonFinite(x); }
    if (x === 0) { return (1 / x < 0 ? "-" : "") + "0"; }
    var r = roundDigits(x, p);
    var sign = x < 0 ? "-" : "";
    var d = r.digits, X = r.exp;
    if (X >= -4 && X < p) {
      var whole, frac;
      if (X >= 0) {
        whole = d.slice(0, X + 1);
        frac = d.slice(X + 1);
      } else {
        whole = "0";
        frac = new Array(-X).join("0") + d;
      }
      frac = stripZeros(frac);
      return sign + whole + (frac ? "." + frac : "");
    }
    var rest = stripZeros(d.slice(1));
    return sign + d.charAt(0) + (rest ? "." + rest : "") + expText(X);
  }

  // Python's format(x, ".0f") for |x| >= 1: the integer nearest x, ties to even.
  function formatWhole(x) {
    var X = parseInt(Math.abs(x).toExponential(99).split("e")[1], 10);  // the exponent before rounding
    var r = roundDigits(x, X + 1);
    var d = r.digits;
    while (d.length < r.exp + 1) { d += "0"; }
    return (x < 0 ? "-" : "") + d;
  }

  // viz.text.fmt: precision significant digits; whole numbers of precision or more digits in full.
  function fmt(x, precision) {
    if (precision === undefined) { precision = 3; }
    if (x === 0) { return "0"; }
    if (!isFinite(x)) { return nonFinite(x); }
    var a = Math.abs(x);
    if (parseFloat("1e" + precision) <= a && a < 1e15) { return formatWhole(x); }
    var text = formatG(x, precision);
    return text === "-0" || text === "0" ? "0" : text;
  }

  // The replay's format_number: digits significant digits, "0" for zero, repr for inf/nan.
  function formatNumber(x, digits) {
    if (digits === undefined) { digits = 4; }
    if (x === 0) { return "0"; }
    if (!isFinite(x)) { return nonFinite(x); }
    return formatG(x, digits);
  }

  // The shortest digits that read back as x (JavaScript's and Python's repr agree on
  // them) and the decimal exponent of the first: {digits, exp}.
  function shortest(x) {
    var s = String(Math.abs(x));
    var e = 0;
    var k = s.indexOf("e");
    if (k >= 0) { e = parseInt(s.slice(k + 1), 10); s = s.slice(0, k); }
    var dot = s.indexOf(".");
    var intLen = dot < 0 ? s.length : dot;
    var all = s.replace(".", "");
    var lead = all.match(/^0*/)[0].length;
    var digits = all.slice(lead).replace(/0+$/, "");
    return { digits: digits, exp: intLen - 1 - lead + e };
  }

  // Python's repr(float): 1.0, 0.5, 1e-05, 1e+16, -2.5e-07.
  function pyRepr(x) {
    if (!isFinite(x)) { return nonFinite(x); }
    if (x === 0) { return 1 / x < 0 ? "-0.0" : "0.0"; }
    var r = shortest(x);
    var sign = x < 0 ? "-" : "";
    var d = r.digits, X = r.exp;
    if (X >= -4 && X < 16) {
      if (X < 0) { return sign + "0." + new Array(-X).join("0") + d; }
      while (d.length < X + 1) { d += "0"; }
      var frac = d.slice(X + 1);
      return sign + d.slice(0, X + 1) + "." + (frac || "0");
    }
    return sign + d.charAt(0) + (d.length > 1 ? "." + d.slice(1) : "") + expText(X);
  }

  // Python's math.fsum: the correctly rounded sum (Shewchuk's partials, as CPython does);
  // with an inf or nan among the terms, their IEEE sum (inf + -inf is nan), as engine.numeric's
  // float_sum gives where fsum itself would raise.
  function fsum(xs) {
    var special = 0;
    for (var s = 0; s < xs.length; s++) { if (!isFinite(xs[s])) { special += xs[s]; } }
    if (special !== 0) { return special; }  // +-Infinity or NaN (NaN !== 0 too)
    var partials = [];
    for (var n = 0; n < xs.length; n++) {
      var x = xs[n], i = 0;
      for (var j = 0; j < partials.length; j++) {
        var y = partials[j];
        if (Math.abs(x) < Math.abs(y)) { var t = x; x = y; y = t; }
        var hi = x + y;
        var lo = y - (hi - x);
        if (lo !== 0) { partials[i++] = lo; }
        x = hi;
      }
      partials.length = i;
      partials.push(x);
    }
    // Sum from the top, then correct the last rounding (half-even ties) as CPython does.
    var k = partials.length;
    if (k === 0) { return 0; }
    var total = partials[--k], lo2 = 0;
    while (k > 0) {
      var xx = total, yy = partials[--k];
      total = xx + yy;
      var yr = total - xx;
      lo2 = yy - yr;
      if (lo2 !== 0) { break; }
    }
    if (k > 0 && ((lo2 < 0 && partials[k - 1] < 0) || (lo2 > 0 && partials[k - 1] > 0))) {
      var yy2 = lo2 * 2;
      var xx2 = total + yy2;
      if (yy2 === xx2 - total) { total = xx2; }
    }
    return total;
  }

  // math.isclose(a, b, rel_tol, abs_tol)
  function isclose(a, b, rel, abs) {
    if (a === b) { return true; }
    if (!isFinite(a) || !isFinite(b)) { return false; }
    var diff = Math.abs(b - a);
    return diff <= Math.abs(rel * b) || diff <= Math.abs(rel * a) || diff <= abs;
  }

  // ---------------------------------------------------------------- the ops

  function where(node) {
    return node && node.label !== null && node.label !== undefined ? " (node '" + node.label + "')" : "";
  }

  function sigmoid(x) {  // 1 / (1 + e^-x) without overflow, as engine's _sigmoid
    if (x >= 0) { return 1 / (1 + Math.exp(-x)); }
    var e = Math.exp(x);
    return e / (1 + e);
  }

  var EXACT_INT = 9007199254740992;  // 2^53: above it every double is an even integer

  // n a^(n-1), as engine/numeric.py's power_rule: n (a^n / a) for |n| > 2^53, where n - 1
  // rounds back to n and a^(n-1) would lose the odd power's sign ((-1)^(2^54): -2^54);
  // n a^n / a where a^(n-1) overflows.
  function powerRule(a, n, out) {
    if (Math.abs(n) > EXACT_INT && a !== 0) { return n * (out / a); }
    var t = Math.pow(a, n - 1);
    return isFinite(t) ? n * t : (n * out) / a;
  }

  function powNumber(n) {
    return function (v, node) {
      var a = v[0].data;
      var base = "base" + where(v[0]);
      if (a === 0 && n < 0) { throw new DomainError("**: 0.0 ** " + formatG(n, 6) + " is undefined: " + base + " is 0.0"); }
      if (a === 0 && n > 0 && n < 1) {
        throw new DomainError("**: the derivative of x ** " + formatG(n, 6) + " at " + base + " 0.0 is infinite");
      }
      if (a < 0 && !Number.isInteger(n)) {
        throw new DomainError("**: negative " + base + " " + pyRepr(a) + " to the non-integer power " +
                              formatG(n, 6) + " has no real value");
      }
      var out = Math.pow(a, n);
      if (!isFinite(out)) {
        throw new DomainError("**: " + pyRepr(a) + " ** " + formatG(n, 6) + where(v[0]) + " is too large for a float");
      }
      return { data: out, locals: [n !== 0 ? powerRule(a, n, out) : 0] };
    };
  }

  var OPS = {
    "+": function (v) { return { data: v[0].data + v[1].data, locals: [1, 1] }; },
    "-": function (v) { return { data: v[0].data - v[1].data, locals: [1, -1] }; },
    "*": function (v) { return { data: v[0].data * v[1].data, locals: [v[1].data, v[0].data] }; },
    "/": function (v) {
      var a = v[0].data, b = v[1].data;
      if (b === 0) {
        throw new DomainError("/: division by zero: denominator" + where(v[1]) + " is 0.0 (numerator" +
                              where(v[0]) + " is " + pyRepr(a) + ")");
      }
      return { data: a / b, locals: [1 / b, -(a / b) / b] };
    },
    "neg": function (v) { return { data: -v[0].data, locals: [-1] }; },
    "**": function (v) {
      var a = v[0].data, b = v[1].data;
      if (a <= 0) {
        throw new DomainError("**: a Value exponent needs a positive base, got base" + where(v[0]) + " " + pyRepr(a));
      }
      var out = Math.pow(a, b);
      if (!isFinite(out)) { throw new DomainError("**: " + pyRepr(a) + " ** " + pyRepr(b) + " is too large for a float"); }
      return { data: out, locals: [b !== 0 ? powerRule(a, b, out) : 0, out * Math.log(a)] };
    },
    "exp": function (v) {
      var out = Math.exp(v[0].data);
      if (!isFinite(out)) {
        throw new DomainError("exp: e ** " + pyRepr(v[0].data) + where(v[0]) + " is too large for a float");
      }
      return { data: out, locals: [out] };
    },
    "log": function (v) {
      var x = v[0].data;
      if (x <= 0) { throw new DomainError("log: input" + where(v[0]) + " must be > 0, got " + pyRepr(x)); }
      return { data: Math.log(x), locals: [1 / x] };
    },
    "softplus": function (v) {
      var x = v[0].data;
      return { data: (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x))), locals: [sigmoid(x)] };
    },
    "sigmoid": function (v) {
      var s = sigmoid(v[0].data);
      return { data: s, locals: [s * (1 - s)] };
    },
    "tanh": function (v) {
      var t = Math.tanh(v[0].data);
      return { data: t, locals: [1 - t * t] };
    },
    "relu": function (v) {
      var x = v[0].data;
      return { data: x > 0 ? x : 0, locals: [x > 0 ? 1 : 0] };
    },
    "square": function (v) {
      var x = v[0].data;
      return { data: x * x, locals: [2 * x] };
    }
  };

  // The rule for an op name: "**2", "**-0.5" ... are x ** n with the number in the name.
  function rule(op) {
    if (Object.prototype.hasOwnProperty.call(OPS, op)) { return OPS[op]; }
    if (op.slice(0, 2) === "**") {
      var n = Number(op.slice(2));
      if (op.length > 2 && isFinite(n)) { return powNumber(n); }
    }
    return null;
  }

  // Forward and backward over a graph in topological order. nodes[i] = {op, inputs: [j...],
  // label, data (leaves)}; values = {index: number} overrides leaves' data. Returns
  // {data: [...], locals: [[...]...], grad: [...]}, the grads as root.backward() after
  // zero_grad() leaves them (same order of the same float operations); throws DomainError.
  function evaluate(nodes, values) {
    var n = nodes.length, data = new Array(n), locals = new Array(n), grad = new Array(n);
    var view = new Array(n);
    for (var i = 0; i < n; i++) {
      var node = nodes[i];
      if (!node.inputs.length) {
        data[i] = Object.prototype.hasOwnProperty.call(values || {}, i) ? values[i] : node.data;
        locals[i] = [];
      } else {
        var f = rule(node.op);
        if (!f) { throw new DomainError("the page has no rule for the op " + JSON.stringify(node.op)); }
        var args = node.inputs.map(function (j) { return view[j]; });
        var r = f(args, node);
        if (!isFinite(r.data)) {
          throw new DomainError(node.op + where(node) + " gave " + nonFinite(r.data) + ": the numbers are beyond the float range");
        }
        data[i] = r.data;
        locals[i] = r.locals;
      }
      view[i] = { data: data[i], label: node.label };
      grad[i] = 0;
    }
    grad[n - 1] = 1;
    for (var c = n - 1; c >= 0; c--) {
      var up = grad[c];
      if (up === 0) { continue; }  // backward() skips it: it adds nothing
      var ins = nodes[c].inputs;
      for (var k = 0; k < ins.length; k++) { grad[ins[k]] += locals[c][k] * up; }
    }
    return { data: data, locals: locals, grad: grad };
  }

  // The first += of a fresh backward pass (evaluate's order) on the paths from node `leaf` up to
  // the root whose grad is not finite: {consumer, input, local, upstream, before}, or null.
  // viz/chainrule/nonfinite.py's backward_cause finds the same step (every later nan or inf comes from it).
  function firstNonFinite(nodes, locals, leaf) {
    var n = nodes.length, on = new Array(n), grad = new Array(n);
    for (var i = 0; i < n; i++) {
      on[i] = i === leaf || nodes[i].inputs.some(function (j) { return on[j]; });
      grad[i] = 0;
    }
    grad[n - 1] = 1;
    for (var c = n - 1; c >= 0; c--) {
      var up = grad[c];
      if (up === 0) { continue; }  // backward() skips it: it adds nothing
      var ins = nodes[c].inputs;
      for (var k = 0; k < ins.length; k++) {
        var before = grad[ins[k]];
        grad[ins[k]] = before + locals[c][k] * up;
        if (on[ins[k]] && !isFinite(grad[ins[k]])) {
          return { consumer: c, input: ins[k], local: locals[c][k], upstream: up, before: before };
        }
      }
    }
    return null;
  }

  return {
    DomainError: DomainError,
    firstNonFinite: firstNonFinite,
    OPS: OPS,
    rule: rule,
    evaluate: evaluate,
    sigmoid: sigmoid,
    fmt: fmt,
    formatG: formatG,
    formatNumber: formatNumber,
    pyRepr: pyRepr,
    fsum: fsum,
    isclose: isclose
  };
})();
