// Small enhancements of forms only: every form works without this file.
(function () {
  "use strict";

  // --- A part of a form shown only for one choice: data-shown-for="when=window". -------------------------
  // The page's CSS does the same with :has() where the browser knows it; this is for those that do not.
  function reveal(root) {
    root.querySelectorAll("[data-shown-for]").forEach(function (part) {
      var wanted = part.getAttribute("data-shown-for").split("=");
      var form = part.closest("form");
      var checked = form && form.querySelector("input[name='" + wanted[0] + "']:checked");
      part.hidden = !checked || checked.value !== wanted[1];
    });
  }

  // --- The photo control (templates/_photo_input.html): see the chosen pictures before sending. ------------
  function picker(box) {
    return box.querySelector("input[type=file]:not([capture])");
  }

  function filesIn(box) {
    var files = [];
    box.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) { files.push(file); });
    });
    return files;
  }

  function canMoveFiles() {
    try {
      return typeof DataTransfer === "function" && !!new DataTransfer().items;
    } catch (error) {
      return false;
    }
  }

  // Keep every chosen picture in the plain picker (a second photo adds to the first, up to data-max), so the
  // form sends them once, and the camera input is empty again for the next photo.
  function gather(box, input) {
    var max = parseInt(box.getAttribute("data-max"), 10) || 1;
    var incoming = Array.prototype.slice.call(input.files || []);
    var kept = box.photoFiles || [];
    if (incoming.length) {
      kept = (max > 1 ? kept.concat(incoming) : incoming).slice(0, max);
    }
    box.photoFiles = kept;
    if (canMoveFiles()) {
      var moved = new DataTransfer();
      kept.forEach(function (file) { moved.items.add(file); });
      picker(box).files = moved.files;
      box.querySelectorAll("input[capture]").forEach(function (camera) { camera.value = ""; });
    } else if (max === 1 && incoming.length) {
      box.querySelectorAll("input[type=file]").forEach(function (other) {
        if (other !== input) { other.value = ""; }
      });
    }
  }

  function clear(box) {
    box.photoFiles = [];
    box.querySelectorAll("input[type=file]").forEach(function (input) { input.value = ""; });
    show(box);
  }

  function show(box) {
    var preview = box.querySelector("[data-photo-preview]");
    var files = filesIn(box);
    preview.textContent = "";
    preview.hidden = files.length === 0;
    if (!files.length) {
      return;
    }
    var caption = document.createElement("p");
    caption.className = "photo-caption";
    caption.textContent = box.getAttribute("data-caption");
    preview.appendChild(caption);
    var list = document.createElement("div");
    list.className = "photo-thumbs";
    preview.appendChild(list);
    files.forEach(function (file, index) {
      var image = document.createElement("img");
      image.alt = box.getAttribute("data-alt") + " " + (index + 1);
      image.setAttribute("data-testid", "photo-thumb");
      list.appendChild(image);
      var reader = new FileReader();  // a data: URL, which the page's content policy allows for images
      reader.onload = function () { image.src = reader.result; };
      reader.readAsDataURL(file);
    });
    var again = document.createElement("button");
    again.type = "button";
    again.className = "button button-secondary button-wide";
    again.setAttribute("data-photo-clear", "");
    again.textContent = box.getAttribute("data-again");
    preview.appendChild(again);
  }

  function enhance(root) {
    reveal(root);
    root.querySelectorAll("[data-photo-input]").forEach(function (box) {
      box.classList.add("photo-enhanced");
      show(box);
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type === "radio" && input.form) {
      reveal(input.form);
    }
    var box = input.type === "file" && input.closest("[data-photo-input]");
    if (box) {
      gather(box, input);
      show(box);
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-photo-clear]");
    if (button) {
      clear(button.closest("[data-photo-input]"));
    }
  });

  document.addEventListener("htmx:load", function (event) { enhance(event.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
}());
