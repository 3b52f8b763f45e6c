// shortlist default theme: sorting, filtering, compare selection and search, added on top of
// pages that already work without JavaScript. No libraries, no network: it runs from file:// too.
(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  // Sortable tables: <table data-sortable>, <th data-sort="number|text">; cells may carry
  // data-value. The header becomes a button and aria-sort says the order.
  function keyOf(cell, type) {
    var v = cell ? cell.getAttribute("data-value") : "";
    if (v === null) { v = cell.textContent.trim(); }
    if (type === "number") { var n = parseFloat(v); return isNaN(n) ? -Infinity : n; }
    return String(v).toLowerCase();
  }
  each(document.querySelectorAll("table[data-sortable]"), function (table) {
    var heads = table.tHead.rows[0].cells;
    each(heads, function (th, index) {
      var type = th.getAttribute("data-sort");
      if (!type) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      if (!th.hasAttribute("aria-sort")) { th.setAttribute("aria-sort", "none"); }
      button.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        each(heads, function (other) { if (other.hasAttribute("aria-sort")) { other.setAttribute("aria-sort", "none"); } });
        th.setAttribute("aria-sort", dir);
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = keyOf(a.cells[index], type), y = keyOf(b.cells[index], type);
          var c = x < y ? -1 : x > y ? 1 : 0;
          return dir === "ascending" ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });

  // Filters: <select data-filter="status" data-target="id">; rows carry data-status (space
  // separated values). A [data-count-for="id"] element says how many rows show.
  function applyFilters(id) {
    var table = document.getElementById(id);
    if (!table) { return; }
    var controls = document.querySelectorAll('[data-filter][data-target="' + id + '"]');
    var shown = 0, total = 0;
    each(table.tBodies[0].rows, function (row) {
      total += 1;
      var ok = true;
      each(controls, function (c) {
        if (c.value && (" " + (row.getAttribute("data-" + c.getAttribute("data-filter")) || "") + " ").indexOf(" " + c.value + " ") < 0) { ok = false; }
      });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    each(document.querySelectorAll('[data-count-for="' + id + '"]'), function (out) {
      out.textContent = shown === total ? "Showing all " + total : "Showing " + shown + " of " + total;
    });
  }
  each(document.querySelectorAll("[data-filter]"), function (control) {
    var id = control.getAttribute("data-target");
    control.closest("form").hidden = false;
    control.addEventListener("change", function () { applyFilters(id); });
    applyFilters(id);
  });

  // Compare: choose 2 to 4 vendors; the URL keeps the choice (?v=a,b).
  var compare = document.getElementById("compare-table");
  var picker = document.getElementById("compare-picker");
  if (compare && picker) {
    var boxes = picker.querySelectorAll("input[type=checkbox]");
    var fromUrl = [];
    var params = new URLSearchParams(location.search);
    params.getAll("v").forEach(function (v) { fromUrl = fromUrl.concat(v.split(",")); });
    fromUrl = fromUrl.filter(function (v) { return v; });
    var chosen = fromUrl.length >= 1 ? fromUrl : Array.prototype.filter.call(boxes, function (b) { return b.defaultChecked; }).map(function (b) { return b.value; });
    var show = function () {
      var picked = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).map(function (b) { return b.value; });
      each(boxes, function (b) { b.disabled = !b.checked && picked.length >= 4; });
      each(compare.querySelectorAll("[data-vendor]"), function (cell) { cell.hidden = picked.indexOf(cell.getAttribute("data-vendor")) < 0; });
      each(compare.tBodies[0].rows, function (row) {
        if (!row.hasAttribute("data-criterion")) { return; }
        var values = [];
        each(row.querySelectorAll("td[data-vendor]"), function (td) {
          td.classList.remove("best");
          if (!td.hidden && td.getAttribute("data-value") !== null) { values.push(parseFloat(td.getAttribute("data-value"))); }
        });
        var max = Math.max.apply(null, values), min = Math.min.apply(null, values);
        // A difference that matters: 2 points or more between the chosen vendors.
        row.classList.toggle("differs", values.length > 1 && max - min >= 2);
        each(row.querySelectorAll("td[data-vendor]"), function (td) {
          if (!td.hidden && values.length > 1 && parseFloat(td.getAttribute("data-value")) === max && max > min) { td.classList.add("best"); }
        });
      });
      var status = document.getElementById("compare-status");
      if (status) { status.textContent = picked.length < 2 ? "Choose at least two vendors." : "Comparing " + picked.length + " vendors."; }
      var url = new URL(location.href);
      url.search = picked.length ? "?v=" + picked.join(",") : "";
      try { history.replaceState(null, "", url.toString()); } catch (e) { /* file:// may refuse */ }
    };
    each(boxes, function (b) {
      b.checked = chosen.indexOf(b.value) >= 0;
      b.addEventListener("change", show);
    });
    picker.hidden = false;
    show();
  }

  // What-if weights: <form id="what-if"> has one number input per criterion (data-weight = its
  // index, data-default = the report's weight, data-minimum = its must-have floor) and the
  // partner threshold and tolerance (data-threshold, data-tolerance); ranking rows carry
  // data-scores (space separated, empty for unscored). Moving a weight re-ranks the ranking and
  // the matrix, recomputes each weighted score, verdict and possible range, the weights' shares
  // in the matrix's header, and says who leads; the URL keeps the weights (?w=20,5,...). The
  // rules are shortlist_model::rules', restated; a browser test holds them to it on random
  // weights.
  var whatIf = document.getElementById("what-if");
  var ranking = document.getElementById("ranking-table");
  if (whatIf && ranking) {
    var weightInputs = Array.prototype.slice.call(whatIf.querySelectorAll("input[data-weight]"));
    var matrix = document.getElementById("matrix-table");
    var result = document.getElementById("what-if-result");
    var note = whatIf.querySelector(".what-if-note");
    var num = function (el, name) { return parseFloat(el.getAttribute(name)); };
    var scaleMin = num(whatIf, "data-scale-min"), scaleMax = num(whatIf, "data-scale-max");
    var threshold = num(whatIf, "data-threshold"), tolerance = num(whatIf, "data-tolerance") || 0;
    var minimums = weightInputs.map(function (i) { var m = num(i, "data-minimum"); return isFinite(m) ? m : null; });
    var unusable = function (i) { var w = Number(i.value); return i.value.trim() !== "" && !(isFinite(w) && w >= 0); };
    var weightsNow = function () {
      return weightInputs.map(function (i) { var w = Number(i.value); return i.value.trim() !== "" && isFinite(w) && w > 0 ? w : 0; });
    };
    var isDefault = function () {
      return weightInputs.every(function (i) { return parseFloat(i.value) === parseFloat(i.getAttribute("data-default")); });
    };
    var scoresOf = function (row) {
      return (row.getAttribute("data-scores") || "").split(" ").map(function (x) { return x === "" ? null : parseFloat(x); });
    };
    // The weighted mean over the scores given (`fill` for the missing ones, when given); weights
    // too large to multiply (?w=1e308,...) are taken as shares of the largest, the same mean.
    var weighted = function (scores, weights, fill) {
      // Weights as typed, in the same order of sums as the report, unless they are too large
      // to multiply.
      var largest = Math.max.apply(null, weights.concat([0])), k = largest > 1e300 ? largest : 1;
      var sum = 0, total = 0;
      for (var i = 0; i < weights.length; i++) {
        var x = scores[i] === null || scores[i] === undefined ? fill : scores[i];
        if (x === null || x === undefined || largest === 0) { continue; }
        sum += weights[i] / k * x;
        total += weights[i] / k;
      }
      return total > 0 ? Math.min(scaleMax, Math.max(scaleMin, sum / total)) : null;
    };
    var verdictOf = function (scores, score) {
      var complete = scores.length === weightInputs.length && scores.every(function (x) { return x !== null; });
      if (!complete) { return "unassessed"; }
      var floors = scores.every(function (x, i) { return minimums[i] === null || x >= minimums[i] - tolerance; });
      return score !== null && score >= threshold - tolerance && floors ? "partner" : "vendor";
    };
    var badgeText = { partner: "Partner", vendor: "Vendor", unassessed: "Not yet assessed" };
    // Two decimals, or as many (up to six) as it takes to tell `a` from `b`.
    var apart = function (a, b) {
      for (var places = 2; places < 6; places++) {
        if (b === null || a.toFixed(places) !== b.toFixed(places)) { return places; }
      }
      return 6;
    };
    var byName = function (row) { return row.getAttribute("data-name").toLowerCase(); };
    var apply = function () {
      var weights = weightsNow();
      var bad = weightInputs.filter(unusable);
      weightInputs.forEach(function (i) { if (unusable(i)) { i.setAttribute("aria-invalid", "true"); } else { i.removeAttribute("aria-invalid"); } });
      var changed = !isDefault();
      var url = new URL(location.href);
      url.search = changed ? "?w=" + weightInputs.map(function (i) { return i.value; }).join(",") : "";
      try { history.replaceState(null, "", url.toString()); } catch (e) { /* file:// may refuse */ }
      if (weights.every(function (w) { return w === 0; })) {
        if (result) { result.hidden = false; result.textContent = "Every weight is zero, so nothing can be ranked: give at least one criterion a weight above 0."; }
        if (note) { note.textContent = "Every weight is zero; the ranking shown is the report's."; }
        return;
      }
      var body = ranking.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows).map(function (row) {
        var scores = scoresOf(row), score = weighted(scores, weights, null);
        return { row: row, scores: scores, score: score, verdict: verdictOf(scores, score) };
      });
      rows.sort(function (a, b) {
        if (a.score === null || b.score === null) { return a.score === null ? (b.score === null ? 0 : 1) : -1; }
        if (a.score !== b.score) { return b.score - a.score; }
        var an = byName(a.row), bn = byName(b.row);
        return an < bn ? -1 : an > bn ? 1 : (a.row.getAttribute("data-slug") < b.row.getAttribute("data-slug") ? -1 : 1);
      });
      var matrixBody = matrix && matrix.tBodies[0];
      rows.forEach(function (r, i) {
        body.appendChild(r.row);
        r.row.cells[0].textContent = i + 1;
        var next = rows[i + 1] || rows[i - 1];
        var places = r.score === null ? 2 : apart(r.score, next && next.score);
        var label = r.score === null ? "–" : r.score.toFixed(places);
        var cell = r.row.querySelector("[data-weighted]");
        cell.setAttribute("data-value", r.score === null ? "" : r.score);
        cell.querySelector(".value").textContent = label;
        var bar = cell.querySelector(".bar");
        if (bar) { bar.style.width = r.score === null ? "0%" : Math.round((r.score - scaleMin) / (scaleMax - scaleMin) * 1000) / 10 + "%"; }
        r.row.setAttribute("data-verdict", r.verdict);
        var badge = r.row.querySelector(".verdict .badge");
        if (badge) { badge.className = "badge " + r.verdict; badge.textContent = badgeText[r.verdict]; }
        var range = r.row.querySelector(".verdict .range");
        if (range) { range.textContent = "could end " + weighted(r.scores, weights, scaleMin).toFixed(2) + "–" + weighted(r.scores, weights, scaleMax).toFixed(2); }
        var inMatrix = matrixBody && matrixBody.querySelector('tr[data-slug="' + r.row.getAttribute("data-slug") + '"]');
        if (inMatrix) {
          matrixBody.appendChild(inMatrix);
          var total = inMatrix.querySelector("[data-weighted]");
          total.textContent = label;
          total.setAttribute("data-value", r.score === null ? "" : r.score);
        }
      });
      if (matrix) {
        var top = Math.max.apply(null, weights);
        var sum = weights.reduce(function (a, b) { return a + b / top; }, 0);
        each(matrix.tHead.querySelectorAll(".weight"), function (span, i) {
          span.textContent = (Math.round(weights[i] / top / sum * 1000) / 10).toFixed(1) + "%";
        });
      }
      each(ranking.tHead.rows[0].cells, function (th, i) { if (th.hasAttribute("aria-sort")) { th.setAttribute("aria-sort", i === 0 ? "ascending" : "none"); } });
      var assessed = rows.filter(function (r) { return r.verdict !== "unassessed" && r.score !== null; });
      var leader = assessed[0], second = assessed[1];
      if (result) {
        result.hidden = !changed;
        var text = "";
        if (changed && leader) {
          var places = apart(leader.score, second ? second.score : null);
          text = "With the weights you chose, " + leader.row.getAttribute("data-name") + " ranks first among the assessed vendors, at " + leader.score.toFixed(places) + (leader.verdict === "partner" ? ", a partner" : ", short of the partner rule");
          if (second && leader.score === second.score) {
            text += ", tied with " + second.row.getAttribute("data-name") + " and first by name, as the report breaks ties";
          } else if (second) {
            text += ", ahead of " + second.row.getAttribute("data-name") + " at " + second.score.toFixed(places);
          }
          text += ".";
        } else if (changed) {
          text = "With the weights you chose, no vendor is assessed on every criterion yet.";
        }
        result.textContent = text;
      }
      if (note) {
        note.textContent = bad.length ? "A weight must be a number of 0 or more; the " + (bad.length === 1 ? "one" : "ones") + " marked " + (bad.length === 1 ? "is" : "are") + " read as 0." : changed ? "Showing the ranking with your weights." : "Showing the report's weights.";
      }
    };
    var fromUrl = new URLSearchParams(location.search).get("w");
    if (fromUrl) {
      fromUrl.split(",").forEach(function (w, i) {
        if (weightInputs[i]) { weightInputs[i].value = w.trim(); }
      });
    }
    weightInputs.forEach(function (i) { i.addEventListener("input", apply); });
    whatIf.addEventListener("reset", function () {
      // The form's reset restores each input's value attribute: the report's weights.
      setTimeout(apply, 0);
    });
    whatIf.hidden = false;
    if (fromUrl) { apply(); }
  }

  // Search over the index written at build time (search-index.js sets window.shortlistSearch).
  var input = document.getElementById("search-input");
  var results = document.getElementById("search-results");
  if (input && results && window.shortlistSearch) {
    var root = document.body.getAttribute("data-root") || "";
    var run = function () {
      var terms = input.value.toLowerCase().split(/\s+/).filter(function (t) { return t; });
      results.textContent = "";
      var count = document.getElementById("search-count");
      if (!terms.length) { if (count) { count.textContent = ""; } return; }
      var hits = window.shortlistSearch.map(function (doc) {
        var title = doc.t.toLowerCase(), text = doc.x.toLowerCase(), score = 0;
        for (var i = 0; i < terms.length; i++) {
          var inTitle = title.indexOf(terms[i]) >= 0;
          if (!inTitle && text.indexOf(terms[i]) < 0) { return null; }
          score += inTitle ? 10 : 1;
        }
        return { doc: doc, score: score };
      }).filter(function (h) { return h; });
      hits.sort(function (a, b) { return b.score - a.score || a.doc.t.localeCompare(b.doc.t); });
      hits.slice(0, 50).forEach(function (h) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = root + h.doc.u;
        a.textContent = h.doc.t;
        var kind = document.createElement("span");
        kind.className = "meta";
        kind.textContent = " " + h.doc.k;
        var at = h.doc.x.toLowerCase().indexOf(terms[0]);
        var snippet = document.createElement("p");
        snippet.className = "snippet";
        snippet.textContent = at < 0 ? h.doc.x.slice(0, 160) : (at > 60 ? "…" : "") + h.doc.x.slice(Math.max(0, at - 60), at + 100) + "…";
        li.append(a, kind, snippet);
        results.appendChild(li);
      });
      if (count) { count.textContent = hits.length + (hits.length === 1 ? " result" : " results"); }
    };
    input.addEventListener("input", run);
    var q = new URLSearchParams(location.search).get("q");
    if (q) { input.value = q; }
    run();
  }
})();
