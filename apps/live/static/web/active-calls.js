// The active-calls table is replaced every 2 s: keep the keyboard focus on the same call's button
// (or the same row's place) across each swap, so a keyboard user can reach Pause / Resume.
(function () {
  var kept = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var focused = document.activeElement;
    var row = focused && focused.closest ? focused.closest("tr[data-callref]") : null;
    kept = row && event.detail.target.contains(row) ? row.getAttribute("data-callref") : null;
  });
  document.addEventListener("htmx:afterSwap", function () {
    if (!kept) return;
    var button = document.querySelector('tr[data-callref="' + kept + '"] button');
    if (button) button.focus();
    kept = null;
  });
})();
