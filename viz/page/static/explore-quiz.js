/* chaingrad explorer: the exercise. The questions are viz.practice.questions' (python -m demos.practice
 * asks the same), made at the page's starting point: each has its expected number, its
 * tolerance (relative 1 % or half a unit of the last shown decimal) and its hint. One at a
 * time, the answer is typed into the box of the node it is about (input[data-answer=NODE]),
 * or below the question when no box has that name; a wrong answer gets the hint and one more
 * try, then the answer. chaingradQuiz(page) returns {start, stop}. */
function chaingradQuiz(page) {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var nodes = page.nodes, box = page.box, dataText = page.dataText, gradText = page.gradText;
  var graphBox = page.graphBox;
  function $(id) { return document.getElementById(id); }

  var quiz = null, active = false, qi = 0, tries = 0, score = 0, done = false, slot = null, answer = null;
  var revealed = {};
  var byName = {};
  nodes.forEach(function (n, i) { byName[n.name] = i; });
  var quizzes = page.quizzes;
  quizzes.forEach(function (q, k) {
    var opt = document.createElement("option");
    opt.value = String(k);
    opt.textContent = q.gradient || ("d" + nodes[page.root].name + "/d" + q.param);
    $("quiz-param").appendChild(opt);
  });

  function removeSlot() {
    if (slot && slot.parentNode) { slot.parentNode.removeChild(slot); }
    box.forEach(function (g) { g.classList.remove("asked"); });
    slot = null; answer = null;
  }

  function hideData() {
    box.forEach(function (g, i) {
      var n = nodes[i];
      g.classList.toggle("hide-data", active && n.inputs.length > 0 && !revealed[n.name]);
    });
  }

  function ask() {
    removeSlot();
    var qs = quiz.questions;
    $("quiz-score").textContent = "score: " + score + "/" + qs.length;
    if (qi >= qs.length) {
      $("quiz-prompt").textContent = "Done: " + score + " of " + qs.length + " right.";
      $("quiz-feedback").textContent = "";
      return;
    }
    var q = qs[qi];
    tries = 0; done = false;
    $("quiz-prompt").textContent = "Question " + (qi + 1) + " of " + qs.length + ": " + q.prompt + " = ?";
    $("quiz-feedback").textContent = "";
    $("quiz-feedback").removeAttribute("data-verdict");
    answer = document.createElement("input");
    answer.type = "text";
    answer.setAttribute("inputmode", "decimal");
    answer.setAttribute("data-answer", q.node || q.id);
    answer.setAttribute("aria-label", q.prompt);
    answer.autocomplete = "off";
    var i = Object.prototype.hasOwnProperty.call(byName, q.node) ? byName[q.node] : null;
    var cell = i === null ? null : (q.kind === "forward" ? dataText[i] : gradText[i]);
    if (cell) {  // in the node's box, over the number the question is about
      // From just after the row's label ("data" or "grad") to the right end of the number.
      var b = cell.getBBox(), label = cell.previousElementSibling, h = 18;
      while (label && label.tagName !== "text") { label = label.previousElementSibling; }
      var left = label ? label.getBBox().x + label.getBBox().width + 3 : b.x + b.width - 60;
      var w = Math.max(40, b.x + b.width + 2 - left);
      slot = document.createElementNS(SVGNS, "foreignObject");
      slot.setAttribute("class", "answer-slot");
      slot.setAttribute("x", b.x + b.width + 2 - w);
      slot.setAttribute("y", b.y + b.height / 2 - h / 2);
      slot.setAttribute("width", w); slot.setAttribute("height", h);
      slot.appendChild(answer);
      box[i].appendChild(slot);
      box[i].classList.add("asked");
      var r = box[i].getBoundingClientRect(), view = graphBox.getBoundingClientRect();
      if (r.left < view.left || r.right > view.right || r.top < view.top || r.bottom > view.bottom) {
        graphBox.scrollLeft += (r.left + r.right) / 2 - (view.left + view.width / 2);
        graphBox.scrollTop += (r.top + r.bottom) / 2 - (view.top + view.height / 2);
      }
    } else {
      slot = answer;
      $("quiz-answer-home").appendChild(answer);
    }
    answer.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { ev.preventDefault(); if (done) { qi++; ask(); } else { check(); } }
    });
    answer.focus({ preventScroll: true });
  }

  function check() {
    var q = quiz.questions[qi], text = answer.value.trim(), x = text === "" ? NaN : Number(text);
    var fb = $("quiz-feedback");
    if (!isFinite(x)) { fb.textContent = "Type a number (" + JSON.stringify(text) + " is not one)."; return; }
    // viz.practice.questions.Tolerance.accepts: |answer - expected| <= max(rel |expected|, abs)
    var right = Math.abs(x - q.expected) <= Math.max(q.rel * Math.abs(q.expected), q.abs);
    var shown = CG.formatG(q.expected, 6);
    answer.setAttribute("data-verdict", right ? "right" : "wrong");
    fb.setAttribute("data-verdict", right ? "right" : "wrong");
    if (right) {
      score++; done = true;
      fb.textContent = "Right: " + q.prompt + " = " + shown + ". Enter for the next question.";
    } else if (++tries < 2) {
      fb.textContent = "Not quite. Hint: " + q.hint + ". One more try.";
    } else {
      done = true;
      fb.textContent = "The answer is " + shown + (q.formula ? " (" + q.formula + ")" : "") + ". Hint: " + q.hint +
        ". Enter for the next question.";
    }
    answer.title = fb.textContent;
    if (done && q.kind === "forward" && q.node) { revealed[q.node] = true; hideData(); }
    $("quiz-score").textContent = "score: " + score + "/" + quiz.questions.length;
  }

  function startQuiz() {
    var q = quizzes[Number($("quiz-param").value || 0)];
    removeSlot();
    qi = 0; score = 0; revealed = {};
    if (!q || q.error) {
      quiz = null;
      $("quiz-prompt").textContent = q ? "No questions for this graph: " + q.error
        : "No questions: the page has no parameter to ask about.";
      return;
    }
    quiz = q;
    hideData();
    ask();
  }

  $("quiz-param").addEventListener("change", startQuiz);
  return {
    start: function () { active = true; startQuiz(); },
    stop: function () { active = false; removeSlot(); revealed = {}; hideData(); }
  };
}
