// Keyboard first: "/" jumps to the records search from anywhere except a text field. In
// an empty lookup box (the records page focuses its own) it is the same shortcut, not a
// character: the clerk is already where "/" leads.
document.addEventListener("keydown", function (event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  var target = event.target;
  if (target && target.matches && target.matches("input[data-results]") && !target.value) {
    event.preventDefault();
    return;
  }
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

// Lookup results from the keyboard: ↓ from the search box into the list, ↑/↓ within it,
// ↑ from the first result back to the box; Enter follows the focused link.
document.addEventListener("keydown", function (event) {
  if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
  var target = event.target;
  var items, index;
  if (target.matches && target.matches("input[data-results]")) {
    if (event.key !== "ArrowDown") return;
    items = document.querySelectorAll(target.getAttribute("data-results") + " .result-item");
    if (items.length) { event.preventDefault(); items[0].focus(); }
    return;
  }
  if (!(target.classList && target.classList.contains("result-item"))) return;
  items = Array.prototype.slice.call(document.querySelectorAll(".result-item"));
  index = items.indexOf(target);
  event.preventDefault();
  if (event.key === "ArrowDown" && index < items.length - 1) items[index + 1].focus();
  if (event.key === "ArrowUp") {
    if (index > 0) items[index - 1].focus();
    else { var q = document.querySelector("input[data-results]"); if (q) q.focus(); }
  }
});

// Ctrl+Enter sends a form that allows it (data-ctrl-enter) from any of its fields.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  var form = event.target.closest && event.target.closest("form[data-ctrl-enter]");
  if (form) { event.preventDefault(); form.requestSubmit(); }
});
