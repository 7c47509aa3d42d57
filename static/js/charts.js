// Draws Stackwork's charts with the locally served plotly.js.
//
// A chart is an element <div data-chart="ID" role="img" aria-label="…"> whose
// figure ({data, layout}) the page carries as <script type="application/json"
// id="ID"> (Django's json_script). No inline scripts, so the strict CSP holds.
// With data-chart-links, a click on a point opens the URL in its customdata.
(function () {
  "use strict";

  var CONFIG = { displayModeBar: false, displaylogo: false, responsive: true };

  // htmx runs with allowScriptTags: false, so it drops every <script> from
  // swapped-in HTML, the JSON data blocks too. Keep their text from the raw
  // response (DOMParser runs nothing) until the new charts are drawn.
  var pending = {};
  document.addEventListener("htmx:beforeSwap", function (event) {
    var text = event.detail.serverResponse;
    if (typeof text !== "string" || text.indexOf("application/json") === -1) {
      return;
    }
    var parsed = new DOMParser().parseFromString(text, "text/html");
    parsed.querySelectorAll('script[type="application/json"][id]').forEach(function (script) {
      pending[script.id] = script.textContent;
    });
  });

  function figureText(id) {
    if (Object.prototype.hasOwnProperty.call(pending, id)) {
      var text = pending[id];
      delete pending[id];
      return text;
    }
    var source = document.getElementById(id);
    return source ? source.textContent : null;
  }

  function sameOrigin(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/";
  }

  function drawOne(element) {
    if (element.getAttribute("data-chart-drawn") === "1") {
      return;
    }
    var text = figureText(element.getAttribute("data-chart"));
    if (!text) {
      return;
    }
    var figure = JSON.parse(text);
    element.setAttribute("data-chart-drawn", "1");
    window.Plotly.newPlot(element, figure.data, figure.layout, CONFIG).then(function () {
      if (element.hasAttribute("data-chart-links")) {
        element.on("plotly_click", function (event) {
          var point = event.points && event.points[0];
          if (point && sameOrigin(point.customdata)) {
            window.location.assign(point.customdata);
          }
        });
      }
    });
  }

  function draw(root) {
    if (!window.Plotly || !root || !root.querySelectorAll) {
      return;
    }
    if (root.hasAttribute && root.hasAttribute("data-chart")) {
      drawOne(root);
    }
    root.querySelectorAll("[data-chart]").forEach(drawOne);
  }

  if (window.htmx) {
    // Runs for the page and again for every fragment htmx swaps in.
    window.htmx.onLoad(draw);
  } else {
    document.addEventListener("DOMContentLoaded", function () {
      draw(document);
    });
  }
})();
