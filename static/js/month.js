/* A unit's month page: the 「沿用上月內容」 buttons copy last month's narrative into this month's field.
   Without JavaScript the buttons stay hidden and last month's text is shown beside the field to copy by hand. */
document.querySelectorAll("button[data-copy-from]").forEach(function (button) {
  var source = document.getElementById(button.dataset.copyFrom);
  var target = document.getElementById(button.dataset.copyTo);
  if (!source || !target) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    target.value = source.textContent.trim();
    target.focus();
  });
});
