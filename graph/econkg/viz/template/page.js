/* econkg network page: builds the vis-network from the JSON data block. Every string from the
   data is set with textContent or handed to vis-network, which draws labels on a canvas and
   shows Element tooltips as they are; nothing is parsed as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("econkg-data").textContent);

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

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

  var tips = { node: {}, edge: {} };
  function withTooltip(kind) {
    return function (item) {
      var out = {};
      Object.keys(item).forEach(function (k) { if (k !== "tip") { out[k] = item[k]; } });
      out.title = tooltip(item.tip, HOVER_FACTS);
      tips[kind][item.id] = item.tip;
      return out;
    };
  }

  var nodes = new vis.DataSet(data.nodes.map(withTooltip("node")));
  var edges = new vis.DataSet(data.edges.map(withTooltip("edge")));
  var container = document.getElementById("mynetwork");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.network = network;
  window.econkgReady = false;

  function ready() {
    if (window.econkgReady) { return; }
    if (data.physics) { network.setOptions({ physics: { enabled: false } }); }
    if (network.getScale() > 1.1) { network.moveTo({ scale: 1.1 }); }  // small views
    window.econkgReady = true;
    document.body.setAttribute("data-ready", "true");
  }
  if (data.physics && data.nodes.length > 1) {
    network.once("stabilizationIterationsDone", ready);
    network.once("stabilized", ready);
    setTimeout(ready, 20000);
  } else {
    network.once("afterDrawing", ready);
    setTimeout(ready, 500);
  }

  /* A click shows every fact of what was clicked in a scrollable panel. */
  var details = document.getElementById("econkg-details");
  var detailsBody = document.getElementById("econkg-details-body");
  function showDetails(tip) {
    while (detailsBody.firstChild) { detailsBody.removeChild(detailsBody.firstChild); }
    if (!tip) { details.hidden = true; return; }
    detailsBody.appendChild(tooltip(tip, 0));
    details.hidden = false;
    details.scrollTop = 0;
  }
  network.on("click", function (params) {
    if (params.nodes.length) { showDetails(tips.node[params.nodes[0]]); }
    else if (params.edges.length) { showDetails(tips.edge[params.edges[0]]); }
    else { showDetails(null); }
  });
  document.getElementById("econkg-close").addEventListener("click", function () {
    showDetails(null);
  });

  var find = document.getElementById("econkg-find");
  find.appendChild(el("option", null, data.words.choose)).value = "";
  data.nodes.slice().sort(function (a, b) { return a.label.localeCompare(b.label); })
    .forEach(function (n) { find.appendChild(el("option", null, n.label)).value = n.id; });
  find.addEventListener("change", function () {
    if (!find.value) { network.unselectAll(); return; }
    network.selectNodes([find.value]);
    network.focus(find.value, { scale: 1.3, animation: { duration: 400 } });
    showDetails(tips.node[find.value]);
  });
})();
