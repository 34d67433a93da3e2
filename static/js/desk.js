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
// ↑ from the first result back to the box; Enter follows the focused link. A page may
// have two boxes with lists (the header's and the page's): each moves within its own.
function resultsOwner(item) {
  var boxes = document.querySelectorAll("input[data-results]");
  for (var i = 0; i < boxes.length; i++) {
    var list = document.querySelector(boxes[i].getAttribute("data-results"));
    if (list && list.contains(item)) return { box: boxes[i], list: list };
  }
  return null;
}

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
  var owner = resultsOwner(target);
  items = Array.prototype.slice.call((owner ? owner.list : document).querySelectorAll(".result-item"));
  index = items.indexOf(target);
  event.preventDefault();
  if (event.key === "ArrowDown" && index < items.length - 1) items[index + 1].focus();
  if (event.key === "ArrowUp") {
    if (index > 0) items[index - 1].focus();
    else {
      var q = owner ? owner.box : document.querySelector("input[data-results]");
      if (q) q.focus();
    }
  }
});

// The header's search box shows the lookup's results under it while the clerk types,
// as the records page's own box does: the lookup answers its results alone to a request
// that names the page's list as its target, whatever the list is called here.
function lookupDropdown(box) {
  return box && box.matches && box.matches("input[data-lookup-dropdown]")
    ? document.querySelector(box.getAttribute("data-results"))
    : null;
}

document.addEventListener("htmx:configRequest", function (event) {
  if (lookupDropdown(event.detail.elt)) event.detail.headers["HX-Target"] = "lookup-results";
});

document.addEventListener("htmx:beforeRequest", function (event) {
  var box = event.detail.elt;
  var list = lookupDropdown(box);
  // An emptied box closes the list rather than asking for the lookup's opening hint.
  if (list && !box.value.trim()) { event.preventDefault(); list.innerHTML = ""; }
});

document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  var target = event.target;
  var owner = target.matches && target.matches("input[data-lookup-dropdown]")
    ? { box: target, list: lookupDropdown(target) }
    : resultsOwner(target);
  if (!owner || !owner.box.matches("input[data-lookup-dropdown]") || !owner.list.innerHTML) return;
  event.preventDefault();
  owner.list.innerHTML = "";
  owner.box.focus();
});

// A click or the focus anywhere but the box or its list closes the list.
function closeLookupDropdownsOutside(event) {
  document.querySelectorAll("input[data-lookup-dropdown]").forEach(function (box) {
    var list = lookupDropdown(box);
    if (list && event.target !== box && !list.contains(event.target)) list.innerHTML = "";
  });
}
document.addEventListener("click", closeLookupDropdownsOutside);
document.addEventListener("focusin", closeLookupDropdownsOutside);

// A page loaded before the session ended asks for a fragment (a masked number's "Show"):
// the server answers 401 with a line saying so, shown where the clerk clicked instead
// of nothing at all.
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr.status === 401) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// Ctrl+Enter sends a form that allows it (data-ctrl-enter) from any of its fields.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  var form = event.target.closest && event.target.closest("form[data-ctrl-enter]");
  if (form) { event.preventDefault(); form.requestSubmit(); }
});


// A field's maxlength cuts pasted text without a word: say so beside the field, so that
// nothing is lost unseen (the server refuses what is typed too long with its own message).
document.addEventListener("paste", function (event) {
  var field = event.target;
  if (!field || !field.maxLength || field.maxLength < 0 || !event.clipboardData) return;
  var pasted = event.clipboardData.getData("text");
  var selected = (field.selectionEnd || 0) - (field.selectionStart || 0);
  if (field.value.length - selected + pasted.length <= field.maxLength) return;
  var note = field.parentNode.querySelector(".pasted-cut");
  if (!note) {
    note = document.createElement("div");
    note.className = "pasted-cut form-text text-danger-emphasis";
    field.insertAdjacentElement("afterend", note);
  }
  note.textContent = document.body.getAttribute("data-pasted-cut").replace("{n}", field.maxLength);
});

// From a result row of the lookup, Ctrl+Enter records a case about it (complaints): two
// keystrokes from the search box, ↓ then Ctrl+Enter, with the house and resident filled in.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  var target = event.target;
  if (!(target.classList && target.classList.contains("result-item"))) return;
  var row = target.parentElement;
  var record = target.classList.contains("result-case") ? target : row && row.querySelector(".result-case");
  if (!record) return;
  event.preventDefault();
  window.location.href = record.href;
});
