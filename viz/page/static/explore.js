/* chaingrad explorer: the page's behaviour. The graph's description is the JSON in
 * #chaingrad-data (viz/page/data.py); the numbers are computed by CG (explore-math.js), the
 * drawing's parts found and the view zoomed by explore-view.js, the exercise run by
 * explore-quiz.js. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("chaingrad-data").textContent);
  var nodes = D.nodes, N = nodes.length, ROOT = N - 1, P = D.precision;
  function $(id) { return document.getElementById(id); }
  var graphBox = $("graph"), svg = graphBox.querySelector("svg");

  // ------------------------------------------------------------ the drawing's parts (explore-view.js)
  var drawing = chaingradDrawing(svg);
  var box = drawing.box, dataText = drawing.dataText, gradText = drawing.gradText;
  var edgeBox = drawing.edgeBox, localText = drawing.localText, setNumber = drawing.setNumber;
  var view = chaingradView(svg, graphBox, nodes, box);  // the zoom buttons, and scrolling to boxes

  // ------------------------------------------------------------ state
  var start = {
    data: nodes.map(function (n) { return n.data; }),
    locals: nodes.map(function (n) { return n.locals; }),
    grad: nodes.map(function (n) { return n.grad; })
  };
  var cur = start;
  var params = D.params;  // node indices
  var startValues = params.map(function (i) { return nodes[i].data; });
  var values = startValues.slice();
  var steps = [];  // the += steps at the current numbers
  var stepK = 0;
  var selected = null;
  var history = [];
  var exercise = false;

  // The replay of backward at the current numbers: every edge's +=, as engine.backward_steps.
  function computeSteps() {
    var g = {}, pending = new Array(N).fill(0), out = {};
    g[ROOT] = 1;
    nodes.forEach(function (n) { n.inputs.forEach(function (j) { pending[j]++; }); });
    for (var c = N - 1; c >= 0; c--) {
      var ins = nodes[c].inputs;
      if (!ins.length) { continue; }
      var up = g[c] === undefined ? 0 : g[c];
      for (var k = 0; k < ins.length; k++) {
        var inp = ins[k], before = g[inp] === undefined ? 0 : g[inp], local = cur.locals[c][k];
        var after = up === 0 ? before : before + local * up;
        g[inp] = after;
        pending[inp]--;
        out[c + ":" + k] = { consumer: c, edge: k, input: inp, before: before, after: after,
                             upstream: up, local: local, final: pending[inp] === 0 };
      }
    }
    steps = D.steps.map(function (s) { return out[s[0] + ":" + s[1]]; });
  }

  function known(K) {
    var m = {};
    m[ROOT] = 1;
    for (var j = 0; j < K; j++) { m[steps[j].input] = steps[j].after; }
    return m;
  }

  // ------------------------------------------------------------ text (explore-text.js)
  function stepEquation(s) { return CGText.stepEquation(nodes, s, P); }
  function stepDetail(s) { return CGText.stepDetail(nodes, s, P); }
  function explanation(i) {
    var cause = CG.firstNonFinite(nodes, cur.locals, i);
    return CGText.explanation(D.explanations[i], cur.locals, cur.grad[i], P, cause, nodes);
  }

  // ------------------------------------------------------------ showing the state
  function onPaths(i) {  // i and every node that depends on it
    var reach = new Array(N).fill(false);
    for (var c = 0; c < N; c++) {
      reach[c] = c === i || nodes[c].inputs.some(function (j) { return reach[j]; });
    }
    return reach;
  }

  function showPanel() {
    var panel = $("panel"), title = $("panel-title");
    var reach = selected === null ? null : onPaths(selected);
    box.forEach(function (g, i) {
      g.classList.toggle("selected", i === selected);
      g.classList.toggle("on-path", !!reach && reach[i] && i !== selected);
    });
    Object.keys(edgeBox).forEach(function (key) {
      var ck = key.split(":");
      edgeBox[key].classList.toggle("on-path", !!reach && reach[nodes[+ck[0]].inputs[+ck[1]]]);
    });
    if (selected === null) { return; }
    title.textContent = "Chain rule for " + nodes[selected].name;
    panel.textContent = exercise
      ? "The chain rule is hidden during the exercise: it would give the answers away."
      : explanation(selected);
  }

  function show() {
    var K = stepK, kn = known(K), last = steps.length;
    for (var i = 0; i < N; i++) {
      var g = box[i];
      g.setAttribute("data-value", String(cur.data[i]));
      g.setAttribute("data-grad", String(cur.grad[i]));
      if (dataText[i]) { setNumber(dataText[i], CG.fmt(cur.data[i], P)); }
      if (gradText[i]) {
        var reached = Object.prototype.hasOwnProperty.call(kn, i);
        g.classList.toggle("unknown", !reached);
        setNumber(gradText[i], reached ? CG.fmt(kn[i], P) : "");
      }
      g.classList.remove("s-consumer", "s-receiver");
    }
    Object.keys(edgeBox).forEach(function (key) {
      var ck = key.split(":"), local = cur.locals[+ck[0]][+ck[1]];
      edgeBox[key].setAttribute("data-local", String(local));
      edgeBox[key].classList.remove("s-edge");
      if (localText[key]) { setNumber(localText[key], CG.fmt(local, P)); }
    });
    var s = K > 0 ? steps[K - 1] : null;
    if (exercise) {
      // no step marks while practising: they would point at the answers
    } else if (s) {
      box[s.consumer].classList.add("s-consumer");
      box[s.input].classList.add("s-receiver");
      edgeBox[s.consumer + ":" + s.edge].classList.add("s-edge");
    } else {
      box[ROOT].classList.add("s-receiver");  // the start sets the root's grad to 1
    }
    $("step-counter").textContent = "step " + K + " of " + last;
    $("equation").textContent = s ? stepEquation(s) : D.start;
    $("detail").textContent = s ? stepDetail(s)
      : "Press Next (or the right arrow) to pass the grads back, one += at a time.";
    $("step-slider").max = String(last);
    $("step-slider").value = String(K);
    $("prev").disabled = K === 0;
    $("next").disabled = K === last;
    $("loss-name").textContent = nodes[ROOT].name;
    $("loss").textContent = CG.fmt(cur.data[ROOT], 6);
    showHistory();
    showPanel();
  }

  function scrollToStep() {
    var s = stepK > 0 ? steps[stepK - 1] : null;
    view.scrollTo(s ? [box[s.consumer], box[s.input]] : [box[ROOT]]);
  }

  // ------------------------------------------------------------ the address: #step=K, #exercise
  function hashTokens() { return window.location.hash.replace(/^#/, "").split("&").filter(Boolean); }
  function writeHash() {
    var tokens = [];
    if (exercise) { tokens.push("exercise"); }
    if (stepK > 0) { tokens.push("step=" + stepK); }
    var text = tokens.length ? "#" + tokens.join("&") : window.location.pathname + window.location.search;
    if ((tokens.length ? text : "") === window.location.hash) { return; }
    try { window.history.replaceState(null, "", text); } catch (err) { /* some viewers forbid it */ }
  }

  function goTo(k) {
    stepK = Math.max(0, Math.min(steps.length, k));
    show();
    scrollToStep();
    writeHash();
  }

  // ------------------------------------------------------------ parameters
  var paramInputs = [], paramSliders = [];
  function sliderRange(j, x) {
    var s = paramSliders[j], span = 2 * Math.max(1, Math.abs(startValues[j]));
    var lo = Number(s.min), hi = Number(s.max);
    if (!(x >= lo && x <= hi) || s.min === "") {
      lo = Math.min(startValues[j] - span, x - span / 4);
      hi = Math.max(startValues[j] + span, x + span / 4);
      s.min = String(lo); s.max = String(hi); s.step = String((hi - lo) / 1000);
    }
    s.value = String(x);
  }

  function showError(message) {
    var box = $("error");
    box.textContent = message;
    box.hidden = !message;
  }

  // Recompute everything at the parameter values ``next``; false (and a message) on a domain error.
  function apply(next, what) {
    var overrides = {};
    params.forEach(function (i, j) { overrides[i] = next[j]; });
    var r;
    try {
      r = CG.evaluate(nodes, overrides);
    } catch (err) {
      if (!(err instanceof CG.DomainError)) { throw err; }
      showError("Cannot compute " + what + ": " + err.message +
                ". The numbers shown are those of the last values that worked.");
      return false;
    }
    cur = r;
    values = next.slice();
    computeSteps();
    showError("");
    show();
    return true;
  }

  function setParam(j, text, final) {
    var input = paramInputs[j], x = text.trim() === "" ? NaN : Number(text);
    if (!isFinite(x)) {
      input.setAttribute("aria-invalid", "true");
      if (final) {
        // A number input hands over "" for text that is not a number: say what to do, not what it holds.
        showError(nodes[params[j]].name + ": " + (text.trim() === "" ? "type a number" : JSON.stringify(text) +
                  " is not a number") + "; the numbers shown are for " + nodes[params[j]].name + " = " + values[j]);
      }
      return;
    }
    var next = values.slice();
    next[j] = x;
    var ok = apply(next, "with " + nodes[params[j]].name + " = " + text);
    input.setAttribute("aria-invalid", ok ? "false" : "true");
    if (ok) { sliderRange(j, x); history = [cur.data[ROOT]]; show(); }
  }

  function showValues() {
    values.forEach(function (x, j) {
      paramInputs[j].value = String(x);
      paramInputs[j].setAttribute("aria-invalid", "false");
      sliderRange(j, x);
    });
  }

  params.forEach(function (i, j) {
    var name = nodes[i].name;
    var row = document.createElement("div");
    row.className = "param";
    var label = document.createElement("label");
    label.textContent = name;
    var input = document.createElement("input");
    input.type = "number"; input.step = "any"; input.id = "param-" + j;
    input.setAttribute("data-param", name);
    label.htmlFor = input.id;
    var slider = document.createElement("input");
    slider.type = "range";
    slider.setAttribute("data-param-slider", name);
    slider.setAttribute("aria-label", name + " (slider)");
    paramInputs.push(input);
    paramSliders.push(slider);
    input.addEventListener("input", function () { setParam(j, input.value, false); });
    input.addEventListener("change", function () { setParam(j, input.value, true); });
    slider.addEventListener("input", function () { input.value = slider.value; setParam(j, slider.value, true); });
    row.appendChild(label); row.appendChild(input); row.appendChild(slider);
    $("params").appendChild(row);
  });
  if (!params.length) {
    $("params").textContent = "No parameters: no leaf is labelled like one (w1, b3, b), and none was given.";
    $("descent").hidden = true;
  }

  // ------------------------------------------------------------ gradient descent
  function showHistory() {
    chaingradHistory($("history"), history.length ? history : [cur.data[ROOT]]);
  }

  $("descend").addEventListener("click", function () {
    var lrInput = $("lr"), lr = Number(lrInput.value);
    if (lrInput.value.trim() === "" || !isFinite(lr) || lr <= 0) {
      lrInput.setAttribute("aria-invalid", "true");
      showError("learning rate: " + JSON.stringify(lrInput.value) + " is not a positive number");
      return;
    }
    lrInput.setAttribute("aria-invalid", "false");
    if (!history.length) { history = [cur.data[ROOT]]; }
    var next = values.map(function (x, j) { return x - lr * cur.grad[params[j]]; });
    if (apply(next, "the gradient step with learning rate " + lrInput.value)) {
      history.push(cur.data[ROOT]);
      showValues();
      show();
    }
  });
  $("reset").addEventListener("click", function () {
    history = [];
    apply(startValues.slice(), "at the start");
    showValues();
  });

  // ------------------------------------------------------------ exercise (explore-quiz.js)
  var quiz = chaingradQuiz({ nodes: nodes, root: ROOT, box: box, dataText: dataText, gradText: gradText,
                             graphBox: graphBox, quizzes: D.quizzes || [] });

  function setExercise(on) {
    if (on === exercise) { return; }
    exercise = on;
    $("exercise-toggle").checked = on;
    graphBox.classList.toggle("exercise", on);
    document.body.classList.toggle("exercise-on", on);
    $("quiz").hidden = !on;
    // The questions are about the page's starting point: back to it, and keep it while practising.
    if (on && values.some(function (x, j) { return x !== startValues[j]; })) {
      history = [];
      apply(startValues.slice(), "at the start");
      showValues();
    }
    paramInputs.concat(paramSliders).forEach(function (el) { el.disabled = on; });
    $("descend").disabled = on; $("reset").disabled = on;
    if (on) { quiz.start(); } else { quiz.stop(); }
    show();
    writeHash();
  }
  $("exercise-toggle").addEventListener("change", function () { setExercise($("exercise-toggle").checked); });

  // ------------------------------------------------------------ events
  box.forEach(function (g, i) {
    g.addEventListener("click", function (ev) {
      if (ev.target && ev.target.tagName === "INPUT") { return; }
      selected = i; showPanel();
    });
    g.addEventListener("keydown", function (ev) {
      if ((ev.key === "Enter" || ev.key === " ") && ev.target === g) { ev.preventDefault(); selected = i; showPanel(); }
    });
  });
  $("prev").addEventListener("click", function () { goTo(stepK - 1); });
  $("next").addEventListener("click", function () { goTo(stepK + 1); });
  $("step-slider").addEventListener("input", function () { goTo(Number($("step-slider").value)); });
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    var tag = ev.target && ev.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") { return; }  // they use the arrows themselves
    var moves = { ArrowRight: stepK + 1, ArrowLeft: stepK - 1, Home: 0, End: steps.length };
    if (Object.prototype.hasOwnProperty.call(moves, ev.key)) { ev.preventDefault(); goTo(moves[ev.key]); }
  });

  function fromHash() {
    var tokens = hashTokens(), k = 0;
    tokens.forEach(function (t) { var m = /^step=(\d+)$/.exec(t); if (m) { k = parseInt(m[1], 10); } });
    // The step first: the exercise then scrolls to its first question's box (the step would scroll it away).
    goTo(k);
    setExercise(tokens.indexOf("exercise") >= 0);
  }
  window.addEventListener("hashchange", fromHash);

  computeSteps();
  showValues();
  history = [];
  view.open();
  fromHash();
  if (stepK === 0 && !exercise) { view.scrollToLeaves(); }  // a step or a question scrolls to its own boxes
  window.chaingradPage = { data: D, state: function () { return { values: values.slice(), cur: cur, step: stepK }; } };
})();
