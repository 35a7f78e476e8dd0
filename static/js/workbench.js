// The reviewer's workbench: 「全選本頁待審填報」 ticks or clears every report of the page (shown only with scripts on).
document.addEventListener("DOMContentLoaded", () => {
  const holder = document.querySelector("[data-select-all]");
  if (!holder) return;
  const all = holder.querySelector("input");
  const picks = Array.from(document.querySelectorAll("input[data-pick]"));
  holder.hidden = false;
  const sync = () => {
    const ticked = picks.filter((pick) => pick.checked).length;
    all.checked = ticked === picks.length;
    all.indeterminate = ticked > 0 && ticked < picks.length;
  };
  all.addEventListener("change", () => {
    picks.forEach((pick) => { pick.checked = all.checked; });
    sync();
  });
  picks.forEach((pick) => pick.addEventListener("change", sync));
});
