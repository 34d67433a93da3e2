// Notices: the draft form's audience and house picker, the group text's copy button, the
// poster's print button. Everything works without it too (all pickers shown, text
// selected by hand, the browser's own print).
(function () {
  function byId(id) { return document.getElementById(id); }

  // Only the chosen audience's picker is shown.
  function showAudience() {
    var chosen = document.querySelector("input[name=audience]:checked");
    var value = chosen ? chosen.value : "site";
    document.querySelectorAll("[data-audience-only]").forEach(function (box) {
      box.hidden = box.getAttribute("data-audience-only") !== value;
    });
  }

  // A house picked from the records lookup is added to the box of house codes, once.
  function addHouse(item) {
    var box = byId("id_houses");
    if (!box) return;
    var label = item.getAttribute("data-label").split(" · ")[0];
    var lines = box.value.split(/\n/).map(function (l) { return l.trim(); }).filter(Boolean);
    if (lines.indexOf(label) === -1) lines.push(label);
    box.value = lines.join("\n");
    byId("notice-house-picks").innerHTML = "";
    var search = byId("notice-house-search");
    search.value = "";
    search.focus();
  }

  function copy(button) {
    var source = document.querySelector(button.getAttribute("data-copy"));
    var status = byId("group-text-status");
    function said(text) { if (status) status.textContent = text; }
    function fallback() {
      source.focus();
      source.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      said(button.getAttribute(ok ? "data-copied" : "data-copy-failed"));
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.value).then(function () {
        said(button.getAttribute("data-copied"));
      }, fallback);
    } else {
      fallback();
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target.name === "audience") showAudience();
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : null;
    if (!target) return;
    var item = target.closest("#notice-house-picks .pick-item");
    if (item) { event.preventDefault(); addHouse(item); return; }
    var copier = target.closest("[data-copy]");
    if (copier) { event.preventDefault(); copy(copier); return; }
    if (target.closest("[data-print]")) { event.preventDefault(); window.print(); }
  });

  // Enter in the house search adds the first result instead of saving the form.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target.id !== "notice-house-search") return;
    event.preventDefault();
    var first = document.querySelector("#notice-house-picks .pick-item");
    if (first) addHouse(first);
  });

  if (document.querySelector("input[name=audience]")) showAudience();
})();
