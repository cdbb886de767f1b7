/* chaingrad explorer: the drawing on the page. chaingradDrawing(svg) finds each value's box,
 * its data and grad texts and each edge's local-derivative text (marked up by
 * viz/page/svg_markup.py), and rewrites a number in place without moving the boxes;
 * chaingradView(svg, graphBox, nodes, box) zooms and scrolls the graph; chaingradHistory(el, h)
 * writes the loss after each gradient step, as numbers and a small line chart. */
function chaingradDrawing(svg) {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var box = [], dataText = [], gradText = [], edgeBox = {}, localText = {};
  [].forEach.call(svg.querySelectorAll("g.node[data-index]"), function (g) {
    var i = Number(g.getAttribute("data-index"));
    box[i] = g;
    dataText[i] = g.querySelector(".v-data");
    gradText[i] = g.querySelector(".v-grad");
  });
  [].forEach.call(svg.querySelectorAll("g.edge[data-edge]"), function (g) {
    var key = g.getAttribute("data-edge");
    edgeBox[key] = g;
    localText[key] = g.querySelector(".e-local");
  });
  // Numbers in a box are right-aligned: anchor them at their right end, so a longer number grows
  // leftwards, up to the row's label ("data", "grad"); one longer still is squeezed to that room.
  var room = new Map();
  function anchorRight(t) {
    if (!t) { return; }
    var b = t.getBBox(), label = t.previousElementSibling;
    while (label && label.tagName !== "text") { label = label.previousElementSibling; }
    var right = b.x + b.width;
    t.setAttribute("x", String(right));
    t.setAttribute("text-anchor", "end");
    if (label) { var lb = label.getBBox(); room.set(t, right - (lb.x + lb.width) - 4); }
  }
  function setNumber(t, text) {
    if (t.textContent === text) { return; }
    t.textContent = text;
    t.removeAttribute("textLength");
    var r = room.get(t);
    if (text && r !== undefined && t.getComputedTextLength() > r) {
      t.setAttribute("textLength", String(r));
      t.setAttribute("lengthAdjust", "spacingAndGlyphs");
    }
  }
  // An edge's number ends its label: its room reaches to the label's widest line.
  Object.keys(localText).forEach(function (key) {
    var t = localText[key];
    if (!t) { return; }
    var right = Math.max.apply(null, [].map.call(edgeBox[key].querySelectorAll("text"), function (u) {
      var b = u.getBBox(); return b.x + b.width;
    }));
    room.set(t, Math.max(right - t.getBBox().x, 48));  // a short label still leaves a readable number
  });
  box.forEach(function (g, i) {
    var b = g.getBBox();
    var halo = document.createElementNS(SVGNS, "rect");
    halo.setAttribute("class", "halo");
    halo.setAttribute("x", b.x - 3); halo.setAttribute("y", b.y - 3);
    halo.setAttribute("width", b.width + 6); halo.setAttribute("height", b.height + 6);
    halo.setAttribute("rx", 6);
    g.insertBefore(halo, g.firstChild);
    anchorRight(dataText[i]);
    anchorRight(gradText[i]);
  });
  return { box: box, dataText: dataText, gradText: gradText, edgeBox: edgeBox, localText: localText,
           setNumber: setNumber };
}

function chaingradView(svg, graphBox, nodes, box) {
  "use strict";
  var zoom = 1;
  var natural = { w: svg.width.baseVal.value, h: svg.height.baseVal.value };
  function setZoom(z) {
    zoom = Math.max(0.2, Math.min(4, z));
    svg.style.width = natural.w * zoom + "px";
    svg.style.height = natural.h * zoom + "px";
  }
  [].forEach.call(document.querySelectorAll("[data-zoom]"), function (b) {
    b.addEventListener("click", function () {
      var how = b.getAttribute("data-zoom");
      if (how === "fit") { setZoom((graphBox.clientWidth - 4) / natural.w); }
      else { setZoom(zoom * (how === "in" ? 1.25 : 0.8)); }
    });
  });

  // Opening: the whole width when it fits at a readable scale (edge labels, 11pt, stay >= 10 px),
  // else at full size with the leaves, where the forward pass starts, in view (not the root at
  // the far end, which hid the graph's start until "fit" was pressed). A small graph keeps size 1.
  var READABLE_ZOOM = 0.7;
  function openView() {
    var fit = (graphBox.clientWidth - 4) / natural.w;
    if (fit < 1 && fit >= READABLE_ZOOM) { setZoom(fit); }
  }
  function scrollToLeaves() {
    graphBox.scrollLeft = 0;
    graphBox.scrollTop = 0;  // the top left corner, unless the leaves' first box is not in view there
    var view = graphBox.getBoundingClientRect(), left = Infinity, top = Infinity;
    nodes.forEach(function (n, i) {
      if (n.inputs.length) { return; }
      var r = box[i].getBoundingClientRect();
      left = Math.min(left, r.left);
      top = Math.min(top, r.top);
    });
    if (left === Infinity) { return; }
    if (left + 40 > view.right) { graphBox.scrollLeft = left - view.left - 8; }
    if (top + 40 > view.bottom) { graphBox.scrollTop = top - view.top - 8; }
  }

  // Scroll the graph so that every element of els is in view, when one is not.
  function scrollTo(els) {
    var view = graphBox.getBoundingClientRect();
    var r = els.map(function (e) { return e.getBoundingClientRect(); });
    var left = Math.min.apply(null, r.map(function (x) { return x.left; }));
    var right = Math.max.apply(null, r.map(function (x) { return x.right; }));
    var top = Math.min.apply(null, r.map(function (x) { return x.top; }));
    var bottom = Math.max.apply(null, r.map(function (x) { return x.bottom; }));
    if (left < view.left || right > view.right) { graphBox.scrollLeft += (left + right) / 2 - (view.left + view.width / 2); }
    if (top < view.top || bottom > view.bottom) { graphBox.scrollTop += (top + bottom) / 2 - (view.top + view.height / 2); }
  }
  return { open: openView, scrollToLeaves: scrollToLeaves, scrollTo: scrollTo };
}

// The loss after each step h[0], h[1] ...: the last eight as numbers, and a line chart of all.
function chaingradHistory(el, h) {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var shown = h.slice(-8).map(function (x) { return CG.fmt(x, 4); });
  el.textContent = (h.length > 8 ? "… → " : "") + shown.join(" → ") +
    (h.length > 1 ? "   (" + (h.length - 1) + " step" + (h.length > 2 ? "s" : "") + ")" : "");
  if (h.length > 1) {
    var w = 260, ht = 50, lo = Math.min.apply(null, h), hi = Math.max.apply(null, h);
    var span = hi - lo || 1;
    var pts = h.map(function (x, k) {
      return (k * w / (h.length - 1)).toFixed(1) + "," + (ht - 4 - (x - lo) / span * (ht - 8)).toFixed(1);
    });
    var chart = document.createElementNS(SVGNS, "svg");
    chart.setAttribute("width", w); chart.setAttribute("height", ht);
    chart.setAttribute("role", "img");
    chart.setAttribute("aria-label", "loss after each step");
    var line = document.createElementNS(SVGNS, "polyline");
    line.setAttribute("points", pts.join(" "));
    line.setAttribute("fill", "none"); line.setAttribute("stroke", "#2f855a"); line.setAttribute("stroke-width", "2");
    chart.appendChild(line);
    el.appendChild(chart);
  }
}
