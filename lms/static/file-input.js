// Progressive enhancement for file inputs (templates/lms/_forms.html): the browser writes
// "Choose File / No file chosen" in the computer's language; with this script the page's
// own label (in the page's language, rendered by the server) opens the input and the
// chosen file's name is shown and announced. Without it the native input stays as it is.
// The macro includes this file once per file field, so it marks what it has done.
(function () {
  "use strict";
  var boxes = document.querySelectorAll("[data-file-input]:not(.lms-file-enhanced)");
  Array.prototype.forEach.call(boxes, function (box) {
    var input = box.querySelector("input[type=file]");
    var state = box.querySelector(".lms-file-state");
    if (!input || !state) { return; }
    function show() {
      var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
      state.textContent = names.length ? names.join(", ") : state.getAttribute("data-none");
    }
    // The status describes the input too, so focusing it says what is chosen in the
    // page's language (the field's hint and error stay first, as the server wrote them).
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (described.indexOf(state.id) < 0) { described.push(state.id); }
    input.setAttribute("aria-describedby", described.join(" "));
    input.addEventListener("change", show);
    show();  // a file kept by the browser on "back" shows too
    box.classList.add("lms-file-enhanced");
  });
})();
