/* The uploads page: drop a file on the zone (or choose one) and it is sent at once; htmx sends the form
   and reports the bytes sent, shown in the progress bar; the import's own progress is polled by htmx. */
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) return;
  var zone = document.getElementById("drop-zone");
  var input = document.getElementById("id_file");
  var box = document.getElementById("upload-progress-box");
  var bar = document.getElementById("upload-progress");
  var text = document.getElementById("upload-progress-text");

  function show(percent) {
    bar.value = percent;
    bar.textContent = percent + " %";
    text.textContent = percent + " %";
  }

  function send() {
    if (!input.files || !input.files.length) return;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("dragging"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    send();
  });

  form.addEventListener("htmx:beforeRequest", function () {
    var old = document.getElementById("upload-error");
    if (old) old.remove();
    var none = document.getElementById("no-uploads");
    if (none) none.remove();
    box.hidden = false;
    show(0);
  });
  form.addEventListener("htmx:xhr:progress", function (event) {
    if (event.detail.lengthComputable && event.detail.total) {
      show(Math.round(100 * event.detail.loaded / event.detail.total));
    }
  });
  form.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) { show(100); form.reset(); }
  });
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status >= 400 && status < 500) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });
})();
