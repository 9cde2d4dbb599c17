// Slides of a block, one at a time: buttons, keyboard arrows (← →, Home, End) and swipes. Without this script the
// page is a readable list of slides (progressive enhancement); the slide in the address (#slide-3) opens first.
(function () {
  "use strict";
  function start() {
    var deck = document.querySelector("[data-deck]");
    if (!deck || deck.dataset.started) { return; }
    deck.dataset.started = "1";
    var slides = Array.prototype.slice.call(deck.querySelectorAll(".slide"));
    var controls = deck.querySelector(".deck-controls");
    var counter = deck.querySelector(".deck-counter");
    var prev = deck.querySelector("[data-deck-prev]");
    var next = deck.querySelector("[data-deck-next]");
    if (!slides.length) { return; }
    var match = /^#slide-(\d+)$/.exec(window.location.hash);
    var current = match ? Math.min(Math.max(parseInt(match[1], 10) - 1, 0), slides.length - 1) : 0;
    function show(index) {
      current = Math.min(Math.max(index, 0), slides.length - 1);
      slides.forEach(function (slide, i) { slide.hidden = i !== current; });
      counter.textContent = "Слайд " + (current + 1) + " из " + slides.length;
      prev.disabled = current === 0;
      next.disabled = current === slides.length - 1;
      if (window.history.replaceState) { window.history.replaceState(null, "", "#slide-" + (current + 1)); }
    }
    deck.classList.add("is-deck");
    controls.hidden = false;
    prev.addEventListener("click", function () { show(current - 1); });
    next.addEventListener("click", function () { show(current + 1); });
    document.addEventListener("keydown", function (event) {
      var tag = (event.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "textarea" || tag === "select" || event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      if (event.key === "ArrowRight" || event.key === "PageDown") { show(current + 1); event.preventDefault(); }
      else if (event.key === "ArrowLeft" || event.key === "PageUp") { show(current - 1); event.preventDefault(); }
      else if (event.key === "Home") { show(0); event.preventDefault(); }
      else if (event.key === "End") { show(slides.length - 1); event.preventDefault(); }
    });
    var startX = null, startY = null;
    deck.addEventListener("touchstart", function (event) {
      startX = event.touches[0].clientX; startY = event.touches[0].clientY;
    }, {passive: true});
    deck.addEventListener("touchend", function (event) {
      if (startX === null) { return; }
      var dx = event.changedTouches[0].clientX - startX, dy = event.changedTouches[0].clientY - startY;
      startX = null;
      if (Math.abs(dx) > 50 && Math.abs(dx) > 1.5 * Math.abs(dy)) { show(dx < 0 ? current + 1 : current - 1); }
    }, {passive: true});
    window.addEventListener("hashchange", function () {
      var m = /^#slide-(\d+)$/.exec(window.location.hash);
      if (m) { show(parseInt(m[1], 10) - 1); }
    });
    show(current);
    if (match) { deck.scrollIntoView(); }  // the deck's top, not the hidden slide's anchor
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
