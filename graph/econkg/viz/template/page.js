/* econkg page: the network (vis-network), the tabs, the period control, the details panel
   with its charts (uPlot). Every string from the data is set with textContent or handed to
   vis-network, which draws labels on a canvas and shows Element tooltips as they are;
   nothing is parsed as HTML. map.js draws the Map tab with the helpers exported here. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("econkg-data").textContent);
  var econkg = window.econkg = { data: data, period: null, onPeriod: [] };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  econkg.el = el;

  var HOVER_FACTS = 10;

  /* The facts of a node or edge as elements; `limit` cuts the list for the hover tooltip. */
  function tooltip(t, limit) {
    var box = el("div", "tip");
    box.appendChild(el("div", "tip-head", t.h));
    if (t.s) { box.appendChild(el("div", "tip-sub", t.s)); }
    var facts = t.f || [];
    var cut = limit && facts.length > limit ? facts.length - limit : 0;
    if (facts.length) {
      var ul = el("ul", "tip-facts");
      facts.slice(0, facts.length - cut).forEach(function (f) {
        var li = el("li", null, f.t);
        (f.c || []).forEach(function (c) {
          li.appendChild(el("div", "tip-cite", c[0] + ":" + c[1] + " \u201c" + c[2] + "\u201d"));
        });
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    if (cut) { box.appendChild(el("div", "tip-more", data.words.click.replace("{n}", cut))); }
    if (t.more) { box.appendChild(el("div", "tip-more", t.more)); }
    return box;
  }
  econkg.tooltip = tooltip;

  /* Periods: a fact holds in a period unless its known end is before it or its known start
     after it (undated facts hold in every period), as select_view decides in Python. */
  function window_(p) { return p ? [p + "-01-01", p + "-12-31"] : null; }
  function holds(when, w) {
    if (!w) { return true; }
    return when.some(function (s) {
      return !((s[1] && s[1] < w[0]) || (s[0] && s[0] > w[1]));
    });
  }
  econkg.holds = holds;
  econkg.periodWindow = function () { return window_(econkg.period); };

  /* 240100000000 → 240.1 G: axis labels that fit; the list under the chart has the figures. */
  function short(v) {
    var a = Math.abs(v), units = [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]];
    for (var i = 0; i < units.length; i++) {
      if (a >= units[i][0]) { return +(v / units[i][0]).toPrecision(4) + " " + units[i][1]; }
    }
    return String(+v.toPrecision(4));
  }

  /* A small chart per series: one measure in one unit, each point listed with its citation. */
  function charts(box, series) {
    (series || []).forEach(function (s) {
      var wrap = el("div", "chart");
      wrap.appendChild(el("div", "chart-title", s.title));
      var plot = el("div", "chart-plot");
      wrap.appendChild(plot);
      var ul = el("ul", "chart-points");
      s.points.forEach(function (p) {
        var li = el("li", null, p.p + ": " + p.t);
        (p.c || []).forEach(function (c) {
          li.appendChild(el("div", "tip-cite", c[0] + ":" + c[1] + " \u201c" + c[2] + "\u201d"));
        });
        ul.appendChild(li);
      });
      wrap.appendChild(ul);
      box.appendChild(wrap);
      if (window.uPlot) {
        new window.uPlot({
          width: 480, height: 160, legend: { show: false },
          series: [{}, { label: s.measure, stroke: "#1f4e9c", width: 2,
                         points: { show: true, size: 7, fill: "#1f4e9c" } }],
          axes: [{}, { size: 64, values: function (u, vals) { return vals.map(short); } }],
          scales: { x: { time: true } }
        }, [s.points.map(function (p) { return p.x; }),
            s.points.map(function (p) { return p.y; })], plot);
      }
    });
  }

  /* A click shows every fact of what was clicked, and its charts, in a scrollable panel. */
  var details = document.getElementById("econkg-details");
  var detailsBody = document.getElementById("econkg-details-body");
  function showDetails(tip) {
    while (detailsBody.firstChild) { detailsBody.removeChild(detailsBody.firstChild); }
    if (!tip) { details.hidden = true; return; }
    var box = tooltip(tip, 0);
    detailsBody.appendChild(box);
    charts(box, tip.series);
    details.hidden = false;
    details.scrollTop = 0;
  }
  econkg.showDetails = showDetails;
  document.getElementById("econkg-close").addEventListener("click", function () {
    showDetails(null);
  });

  function ready() {
    if (document.body.getAttribute("data-ready") === "true") { return; }
    window.econkgReady = true;
    document.body.setAttribute("data-ready", "true");
  }
  econkg.ready = ready;
  window.econkgReady = false;

  /* The network, built the first time its tab is shown. */
  var tips = { node: {}, edge: {} };
  var network = null, nodes = null, edges = null;
  var shownGroups = {};
  data.groups.forEach(function (g) { shownGroups[g.group] = g.on; });

  function withTooltip(kind) {
    return function (item) {
      var out = {};
      Object.keys(item).forEach(function (k) {
        // `group` stays out: vis-network re-applies a group's own colours on every update.
        if (["tip", "when", "series", "group", "rank"].indexOf(k) < 0) { out[k] = item[k]; }
      });
      out.title = tooltip(item.tip, HOVER_FACTS);
      tips[kind][item.id] = item.tip;
      if (item.series) { tips[kind][item.id].series = item.series; }
      return out;
    };
  }
  var edgeWhen = {};
  data.edges.forEach(function (e) { edgeWhen[e.id] = e.when || []; });

  /* Shows the groups ticked in the legend (and nodes opened by a double click), and the
     edges whose facts hold in the chosen period. Only what changes is handed to vis. */
  var nodeHidden = {}, edgeHidden = {};
  data.nodes.forEach(function (n) { nodeHidden[n.id] = n.hidden === true; });
  data.edges.forEach(function (e) { edgeHidden[e.id] = false; });
  function applyFilters() {
    if (!network) { return; }
    var w = window_(econkg.period), nodeChanges = [], edgeChanges = [];
    data.nodes.forEach(function (n) {
      var hide = !(shownGroups[n.group] !== false || expanded[n.id] === true);
      if (hide !== nodeHidden[n.id]) {
        nodeHidden[n.id] = hide;
        nodeChanges.push({ id: n.id, hidden: hide, physics: !hide && data.physics });
      }
    });
    data.edges.forEach(function (e) {
      var hide = !holds(edgeWhen[e.id], w);
      if (hide !== edgeHidden[e.id]) {
        edgeHidden[e.id] = hide;
        edgeChanges.push({ id: e.id, hidden: hide });
      }
    });
    if (nodeChanges.length) { nodes.update(nodeChanges); }
    if (edgeChanges.length) { edges.update(edgeChanges); }
    if (window.econkgReady && (nodeChanges.length || edgeChanges.length)) {
      network.redraw();
      declutter();
    }
  }

  /* Labels that would overlap a more important one are drawn transparent (the node's hover
     and selection still show them, and so do its tooltip and the Find menu). Positions are
     fixed once the layout has settled, and overlap on the canvas does not change with zoom,
     so this runs when the layout settles and when nodes are shown or moved. */
  var rank = {};
  data.nodes.forEach(function (n) { rank[n.id] = n.rank; });
  var CLEAR = "rgba(0,0,0,0)";
  function declutter() {
    var ids = nodes.getIds().filter(function (id) { return !nodeHidden[id]; });
    ids.sort(function (a, b) { return (rank[a] - rank[b]) || (a < b ? -1 : a > b ? 1 : 0); });
    var CELL = 200, grid = {}, changes = [];
    function cells(box, add) {
      var hit = false;
      for (var gx = Math.floor(box[0] / CELL); gx <= Math.floor(box[2] / CELL); gx++) {
        for (var gy = Math.floor(box[1] / CELL); gy <= Math.floor(box[3] / CELL); gy++) {
          var key = gx + ":" + gy, list = grid[key] || (grid[key] = []);
          if (add) { list.push(box); continue; }
          hit = hit || list.some(function (t) {
            return box[0] < t[2] && t[0] < box[2] && box[1] < t[3] && t[1] < box[3];
          });
        }
      }
      return hit;
    }
    ids.forEach(function (id) {
      var node = network.body.nodes[id], b = node && node.labelModule.size;
      if (!b || !b.width) { return; }
      var box = [b.left, b.top, b.left + b.width, b.top + b.height];
      var clash = cells(box, false);
      if (!clash) { cells(box, true); }
      var item = nodes.get(id), font = item.font || {};
      if (clash !== (font.color === CLEAR)) {
        changes.push({ id: id, font: Object.assign({}, font, clash ?
          { color: CLEAR, strokeColor: CLEAR } : { color: "#343434", strokeColor: "#ffffff" }),
          chosen: clash ? { label: showLabel, node: true } : true });
      }
    });
    if (changes.length) { nodes.update(changes); }
  }
  function showLabel(values) { values.color = "#1b1f24"; values.strokeColor = "#ffffff"; }
  econkg.declutter = declutter;

  var expanded = {};
  function buildNetwork() {
    if (network) { return; }
    nodes = new vis.DataSet(data.nodes.map(withTooltip("node")));
    edges = new vis.DataSet(data.edges.map(withTooltip("edge")));
    var container = document.getElementById("mynetwork");
    network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
    window.network = network;
    var done = function () {
      if (window.econkgReady) { return; }
      if (data.physics) { network.setOptions({ physics: { enabled: false } }); }
      // Fit what shows, by node centres (labels at the rim may reach the edge), left of
      // the legend that covers the top right corner; nodes waiting hidden take no room.
      var shown = nodes.getIds().filter(function (id) { return !nodeHidden[id]; });
      var box = container.getBoundingClientRect();
      var legend = document.getElementById("econkg-legend").getBoundingClientRect();
      var usable = legend.width && box.width > 2 * legend.width ?
        box.width - legend.width - 20 : box.width;
      if (shown.length > 2) {
        var pos = network.getPositions(shown), xs = [], ys = [];
        shown.forEach(function (id) { xs.push(pos[id].x); ys.push(pos[id].y); });
        var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
        var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
        var scale = Math.min(1.1, 0.86 * Math.min(usable / Math.max(1, x1 - x0),
                                                    box.height / Math.max(1, y1 - y0)));
        network.moveTo({ scale: scale, position: {
          x: (x0 + x1) / 2 + (box.width - usable) / 2 / scale, y: (y0 + y1) / 2 } });
      } else if (network.getScale() > 1.1) {
        network.moveTo({ scale: 1.1 });  // small views
      }
      network.redraw();
      declutter();
      ready();
    };
    if (data.physics && data.nodes.length > 1) {
      network.once("stabilizationIterationsDone", done);
      network.once("stabilized", done);
      setTimeout(done, 20000);
    } else {
      network.once("afterDrawing", done);
      setTimeout(done, 500);
    }
    network.on("click", function (params) {
      if (params.nodes.length) { showDetails(tips.node[params.nodes[0]]); }
      else if (params.edges.length) { showDetails(tips.edge[params.edges[0]]); }
      else { showDetails(null); }
    });
    /* A double click opens what hangs off a node: its hidden neighbours (commodities,
       agreements, organisations, events), placed around it. */
    network.on("doubleClick", function (params) {
      if (!params.nodes.length) { return; }
      var id = params.nodes[0];
      var at = network.getPositions([id])[id];
      var around = network.getConnectedNodes(id).filter(function (n) {
        return nodeHidden[n];
      });
      around.forEach(function (n, i) {
        var a = 2 * Math.PI * i / around.length;
        expanded[n] = true;
        nodeHidden[n] = false;
        nodes.update({ id: n, hidden: false, x: at.x + 140 * Math.cos(a),
                       y: at.y + 140 * Math.sin(a) });
      });
      network.redraw();
      declutter();
    });
    network.on("dragEnd", function (params) {
      if (params.nodes.length) { network.redraw(); declutter(); }
    });
  }
  econkg.expand = function (id) {  // for tools and tests: what a double click does
    network.emit("doubleClick", { nodes: [id], edges: [] });
  };

  Array.prototype.forEach.call(document.querySelectorAll("input.econkg-group"), function (box) {
    box.addEventListener("change", function () {
      shownGroups[box.value] = box.checked;
      applyFilters();
    });
  });

  var period = document.getElementById("econkg-period");
  period.addEventListener("change", function () {
    econkg.period = period.value || null;
    applyFilters();
    econkg.onPeriod.forEach(function (f) { f(); });
  });

  /* Tabs: the network and the map, in one page. */
  var panels = { network: document.getElementById("econkg-network-panel"),
                 map: document.getElementById("econkg-map-panel") };
  function show(tab) {
    Object.keys(panels).forEach(function (k) {
      panels[k].hidden = k !== tab;
      document.getElementById("econkg-tab-" + k).setAttribute("aria-selected", String(k === tab));
    });
    document.body.setAttribute("data-tab", tab);
    showDetails(null);
    if (tab === "network") { buildNetwork(); } else if (econkg.buildMap) { econkg.buildMap(); }
  }
  econkg.show = show;
  Array.prototype.forEach.call(document.querySelectorAll(".tabs button"), function (b) {
    b.addEventListener("click", function () { show(b.getAttribute("data-tab")); });
  });

  var find = document.getElementById("econkg-find");
  find.appendChild(el("option", null, data.words.choose)).value = "";
  data.nodes.slice().sort(function (a, b) { return a.label.localeCompare(b.label); })
    .forEach(function (n) { find.appendChild(el("option", null, n.label)).value = n.id; });
  find.addEventListener("change", function () {
    if (document.body.getAttribute("data-tab") !== "network") { show("network"); }
    if (!find.value) { network.unselectAll(); return; }
    if (nodeHidden[find.value]) {
      expanded[find.value] = true;
      nodeHidden[find.value] = false;
      nodes.update({ id: find.value, hidden: false });
    }
    network.selectNodes([find.value]);
    network.focus(find.value, { scale: 1.3, animation: { duration: 400 } });
    showDetails(tips.node[find.value]);
  });

  /* map.js runs after this script and starts the first tab. */
  econkg.start = function () { show(data.tab); };
})();
