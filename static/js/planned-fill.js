/* 預定進度 (templates/measures/planned_form.html): fill the months in one action, then edit them as usual.
   「平均分配至完成期限」 rises evenly to 100% in the deadline's month; 「完成期限當月 100%」 sets only that
   month. The months after the deadline are emptied (the server refuses them). Nothing is saved until 儲存. */
(function () {
  "use strict";
  function start() {
    var bar = document.querySelector("[data-planned-fill]");
    var grid = document.querySelector("[data-planned-months]");
    if (!bar || !grid) { return; }
    var last = grid.getAttribute("data-last-month");
    var inputs = Array.prototype.slice.call(grid.querySelectorAll("input[name^='m']"));
    var upTo = inputs.filter(function (input) { return input.name.slice(1) <= last; });
    var status = bar.querySelector("[data-fill-status]");
    bar.hidden = false;
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-fill]");
      if (!button || upTo.length === 0) { return; }
      var even = button.getAttribute("data-fill") === "even";
      inputs.forEach(function (input) {
        var index = upTo.indexOf(input);
        if (index < 0) {
          input.value = "";
        } else if (even) {
          input.value = String(Math.round(100 * (index + 1) / upTo.length));
        } else {
          input.value = index === upTo.length - 1 ? "100" : "";
        }
      });
      status.textContent = "已填入，請檢查後按「儲存」。";
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
