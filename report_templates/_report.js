(() => {
  "use strict";
  // Filters read only data-* attributes and textContent, and write only `hidden` and text:
  // nothing from the report is ever parsed as HTML.
  const form = document.getElementById("filters");
  if (form) {
    const rows = Array.from(document.querySelectorAll("#findings tr.finding"));
    const groups = Array.from(document.querySelectorAll("#findings section.check"));
    const counter = document.getElementById("shown-count");
    const noMatch = document.getElementById("no-match");
    const haystacks = new Map(rows.map((row) => [
      row,
      Array.from(row.querySelectorAll("[data-search]"), (el) => el.textContent).join(" ").toLowerCase(),
    ]));
    const checked = (name) => new Set(
      Array.from(form.querySelectorAll(`input[name="${name}"]:checked`), (input) => input.value),
    );
    const noun = (n) => (n === 1 ? "finding" : "findings");

    const apply = () => {
      const statuses = checked("status");
      const severities = checked("severity");
      const service = form.elements.service.value;
      const region = form.elements.region.value;
      const terms = form.elements.q.value.toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const row of rows) {
        const d = row.dataset;
        const haystack = haystacks.get(row);
        const match = statuses.has(d.status)
          && severities.has(d.severity)
          && (!service || d.service === service)
          && (!region || d.region === region)
          && terms.every((term) => haystack.includes(term));
        row.hidden = !match;
        if (match) shown += 1;
      }
      const filtered = shown !== rows.length;
      for (const group of groups) {
        const total = group.querySelectorAll("tr.finding").length;
        const visible = group.querySelectorAll("tr.finding:not([hidden])").length;
        group.hidden = visible === 0;
        group.querySelector(".group-shown").textContent = filtered ? `${visible} of ${total} shown` : "";
      }
      counter.textContent = `${shown} of ${rows.length} ${noun(rows.length)} shown`;
      noMatch.hidden = shown !== 0;
      document.body.classList.toggle("is-filtered", filtered);
    };

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", (event) => event.preventDefault());
    form.addEventListener("reset", () => window.setTimeout(apply, 0));
    form.hidden = false;
    apply();
  }

  // Print every collapsed <details> open, then restore what the reader had.
  let opened = [];
  window.addEventListener("beforeprint", () => {
    opened = Array.from(document.querySelectorAll("details:not([open])"));
    for (const details of opened) details.open = true;
  });
  window.addEventListener("afterprint", () => {
    for (const details of opened) details.open = false;
    opened = [];
  });
})();
