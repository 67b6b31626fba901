// A form that saves is sent once: its submit buttons are disabled while it is sending, so a double
// click or an impatient second tap does not post it twice (the server also refuses a second post of
// the same form by its one-time token: communes/submissions.py). Kept out of the HTML: the CSP
// forbids inline scripts.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || event.defaultPrevented || form.method.toLowerCase() !== "post") return;
  // Wait until every other submit handler (e.g. data-confirm in app.js) has decided.
  window.setTimeout(() => {
    if (event.defaultPrevented) return;
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach((button) => {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    });
    form.dataset.sending = "true";
  }, 0);
});

// Back to a page kept by the browser's cache: its buttons work again.
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[data-sending]").forEach((form) => {
    delete form.dataset.sending;
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach((button) => {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  });
});
