// idl docs search: a scan over the prebuilt index (search-index.js), loaded on
// first use. The index is a script, not JSON, so it loads from file:// too.
// Results are built with DOM calls and textContent: names are never HTML.
(function () {
  "use strict";
  var KINDS = { s: "service", r: "rpc", m: "message", e: "enum", f: "field", v: "enum value", x: "extension" };
  // Services, methods, messages and enums rank before extensions, fields and values.
  var KIND_WEIGHT = { s: 0, r: 0, m: 0, e: 0, x: 1, f: 2, v: 2 };
  var LIMIT = 50;
  var entries = null;
  var loading = false;
  var pending = null;

  function loadIndex(then) {
    if (entries) { then(); return; }
    pending = then;
    if (loading) return;
    loading = true;
    var script = document.createElement("script");
    script.src = "search-index.js";
    script.onload = function () {
      entries = [];
      (window.IDL_SEARCH_INDEX || []).forEach(function (p) {
        for (var i = 0; i < p.names.length; i++) {
          var name = p.names[i];
          var lower = name.toLowerCase();
          entries.push({
            name: name, lower: lower, last: lower.slice(lower.lastIndexOf(".") + 1),
            full: (p.package ? p.package.toLowerCase() + "." : "") + lower,
            kind: p.kinds.charAt(i), page: p.page, package: p.package
          });
        }
      });
      if (pending) pending();
    };
    document.head.appendChild(script);
  }

  function search(query) {
    var q = query.trim().toLowerCase();
    if (!q) return [];
    var hits = [];
    for (var i = 0; i < entries.length; i++) {
      var e = entries[i];
      var rank;
      if (e.last === q || e.lower === q || e.full === q) rank = 0;
      else if (e.last.indexOf(q) === 0) rank = 1;
      else if (e.lower.indexOf(q) >= 0) rank = 2;
      else if (e.full.indexOf(q) >= 0) rank = 3;
      else continue;
      hits.push({ e: e, score: rank * 3 + KIND_WEIGHT[e.kind] });
    }
    hits.sort(function (a, b) { return a.score - b.score || a.e.name.length - b.e.name.length || (a.e.full < b.e.full ? -1 : 1); });
    return hits.slice(0, LIMIT).map(function (h) { return h.e; });
  }

  function show(box, results, query) {
    while (box.firstChild) box.removeChild(box.firstChild);
    if (!query.trim()) { box.hidden = true; return; }
    box.hidden = false;
    if (results.length === 0) {
      var none = document.createElement("p");
      none.className = "none";
      none.textContent = "Nothing found for \u201c" + query.trim() + "\u201d.";
      box.appendChild(none);
      return;
    }
    var list = document.createElement("ol");
    results.forEach(function (e) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = e.page + ".html#" + e.name;
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = KINDS[e.kind] || "";
      var name = document.createElement("b");
      name.textContent = e.name;
      var where = document.createElement("span");
      where.className = "where";
      where.textContent = e.package || "(no package)";
      link.appendChild(kind);
      link.appendChild(name);
      link.appendChild(where);
      item.appendChild(link);
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("search-form");
    var input = document.getElementById("search");
    var box = document.getElementById("search-results");
    if (!form || !input || !box) return;
    form.hidden = false;
    function run() {
      var query = input.value;
      loadIndex(function () { show(box, search(query), query); });
    }
    input.addEventListener("input", run);
    input.addEventListener("focus", function () { loadIndex(function () {}); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { input.value = ""; run(); }
      if (event.key === "Enter") {
        var first = box.querySelector("a");
        if (first) window.location.href = first.href;
      }
    });
    box.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("a")) box.hidden = true;
    });
    // `index.html?q=Name` opens with that search (links can share a search).
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) { input.value = q; run(); }
  });

  // The sidebar's package filter: keeps the packages whose name contains the
  // text, opens the groups that hold them, and restores the tree when cleared.
  document.addEventListener("DOMContentLoaded", function () {
    var filter = document.getElementById("package-filter");
    var nav = document.querySelector("nav.sidebar");
    if (!filter || !nav) return;
    filter.hidden = false;
    // The current package's entry in view: in a tree of hundreds of packages it
    // is rarely near the top.
    var current = nav.querySelector("a[aria-current=page]");
    if (current) {
      nav.scrollTop += current.getBoundingClientRect().top - nav.getBoundingClientRect().top - nav.clientHeight / 3;
    }
    var groups = Array.prototype.slice.call(nav.querySelectorAll("details"));
    var wasOpen = groups.map(function (d) { return d.open; });
    // Entries of the tree (not the current package's contents under it).
    var items = Array.prototype.filter.call(nav.querySelectorAll("ul.tree li"), function (li) {
      return !li.closest(".toc");
    });
    function ownLink(li) {
      return li.querySelector(":scope > a, :scope > details > summary > a");
    }
    // The package of an entry: its page's name (`google.pubsub.v1.html`).
    function packageOf(link) {
      return link.getAttribute("href").replace(/\.html$/, "").toLowerCase();
    }
    filter.addEventListener("input", function () {
      var needle = filter.value.trim().toLowerCase();
      if (!needle) {
        items.forEach(function (li) { li.classList.remove("filtered-out"); });
        groups.forEach(function (d, i) { d.open = wasOpen[i]; });
        return;
      }
      function matches(li) {
        var link = ownLink(li);
        return link !== null && packageOf(link).indexOf(needle) >= 0;
      }
      items.forEach(function (li) {
        var keep = matches(li) || Array.prototype.some.call(li.querySelectorAll("li"), matches);
        li.classList.toggle("filtered-out", !keep);
        var details = li.querySelector(":scope > details");
        if (details) details.open = keep;
      });
    });
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { filter.value = ""; filter.dispatchEvent(new Event("input")); }
      if (event.key === "Enter") {
        var first = items.filter(function (li) {
          return !li.classList.contains("filtered-out") && ownLink(li) && packageOf(ownLink(li)).indexOf(filter.value.trim().toLowerCase()) >= 0;
        }).map(ownLink)[0];
        if (first && filter.value.trim()) window.location.href = first.href;
      }
    });
  });

  // The error-codes page's filter: rows whose text contains the needle.
  document.addEventListener("DOMContentLoaded", function () {
    var filter = document.getElementById("error-filter");
    if (!filter) return;
    filter.hidden = false;
    filter.addEventListener("input", function () {
      var needle = filter.value.toLowerCase();
      document.querySelectorAll("table.idl-errors tbody tr").forEach(function (row) {
        row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) < 0;
      });
    });
  });
})();
