// The door slips' print button (a script file: the pages' CSP allows no inline script).
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
  }
});
