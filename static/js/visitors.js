// Reception pages: the house picker, a returning visitor filling the form in, printing.
(function () {
  function byId(id) { return document.getElementById(id); }

  // The picker's box asks for results while the clerk types (htmx, 150 ms after the last
  // key). Results for an older text may still be listed when Enter comes: Enter takes
  // the first result of the text in the box now, so it waits for that text's answer.
  var shownFor = null;   // the text the listed results answer
  var pending = null;    // the text Enter was pressed on, its answer not yet in
  var chosenFrom = null; // the text the chosen house was picked from

  function requestedText(detail) {
    try {
      return new URL(detail.pathInfo.finalRequestPath, window.location.href).searchParams.get("q") || "";
    } catch (e) {
      return null;
    }
  }

  function hint(kind, text) {
    var box = byId("house-hint");
    if (!box) return;
    box.textContent = kind ? box.getAttribute("data-" + kind).replace("{q}", text || "") : "";
    box.classList.toggle("text-danger", kind === "none" || kind === "failed");
  }

  function showChosen(label) {
    var chosen = byId("house-chosen");
    if (label) chosen.textContent = chosen.getAttribute("data-format").replace("{label}", label);
    else chosen.textContent = chosen.getAttribute("data-empty");
    chosen.classList.toggle("is-chosen", !!label);
  }

  // A result picked (click, or Enter in the box) fills the hidden house/resident. The box
  // keeps what was typed and the chosen house is named beside it, so a wrong pick shows.
  function pick(item) {
    var box = byId("house-search");
    byId("id_house").value = item.getAttribute("data-house");
    byId("id_resident").value = item.getAttribute("data-resident");
    showChosen(item.getAttribute("data-label"));
    byId("house-picks").innerHTML = "";
    shownFor = null;
    pending = null;
    chosenFrom = box.value;
    hint(null);
    var next = byId("id_plate");
    if (next) next.focus();
  }

  function takeFirstOrWait(box) {
    var text = box.value;
    if (shownFor === text) {
      pending = null;
      var first = document.querySelector("#house-picks .pick-item");
      if (first) pick(first);
      else hint("none", text);
      return;
    }
    pending = text;
    hint("waiting", text);
    // Ask at once rather than after the typing delay; a request already on its way
    // for an older text is replaced (hx-sync).
    htmx.trigger(box, "search");
  }

  document.addEventListener("click", function (event) {
    var item = event.target.closest && event.target.closest(".pick-item");
    if (item) { event.preventDefault(); pick(item); return; }
    if (event.target.closest && event.target.closest("#house-clear")) {
      byId("id_house").value = "";
      byId("id_resident").value = "";
      showChosen(null);
      var box = byId("house-search");
      box.value = "";
      byId("house-picks").innerHTML = "";
      shownFor = pending = chosenFrom = null;
      hint(null);
      box.focus();
    }
    var printer = event.target.closest && event.target.closest("[data-print]");
    if (printer) {
      document.documentElement.setAttribute("data-format", printer.getAttribute("data-print"));
      window.print();
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    // Enter in the picker's box takes the first match instead of sending the form.
    if (event.key === "Enter" && target.id === "house-search" && !(event.ctrlKey || event.metaKey)) {
      if (!target.value) return;
      event.preventDefault();
      takeFirstOrWait(target);
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target.id !== "house-search") return;
    if (pending !== null && event.target.value !== pending) { pending = null; hint(null); }
    chosenFrom = null;
  });

  // Once a house is picked, an answer still due for the same text would only list the
  // results again under a finished field.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var box = event.detail.elt;
    if (box.id === "house-search" && pending === null && chosenFrom !== null && box.value === chosenFrom) {
      event.preventDefault();
    }
  });

  ["htmx:sendError", "htmx:responseError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (event.detail.elt.id !== "house-search" || pending === null) return;
      pending = null;
      hint("failed");
    });
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id === "house-picks") {
      shownFor = requestedText(event.detail);
      var box = byId("house-search");
      if (pending !== null && pending === shownFor && pending === box.value) takeFirstOrWait(box);
      return;
    }
    // A returning visitor: fill in what is still empty from their last visit.
    if (event.detail.target.id !== "returning") return;
    var last = event.detail.target.querySelector("[data-fill]");
    if (!last) return;
    ["visitor_name", "plate"].forEach(function (name) {
      var field = byId("id_" + name);
      if (field && !field.value) field.value = last.getAttribute("data-" + name);
    });
    var purpose = byId("id_purpose");
    if (purpose && last.getAttribute("data-purpose") && purpose.querySelector('option[value="' + last.getAttribute("data-purpose") + '"]')) {
      purpose.value = last.getAttribute("data-purpose");
    }
    if (last.getAttribute("data-house") && !byId("id_house").value) {
      byId("id_house").value = last.getAttribute("data-house");
      byId("id_resident").value = last.getAttribute("data-resident");
      showChosen(last.getAttribute("data-house-label"));
    }
  });
})();
