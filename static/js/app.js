// Small behaviours that CSP forbids inline: auto-submitting selects.
document.addEventListener("change", (event) => {
  const form = event.target.closest("form[data-autosubmit]");
  if (form) form.submit();
});

// Long uploads: say the work has started and stop a second submit while the server checks the file.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-busy]");
  if (!form) return;
  const button = form.querySelector("button[type=submit], button:not([type])");
  if (button) {
    button.disabled = true;
    button.textContent = form.dataset.busy;
  }
  const note = form.querySelector("[data-busy-note]");
  if (note) note.hidden = false;
});
