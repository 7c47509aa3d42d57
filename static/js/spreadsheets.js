// The import page: while the file travels, the progress bar follows the
// upload; once it has arrived, the text says the rows are being checked.
(function () {
  "use strict";
  document.addEventListener("htmx:xhr:progress", function (event) {
    var bar = document.getElementById("import-upload-progress");
    if (!bar || !event.detail.lengthComputable) return;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    if (bar.value >= 100) bar.closest(".import-progress").classList.add("import-progress--checking");
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id !== "import-report" && event.target.id !== "import-report") return;
    var bar = document.getElementById("import-upload-progress");
    if (bar) {
      bar.value = 0;
      bar.closest(".import-progress").classList.remove("import-progress--checking");
    }
    var report = document.getElementById("import-report");
    if (report) report.focus();
  });
})();
