/* Famnen's small progressive enhancements. Every page works without this file.
   - moves focus to a form's error summary so screen readers read it first;
   - warns signed-in staff before their idle session ends and lets them continue
     (WCAG 2.2.1 Timing Adjustable);
   - announces failed htmx requests in the page's live region (WCAG 4.1.3);
   - shows "print" buttons (data-print), which need a script to open the print dialog. */
(function () {
  "use strict";

  function announce(message) {
    var region = document.getElementById("live-region");
    if (!region || !message) { return; }
    region.textContent = "";
    // A fresh text node after clearing makes screen readers announce repeats too.
    window.setTimeout(function () { region.textContent = message; }, 50);
  }

  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-autofocus]");
    if (summary) { summary.focus(); }
  }

  function setUpIdleWarning() {
    var body = document.body;
    var idleSeconds = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
    var dialog = document.getElementById("idle-dialog");
    if (!idleSeconds || !dialog || typeof dialog.showModal !== "function") { return; }
    var warningSeconds = parseInt(body.getAttribute("data-idle-warning-seconds") || "120", 10);
    var signedOutUrl = body.getAttribute("data-signed-out-url");
    var warnTimer = null;
    var endTimer = null;

    function restart() {
      window.clearTimeout(warnTimer);
      window.clearTimeout(endTimer);
      warnTimer = window.setTimeout(function () {
        if (!dialog.open) { dialog.showModal(); }
      }, Math.max(0, idleSeconds - warningSeconds) * 1000);
      endTimer = window.setTimeout(function () {
        window.location.assign(signedOutUrl);
      }, idleSeconds * 1000);
    }

    var keepAlive = document.getElementById("idle-keep-alive");
    keepAlive.addEventListener("submit", function (event) {
      event.preventDefault();
      var token = keepAlive.querySelector("input[name=csrf_token]").value;
      window.fetch(keepAlive.action, {
        method: "POST",
        headers: { "X-CSRFToken": token, "HX-Request": "true" },
        credentials: "same-origin"
      }).then(function (response) {
        if (response.status === 204) {
          dialog.close();
          restart();
        } else {
          window.location.assign(signedOutUrl);
        }
      }).catch(function () {
        announce(body.getAttribute("data-offline-message"));
      });
    });

    // Any request the page makes to the server also renews the session there.
    document.addEventListener("htmx:afterRequest", restart);
    restart();
  }

  function setUpPrintButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
    setUpIdleWarning();
    setUpPrintButtons();
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    focusErrorSummary(event.target);
  });

  document.addEventListener("htmx:sendError", function () {
    announce(document.body.getAttribute("data-offline-message"));
  });
}());
