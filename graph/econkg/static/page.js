// The econkg query page: YASGUI pointed at this server's /sparql, with the named questions
// (GET /queries) as ready-made tabs. Nothing here talks to any other host: the
// autocompleters that call Linked Open Vocabularies and prefix.cc are left out, the
// endpoint list holds this endpoint only, and no tab state is kept in localStorage.
(function () {
  "use strict";

  var endpoint = new URL("sparql", document.baseURI).href;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
      keys: [],
    },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: true,
    autoAddOnInit: false,
    yasqe: { autocompleters: ["prefixes", "variables"], prefixCcApi: null },
  });

  var list = document.getElementById("questions");

  var opened = {};

  function openQuestion(q) {
    if (opened[q.name] && yasgui.getTab(opened[q.name])) {
      yasgui.selectTabId(opened[q.name]);
      return;
    }
    var tab = yasgui.addTab(true, {
      name: q.name,
      yasqe: { value: q.example },
      // plain values rather than "…"^^<datatype>: the citation columns stay readable
      yasr: { settings: { selectedPlugin: "table", pluginsConfig: { table: { compact: true } } } },
    });
    opened[q.name] = tab.getId();
  }

  function item(q) {
    var li = document.createElement("li");
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = q.title;
    button.title = "open " + q.name + " in a tab";
    button.addEventListener("click", function () { openQuestion(q); });
    li.appendChild(button);
    [q.question_en, q.question_zh].forEach(function (text) {
      if (!text) return;
      var p = document.createElement("p");
      p.textContent = text;
      li.appendChild(p);
    });
    var params = Object.keys(q.params || {});
    var api = document.createElement("p");
    api.className = "api";
    var link = document.createElement("a");
    var query = params.map(function (name) {
      return encodeURIComponent(name) + "=" + encodeURIComponent(q.params[name].default || "");
    }).join("&");
    link.href = "queries/" + encodeURIComponent(q.name) + "?" + (query ? query + "&" : "") +
      "format=csv";
    link.textContent = "CSV";
    api.appendChild(document.createTextNode("as data: "));
    api.appendChild(link);
    if (params.length) {
      api.appendChild(document.createTextNode(" · parameters: " + params.map(function (n) {
        var p = q.params[n];
        return n + " (" + p.type + (p.doc ? ", " + p.doc : "") + ")";
      }).join("; ")));
    }
    li.appendChild(api);
    return li;
  }

  fetch("queries", { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) throw new Error("GET /queries answered " + response.status);
      return response.json();
    })
    .then(function (questions) {
      list.textContent = "";
      questions.forEach(function (q) { list.appendChild(item(q)); });
      // one question open to start with; the list opens the others, each in its own tab
      var first = questions.filter(function (q) { return q.name === "trade-over-time"; })[0] ||
        questions[0];
      if (first) openQuestion(first);
      else yasgui.addTab(true);
    })
    .catch(function (err) {
      list.textContent = "Could not load the named questions: " + err.message;
      yasgui.addTab(true);
    });
})();
