// Moves the focus to the form's error summary when the page comes back with errors (DSFR error summary pattern):
// a screen reader reads the list of errors, a keyboard user reaches each field from its link. A link of the summary
// focuses its field too, not only scrolls to it. Loaded only by pages that show a summary; the CSP forbids inline
// scripts, hence this file.
(function () {
  // Two forms of a page may each show a summary, and so load this file twice: one run per page is enough. The mark
  // is on the page's root element, which a page written over this one (upload.js) replaces.
  const root = document.documentElement;
  if (root.dataset.portalErrorSummaryLoaded) return;
  root.dataset.portalErrorSummaryLoaded = "true";

  function focusSummary() {
    const summary = document.querySelector("[data-portal-error-summary]");
    if (summary) summary.focus();
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-portal-error-summary] a[href^='#']");
    if (!link) return;
    const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) return;
    // A group of checkboxes or radios is linked by its fieldset: focus its first input.
    const field = target.matches("input, select, textarea, button")
      ? target
      : target.querySelector("input, select, textarea, button");
    if (!field) return;
    event.preventDefault();
    field.focus();
    target.scrollIntoView({ block: "center" });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
