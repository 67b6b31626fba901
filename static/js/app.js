// Small behaviours shared by every page (kept out of the HTML: the CSP forbids inline scripts).
document.addEventListener("DOMContentLoaded", () => {
  // Forms marked data-confirm ask before they submit (e.g. deleting a record).
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
