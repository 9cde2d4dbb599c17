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
  // Live quiz countdowns: <p data-countdown data-remaining="25">…<strong class="live-timer-value">0:25</strong></p>.
  // The server enforces the deadline; this only counts down the text it rendered (also after htmx swaps).
  function startCountdowns() {
    document.querySelectorAll("[data-countdown]:not([data-started])").forEach(function (timer) {
      timer.setAttribute("data-started", "1");
      var end = Date.now() + parseInt(timer.dataset.remaining, 10) * 1000;
      var out = timer.querySelector(".live-timer-value");
      var id = window.setInterval(tick, 1000);
      function tick() {
        if (!document.body.contains(timer)) { window.clearInterval(id); return; }
        var left = Math.max(0, Math.round((end - Date.now()) / 1000));
        out.textContent = left ? Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0") : "время вышло";
        timer.classList.toggle("is-urgent", left <= 10);
        if (!left) { window.clearInterval(id); }
      }
    });
  }
  document.addEventListener("DOMContentLoaded", startCountdowns);
  document.addEventListener("htmx:afterSettle", startCountdowns);
})();
