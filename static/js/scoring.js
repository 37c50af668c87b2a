// The member's scoring screen, keyboard first (no inline script: CSP).
// 1–9 choose the option by position for the current criterion (saved at once by htmx on "change"),
// ↑/↓ or j/k move between criteria, n/p open the next/previous product, s submits the sheet (after a confirmation).
(() => {
  const sheet = document.querySelector("[data-scoring]");
  const ACTIVE = ["border-success", "border-2"];
  let current = -1;

  const criteria = () => (sheet ? Array.from(sheet.querySelectorAll("form[data-criterion]")) : []);

  function highlight(index) {
    criteria().forEach((form, n) => ACTIVE.forEach((css) => form.classList.toggle(css, n === index)));
    current = index;
  }

  function focusCriterion(index) {
    const list = criteria();
    if (!list.length) return;
    const at = Math.max(0, Math.min(index, list.length - 1));
    const form = list[at];
    const radio = form.querySelector("input[type=radio]:checked") || form.querySelector("input[type=radio]");
    highlight(at);
    if (radio && !radio.disabled) radio.focus();
    else form.focus();
    form.scrollIntoView({ block: "nearest" });
  }

  function choose(position) {
    const form = criteria()[current];
    if (!form) return;
    const radio = form.querySelectorAll("input[type=radio]")[position - 1];
    if (!radio || radio.disabled) return;
    radio.focus();
    if (radio.checked) return;
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function follow(which) {
    const link = document.querySelector(`a[data-nav="${which}"]`);
    if (link) window.location.assign(link.href);
  }

  // A confirmation before a sheet is submitted, by button or by key.
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  if (!sheet) return;

  sheet.addEventListener("focusin", (event) => {
    const form = event.target.closest("form[data-criterion]");
    if (form) highlight(criteria().indexOf(form));
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest("textarea, select, [contenteditable], input:not([type=radio]):not([type=checkbox])")) return;
    const key = event.key;
    if (/^[1-9]$/.test(key)) {
      if (current < 0) focusCriterion(0);
      choose(Number(key));
    } else if (key === "ArrowDown" || key === "j") {
      focusCriterion(current + 1);
    } else if (key === "ArrowUp" || key === "k") {
      focusCriterion(Math.max(current - 1, 0));
    } else if (key === "n") {
      follow("next");
    } else if (key === "p") {
      follow("prev");
    } else if (key === "s") {
      const form = document.getElementById("submit-form");
      if (form) form.requestSubmit();
    } else {
      return;
    }
    event.preventDefault();
  });

  // Start on the first criterion still unanswered.
  const list = criteria();
  const first = list.findIndex((form) => !form.querySelector("input[type=radio]:checked"));
  if (list.length && !list[0].querySelector("fieldset[disabled]")) focusCriterion(first < 0 ? 0 : first);
  // Keys typed before this point would be lost: browser tests wait for the mark.
  document.documentElement.dataset.scoringReady = "true";
})();
