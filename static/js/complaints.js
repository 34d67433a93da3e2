// Recording a case: the 12345 hotline's reference number and deadline only when the case
// came in by the hotline. The page draws them for every source, so that without this
// script they are simply there; with it, they show for 12345 alone (a form sent back with
// errors keeps its source, so a 12345 case shows them with their messages).
(function () {
  // Hidden parts are also disabled: a value typed before the source changed is not sent
  // with a case that is not a 12345 one.
  function showFor(source) {
    var form = source.form;
    if (!form) return;
    form.querySelectorAll("[data-source-only]").forEach(function (part) {
      var shown = part.getAttribute("data-source-only") === source.value;
      part.hidden = !shown;
      part.querySelectorAll("input, select, textarea").forEach(function (field) {
        field.disabled = !shown;
      });
    });
  }

  function sources() {
    return document.querySelectorAll("form select[name=source]");
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("form select[name=source]")) showFor(target);
  });

  sources().forEach(showFor);
  // Back to the page from the browser's history: it may restore another source.
  window.addEventListener("pageshow", function () { sources().forEach(showFor); });
})();
