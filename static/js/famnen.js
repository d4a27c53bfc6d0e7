/* Famnen's small progressive enhancements. Every page works without this file.
   - moves focus to a form's error summary so screen readers read it first;
   - after htmx replaced the part of a page holding the link or button used, moves focus
     to the new content's heading, so the next Tab goes on from there (WCAG 2.4.3);
   - warns signed-in staff before their idle session ends and lets them continue
     (WCAG 2.2.1 Timing Adjustable);
   - keeps what a family typed into a form marked data-keep-typed in this tab (sessionStorage)
     until the form is sent, so switching the language or reloading does not empty it;
   - announces failed htmx requests in the page's live region (WCAG 4.1.3);
   - shows "print" buttons (data-print), which need a script to open the print dialog;
   - keeps a chat's long-polling request (data-chat-poller) going through dropped connections and
     server restarts, and puts the focus back in the message box after a message was sent. */
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
    return Boolean(summary);
  }

  // The link or button that made the request was swapped out with the old content, so the
  // browser would put focus on <body> and the next Tab in the footer. A control that is still
  // there (a filter's radio button) keeps the focus.
  function focusNewContent(event) {
    var trigger = event.detail.elt;
    var target = event.detail.target;
    if (!target || (trigger && document.body.contains(trigger) && document.activeElement !== document.body)) {
      return;
    }
    var heading = target.querySelector("[data-swap-focus]") || target.querySelector("h1, h2, h3");
    if (!heading) { return; }
    if (!heading.hasAttribute("tabindex")) { heading.setAttribute("tabindex", "-1"); }
    heading.focus();
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

  function typedFields(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name && element.name !== "csrf_token" && element.type !== "hidden" &&
        element.type !== "password" && element.type !== "submit" && element.type !== "button";
    });
  }

  function setUpKeptForms() {
    document.querySelectorAll("form[data-keep-typed]").forEach(function (form) {
      var key = "famnen-typed:" + window.location.pathname + window.location.search;
      var stored = null;
      try { stored = JSON.parse(window.sessionStorage.getItem(key) || "null"); } catch (error) { stored = null; }
      if (stored) {
        typedFields(form).forEach(function (element) {
          if (!(element.name in stored)) { return; }
          var value = stored[element.name];
          if (element.type === "radio") {
            element.checked = element.value === value;
          } else if (element.type === "checkbox") {
            element.checked = value === true;
          } else if (!element.value) {
            element.value = value;  // what the server filled in (after an error) wins
          }
        });
      }
      function keep() {
        var values = {};
        typedFields(form).forEach(function (element) {
          if (element.type === "radio") {
            if (element.checked) { values[element.name] = element.value; }
          } else if (element.type === "checkbox") {
            values[element.name] = element.checked;
          } else {
            values[element.name] = element.value;
          }
        });
        try { window.sessionStorage.setItem(key, JSON.stringify(values)); } catch (error) { /* storage full or off */ }
      }
      form.addEventListener("input", keep);
      form.addEventListener("change", keep);
      form.addEventListener("submit", function () {
        try { window.sessionStorage.removeItem(key); } catch (error) { /* storage off */ }
      });
    });
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
    setUpKeptForms();
    setUpPrintButtons();
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (!focusErrorSummary(event.target)) { focusNewContent(event); }
  });

  function isPoller(element) {
    return Boolean(element && element.hasAttribute && element.hasAttribute("data-chat-poller"));
  }

  // A chat's waiting request that failed is asked again after a pause that grows to half a minute;
  // the browser says once that the connection dropped, and once that it is back.
  var pollerFailures = 0;
  function retryPoller(poller) {
    pollerFailures += 1;
    if (pollerFailures === 1) { announce(document.body.getAttribute("data-offline-message")); }
    window.setTimeout(function () {
      if (document.body.contains(poller)) { htmx.trigger(poller, "chat-retry"); }
    }, Math.min(30000, 1000 * Math.pow(2, pollerFailures)));
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!isPoller(event.detail.elt)) { return; }
    if (event.detail.xhr.status >= 500) {
      event.detail.shouldSwap = false;
      retryPoller(event.detail.elt);
    } else if (event.detail.xhr.status < 300 && pollerFailures) {
      pollerFailures = 0;
      announce(document.body.getAttribute("data-online-message"));
    }
  });

  document.addEventListener("htmx:timeout", function (event) {
    if (isPoller(event.detail.elt)) { retryPoller(event.detail.elt); }
  });

  // A message sent: the fresh message box replaced the old one, so the focus goes back into it.
  document.addEventListener("htmx:afterSettle", function (event) {
    var form = document.getElementById("message-form");
    if (form && event.detail.elt && event.detail.elt.id === "message-form" && !form.querySelector("[aria-invalid]")) {
      form.querySelector("[data-chat-input]").focus();
    }
  });

  document.addEventListener("htmx:sendError", function (event) {
    if (isPoller(event.detail.elt)) {
      retryPoller(event.detail.elt);
    } else {
      announce(document.body.getAttribute("data-offline-message"));
    }
  });
}());
