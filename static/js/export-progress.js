// Polls an export's status and updates the progress bar; the page works without it too.
(function () {
  var box = document.querySelector("[data-export-status]");
  if (!box) { return; }
  var url = box.getAttribute("data-export-status");
  var bar = box.querySelector("[data-export-bar]");
  var text = box.querySelector("[data-export-text]");
  var ready = box.querySelector("[data-export-ready]");
  var refresh = box.querySelector("[data-export-refresh]");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        bar.max = Math.max(s.total, 1);
        bar.value = s.progress;
        text.textContent = s.status_label + (s.total ? " – " + s.progress + " / " + s.total : "");
        if (s.status === "done") {
          ready.hidden = false;
          if (refresh) { refresh.hidden = true; }
        } else if (s.status !== "failed" && s.status !== "expired") {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  if (ready.hidden) { poll(); }
})();
