/* The call browser's keyboard and selection. No inline script (the Content-Security-Policy forbids it).
   /: focus the search; j / k: next / previous call; Enter: open it (its link has the focus); x: select it. */
(function () {
  "use strict";
  var current = -1;

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#calls-table tbody tr[data-id]")); }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) && target.type !== "checkbox";
  }

  function move(step) {
    var all = rows();
    if (!all.length) { return; }
    var focused = document.activeElement && document.activeElement.closest && document.activeElement.closest("tr[data-id]");
    if (focused) { current = all.indexOf(focused); }
    current = Math.max(0, Math.min(all.length - 1, current + step));
    all.forEach(function (row, i) { row.classList.toggle("current", i === current); });
    var link = all[current].querySelector("a.call-link");
    if (link) { link.focus(); }
    all[current].scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (event.key === "/") {
      event.preventDefault();
      var first = document.getElementById("f-number");
      if (first) { first.focus(); first.select(); }
    } else if (event.key === "j") {
      event.preventDefault(); move(1);
    } else if (event.key === "k") {
      event.preventDefault(); move(-1);
    } else if (event.key === "x" && current >= 0) {
      var box = rows()[current] && rows()[current].querySelector("input[name=cdr]");
      if (box) { box.checked = !box.checked; }
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.id === "select-page") {
      rows().forEach(function (row) { row.querySelector("input[name=cdr]").checked = event.target.checked; });
    }
  });

  // A new page of results starts without a current row; the search keeps no empty fields in the URL
  // (the server answers with the canonical URL in HX-Push-Url).
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "results") { current = -1; }
  });
  document.addEventListener("htmx:configRequest", function (event) {
    var params = event.detail.parameters;
    if (event.detail.verb !== "get" || !params) { return; }
    var drop = [];
    if (typeof params.forEach === "function") {
      params.forEach(function (value, key) { if (value === "") { drop.push(key); } });
      drop.forEach(function (key) { params.delete(key); });
    } else {
      Object.keys(params).forEach(function (key) { if (params[key] === "") { delete params[key]; } });
    }
  });
})();
