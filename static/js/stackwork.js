// Stackwork's own behaviour. No inline scripts: everything lives in static files.
(function () {
  "use strict";
})();
