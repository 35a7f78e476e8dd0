/* The unit checkboxes (templates/measures/_unit_tree_field.html): a 「搜尋單位」 box that hides the units whose
   name does not contain what is typed, and the parent groups left empty. The checkboxes keep their state, so a
   hidden unit stays chosen. Without this script every unit is listed. Loaded once however many fields use it.
   The same for any list of choices marked .choice-filter-field (the scoring round's reviewers,
   templates/assessments/_reviewer_field.html): its box's data-unit-filter names what is counted (位). */
(function () {
  "use strict";
  if (window.unitFilterStarted) { return; }
  window.unitFilterStarted = true;
  function setUp(field) {
    var box = field.querySelector("[data-unit-filter]");
    var input = box.querySelector("input");
    var status = box.querySelector("[data-unit-filter-status]");
    var rows = Array.prototype.slice.call(field.querySelectorAll("[data-unit-name]"));
    var groups = Array.prototype.slice.call(field.querySelectorAll(".unit-tree-group"));
    box.hidden = false;
    input.addEventListener("input", function () {
      var wanted = input.value.trim();
      var shown = 0;
      rows.forEach(function (row) {
        var match = wanted === "" || row.getAttribute("data-unit-name").indexOf(wanted) >= 0;
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector("[data-unit-name]:not([hidden])");
      });
      status.textContent = wanted === "" ? "" : "符合 " + shown + " " + (box.getAttribute("data-unit-filter") || "個單位");
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".unit-tree-field, .choice-filter-field"), setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
