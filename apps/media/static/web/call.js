/* The call page: a playback cursor over the waveform and spectrogram strips (click to seek), and SIP
   messages shown whole when clicked in the ladder or the list (htmx fetches the fragment). No build step. */
(function () {
  "use strict";

  function setupPlayer() {
    var player = document.getElementById("player");
    if (!player) return;
    var strips = Array.prototype.slice.call(document.querySelectorAll(".strip"));
    var position = document.getElementById("player-position");
    var frame = null;

    function length() {  // the player's, else the call's (the recording runs on the call's clock)
      var known = player.duration;
      return known && isFinite(known) ? known : parseFloat(player.getAttribute("data-duration")) || 0;
    }

    function draw() {
      var duration = length();
      var fraction = duration ? Math.min(1, player.currentTime / duration) : 0;
      strips.forEach(function (strip) {
        strip.querySelector(".cursor").style.left = (fraction * 100).toFixed(3) + "%";
      });
      if (position) position.textContent = player.currentTime.toFixed(1);
      frame = player.paused || player.ended ? null : window.requestAnimationFrame(draw);
    }

    player.addEventListener("play", function () { if (frame === null) frame = window.requestAnimationFrame(draw); });
    ["timeupdate", "seeked", "pause", "ended", "loadedmetadata"].forEach(function (name) {
      player.addEventListener(name, draw);
    });
    player.addEventListener("error", function () {
      var box = document.getElementById("player-error");
      if (box) { box.hidden = false; box.textContent = box.getAttribute("data-message"); }
    });
    player.addEventListener("keydown", function (event) {  // Space is the browser's own; the arrows move 5 s
      if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
        event.preventDefault();
        var step = event.key === "ArrowLeft" ? -5 : 5;
        player.currentTime = Math.max(0, Math.min(length() || 0, player.currentTime + step));
        draw();
      }
    });
    strips.forEach(function (strip) {
      strip.addEventListener("click", function (event) {
        var box = strip.getBoundingClientRect();
        if (!length()) return;
        player.currentTime = Math.max(0, Math.min(1, (event.clientX - box.left) / box.width)) * length();
        draw();
      });
    });
  }

  function markCurrent(num) {
    document.querySelectorAll("#sip-list tr.current, #ladder a.msg-link.current").forEach(function (el) {
      el.classList.remove("current");
      el.removeAttribute("aria-current");
    });
    document.querySelectorAll('#sip-list tr[data-num="' + num + '"], #ladder a.msg-link[data-num="' + num + '"]')
      .forEach(function (el) { el.classList.add("current"); el.setAttribute("aria-current", "true"); });
  }

  function setupLadder() {
    var ladder = document.getElementById("ladder");
    if (!ladder) return;
    ladder.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a.msg-link") : null;
      if (!link || !window.htmx) return; // without htmx the link opens the message's own page
      event.preventDefault();
      markCurrent(link.getAttribute("data-num"));
      window.htmx.ajax("GET", link.getAttribute("href"), { target: "#sip-message", swap: "innerHTML" });
    });
    var list = document.getElementById("sip-list");
    if (list) list.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a.sip-link") : null;
      if (link) markCurrent(link.getAttribute("data-num"));
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target && event.detail.target.id === "sip-message") {
        var body = event.detail.target.querySelector("[data-num]");
        if (body) markCurrent(body.getAttribute("data-num"));
      }
    });
  }

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    // fragments that say why something was refused (4xx) are shown where the answer was to go
    var status = event.detail.xhr.status;
    if (status >= 400 && status < 500) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });

  setupPlayer();
  setupLadder();
})();
