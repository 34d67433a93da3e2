// Keyboard first: "/" jumps to the records search from anywhere except a text field.
document.addEventListener("keydown", function (event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  var target = event.target;
  var tag = target && target.tagName;
  if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
  var search = document.getElementById("global-search");
  if (!search) return;
  event.preventDefault();
  search.focus();
  search.select();
});

// A <select data-autosubmit> submits its form when changed (the site switcher).
document.addEventListener("change", function (event) {
  var select = event.target;
  if (select && select.matches && select.matches("select[data-autosubmit]")) {
    select.form.requestSubmit();
  }
});
