(() => {
  "use strict";
  // The finding rows arrive as JSON (see html_rows.py) and become DOM only through
  // createElement and textContent: nothing from the report is ever parsed as HTML.
  const STATUS = ["FAIL", "ERROR", "PASS"];
  const MARK = { FAIL: "✗", ERROR: "!", PASS: "✓" };
  const DIFF = ["", "new", "unchanged", "fixed"];
  const DIFF_RANK = [3, 0, 2, 1]; // new, fixed, unchanged, then no baseline
  const [ST, RID, ARN, TYPE, ACCT, REGION, MSG, EV, DIFFS, AGE, MUTE, TAGS, OWNER, HAY] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
  ];
  const FIRST_PAGE = 50;
  const WHOLE_CHECK = 100; // a check with this many rows or fewer shows them all at once
  const PAGE = 200;
  const SHOW_ALL_UP_TO = 10000;
  const PRINT_ALL_UP_TO = 5000;

  const form = document.getElementById("filters");
  const dataNode = document.getElementById("report-data");
  if (form && dataNode) start(JSON.parse(dataNode.textContent), form);
  printing();
  document.documentElement.dataset.ready = String(Math.round(performance.now()));

  function start(data, form) {
    const S = data.strings;
    const fill = (index, rid) => (index < 0 ? "" : S[index].split("\u0000").join(rid));
    const indexOf = new Map(S.map((value, i) => [value, i]));
    const sections = data.checks.map((check) => section(check));
    const total = sections.reduce((n, sec) => n + sec.rows.length, 0);
    const counter = document.getElementById("shown-count");
    const noMatch = document.getElementById("no-match");
    const noun = (n) => (n === 1 ? "finding" : "findings");

    function section(check) {
      const el = document.getElementById(`check-${check.id}`);
      return {
        el,
        id: check.id,
        // What a search term may match for every row of the check.
        hay: `${check.id} ${el.dataset.title} ${el.dataset.service}`.toLowerCase(),
        overview: document.querySelector(`#checks tr[data-check="${check.id}"]`),
        rows: check.rows,
        view: check.rows,
        limit: 0,
        sort: { key: "default", dir: 1 },
        severity: el.dataset.severity,
        service: el.dataset.service,
        tbody: el.querySelector("tbody"),
        shownNote: el.querySelector(".group-shown"),
        paging: el.querySelector(".paging"),
      };
    }

    const cmpText = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
    const tieBreak = (a, b) =>
      a[ST] - b[ST] || DIFF_RANK[a[DIFFS]] - DIFF_RANK[b[DIFFS]] || cmpText(a[RID], b[RID]);
    const KEYS = {
      default: () => 0,
      status: (a, b) => a[ST] - b[ST],
      resource: (a, b) => cmpText(a[RID], b[RID]),
      account: (a, b) => cmpText(S[a[ACCT]], S[b[ACCT]]),
      region: (a, b) => cmpText(S[a[REGION]], S[b[REGION]]),
      diff: (a, b) => DIFF_RANK[a[DIFFS]] - DIFF_RANK[b[DIFFS]],
      age: (a, b) => a[AGE] - b[AGE],
    };

    function sortView(sec) {
      const key = KEYS[sec.sort.key];
      const dir = sec.sort.dir;
      // The rows arrive in the default order, and filtering keeps it.
      if (sec.sort.key !== "default") sec.view.sort((a, b) => dir * key(a, b) || tieBreak(a, b));
      for (const th of sec.el.querySelectorAll("thead th[aria-sort]")) {
        const button = th.querySelector("button.sort");
        const sorted = button.dataset.key === sec.sort.key;
        th.setAttribute("aria-sort", sorted ? (dir > 0 ? "ascending" : "descending") : "none");
      }
    }

    // Tags read as "key=value" too, so "team=data" finds what is tagged so.
    const tagText = new Map();
    function tagsOf(index) {
      if (index < 0) return "";
      if (!tagText.has(index)) {
        const tags = JSON.parse(S[index]);
        tagText.set(index, Object.keys(tags).map((k) => `${k}=${tags[k]}`).join(" "));
      }
      return tagText.get(index);
    }

    function haystack(row) {
      if (row[HAY] === undefined) {
        row[HAY] = [
          row[RID],
          fill(row[ARN], row[RID]),
          fill(row[MSG], row[RID]),
          tagsOf(row[TAGS]),
          row[OWNER] >= 0 ? S[row[OWNER]] : "",
        ]
          .join(" ")
          .toLowerCase();
      }
      return row[HAY];
    }

    function criteria() {
      const checked = (name) =>
        new Set(Array.from(form.querySelectorAll(`input[name="${name}"]:checked`), (i) => i.value));
      const chosen = (name) => {
        const field = form.elements[name];
        if (!field || !field.value) return null;
        return indexOf.has(field.value) ? indexOf.get(field.value) : -2;
      };
      const statuses = checked("status");
      return {
        statuses: new Set(STATUS.flatMap((s, i) => (statuses.has(s) ? [i] : []))),
        severities: checked("severity"),
        service: form.elements.service.value,
        account: chosen("account"),
        region: chosen("region"),
        owner: chosen("owner"),
        diff: form.elements.diff && form.elements.diff.value ? Number(form.elements.diff.value) : 0,
        muted: form.elements.muted.value,
        terms: form.elements.q.value.toLowerCase().split(/\s+/).filter(Boolean),
      };
    }

    function matches(row, c, sec) {
      return (
        c.statuses.has(row[ST]) &&
        (c.account === null || row[ACCT] === c.account) &&
        (c.region === null || row[REGION] === c.region) &&
        (c.owner === null || row[OWNER] === c.owner) &&
        (!c.diff || row[DIFFS] === c.diff) &&
        (c.muted === "" || (c.muted === "hide" ? row[MUTE] < 0 : row[MUTE] >= 0)) &&
        (!c.terms.length || c.terms.every((term) => sec.hay.includes(term) || haystack(row).includes(term)))
      );
    }

    // The filters as the URL fragment: only what differs from the defaults, so a plain link
    // stays plain and a jump to "#check-…" is never mistaken for filters.
    const fields = () => Array.from(form.elements).filter((el) => el.name);
    function stateOf() {
      const params = new URLSearchParams();
      const groups = new Map();
      for (const el of fields()) {
        if (el.type === "checkbox") {
          if (!groups.has(el.name)) groups.set(el.name, { now: [], changed: false });
          const group = groups.get(el.name);
          if (el.checked) group.now.push(el.value);
          if (el.checked !== el.defaultChecked) group.changed = true;
        } else if (el.tagName === "SELECT") {
          const initial = Array.from(el.options).find((o) => o.defaultSelected) || el.options[0];
          if (el.value !== initial.value) params.set(el.name, el.value);
        } else if (el.value !== el.defaultValue) {
          params.set(el.name, el.value);
        }
      }
      for (const [name, group] of groups) if (group.changed) params.set(name, group.now.join(","));
      return params.toString();
    }
    const isState = (hash) => hash.includes("=");
    function restore(hash) {
      const params = new URLSearchParams(hash);
      for (const el of fields()) {
        if (!params.has(el.name)) continue;
        const value = params.get(el.name);
        if (el.type === "checkbox") el.checked = value.split(",").includes(el.value);
        else if (el.tagName !== "SELECT" || Array.from(el.options).some((o) => o.value === value)) el.value = value;
      }
    }
    function remember(state) {
      const hash = location.hash.slice(1);
      if (!state && !isState(hash)) return; // keep an anchor the page was opened at
      history.replaceState(null, "", state ? `#${state}` : location.pathname + location.search);
    }

    function apply() {
      const c = criteria();
      let shown = 0;
      const state = stateOf();
      const filtered = c.statuses.size !== STATUS.length || state !== "";
      for (const sec of sections) {
        const visible = c.severities.has(sec.severity) && (!c.service || sec.service === c.service);
        sec.view = visible ? sec.rows.filter((row) => matches(row, c, sec)) : [];
        sortView(sec);
        sec.limit = sec.view.length <= WHOLE_CHECK ? sec.view.length : FIRST_PAGE;
        sec.shownNote.textContent = filtered ? `${sec.view.length} of ${sec.rows.length} shown` : "";
        render(sec);
        shown += sec.view.length;
      }
      counter.textContent = `${shown} of ${total} ${noun(total)} shown`;
      noMatch.hidden = shown !== 0;
      document.body.classList.toggle("is-filtered", Boolean(filtered));
      follow();
      const more = new URLSearchParams(state);
      for (const name of ["status", "q"]) more.delete(name);
      form.querySelector(".active-more").textContent = more.size ? `(${more.size})` : "";
      remember(state);
      measure();
    }

    // The checks and compliance tables list only what the findings above show.
    const controlRows = Array.from(document.querySelectorAll("#compliance tr[data-control]"));
    function follow() {
      const shownChecks = new Set(sections.filter((sec) => sec.view.length).map((sec) => sec.id));
      for (const sec of sections) if (sec.overview) sec.overview.hidden = !shownChecks.has(sec.id);
      for (const tr of controlRows) {
        let any = false;
        for (const li of tr.querySelectorAll("li[data-check]")) {
          li.hidden = !shownChecks.has(li.dataset.check);
          any = any || !li.hidden;
        }
        tr.hidden = !any;
      }
    }

    // The bar's height keeps anchors clear of it (scroll-margin-top reads it).
    function measure() {
      document.documentElement.style.setProperty("--bar-height", `${form.offsetHeight}px`);
    }

    function render(sec) {
      const fragment = document.createDocumentFragment();
      const end = Math.min(sec.limit, sec.view.length);
      for (let i = 0; i < end; i += 1) fragment.append(rowElement(sec.view[i]));
      sec.tbody.replaceChildren(fragment);
      sec.el.hidden = sec.view.length === 0;
      const rest = sec.view.length - end;
      sec.paging.hidden = rest === 0;
      if (rest) {
        sec.paging.querySelector(".page-note").textContent =
          `Showing ${end} of ${sec.view.length} rows.`;
        sec.paging.querySelector(".show-more").textContent = `Show ${Math.min(PAGE, rest)} more`;
        const all = sec.paging.querySelector(".show-all");
        all.hidden = sec.view.length > SHOW_ALL_UP_TO;
        all.textContent = `Show all ${sec.view.length}`;
      }
    }

    function node(tag, className, text) {
      const el = document.createElement(tag);
      if (className) el.className = className;
      if (text !== undefined) el.textContent = text;
      return el;
    }

    function badge(status) {
      const el = node("span", `badge st-${status}`);
      el.append(node("span", "mark", MARK[status]), ` ${status}`);
      el.firstChild.setAttribute("aria-hidden", "true");
      return el;
    }

    function details(className, label, text) {
      const el = node("details", className);
      el.append(node("summary", "", label));
      const pre = node("pre");
      pre.append(node("code", "", text));
      el.append(pre);
      return el;
    }

    function rowElement(row) {
      const rid = row[RID];
      const status = STATUS[row[ST]];
      const tr = node("tr", "finding");
      tr.dataset.status = status;
      tr.dataset.account = S[row[ACCT]];
      if (row[OWNER] >= 0) tr.dataset.owner = S[row[OWNER]];
      if (row[DIFFS]) tr.dataset.diff = DIFF[row[DIFFS]];
      const statusCell = node("td", "status");
      statusCell.append(badge(status));
      const mute = row[MUTE] >= 0 ? data.mutes[row[MUTE]] : null;
      if (mute) {
        tr.dataset.muted = "true";
        const tag = node("span", "badge muted-badge", "muted");
        tag.title = `until ${mute[2]}, owner ${mute[1]}`;
        statusCell.append(" ", tag, node("span", "mute-meta", `until ${mute[2]} · ${mute[1]}`));
      }
      const resource = node("td", "res untrusted");
      resource.append(node("span", "rid", rid));
      const arn = fill(row[ARN], rid);
      if (arn) resource.append(node("span", "arn", arn));
      resource.append(node("span", "rtype", S[row[TYPE]]));
      if (row[OWNER] >= 0) resource.append(node("span", "rtype owner", `owner: ${S[row[OWNER]]}`));
      const diff = node("td", "diff");
      if (row[DIFFS]) diff.append(node("span", `change change-${DIFF[row[DIFFS]]}`, DIFF[row[DIFFS]]));
      const age = node("td", "num age", row[AGE] >= 0 ? `${row[AGE]} d` : "");
      const message = node("td", "msg untrusted");
      message.append(node("span", "text", fill(row[MSG], rid)));
      if (mute) {
        message.append(
          node("p", "mute-note", `Muted until ${mute[2]} by ${mute[1]}: ${mute[0]}`),
        );
      }
      if (row[EV] >= 0) {
        const evidence = JSON.stringify(JSON.parse(fill(row[EV], rid)), null, 2);
        message.append(details("evidence", "Evidence", evidence));
      }
      if (row[TAGS] >= 0) {
        message.append(details("tags", "Tags", JSON.stringify(JSON.parse(S[row[TAGS]]), null, 2)));
      }
      tr.append(
        statusCell,
        resource,
        node("td", "acct", S[row[ACCT]]),
        node("td", "region", S[row[REGION]]),
        diff,
        age,
        message,
      );
      return tr;
    }

    for (const sec of sections) {
      sec.el.querySelector("thead").addEventListener("click", (event) => {
        const button = event.target.closest("button.sort");
        if (!button) return;
        const key = button.dataset.key;
        sec.sort = { key, dir: sec.sort.key === key ? -sec.sort.dir : key === "age" ? -1 : 1 };
        sortView(sec);
        render(sec);
      });
      sec.paging.querySelector(".show-more").addEventListener("click", () => {
        sec.limit += PAGE;
        render(sec);
      });
      sec.paging.querySelector(".show-all").addEventListener("click", () => {
        sec.limit = sec.view.length;
        render(sec);
      });
    }

    let typing = 0;
    form.addEventListener("input", (event) => {
      if (event.target.name !== "q") return;
      window.clearTimeout(typing);
      typing = window.setTimeout(apply, 120);
    });
    form.addEventListener("change", (event) => {
      if (event.target.name !== "q") apply();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      apply();
    });
    form.addEventListener("reset", () => window.setTimeout(apply, 0));
    const toggle = form.querySelector(".more-toggle");
    const moreFilters = document.getElementById("more-filters");
    function expand(open) {
      toggle.setAttribute("aria-expanded", String(open));
      moreFilters.hidden = !open;
      measure();
    }
    toggle.addEventListener("click", () => expand(moreFilters.hidden));
    window.addEventListener("resize", measure);

    // A link to a check the filters hide shows it (all statuses) before the jump; the jump
    // itself scrolls without touching the fragment, which holds the filters.
    function jump(id) {
      const target = document.getElementById(id);
      if (!target) return false;
      const sec = sections.find((s) => s.el === target);
      if (sec && target.hidden) {
        for (const box of form.querySelectorAll('input[name="status"]')) box.checked = true;
        apply();
        if (target.hidden) {
          form.reset();
          for (const box of form.querySelectorAll('input[name="status"]')) box.checked = true;
          apply();
        }
      }
      for (let el = target.parentElement; el; el = el.parentElement) {
        if (el.tagName === "DETAILS") el.open = true;
      }
      target.scrollIntoView({ block: "start" });
      return true;
    }
    document.addEventListener("click", (event) => {
      const link = event.target.closest('a[href^="#"]');
      if (!link || event.defaultPrevented) return;
      const id = decodeURIComponent(link.getAttribute("href").slice(1));
      if (id && !isState(id) && jump(id)) event.preventDefault();
    });

    for (const button of document.querySelectorAll("button[data-show-account]")) {
      button.hidden = false;
      button.addEventListener("click", () => {
        form.elements.account.value = button.dataset.showAccount;
        apply();
        document.getElementById("findings").scrollIntoView();
      });
    }

    // Print every filtered row when that stays printable, then restore the pages.
    let limits = null;
    window.addEventListener("beforeprint", () => {
      const rows = sections.reduce((n, sec) => n + sec.view.length, 0);
      if (rows > PRINT_ALL_UP_TO) return;
      limits = sections.map((sec) => sec.limit);
      for (const sec of sections) {
        sec.limit = sec.view.length;
        render(sec);
      }
    });
    window.addEventListener("afterprint", () => {
      if (!limits) return;
      sections.forEach((sec, i) => {
        sec.limit = limits[i];
        render(sec);
      });
      limits = null;
    });

    form.hidden = false;
    const opened = location.hash.slice(1);
    if (isState(opened)) restore(opened);
    // A short or narrow screen starts with the bar folded, unless the link set those filters.
    const roomy = window.innerHeight >= 700 && window.innerWidth >= 1200;
    apply();
    expand(roomy || form.querySelector(".active-more").textContent !== "");
    if (opened && !isState(opened)) jump(decodeURIComponent(opened));
  }

  // Print every fix of a check open, then restore what the reader had. Evidence and the tables
  // below the findings print as the reader left them: what the page shows, nothing more.
  function printing() {
    let opened = [];
    window.addEventListener("beforeprint", () => {
      opened = Array.from(document.querySelectorAll("details.fix:not([open])"));
      for (const el of opened) el.open = true;
      for (const el of document.querySelectorAll(".evidence")) {
        el.classList.toggle("long", el.textContent.split("\n").length > 12);
      }
    });
    window.addEventListener("afterprint", () => {
      for (const el of opened) el.open = false;
      opened = [];
    });
  }
})();
