// "读给我听": reads the parts of the page marked data-read-aloud with the browser's own speech, in the page's
// language. The button is rendered hidden and shown only where the browser can speak; nothing else needs this.
(function () {
  "use strict";
  if (!("speechSynthesis" in window) || !("SpeechSynthesisUtterance" in window)) return;

  function reveal(root) {
    root.querySelectorAll("[data-read-aloud-button]").forEach(function (button) { button.hidden = false; });
  }

  function pageText() {
    return Array.prototype.map.call(document.querySelectorAll("[data-read-aloud]"), function (part) {
      return part.innerText.trim();
    }).filter(Boolean).join("\n");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-read-aloud-button]");
    if (!button) return;
    var speech = window.speechSynthesis;
    if (speech.speaking) {  // a second press stops the reading
      speech.cancel();
      return;
    }
    var utterance = new SpeechSynthesisUtterance(pageText());
    utterance.lang = document.documentElement.lang === "en" ? "en" : "zh-CN";
    utterance.rate = 0.9;  // a little slower than the default: easier to follow
    speech.speak(utterance);
  });
  function stop() { window.speechSynthesis.cancel(); }
  document.addEventListener("htmx:beforeHistorySave", stop);  // leaving for another page (a boosted link)
  window.addEventListener("pagehide", stop);
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });
  reveal(document);
})();
