// Quiz attempt: the countdown. The server is the authority on time: it refuses answers after the deadline and
// closes the attempt; this only shows the time left and, at zero, reloads so the server can close it.
(function () {
  "use strict";
  function format(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)) + ":" + String(s).padStart(2, "0");
    return h ? h + ":" + mm : mm;
  }
  function start() {
    var timer = document.querySelector("[data-remaining]");
    if (!timer || timer.dataset.started) { return; }
    timer.dataset.started = "1";
    var end = Date.now() + parseInt(timer.dataset.remaining, 10) * 1000;
    var out = timer.querySelector(".quiz-timer-value");
    var id = null;
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      out.textContent = format(left);
      timer.classList.toggle("is-urgent", left <= 60);
      if (left === 0) {
        window.clearInterval(id);
        window.location.assign(timer.dataset.expiredUrl);
      }
    }
    tick();
    id = window.setInterval(tick, 1000);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
