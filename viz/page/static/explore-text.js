/* chaingrad explorer: the text the page writes, laid out as the Python side lays it out.
 *
 * stepEquation and stepDetail are viz.replay.step_text's step_equation (times "×") and the replay
 * frames' detail line; explanation is str(viz.explain(root, node)): the header (from
 * Python), then per path its factors' names, formulas and numbers in aligned columns,
 * the path's product, the sum over paths and the grad. nodes[i] = {name, dname} with the
 * root last; a step is {consumer, input, before, upstream, local, after, final}. */
var CGText = (function () {
  "use strict";

  function len(s) { return Array.from(s).length; }  // code points, as Python's len
  function ljust(s, w) { return s + " ".repeat(Math.max(0, w - len(s))); }
  function rstrip(s) { return s.replace(/\s+$/, ""); }

  function stepEquation(nodes, s, digits) {
    function num(x) { return CG.formatNumber(x, digits); }
    function factor(x) { return x < 0 ? "(" + num(x) + ")" : num(x); }
    var r = nodes[nodes.length - 1].dname, c = nodes[s.consumer].dname, i = nodes[s.input].dname;
    return r + "/" + i + " += " + r + "/" + c + " × " + c + "/" + i + " :  " + num(s.before) + " + " +
      factor(s.upstream) + " × " + factor(s.local) + " = " + num(s.after);
  }

  function stepDetail(nodes, s, digits) {
    var d = nodes[nodes.length - 1].dname + "/" + nodes[s.input].dname, i = nodes[s.input].name;
    var after = CG.formatNumber(s.after, digits);
    return s.final
      ? d + " is now final: " + after + " (every consumer of " + i + " has passed its grad back)"
      : d + " so far: " + after + " (" + i + " has more consumers still to pass their grad back)";
  }

  // Why the sum over paths and the grad differ, as viz/chainrule/explanation.py's _verdict says it for a fresh
  // backward pass (the page's grads always are one): cause is CG.firstNonFinite's step, or null.
  // size: the paths' sum of |products|, the scale of the absolute tolerance (viz/chainrule/explanation.py's _close).
  function verdict(total, size, grad, cause, nodes) {
    if (isFinite(total) && CG.isclose(total, grad, 1e-9, 1e-12 * size)) { return "agree"; }
    if (cause) {
      var r = nodes[nodes.length - 1].dname, c = nodes[cause.consumer].dname, i = nodes[cause.input].dname;
      var how = !isFinite(cause.local)
        ? "its local derivative " + c + "/" + i + " is " + CG.fmt(cause.local, 4)
        : !isFinite(cause.local * cause.upstream)
          ? r + "/" + i + " += " + r + "/" + c + " × " + c + "/" + i + " = " + CG.fmt(cause.upstream, 4) +
            " × " + CG.fmt(cause.local, 4)
          : r + "/" + i + " = " + CG.fmt(cause.before, 4) + " + " + CG.fmt(cause.local * cause.upstream, 4);
      return "not finite: the backward pass leaves the float range at " + nodes[cause.input].name + ": " + how;
    }
    if (!isFinite(total)) {
      return "DIFFER: a path's product is beyond the float range; backward(), which sums at each node" +
        " before multiplying further, stays within it";
    }
    return "DIFFER by rounding: the paths cancel, and backward() sums them node by node";
  }

  // e: the node's explanation from viz/page/data.py; locals[c][k]: the local derivatives now;
  // grad: the node's grad now; p: significant digits; cause: where the backward pass first leaves
  // the float range on the node's paths (CG.firstNonFinite), or null; nodes: {name, dname}.
  function explanation(e, locals, grad, p, cause, nodes) {
    if (e.error) { return e.error; }
    var lines = e.header.concat([""]), products = [];
    e.paths.forEach(function (path, n) {
      var product = 1, at = 0, names = [], forms = [], nums = [];
      path.edges.forEach(function (ed) { product *= locals[ed[0]][ed[1]]; });
      products.push(product);
      path.factors.forEach(function (f) {
        var v = 1;
        for (var j = at; j < at + f.steps; j++) { v *= locals[path.edges[j][0]][path.edges[j][1]]; }
        at += f.steps;
        var shown = CG.fmt(v, p);
        names.push(f.name);
        forms.push(f.formula !== null ? f.formula : shown);
        nums.push(shown);
      });
      var head = "path " + (n + 1) + ": ", pad = " ".repeat(head.length - 2);
      if (!names.length) { lines.push(head + e.leaf + " is the root itself", pad + "= 1", ""); return; }
      var widths = names.map(function (s, j) { return Math.max(len(s), len(forms[j]), len(nums[j])); });
      function row(cells) { return rstrip(cells.map(function (s, j) { return ljust(s, widths[j]); }).join(" × ")); }
      lines.push(head + row(names));
      if (forms.join("\u0000") !== nums.join("\u0000")) { lines.push(pad + "= " + row(forms)); }
      if (nums.length > 1) { lines.push(pad + "= " + row(nums)); }
      lines.push(pad + "= " + CG.fmt(product, p), "");
    });
    var total = CG.fsum(products), d = "d" + e.root + "/d" + e.leaf;
    lines.push("sum over paths   " + d + " = " + CG.fmt(total, p));
    lines.push("engine's grad    " + e.leaf + ".grad = " + CG.fmt(grad, p) + "   (" +
      verdict(total, CG.fsum(products.map(Math.abs)), grad, cause, nodes) + ")");
    return lines.join("\n");
  }

  return { stepEquation: stepEquation, stepDetail: stepDetail, explanation: explanation };
})();
