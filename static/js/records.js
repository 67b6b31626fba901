// Record forms and list filters: the village list shows only the villages of the chosen commune.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form").forEach((form) => {
    const unit = form.querySelector("select[name=unit]");
    const village = form.querySelector("select[name=village]");
    if (!unit || !village) return;
    const show = () => {
      village.querySelectorAll("option[data-unit]").forEach((option) => {
        const other = unit.value !== "" && option.dataset.unit !== unit.value;
        option.hidden = other;
        option.disabled = other;
        if (other && option.selected) village.value = "";
      });
    };
    unit.addEventListener("change", show);
    show();
  });
});
