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
  // Tables on phones (css: «Phones: every data table becomes a list of cards»): each cell learns its column's
  // heading (data-label) and the important column's cells (data-key-column="N", the first by default) are
  // marked key-cell. A table that stays a table (data-layout="scroll") gets a swipe cue. Every box that scrolls
  // sideways is reachable by keyboard: tabindex, role=region and a name.
  function prepareTables(root) {
    root.querySelectorAll("table.table:not([data-prepared])").forEach(function (table) {
      table.setAttribute("data-prepared", "1");
      var headings = Array.prototype.map.call(table.querySelectorAll("thead tr:last-child th"), function (th) {
        return th.textContent.trim();
      });
      var key = parseInt(table.dataset.keyColumn || "1", 10) - 1;
      table.querySelectorAll("tbody tr, tfoot tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          if (headings[column] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", headings[column]); }
          if (column === key) { cell.classList.add("key-cell"); }
          column += cell.colSpan || 1;
        });
      });
      if (table.dataset.layout === "scroll" && !table.previousElementSibling?.classList.contains("swipe-cue")) {
        var cue = document.createElement("p");
        cue.className = "swipe-cue";
        cue.textContent = "Таблица шире экрана: листайте её вбок →";
        table.parentNode.insertBefore(cue, table);
      }
    });
    root.querySelectorAll(".table-wrap, .table-scroll, table.table").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1 && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", box.tagName === "TABLE" ? "table" : "region");
        var caption = box.querySelector("caption");
        var heading = box.closest("section") && box.closest("section").querySelector("h2, h1");
        box.setAttribute("aria-label", (caption || heading || {}).textContent ?
          (caption || heading).textContent.trim() : "Таблица");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { prepareTables(document); });
  document.addEventListener("htmx:afterSettle", function (event) { prepareTables(event.target); });
})();
