// Small behaviours that need no framework. No inline scripts anywhere: the CSP forbids them.
(function () {
  "use strict";
  // Confirm dangerous actions: <form data-confirm="Текст вопроса">
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // Print buttons: <button data-print>
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) { window.print(); }
  });
  // Flash messages close on click.
  document.addEventListener("click", function (event) {
    var flash = event.target.closest(".flash [data-dismiss]");
    if (flash) { flash.closest(".flash").remove(); }
  });
})();
