// Integration Blueprint: make every failed request visible; never fail silently.
(function () {
  "use strict";

  function showToast(text, level) {
    const area = document.getElementById("toasts");
    if (!area) return;
    const box = document.createElement("div");
    box.className = "alert alert-" + (level || "danger") + " alert-dismissible shadow";
    // A confirmation is news, not an alarm: it speaks politely and goes away soon.
    box.setAttribute("role", level === "success" ? "status" : "alert");
    box.textContent = text;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", () => box.remove());
    box.appendChild(close);
    area.appendChild(box);
    setTimeout(() => box.remove(), level === "success" ? 2500 : 12000);
  }
  window.blueprintToast = showToast;

  // In DEBUG, django-htmx's helper replaces the whole page with an error response.
  // Here a refusal (403), a vanished item (404) or a crash (500) must not wipe what
  // the user typed: stop that helper (window capture runs before its listener on
  // document) and let htmx:responseError below show a toast instead.
  window.addEventListener(
    "htmx:beforeOnLoad",
    (event) => {
      const status = event.detail.xhr && event.detail.xhr.status;
      if (status >= 400 && status !== 409 && status !== 422) event.stopPropagation();
    },
    true
  );

  function messageFrom(xhr) {
    try {
      const doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
      const el = doc.querySelector(".error-message");
      if (el && el.textContent.trim()) return el.textContent.trim();
    } catch (e) { /* fall through */ }
    return "";
  }

  document.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    const detail = messageFrom(xhr);
    let text;
    if (xhr.status === 403) text = detail || "You are not allowed to do this.";
    else if (xhr.status === 404) text = detail || "This item no longer exists; reload the page.";
    else text = "The server could not save this (error " + xhr.status + "). Your input is kept; try again.";
    showToast(text);
  });
  document.addEventListener("htmx:sendError", () => {
    showToast("Cannot reach the server. Your input is kept; try again when the connection is back.");
  });
  document.addEventListener("htmx:timeout", () => {
    showToast("The server took too long to answer. Your input is kept; try again.");
  });
})();

// The workshop's heartbeat: who is here, and what others changed. Rows that others
// changed are refreshed in place; rows someone is editing here are left alone.
(function () {
  "use strict";
  const PLACES = {
    overview: "Overview", scenarios: "Scenarios", data_model: "Data mapping",
    mappings: "Field mappings", governance: "Ownership", requirements: "Reporting",
    delivery: "Delivery plan", readiness: "Readiness", signoff: "Sign-off",
    versions: "Versions", activity: "Activity",
  };

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function renderPeople(box, people) {
    const list = box.querySelector(".presence-list");
    if (!list) return;
    list.replaceChildren();
    for (const person of people) {
      const item = document.createElement("li");
      item.textContent = person.name + (person.me ? " (you)" : "");
      if (!person.me && PLACES[person.where]) {
        const where = document.createElement("span");
        where.className = "text-body-secondary";
        where.textContent = " · " + PLACES[person.where];
        item.appendChild(where);
      }
      list.appendChild(item);
    }
  }

  function describe(change) {
    return change.who + " " + change.verb + " " + (change.kind ? change.kind + " " : "") +
      "“" + change.label + "”";
  }

  // Rows others added: read this page again and put each new row where the page has it,
  // in the list it belongs to, without touching anything else (open forms stay as typed).
  async function freshPage() {
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return null;
    return new DOMParser().parseFromString(await response.text(), "text/html");
  }

  async function insertNewRows(ids) {
    try {
      const fresh = await freshPage();
      if (!fresh) return [];
      const added = [];
      for (const id of ids) {
        const row = fresh.getElementById(id);
        if (!row || document.getElementById(id)) continue;
        const list = row.parentElement && row.parentElement.id
          ? document.getElementById(row.parentElement.id) : null;
        if (!list) continue;
        // Before the first later sibling this page already shows, else at the end.
        let next = row.nextElementSibling;
        while (next && !(next.id && document.getElementById(next.id))) next = next.nextElementSibling;
        const copy = document.importNode(row, true);
        copy.classList.add("just-added");
        list.insertBefore(copy, next ? document.getElementById(next.id) : null);
        htmx.process(copy);
        setTimeout(() => copy.classList.remove("just-added"), 4000);
        added.push(id);
      }
      if (added.length && window.blueprintGrid) window.blueprintGrid.wire();
      // An "empty" hint or a placeholder the fresh page no longer has goes too.
      for (const hint of document.querySelectorAll(".empty-hint[id], .item-placeholder[id]")) {
        if (!fresh.getElementById(hint.id)) hint.remove();
      }
      return added;
    } catch (e) {
      return [];
    }
  }

  // Rows others moved (journey steps): each list they are in takes the order the page has
  // now. An open form (id "<row>-form") keeps the place of its row, so typing is untouched.
  async function reorderRows(ids) {
    try {
      const fresh = await freshPage();
      if (!fresh) return;
      const lists = new Set();
      for (const id of ids) {
        const row = fresh.getElementById(id);
        if (row && row.parentElement && row.parentElement.id) lists.add(row.parentElement.id);
      }
      for (const listId of lists) {
        const list = document.getElementById(listId);
        const order = Array.from(fresh.getElementById(listId).children).map((child) => child.id);
        if (!list) continue;
        const place = (el) => order.indexOf(el.id.replace(/-form$/, ""));
        const children = Array.from(list.children).filter((el) => el.id && place(el) >= 0);
        children.sort((a, b) => place(a) - place(b));
        for (const child of children) list.appendChild(child);
        for (const id of ids) {
          const row = document.getElementById(id);
          if (row && list.contains(row)) {
            row.classList.add("just-added");
            setTimeout(() => row.classList.remove("just-added"), 4000);
          }
        }
      }
    } catch (e) {
      /* the next change will bring it */
    }
  }

  // The item someone is editing was deleted by another person: their typing stays, and
  // the form now saves it as a new item (or they copy it), said inside the form itself so
  // no toast covers its buttons.
  function keepAsNew(box, change) {
    const form = box.querySelector("form.item-edit-form");
    if (!form || !change.create_url || form.dataset.keptAsNew) return;
    form.dataset.keptAsNew = "1";
    form.setAttribute("action", change.create_url);
    form.setAttribute("hx-post", change.create_url);
    htmx.process(form);
    const revision = form.querySelector("input[name=revision]");
    if (revision) revision.value = "";
    const button = form.querySelector("button[type=submit]");
    if (button) button.textContent = "Save as a new item";
    const note = document.createElement("div");
    note.className = "alert alert-warning item-deleted-note";
    note.setAttribute("role", "alert");
    note.textContent = describe(change) + " while you were editing it. Your text is still here: " +
      "save it as a new item, or copy what you need and cancel.";
    form.prepend(note);
  }

  function applyChanges(changes) {
    const notes = [];
    const created = [];
    const moved = [];
    for (const change of changes) {
      const id = change.slug && change.pk ? change.slug + "-" + change.pk : null;
      const row = id ? document.getElementById(id) : null;
      const editingHere = id && document.getElementById(id + "-form");
      if (editingHere && change.action === "deleted") {
        keepAsNew(editingHere, change);
      } else if (editingHere) {
        notes.push(describe(change) + " while you are editing it: saving will show both versions.");
      } else if (change.action === "deleted" && row && row.querySelector(".cell-editor")) {
        // A cell of the grid is being typed in: the row stays until the person leaves it.
        row.classList.add("row-gone");
        notes.push(describe(change) + " while you are editing it: what you type there cannot be saved; copy it.");
      } else if (change.action === "deleted") {
        if (row && row.classList.contains("item-row")) row.remove();
        notes.push(describe(change) + ".");
      } else if (change.action === "moved" && id) {
        moved.push(id);
        notes.push(describe(change) + ".");
      } else if (row && row.classList.contains("grid-row") && change.row_url && window.blueprintGrid) {
        // The grid keeps its ticks, its keyboard place and a cell being edited.
        window.blueprintGrid.refreshRow(row, change.row_url);
        notes.push(describe(change) + ".");
      } else if (row && row.classList.contains("item-row") && change.row_url) {
        htmx.ajax("GET", change.row_url, { target: row, swap: "outerHTML" });
        notes.push(describe(change) + ".");
      } else if (change.action === "created" && id) {
        created.push(id);
        notes.push(describe(change) + ".");
      } else {
        notes.push(describe(change) + ".");
      }
    }
    if (created.length) insertNewRows(created);
    if (moved.length) reorderRows(moved);
    if (notes.length) {
      window.blueprintToast(notes.slice(-4).join(" "), "info");
      htmx.trigger(document.body, "blueprint-changed");
    }
  }

  function start() {
    const box = document.getElementById("presence");
    if (!box || !window.fetch) return;
    let after = "";
    let state = box.dataset.state;
    async function beat() {
      if (document.hidden && after !== "") return;
      try {
        const body = new URLSearchParams({ where: box.dataset.where || "", after: after });
        const response = await fetch(box.dataset.pulseUrl, {
          method: "POST",
          headers: { "X-CSRFToken": csrfToken() },
          body: body,
          credentials: "same-origin",
        });
        if (!response.ok) return;
        const data = await response.json();
        renderPeople(box, data.people);
        if (after !== "") applyChanges(data.changes);
        after = String(data.last);
        if (data.state !== state) {
          state = data.state;
          const words = { draft: "back in draft", awaiting: "frozen for sign-off", signed: "signed off" };
          if (!document.querySelector(".item-form")) {
            // Nothing typed here to lose: show the new state (and its controls) at once.
            window.location.reload();
            return;
          }
          window.blueprintToast(
            "The blueprint is now " + (words[state] || state) + ". " +
              (state === "draft" ? "Reload the page to edit." :
                "Your open form can no longer be saved; copy what you typed, then reload."),
            "warning"
          );
        }
      } catch (e) {
        /* The next beat will try again; sendError toasts cover real saves. */
      }
    }
    beat();
    setInterval(beat, 2000);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// Keyboard comfort in a live workshop: an opened form takes the focus, Escape cancels it.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.elt;
    const form = target && target.closest ? target.closest(".item-form") : null;
    const box = form || (target && target.querySelector ? target.querySelector(".item-form") : null);
    if (!box) return;
    const invalid = box.querySelector(".is-invalid");
    const first = invalid || box.querySelector(
      "input:not([type=hidden]):not([disabled]), textarea:not([disabled]), select:not([disabled])"
    ) || Array.from(box.querySelectorAll("a.btn")).find((a) => a.textContent.trim() === "Cancel");
    // A delete confirmation has no field: its Cancel takes the focus (never Delete itself),
    // so Escape and Tab start there.
    if (first) first.focus({ preventScroll: false });
  });

  // After Save, Cancel or Delete the form goes; the focus goes to what takes its place
  // (the row, else the list), not to the top of the page.
  let landing = null;
  let opener = null;
  document.addEventListener("click", (event) => {
    const button = event.target.closest ? event.target.closest(".item-row [aria-label]") : null;
    if (button) opener = { row: button.closest(".item-row").id, label: button.getAttribute("aria-label") };
  });
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    landing = null;
    if (!target || !target.classList || !target.classList.contains("item-form")) return;
    if (!target.contains(document.activeElement) && document.activeElement !== document.body) return;
    landing = { parent: target.parentElement, next: target.nextElementSibling };
  });
  document.addEventListener("htmx:afterSettle", () => {
    if (!landing) return;
    const { parent, next } = landing;
    landing = null;
    const placed = next ? next.previousElementSibling : parent && parent.lastElementChild;
    const spot = placed && placed.isConnected ? placed : parent;
    if (!spot || (spot.classList && spot.classList.contains("item-form"))) return;
    // Back to the very button that opened the form (Edit, Delete), else the row's first.
    const again = opener && spot.id === opener.row && opener.label
      ? spot.querySelector('[aria-label="' + CSS.escape(opener.label) + '"]') : null;
    const focusable = again || (spot.querySelector ? spot.querySelector("a.btn, button, a[href]") : null);
    if (focusable) focusable.focus({ preventScroll: true });
    else if (spot.focus) {
      spot.setAttribute("tabindex", "-1");
      spot.focus({ preventScroll: true });
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const from = event.target && event.target.closest ? event.target : document.activeElement;
    const box = from && from.closest ? from.closest(".item-form") : null;
    if (!box) return;
    const cancel = Array.from(box.querySelectorAll("a.btn")).find((a) =>
      /^(Cancel|Keep theirs)$/.test(a.textContent.trim())
    );
    if (cancel) {
      event.preventDefault();
      // The form may have been swapped in a moment ago: make sure htmx has wired its links
      // (processing twice does nothing), or the click would only follow the #anchor.
      if (window.htmx) htmx.process(box);
      cancel.click();
    }
  });
})();

// Behaviour the templates ask for declaratively, so that the Content-Security-Policy needs
// no inline script and htmx never evaluates code (allowEval is off):
// - data-clears="id": after a successful request from this element, remove element #id
//   (an "empty" hint that the new item replaces);
// - data-cancel-form: a Cancel link that closes its inline form instead of leaving the page;
// - data-percent="n": a progress bar n% wide (set through the CSSOM, which CSP allows);
// - the new-project form shows its file picker only when starting from a file.
(function () {
  "use strict";
  document.addEventListener("htmx:afterRequest", (event) => {
    const elt = event.detail.elt;
    const id = elt && elt.dataset ? elt.dataset.clears : "";
    if (id && event.detail.successful) document.getElementById(id)?.remove();
  });
  document.addEventListener("click", (event) => {
    const link = event.target.closest ? event.target.closest("[data-cancel-form]") : null;
    if (!link) return;
    event.preventDefault();
    link.closest(".item-form")?.remove();
  });

  function widths(root) {
    for (const bar of root.querySelectorAll("[data-percent]")) {
      bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.percent) || 0)) + "%";
    }
  }

  function projectForm() {
    const form = document.getElementById("project-form");
    const box = document.getElementById("div_id_blueprint_file");
    if (!form || !box || form.dataset.filePicker !== "toggle") return;
    function sync() {
      const chosen = form.querySelector("input[name=start]:checked");
      box.hidden = !(chosen && chosen.value === "file") && !box.querySelector(".is-invalid");
    }
    form.addEventListener("change", sync);
    sync();
  }

  function start() {
    widths(document);
    projectForm();
    if (window.htmx) htmx.onLoad((elt) => widths(elt));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// Forms that follow the choice: a form with data-follows="kind" and data-shown-for (JSON:
// field -> the values of that choice it applies to) shows only the fields that apply.
// A field with an error stays in view whatever the choice.
(function () {
  "use strict";
  function container(form, name) {
    const input = form.querySelector('[name="' + name + '"]');
    if (!input) return null;
    return input.closest('[id^="div_id_"], fieldset, .mb-3') || input.parentElement;
  }
  function follow(form) {
    let shown;
    try {
      shown = JSON.parse(form.dataset.shownFor || "{}");
    } catch (e) {
      return;
    }
    const choice = form.elements[form.dataset.follows];
    if (!choice) return;
    function sync() {
      for (const [name, values] of Object.entries(shown)) {
        const box = container(form, name);
        if (!box) continue;
        const applies = values.includes(choice.value) || box.querySelector(".is-invalid");
        box.hidden = !applies;
      }
    }
    choice.addEventListener("change", sync);
    sync();
  }
  function start(root) {
    for (const form of root.querySelectorAll ? root.querySelectorAll("form[data-follows]") : []) {
      if (!form.dataset.following) {
        form.dataset.following = "1";
        follow(form);
      }
    }
    if (root.matches && root.matches("form[data-follows]") && !root.dataset.following) {
      root.dataset.following = "1";
      follow(root);
    }
  }
  function boot() {
    start(document);
    if (window.htmx) htmx.onLoad((elt) => start(elt));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();

// "Saving…" while an inline form's request is on its way, "Saved" once it is stored, so a
// slow network never leaves people wondering whether their click counted.
(function () {
  "use strict";
  const SAVING = "Saving…";
  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt;
    if (!form.matches || !form.matches("form.item-edit-form")) return;
    const button = form.querySelector("button[type=submit]");
    if (!button) return;
    button.dataset.label = button.textContent;
    button.textContent = SAVING;
    button.disabled = true;
    form.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (!form.matches || !form.matches("form.item-edit-form")) return;
    const button = form.querySelector("button[type=submit]");
    if (button && button.dataset.label) {
      button.textContent = button.dataset.label;
      button.disabled = false;
    }
    form.removeAttribute("aria-busy");
  });
  // Before the swap: a saved form is replaced by its row, and a detached form hears nothing.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const form = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!form || !form.matches || !form.matches("form.item-edit-form")) return;
    const status = event.detail.xhr && event.detail.xhr.status;
    if (status >= 200 && status < 300) window.blueprintToast("Saved.", "success");
  });
})();

// The project menu folds away on narrow screens and stays open on wide ones.
(function () {
  "use strict";
  const narrow = window.matchMedia("(max-width: 991.98px)");
  function sync() {
    for (const menu of document.querySelectorAll("details[data-collapse-narrow]")) {
      if (!narrow.matches) menu.open = true;
      else if (!menu.dataset.touched) menu.open = false;
    }
  }
  document.addEventListener("click", (event) => {
    const summary = event.target.closest ? event.target.closest("details[data-collapse-narrow] > summary") : null;
    if (summary) summary.parentElement.dataset.touched = "1";
  });
  narrow.addEventListener("change", sync);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", sync);
  else sync();
})();

// A download that takes a while (the PDF of a big blueprint renders for a minute in the
// background): the link says how far it has got and is busy until the file is here, then
// the browser saves it as usual. The server answers 202 with X-Pdf-Progress while a render
// is on; its waiting page (no script needed) polls the same address.
(function () {
  "use strict";
  const POLL_MS = 1000;

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  // Poll a render's progress until it is done or failed; `update` hears every state.
  async function waitFor(progressUrl, update) {
    for (;;) {
      const response = await fetch(progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error("progress " + response.status);
      const progress = await response.json();
      update(progress);
      if (progress.state === "done" || progress.state === "failed") return progress;
      await sleep(POLL_MS);
    }
  }
  window.blueprintPdfWait = waitFor;

  async function save(response) {
    const disposition = response.headers.get("Content-Disposition") || "";
    const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement("a");
    link.href = url;
    link.download = match ? decodeURIComponent(match[1]) : "";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  document.addEventListener("click", async (event) => {
    const link = event.target.closest ? event.target.closest("a[data-busy-download]") : null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || !window.fetch) return;
    event.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return;
    const label = link.textContent;
    link.setAttribute("aria-busy", "true");
    link.classList.add("disabled");
    link.textContent = link.dataset.busyDownload;
    try {
      let response = await fetch(link.href, { credentials: "same-origin" });
      const progressUrl = response.status === 202 ? response.headers.get("X-Pdf-Progress") : null;
      if (progressUrl) {
        const final = await waitFor(progressUrl, (progress) => {
          link.textContent = progress.state === "done" ? link.dataset.busyDownload : progress.label;
        });
        if (final.state === "failed") {
          window.blueprintToast(final.label);
          return;
        }
        response = await fetch(link.href, { credentials: "same-origin" });
      }
      if (!response.ok || response.status === 202) {
        // The server's page says why (too slow, damaged snapshot): show it as a page.
        window.location.href = link.href;
        return;
      }
      await save(response);
    } catch (e) {
      window.blueprintToast("The download did not arrive. Try again.");
    } finally {
      link.textContent = label;
      link.classList.remove("disabled");
      link.removeAttribute("aria-busy");
    }
  });

  // The waiting page: the bar and the words follow the render; when it is done the
  // download starts by itself, and the button stays for another copy.
  function watch(holder) {
    const bar = holder.querySelector("progress");
    const words = holder.querySelector("[data-pdf-label]");
    const ready = holder.querySelector("[data-pdf-ready]");
    waitFor(holder.dataset.pdfProgress, (progress) => {
      bar.value = progress.fraction;
      words.textContent = progress.label;
    }).then((final) => {
      if (final.state !== "done") return;
      ready.classList.remove("d-none");
      ready.click();
    }).catch(() => {
      words.textContent = "The progress did not arrive. Reload the page to see where the PDF is.";
    });
  }
  function start() {
    for (const holder of document.querySelectorAll("[data-pdf-progress]")) watch(holder);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// A big data model (or a long list of scenarios) shows summaries that load when scrolled
// to. A link to something inside one (a readiness finding's #attribute-12, #step-4) opens
// it first, then goes to the item, as if the whole page had been there.
(function () {
  "use strict";
  function open(hash) {
    const id = decodeURIComponent((hash || "").replace(/^#/, ""));
    if (!id) return;
    const there = document.getElementById(id);
    if (there && !there.classList.contains("lazy-summary")) return;
    const holder = there || document.querySelector('[data-anchors~="' + CSS.escape(id) + '"]');
    if (!holder || !holder.classList.contains("lazy-summary") || !window.htmx) return;
    // Cards near the target open as they come into view and push it down: keep it in
    // place while they do, until the person scrolls or types (or ten seconds pass).
    let until = 0;
    const stop = () => {
      document.body.removeEventListener("htmx:load", keep);
      document.body.removeEventListener("htmx:afterSettle", keep);
      for (const name of ["wheel", "touchstart", "keydown", "mousedown"]) {
        window.removeEventListener(name, stop, true);
      }
    };
    const keep = () => {
      const target = document.getElementById(id);
      // The rest of a list came and holds a summary that holds the target: open that too.
      const inner = target || document.querySelector('[data-anchors~="' + CSS.escape(id) + '"]');
      if (inner && inner.classList.contains("lazy-summary") && !inner.dataset.opening) {
        inner.dataset.opening = "1";
        // It may have arrived a moment ago: let htmx set it up first (it does so once).
        window.htmx.process(inner);
        window.htmx.trigger(inner, "blueprint-open");
      }
      if (!target) return;
      if (!until) {
        until = Date.now() + 10000;
        target.classList.add("just-added");
        for (const name of ["wheel", "touchstart", "keydown", "mousedown"]) {
          window.addEventListener(name, stop, true);
        }
      }
      if (Date.now() > until) return stop();
      target.scrollIntoView({ block: "center" });
    };
    // htmx:load comes as each new piece is set up, htmx:afterSettle once it has settled.
    document.body.addEventListener("htmx:load", keep);
    document.body.addEventListener("htmx:afterSettle", keep);
    holder.dataset.opening = "1";
    window.htmx.process(holder);
    window.htmx.trigger(holder, "blueprint-open");
  }
  // The rest of a long list arrives whole: the rows this page shows already (the first
  // ones, and any that others added since) stay as they are, only the others are added.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (!target || !target.classList || !target.classList.contains("lazy-tail")) return;
    const incoming = document.createElement("template");
    incoming.innerHTML = event.detail.serverResponse;
    for (const row of Array.from(incoming.content.children)) {
      if (row.id && document.getElementById(row.id)) row.remove();
    }
    event.detail.serverResponse = incoming.innerHTML;
  });
  // After htmx has set up the page's elements (it does so when the document is ready).
  const later = () => setTimeout(() => open(window.location.hash), 0);
  window.addEventListener("hashchange", later);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", later);
  else later();
})();

// A scenario's form suggests what it moves and produces (blueprint/trace.py): one button
// per list ticks the suggestions; nothing is chosen until the person presses it.
(function () {
  "use strict";
  function offer(root) {
    const lists = new Map();
    for (const el of root.querySelectorAll ? root.querySelectorAll("[data-suggested]") : []) {
      if (el.name && !lists.has(el.name)) lists.set(el.name, el);
    }
    for (const [name, el] of lists) {
      const group = el.closest(".mb-3") || el.parentElement;
      if (!group || group.querySelector(".use-suggestions")) continue;
      const wanted = new Set(el.dataset.suggested.split(" "));
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-secondary use-suggestions mt-1";
      button.textContent = "Tick the suggestions";
      button.addEventListener("click", () => {
        const form = el.form || group;
        for (const input of form.querySelectorAll('[name="' + CSS.escape(name) + '"]')) {
          if (input.tagName === "SELECT") {
            for (const option of input.options) if (wanted.has(option.value)) option.selected = true;
          } else if (wanted.has(input.value)) {
            input.checked = true;
          }
        }
        button.disabled = true;
        button.textContent = "Suggestions ticked";
      });
      group.appendChild(button);
    }
  }
  const boot = () => {
    offer(document);
    if (window.htmx) htmx.onLoad((elt) => offer(elt));
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
