// What the server-rendered pages do in the browser, kept out of the HTML so the
// Content-Security-Policy can refuse every inline script.

// A picker whose options are page addresses: submitting opens the chosen page.
for (const form of document.querySelectorAll("form[data-open-selected]")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    location.href = form.elements[form.dataset.openSelected].value;
  });
}

for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}

// A destructive action (revoke a device, deactivate a user, close or reopen a round)
// asks first; the question is the form's data-confirm, in the page's language.
for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}
