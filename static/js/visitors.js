// Reception pages: the house picker, a returning visitor filling the form in, printing.
(function () {
  function byId(id) { return document.getElementById(id); }

  // House picker: a result picked (click, or Enter on it) fills the hidden house/resident.
  function pick(item) {
    byId("id_house").value = item.getAttribute("data-house");
    byId("id_resident").value = item.getAttribute("data-resident");
    byId("house-chosen").textContent = item.getAttribute("data-label");
    byId("house-picks").innerHTML = "";
    byId("house-search").value = "";
    var next = byId("id_plate");
    if (next) next.focus();
  }

  document.addEventListener("click", function (event) {
    var item = event.target.closest && event.target.closest(".pick-item");
    if (item) { event.preventDefault(); pick(item); return; }
    if (event.target.closest && event.target.closest("#house-clear")) {
      byId("id_house").value = "";
      byId("id_resident").value = "";
      var chosen = byId("house-chosen");
      chosen.textContent = chosen.getAttribute("data-empty");
      byId("house-search").focus();
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
    if (event.key === "Enter" && target.id === "house-search") {
      var first = document.querySelector("#house-picks .pick-item");
      if (first) { event.preventDefault(); pick(first); }
      else if (target.value) { event.preventDefault(); }
      return;
    }
  });

  // A returning visitor: fill in what is still empty from their last visit.
  document.addEventListener("htmx:afterSwap", function (event) {
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
      byId("house-chosen").textContent = last.getAttribute("data-house-label");
    }
  });
})();
