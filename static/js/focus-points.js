/* The measure form (templates/measures/measure_form.html): the 評核重點 list offers only the focus points of the
   chosen 評核項目 (each option's data-item); a focus point of another item is cleared when the item changes.
   Without this script every focus point is listed and the server refuses a pair that does not match. */
(function () {
  "use strict";
  function start() {
    var item = document.getElementById("id_item");
    var point = document.getElementById("id_focus_point");
    if (!item || !point) { return; }
    function narrow() {
      Array.prototype.forEach.call(point.options, function (option) {
        var owner = option.getAttribute("data-item");
        var other = owner !== null && owner !== item.value;
        option.hidden = other;
        option.disabled = other;
      });
      if (point.selectedOptions.length && point.selectedOptions[0].disabled) { point.value = ""; }
    }
    item.addEventListener("change", narrow);
    narrow();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
