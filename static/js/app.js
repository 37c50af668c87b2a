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

// A refusal (4xx) comes back as the fragment that says why and is swapped in (base.html's htmx config); a server
// error or a lost connection has no fragment, so say it at the top of the page rather than fail silently.
function showProblem(text) {
  const main = document.querySelector("main");
  if (!main) return;
  const box = document.createElement("div");
  box.className = "alert alert-danger alert-dismissible";
  box.setAttribute("role", "alert");
  box.dataset.testid = "request-problem";
  box.textContent = text;
  main.prepend(box);
  box.scrollIntoView({ block: "nearest" });
}
document.addEventListener("htmx:responseError", (event) => {
  showProblem(document.body.dataset.serverError || "Có lỗi ở máy chủ; thao tác chưa được thực hiện.");
});
document.addEventListener("htmx:sendError", () => {
  showProblem(document.body.dataset.sendError || "Không kết nối được máy chủ; thao tác chưa được thực hiện.");
});

// A refused form comes back as a whole page, its messages next to the fields: bring the first one into view, since a
// form low on a long page would otherwise answer below the fold.
document.addEventListener("DOMContentLoaded", () => {
  const refused = document.querySelector(".is-invalid");
  if (refused) refused.scrollIntoView({ block: "center" });
});
