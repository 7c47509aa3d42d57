// The stack canvas: behaviour htmx does not give by itself. No inline
// scripts (strict CSP); the texts come from data attributes in the page.
(function () {
  "use strict";

  var CLEAR_AFTER_MS = 6000;
  var clearTimer = null;

  function statusRegion() {
    return document.getElementById("canvas-status");
  }

  function say(text, isError) {
    var region = statusRegion();
    if (!region || !text) return;
    var p = document.createElement("p");
    p.textContent = text;
    region.replaceChildren(p);
    region.classList.toggle("canvas-status--error", !!isError);
    scheduleClear();
  }

  function scheduleClear() {
    var region = statusRegion();
    if (!region) return;
    if (clearTimer) window.clearTimeout(clearTimer);
    // Errors stay until the next action; confirmations are short.
    if (region.classList.contains("canvas-status--error")) return;
    clearTimer = window.setTimeout(function () {
      region.replaceChildren();
    }, CLEAR_AFTER_MS);
  }

  // 409 Conflict (changed meanwhile by someone else, or a refusal) and 410
  // Gone (a choice deleted in another tab) carry a fragment with what to do
  // next and the input kept; htmx swaps only 2xx by default.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr && event.detail.xhr.status;
    if (status === 409 || status === 410) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // A confirmation swapped in out of band: show it briefly.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var region = statusRegion();
    if (region && region.contains(event.target)) {
      region.classList.remove("canvas-status--error");
      scheduleClear();
    }
  });

  document.addEventListener("htmx:responseError", function () {
    var region = statusRegion();
    if (region) say(region.dataset.errorText, true);
  });

  document.addEventListener("htmx:sendError", function () {
    var region = statusRegion();
    if (region) say(region.dataset.offlineText, true);
  });
})();
