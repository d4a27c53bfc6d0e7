/* Questionnaire pages: nothing a parent answers is lost when the connection drops.
   htmx saves each answer as it is given. When a save cannot reach the server,
   the answer is kept in this browser (localStorage) and sent again when the
   connection returns, or the next time the page is opened; the page says so.
   Without JavaScript the page's own "Next" button saves the answers. */
(function () {
  "use strict";

  var form = document.querySelector("form.question-form");
  if (!form) { return; }
  var saveUrl = form.getAttribute("data-save-url");
  var storageKey = "famnen-pending-" + form.getAttribute("data-response");
  var retryTimer = null;

  function token() {
    return form.querySelector("input[name=csrf_token]").value;
  }

  function pending() {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey) || "{}");
    } catch (error) {
      return {};
    }
  }

  function store(items) {
    try {
      if (Object.keys(items).length) {
        window.localStorage.setItem(storageKey, JSON.stringify(items));
      } else {
        window.localStorage.removeItem(storageKey);
      }
    } catch (error) { /* storage full or blocked: the page still shows the answer */ }
  }

  function announce(message) {
    var region = document.getElementById("live-region");
    if (region) {
      region.textContent = "";
      window.setTimeout(function () { region.textContent = message; }, 50);
    }
  }

  function showStatus(itemId, text, state) {
    var status = document.getElementById("status-" + itemId);
    if (status) {
      status.textContent = text;
      status.className = "save-status save-" + state;
    }
  }

  function valuesOf(itemId) {
    var fields = form.querySelectorAll("[name='answer-" + itemId + "']");
    var values = [];
    Array.prototype.forEach.call(fields, function (field) {
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) { return; }
      values.push(field.value);
    });
    return values;
  }

  function restore(itemId, values) {
    var fields = form.querySelectorAll("[name='answer-" + itemId + "']");
    Array.prototype.forEach.call(fields, function (field) {
      if (field.type === "radio" || field.type === "checkbox") {
        field.checked = values.indexOf(field.value) !== -1;
      } else {
        field.value = values[0] || "";
      }
    });
  }

  function keep(itemId) {
    var items = pending();
    items[itemId] = valuesOf(itemId);
    store(items);
    showStatus(itemId, form.getAttribute("data-msg-pending"), "pending");
    announce(form.getAttribute("data-msg-pending"));
    scheduleRetry();
  }

  function sendOne(itemId, values) {
    var body = new FormData();
    body.append("item", itemId);
    values.forEach(function (value) { body.append("answer-" + itemId, value); });
    return window.fetch(saveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token(), "HX-Request": "true" }
    });
  }

  function retry() {
    retryTimer = null;
    var items = pending();
    Object.keys(items).forEach(function (itemId) {
      sendOne(itemId, items[itemId]).then(function (response) {
        var left = pending();
        if (response.ok || response.status === 409 || response.status === 422) {
          // Saved, or refused for good (closed or not an allowed answer): either way not worth keeping.
          delete left[itemId];
          store(left);
          if (response.ok) { showStatus(itemId, form.getAttribute("data-msg-saved"), "saved"); }
        } else {
          scheduleRetry();
        }
      }).catch(scheduleRetry);
    });
  }

  function scheduleRetry() {
    if (!retryTimer) { retryTimer = window.setTimeout(retry, 5000); }
  }

  // A save that could not reach the server (offline, server down): keep it and try again.
  document.addEventListener("htmx:sendError", function (event) {
    var itemId = event.detail.elt.getAttribute("data-autosave");
    if (itemId) { keep(itemId); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var itemId = event.detail.elt.getAttribute("data-autosave");
    if (itemId && event.detail.xhr && event.detail.xhr.status >= 500) { keep(itemId); }
    if (itemId && event.detail.successful) {
      var items = pending();
      if (items[itemId]) { delete items[itemId]; store(items); }
    }
  });

  // Leaving the page while offline would lose the page load, not the answers: say so instead.
  form.addEventListener("submit", function (event) {
    if (navigator.onLine === false) {
      event.preventDefault();
      announce(form.getAttribute("data-msg-offline"));
    }
  });

  window.addEventListener("online", retry);

  // Answers kept from an earlier visit (the browser was closed while offline): put them back and send.
  var kept = pending();
  Object.keys(kept).forEach(function (itemId) {
    restore(itemId, kept[itemId]);
    showStatus(itemId, form.getAttribute("data-msg-pending"), "pending");
  });
  if (Object.keys(kept).length) { retry(); }
}());
