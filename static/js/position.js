// "Use my position" on the report form: asks the phone for its position only when the person presses the
// button (the browser asks for consent too), and fills the form's hidden latitude/longitude/accuracy fields.
// Without this file, or when the person says no, the fields stay empty and the report works as before.
(function () {
  "use strict";

  function setUp(button) {
    var box = button.closest("fieldset");
    var status = box.querySelector("[data-position-status]");
    var fields = {
      latitude: box.querySelector("input[name=latitude]"),
      longitude: box.querySelector("input[name=longitude]"),
      accuracy: box.querySelector("input[name=accuracy]")
    };
    if (!("geolocation" in navigator)) {
      return;
    }
    button.closest("[data-position-control]").hidden = false;  // without this script the button is never shown
    button.addEventListener("click", function () {
      status.textContent = status.getAttribute("data-asking");
      navigator.geolocation.getCurrentPosition(function (found) {
        fields.latitude.value = found.coords.latitude.toFixed(7);
        fields.longitude.value = found.coords.longitude.toFixed(7);
        fields.accuracy.value = Math.round(found.coords.accuracy || 0);
        status.textContent = status.getAttribute("data-found").replace("{metres}", fields.accuracy.value);
        status.setAttribute("data-state", "found");
      }, function () {
        fields.latitude.value = fields.longitude.value = fields.accuracy.value = "";
        status.textContent = status.getAttribute("data-refused");
        status.setAttribute("data-state", "refused");
      }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
    });
  }

  function start() {
    document.querySelectorAll("[data-use-position]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
