/* econkg map tab: country outlines, places, corridors and flow arcs as SVG, projected in
   Python (Mercator, map units); this script only scales and moves them. Labels and
   tooltips are set with textContent; markers keep their size on screen when zooming, and
   labels that would overlap a more important one are left out (hover shows every name). */
(function () {
  "use strict";
  var econkg = window.econkg, data = econkg.data, m = data.map, el = econkg.el;
  var NS = "http://www.w3.org/2000/svg";
  var svg = document.getElementById("econkg-map");
  var tipBox = document.getElementById("econkg-maptip");
  var built = false;
  var view = { k: 1, x: 0, y: 0 };  // screen = (map - [x, y]) * k
  var MAX_LABELS = 300;  // more would not read at once; zoom in for the rest
  var PRIORITY = ["country", "bloc", "province", "port", "city", "region", "zone", "river"];

  function s(tag, attrs, parent) {
    var e = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function hoverable(node, tip) {
    node.addEventListener("mousemove", function (ev) {
      while (tipBox.firstChild) { tipBox.removeChild(tipBox.firstChild); }
      tipBox.appendChild(econkg.tooltip(tip, 10));
      var box = svg.getBoundingClientRect();
      tipBox.style.left = Math.min(ev.clientX - box.left + 14, box.width - 360) + "px";
      tipBox.style.top = (ev.clientY - box.top + 14) + "px";
      tipBox.hidden = false;
    });
    node.addEventListener("mouseleave", function () { tipBox.hidden = true; });
    node.addEventListener("click", function (ev) {
      ev.stopPropagation();
      econkg.showDetails(tip);
    });
  }

  var land, overlay, lines = [], arcs = [], markers = [], labels = [];

  function screen(p) { return [(p[0] - view.x) * view.k, (p[1] - view.y) * view.k]; }

  function arcPath(a) {
    var pts = a.pts.map(screen), d = "M" + pts[0][0].toFixed(1) + " " + pts[0][1].toFixed(1);
    for (var i = 1; i < pts.length; i++) {
      var p = pts[i - 1], q = pts[i], dx = q[0] - p[0], dy = q[1] - p[1];
      var bend = a.directed ? 0.18 : 0.0;  // to the right of the direction, so A→B and B→A part
      var cx = (p[0] + q[0]) / 2 - dy * bend, cy = (p[1] + q[1]) / 2 + dx * bend;
      d += " Q" + cx.toFixed(1) + " " + cy.toFixed(1) + " " + q[0].toFixed(1) + " " + q[1].toFixed(1);
    }
    return d;
  }

  function width(a) {
    var w = econkg.periodWindow(), best = 0;
    a.usd.forEach(function (v) {
      if (econkg.holds([[v[0], v[1]]], w) && v[2] > best) { best = v[2]; }
    });
    return best > 0 ? Math.min(14, 1.5 + 2.2 * Math.max(0, Math.log10(best / 1e6))) : 1.5;
  }

  function redraw() {
    land.setAttribute("transform", "scale(" + view.k + ") translate(" + (-view.x) + " " +
                      (-view.y) + ") scale(" + m.grid + ")");
    lines.forEach(function (l) {
      l.node.setAttribute("d", "M" + l.item.pts.map(function (p) {
        var q = screen(p); return q[0].toFixed(1) + " " + q[1].toFixed(1);
      }).join(" L"));
    });
    var w = econkg.periodWindow();
    arcs.forEach(function (a) {
      var on = econkg.holds(a.item.when, w);
      a.node.setAttribute("visibility", on ? "visible" : "hidden");
      a.node.setAttribute("d", arcPath(a.item));
      a.node.setAttribute("stroke-width", width(a.item).toFixed(1));
    });
    markers.forEach(function (mk) {
      var q = screen([mk.item.x, mk.item.y]);
      mk.node.setAttribute("transform", "translate(" + q[0].toFixed(1) + " " + q[1].toFixed(1) + ")");
    });
    placeLabels();
  }

  /* Greedy labelling: in order of importance, a label goes right, left, above or below its
     marker where its drawn box overlaps no label placed before it and lies on screen, else
     it is hidden (hover shows the name). */
  function placeLabels() {
    var box = svg.getBoundingClientRect(), CELL = 100, grid = {}, shown = 0;
    function clashes(b, add) {
      var hit = false;
      for (var gx = Math.floor(b[0] / CELL); gx <= Math.floor(b[2] / CELL); gx++) {
        for (var gy = Math.floor(b[1] / CELL); gy <= Math.floor(b[3] / CELL); gy++) {
          var key = gx + ":" + gy, list = grid[key] || (grid[key] = []);
          if (add) { list.push(b); continue; }
          hit = hit || list.some(function (t) {
            return b[0] < t[2] && t[0] < b[2] && b[1] < t[3] && t[1] < b[3];
          });
        }
      }
      return hit;
    }
    // The legend covers the map's top right corner: no label goes under it.
    var lg = document.getElementById("econkg-map-legend").getBoundingClientRect();
    if (lg.width) {
      clashes([lg.left - box.left, lg.top - box.top, lg.right - box.left, lg.bottom - box.top],
              true);
    }
    labels.forEach(function (lb) {
      var q = screen([lb.item.x, lb.item.y]), wd = lb.w, ht = lb.h, r = lb.r + 3;
      var placed = false;
      if (shown < MAX_LABELS && q[0] > -wd && q[1] > -ht && q[0] < box.width + wd &&
          q[1] < box.height + ht) {
        var spots = [[q[0] + r, q[1] + ht / 3], [q[0] - r - wd, q[1] + ht / 3],
                     [q[0] - wd / 2, q[1] - r - 2], [q[0] - wd / 2, q[1] + r + ht - 2]];
        for (var i = 0; i < spots.length && !placed; i++) {
          // The drawn box, from the text's own box measured once at the origin.
          var b = [spots[i][0] + lb.dx - 1, spots[i][1] + lb.dy - 1,
                   spots[i][0] + lb.dx + wd + 1, spots[i][1] + lb.dy + ht + 1];
          if (b[0] < 0 || b[1] < 0 || b[2] > box.width || b[3] > box.height) { continue; }
          if (!clashes(b, false)) {
            clashes(b, true);
            lb.node.setAttribute("x", spots[i][0].toFixed(1));
            lb.node.setAttribute("y", spots[i][1].toFixed(1));
            placed = true;
            shown++;
          }
        }
      }
      lb.node.setAttribute("visibility", placed ? "visible" : "hidden");
    });
  }

  function fit(items) {
    var box = svg.getBoundingClientRect();
    var legend = document.getElementById("econkg-map-legend").getBoundingClientRect();
    var usable = Math.max(box.width / 2, box.width - legend.width - 30);  // left of the legend
    var xs = items.map(function (p) { return p[0]; }).sort(function (a, b) { return a - b; });
    var ys = items.map(function (p) { return p[1]; }).sort(function (a, b) { return a - b; });
    if (!xs.length) { xs = [0, m.world]; ys = [0, m.world]; }
    var q = function (arr, f) { return arr[Math.min(arr.length - 1, Math.floor(f * arr.length))]; };
    // The middle of the places: outliers (a far partner) are a zoom-out away.
    var x0 = q(xs, 0.08), x1 = q(xs, 0.92), y0 = q(ys, 0.08), y1 = q(ys, 0.92);
    var wd = Math.max(x1 - x0, 8), ht = Math.max(y1 - y0, 8);
    view.k = Math.min(usable / (wd * 1.2), box.height / (ht * 1.2));
    view.x = (x0 + x1) / 2 - usable / 2 / view.k;
    view.y = (y0 + y1) / 2 - box.height / 2 / view.k;
  }

  var KEYS = {
    en: { flow: "trade flow (colour: exporter)", both: "two-way trade", corridor: "corridor" },
    zh: { flow: "贸易流（颜色：出口方）", both: "双向贸易", corridor: "通道" }
  };
  var EXPORTER = ["#c0392b", "#1f4e9c", "#2e8b57", "#8e44ad", "#d35400", "#16a085", "#7f8c8d"];

  function build() {
    if (built) { return; }
    built = true;
    land = s("g", { "class": "outline" }, svg);
    m.outline.forEach(function (c) {
      var p = s("path", { "class": "land", d: c.d, "vector-effect": "non-scaling-stroke",
                          "stroke-width": "0.8" }, land);
      s("title", {}, p).textContent = c.n;
    });
    overlay = s("g", { "class": "overlay" }, svg);
    m.lines.forEach(function (item) {
      var node = s("path", { "class": "corridor", "stroke-width": "4",
                             "data-id": item.id }, overlay);
      hoverable(node, item.tip);
      lines.push({ item: item, node: node });
    });
    var exporters = [];
    m.arcs.forEach(function (a) {
      if (a.directed && exporters.indexOf(a.from) < 0) { exporters.push(a.from); }
    });
    var colour = {};
    exporters.forEach(function (x, i) { colour[x] = EXPORTER[Math.min(i, EXPORTER.length - 1)]; });
    m.arcs.forEach(function (item) {
      var attrs = { "class": "arc", stroke: item.directed ? colour[item.from] : "#8c8c8c",
                    "data-id": item.id };
      if (item.modal.indexOf("fact") < 0) { attrs["stroke-dasharray"] = "6 4"; }
      var node = s("path", attrs, overlay);
      hoverable(node, item.tip);
      arcs.push({ item: item, node: node });
    });
    var style = {};
    data.groups.forEach(function (g) { style[g.group] = g; });
    // Areas first, points last: a port sits on top of its city, a crossing on its river.
    var DRAW = ["country", "bloc", "region", "province", "river", "city", "zone", "port"];
    var order = m.markers.slice().sort(function (a, b) {
      return DRAW.indexOf(a.group) - DRAW.indexOf(b.group);
    });
    order.forEach(function (item) {
      var g = style[item.group] || { colour: "#8c8c8c" };
      var big = item.group === "country" || item.group === "bloc";
      var r = big ? 7 : (item.group === "province" ? 5 : 5.5);
      var node = s("g", { "class": "marker-wrap", "data-id": item.id }, overlay);
      if (item.group === "port") {
        s("rect", { "class": "marker", x: -r, y: -r, width: 2 * r, height: 2 * r, fill: g.colour }, node);
      } else {
        s("circle", { "class": "marker", r: r, fill: g.colour }, node);
      }
      hoverable(node, item.tip);
      markers.push({ item: item, node: node });
      var text = s("text", { "class": big ? "label big" : "label" }, overlay);
      text.textContent = item.label;
      labels.push({ item: item, node: text, r: r, rank: PRIORITY.indexOf(item.group) });
    });
    labels.forEach(function (lb) {
      lb.node.setAttribute("x", "0");
      lb.node.setAttribute("y", "0");
      var b = lb.node.getBBox();
      lb.w = b.width; lb.h = b.height || 14; lb.dx = b.x; lb.dy = b.y;
    });
    labels.sort(function (a, b) { return (a.rank - b.rank) || a.item.label.localeCompare(b.item.label); });

    var keys = document.getElementById("econkg-map-keys"), words = KEYS[data.lang];
    exporters.forEach(function (x) {
      var li = el("li");
      var sw = s("svg", { width: "22", height: "10", "aria-hidden": "true" }, li);
      s("line", { x1: "1", y1: "5", x2: "21", y2: "5", stroke: colour[x], "stroke-width": "3" }, sw);
      var name = (m.markers.filter(function (mk) { return mk.id === x; })[0] || {}).label || x;
      li.appendChild(el("span", null, words.flow + ": " + name));
      keys.appendChild(li);
    });
    [["#8c8c8c", words.both], ["#f28e2b", words.corridor]].forEach(function (k) {
      var li = el("li");
      var sw = s("svg", { width: "22", height: "10", "aria-hidden": "true" }, li);
      s("line", { x1: "1", y1: "5", x2: "21", y2: "5", stroke: k[0], "stroke-width": "3" }, sw);
      li.appendChild(el("span", null, k[1]));
      keys.appendChild(li);
    });
    var un = document.querySelector("#econkg-unplaced ul");
    document.getElementById("econkg-unplaced-n").textContent = String(m.unplaced.length);
    m.unplaced.forEach(function (u) { un.appendChild(el("li", null, u.label + " — " + u.why)); });

    fit(m.markers.map(function (mk) { return [mk.x, mk.y]; }));
    redraw();

    /* Wheel zooms about the cursor; dragging moves the map. */
    svg.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var box = svg.getBoundingClientRect(), f = Math.exp(-ev.deltaY * 0.0015);
      var mx = ev.clientX - box.left, my = ev.clientY - box.top;
      var wx = view.x + mx / view.k, wy = view.y + my / view.k;
      view.k = Math.max(0.5, Math.min(400, view.k * f));
      view.x = wx - mx / view.k;
      view.y = wy - my / view.k;
      redraw();
    }, { passive: false });
    var drag = null;
    svg.addEventListener("mousedown", function (ev) { drag = [ev.clientX, ev.clientY]; });
    window.addEventListener("mouseup", function () { drag = null; });
    window.addEventListener("mousemove", function (ev) {
      if (!drag) { return; }
      view.x -= (ev.clientX - drag[0]) / view.k;
      view.y -= (ev.clientY - drag[1]) / view.k;
      drag = [ev.clientX, ev.clientY];
      redraw();
    });
    svg.addEventListener("click", function () { econkg.showDetails(null); });
    econkg.onPeriod.push(redraw);
    window.econkgMap = { view: view, redraw: redraw, markers: markers, lines: lines, arcs: arcs,
                         labels: labels };
    econkg.ready();
  }
  econkg.buildMap = build;
  econkg.start();
})();
