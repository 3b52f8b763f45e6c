// shortlist serve: live reload and the build error overlay. Injected by the preview server,
// never written into a build's output.
(function () {
  "use strict";
  var overlay = null;
  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }
  function show(errors) {
    hide();
    overlay = document.createElement("div");
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(20,23,26,.94);color:#f5f5f5;padding:1.5rem;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace";
    var title = document.createElement("h2");
    title.textContent = "The last change did not build. This is the last good version of the page.";
    title.style.cssText = "font:700 1.1rem system-ui,sans-serif;color:#ff8a80;margin:0 0 1rem";
    var list = document.createElement("pre");
    list.textContent = errors.join("\n\n");
    list.style.cssText = "white-space:pre-wrap;margin:0";
    var hint = document.createElement("p");
    hint.textContent = "Fix the file and save: this page updates by itself.";
    hint.style.cssText = "font:1rem system-ui,sans-serif;color:#c7d0d9";
    overlay.append(title, hint, list);
    document.body.appendChild(overlay);
  }
  var source = new EventSource("/__shortlist/events");
  // Tells tests (and the curious) that live reload is listening.
  source.addEventListener("open", function () {
    document.documentElement.setAttribute("data-live-reload", "connected");
  });
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("failed", function (e) {
    try { show(JSON.parse(e.data).errors); } catch (err) { show([String(e.data)]); }
  });
  source.addEventListener("ok", function () {
    if (overlay) { location.reload(); }
  });
})();
