// The ballot: the points left follow what is typed, Enter in a row saves that
// row, and leaving the page with unsaved input asks first. No inline scripts
// (strict CSP); the texts are in the page.
(function () {
  "use strict";

  function ballot() {
    return document.getElementById("ballot");
  }

  function pointsFields() {
    var form = ballot();
    return form ? form.querySelectorAll('input[name$="-points"]') : [];
  }

  // The points left if the ballot were saved as it now stands on the page.
  function updatePointsLeft() {
    var target = document.getElementById("points-left");
    if (!target || !ballot()) return;
    var max = parseInt(target.getAttribute("data-max-points"), 10);
    var used = 0;
    pointsFields().forEach(function (input) {
      var n = parseInt(input.value, 10);
      if (!isNaN(n) && n > 0) used += n;
    });
    var number = target.querySelector("strong");
    if (number) number.textContent = String(Math.max(max - used, 0));
    var over = document.getElementById("points-over");
    if (over) over.hidden = used <= max;
  }

  function changed(field) {
    if (field.type === "radio" || field.type === "checkbox") {
      return field.checked !== field.defaultChecked;
    }
    if (field.type === "hidden" || field.type === "submit") return false;
    return field.value !== field.defaultValue;
  }

  // Unsaved: a field differs from what the server last sent, or a row came
  // back refused (its typed values are on the page but not stored).
  function unsaved() {
    var form = ballot();
    if (!form) return false;
    if (form.querySelector("[data-unsaved]")) return true;
    return Array.prototype.some.call(form.elements, changed);
  }

  var submitting = false;

  document.addEventListener("submit", function (event) {
    if (event.target === ballot()) submitting = true;
  });

  window.addEventListener("pageshow", function () {
    submitting = false;
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting || !unsaved()) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers want a value to ask
  });

  document.addEventListener("input", function (event) {
    if (event.target.name && /-points$/.test(event.target.name)) updatePointsLeft();
  });

  // Enter in a row's field saves that row, as it did when each row was a form
  // of its own (the browser would otherwise press the first button in the form).
  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "Enter" || field.tagName !== "INPUT" || !field.form || field.form !== ballot()) {
      return;
    }
    var row = field.closest(".ballot-row");
    var button = row && row.querySelector("button[type=submit]");
    if (button) {
      event.preventDefault();
      button.click();
    }
  });

  if (window.htmx) {
    window.htmx.onLoad(updatePointsLeft);
  } else {
    document.addEventListener("DOMContentLoaded", updatePointsLeft);
  }
})();
