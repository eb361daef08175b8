// The field mapping sheet as a spreadsheet: move with the keyboard, edit a cell in place,
// add the next row at the bottom, tick rows to change them together, paste rows copied
// from Excel or Google Sheets. Every write goes to the server's grid endpoints
// (blueprint/views/mapping_grid.py), which answer with the rows' HTML as the page renders
// them; this script only places them. No inline script and no eval (the CSP forbids both).
(function () {
  "use strict";

  const SAVED_FOR = 2500;
  let table = null;
  let active = null; // the cell the keyboard is on: { row: id, field } (field "" = tick box)
  let editing = null; // { td, editor, original, kind }
  let pending = 0;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function toast(text, level) {
    if (window.blueprintToast) window.blueprintToast(text, level);
  }

  function status(text) {
    const box = document.getElementById("grid-status");
    if (!box) return;
    box.textContent = text;
    if (text === "Saved") {
      setTimeout(() => {
        if (box.textContent === "Saved" && pending === 0) box.textContent = "";
      }, SAVED_FOR);
    }
  }

  async function post(url, body) {
    pending += 1;
    status("Saving…");
    try {
      const response = await fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true", Accept: "application/json" },
      });
      let data = {};
      const type = response.headers.get("Content-Type") || "";
      if (type.includes("json")) data = await response.json();
      else {
        // A refusal page (403 frozen, 404 gone): its message, else a plain one.
        const doc = new DOMParser().parseFromString(await response.text(), "text/html");
        const message = doc.querySelector(".error-message");
        data = { error: message ? message.textContent.trim() : "" };
      }
      return { status: response.status, data: data };
    } catch (e) {
      return { status: 0, data: {} };
    } finally {
      pending -= 1;
    }
  }

  function failure(result, what) {
    if (result.status === 0) return "Cannot reach the server: " + what + " was not saved. Try again when the connection is back.";
    if (result.data.error) return result.data.error;
    if (result.status === 403) return "You cannot change the blueprint now: " + what + " was not saved.";
    if (result.status === 404) return "This mapping no longer exists: " + what + " was not saved.";
    return "The server could not save " + what + " (error " + result.status + "). Try again.";
  }

  // --- the cells -------------------------------------------------------------------

  function body() {
    return document.getElementById("mapping-rows");
  }

  function newRow() {
    return document.getElementById("mapping-new");
  }

  function rows() {
    const list = Array.from(body() ? body().querySelectorAll("tr.grid-row") : []);
    const added = newRow();
    if (added) list.push(added);
    return list;
  }

  function cells(row) {
    return Array.from(row.cells).filter((td) => td.classList.contains("cell"));
  }

  function fieldOf(td) {
    return td.dataset.field || (td.classList.contains("pick") ? "" : "actions");
  }

  function cellAt(row, field) {
    return cells(row).find((td) => fieldOf(td) === field) || null;
  }

  function isNew(td) {
    return !!td.closest("#mapping-new");
  }

  function control(td) {
    return td.querySelector("input:not([type=hidden]), select, button, summary");
  }

  function place(td, options) {
    if (!td) return;
    const row = td.parentElement;
    active = { row: row.id, field: fieldOf(td) };
    for (const other of table.querySelectorAll("td.cell[tabindex='0']")) {
      if (other !== td) other.setAttribute("tabindex", "-1");
    }
    if (isNew(td)) {
      const input = control(td);
      if (input) input.focus();
      if (input && input.select && input.type === "text") input.select();
      return;
    }
    td.setAttribute("tabindex", "0");
    if (!options || options.focus !== false) td.focus({ preventScroll: false });
  }

  function wire() {
    // One cell of the grid is in the page's Tab order; the others are reached by keys.
    for (const td of table.querySelectorAll("tbody td.cell")) {
      if (!td.hasAttribute("tabindex")) td.setAttribute("tabindex", "-1");
      for (const inner of td.querySelectorAll("a, button, summary, input")) inner.setAttribute("tabindex", "-1");
    }
    let target = null;
    if (active) {
      const row = document.getElementById(active.row);
      target = row && !isNew(row) ? cellAt(row, active.field) : null;
    }
    if (!target && !table.querySelector("tbody td.cell[tabindex='0']")) {
      const first = body() && body().querySelector("tr.grid-row");
      target = first ? cellAt(first, "source_system") : null;
    }
    if (target) target.setAttribute("tabindex", "0");
    picked();
  }

  function move(td, dRow, dCol, wrap) {
    const list = rows();
    let r = list.indexOf(td.parentElement);
    let row = list[r];
    let all = cells(row);
    let c = all.indexOf(td) + dCol;
    if (wrap && c >= all.length && r < list.length - 1) {
      r += 1;
      all = cells(list[r]);
      c = 0;
    } else if (wrap && c < 0 && r > 0) {
      r -= 1;
      all = cells(list[r]);
      c = all.length - 1;
    }
    if (wrap && (c < 0 || c >= all.length)) return false;
    r = Math.max(0, Math.min(list.length - 1, r + dRow));
    row = list[r];
    const field = dCol || wrap ? fieldOf(all[Math.max(0, Math.min(all.length - 1, c))]) : fieldOf(td);
    const next = cellAt(row, field) || cells(row)[0];
    place(next);
    return true;
  }

  // --- editing a cell in place ----------------------------------------------------

  function kindOf(td) {
    const model = cellAt(newRow() || document.createElement("tr"), td.dataset.field);
    if (td.dataset.field === "required") return "yesno";
    if (model && model.querySelector("select")) return "select";
    return "text";
  }

  function editorFor(td, typed) {
    const kind = kindOf(td);
    const label = headerOf(td.dataset.field);
    let editor;
    if (kind === "select") {
      const model = cellAt(newRow(), td.dataset.field).querySelector("select");
      editor = model.cloneNode(true);
      for (const name of ["id", "name", "form", "aria-invalid", "aria-describedby"]) editor.removeAttribute(name);
      editor.value = td.dataset.value;
      if (typed) {
        const option = Array.from(editor.options).find((o) => o.value && o.text.toLowerCase().startsWith(typed.toLowerCase()));
        if (option) editor.value = option.value;
      }
    } else if (kind === "yesno") {
      editor = document.createElement("select");
      for (const [value, text] of [["true", "Required"], ["false", "Optional"]]) editor.add(new Option(text, value));
      editor.value = td.dataset.value;
      if (typed && /[yr]/i.test(typed)) editor.value = "true";
      if (typed && /[no]/i.test(typed)) editor.value = "false";
    } else {
      const value = typed !== undefined ? typed : td.dataset.typed !== undefined ? td.dataset.typed : td.dataset.value;
      if (td.dataset.field === "transformation") {
        // A rule may run over several lines (Alt+Enter starts a new one): a text box keeps
        // its line breaks, where a one-line input would drop them.
        editor = document.createElement("textarea");
        editor.rows = Math.min(6, Math.max(1, value.split("\n").length));
      } else {
        editor = document.createElement("input");
        editor.type = "text";
      }
      editor.value = value;
      editor.setAttribute("autocomplete", "off");
    }
    editor.className = (kind === "text" ? "form-control" : "form-select") + " form-control-sm cell-editor";
    editor.setAttribute("aria-label", label);
    const error = td.querySelector(".cell-error");
    if (error) {
      error.id = td.parentElement.id + "-" + td.dataset.field + "-error";
      editor.setAttribute("aria-describedby", error.id);
      editor.setAttribute("aria-invalid", "true");
    }
    return { editor: editor, kind: kind };
  }

  function headerOf(field) {
    const th = table.querySelector("thead th[data-field='" + field + "']");
    return th ? th.textContent.replace(/[▲▼]/g, "").trim() : field;
  }

  function startEdit(td, typed) {
    if (!td.dataset.field || isNew(td) || !table.hasAttribute("data-editable")) return;
    if (editing) finishEdit({ save: true });
    const made = editorFor(td, typed);
    const error = td.querySelector(".cell-error");
    editing = { td: td, editor: made.editor, original: td.dataset.value, kind: made.kind, html: td.innerHTML };
    td.classList.add("editing");
    td.replaceChildren(made.editor);
    if (error) td.appendChild(error);
    made.editor.focus();
    if (made.kind === "text") {
      const end = made.editor.value.length;
      made.editor.setSelectionRange(end, end);
    }
  }

  // Close the editor; with `save`, send the value if it changed. Returns the cell.
  function finishEdit(options) {
    if (!editing) return null;
    const { td, editor, original, html } = editing;
    editing = null;
    const value = editor.value;
    td.classList.remove("editing");
    td.innerHTML = html;
    if (options.save && value !== original) {
      saveCell(td, value, original);
    } else if (!options.save) {
      delete td.dataset.typed;
      td.classList.remove("refused");
      td.querySelector(".cell-error")?.remove();
    }
    return td;
  }

  function display(td, value) {
    // What the cell shows while its save is on the way.
    const kind = kindOf(td);
    if (kind === "text") td.textContent = value;
    else if (kind === "yesno") td.textContent = value === "true" ? "Required" : "Optional";
    else {
      const select = cellAt(newRow(), td.dataset.field).querySelector("select");
      const option = Array.from(select.options).find((o) => o.value === value);
      td.textContent = option ? option.text : value;
    }
  }

  async function saveCell(td, value, original) {
    const row = td.parentElement;
    const field = td.dataset.field;
    const url = table.dataset.cellUrl.replace("/0/cell/", "/" + row.id.replace("mapping-", "") + "/cell/");
    const form = new FormData();
    form.set("field", field);
    form.set("value", value);
    form.set("original", original);
    const shown = td.innerHTML;
    display(td, value);
    td.classList.add("saving");
    const result = await post(url, form);
    td.classList.remove("saving");
    if (result.data.rows) merge(result.data.rows);
    const now = (document.getElementById(row.id) && cellAt(document.getElementById(row.id), field)) || td;
    if (result.status === 200) {
      delete now.dataset.typed;
      status(pending ? "Saving…" : "Saved");
      htmx.trigger(document.body, "blueprint-changed");
      return;
    }
    if (!result.data.rows) now.innerHTML = shown;
    // Refused: the saved value stays, the cell says why, and Enter brings the typing back.
    const message = failure(result, "“" + value + "”");
    now.dataset.typed = value;
    now.classList.add("refused");
    now.querySelector(".cell-error")?.remove();
    const note = document.createElement("div");
    note.className = "cell-error";
    note.textContent = message;
    now.appendChild(note);
    now.setAttribute("title", message);
    status("Not saved");
    toast(message + (result.status === 422 || result.status === 409 ? "" : " Your text: “" + value + "”."), "warning");
  }

  // Rows from the server: an existing row takes the new cells (except one being edited,
  // and keeping its tick), a new one goes to the end of the sheet, marked for a moment.
  function merge(html) {
    const template = document.createElement("template");
    template.innerHTML = "<table><tbody>" + html + "</tbody></table>";
    const fresh = Array.from(template.content.querySelectorAll("tr"));
    const focused = document.activeElement;
    const placed = [];
    for (const tr of fresh) {
      const old = document.getElementById(tr.id);
      if (!old) {
        body().querySelector(".empty-row")?.remove();
        tr.classList.add("just-added");
        body().appendChild(tr);
        htmx.process(tr);
        setTimeout(() => tr.classList.remove("just-added"), 4000);
        placed.push(tr);
        continue;
      }
      if (old.classList.contains("item-form") || !old.classList.contains("grid-row")) continue;
      for (const td of Array.from(tr.cells)) {
        const field = fieldOf(td);
        const mine = cellAt(old, field);
        if (!mine) continue;
        if (mine.classList.contains("editing")) continue;
        if (field === "") {
          const was = mine.querySelector("input");
          const now = td.querySelector("input");
          if (was && now) now.checked = was.checked;
        }
        td.setAttribute("tabindex", mine.getAttribute("tabindex") || "-1");
        const hadFocus = focused === mine;
        mine.replaceWith(td);
        htmx.process(td);
        if (hadFocus) td.focus({ preventScroll: true });
      }
      placed.push(old);
    }
    wire();
    return placed;
  }

  // Someone else changed a row: its cells are read again, except one being edited here
  // (merge keeps it), so the typing goes on; saving it then meets their value if they
  // changed that very cell.
  async function refreshRow(row, url) {
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } });
      if (response.ok) merge(await response.text());
    } catch (e) {
      /* the next change will bring it */
    }
  }

  // --- the new row at the bottom ----------------------------------------------------

  async function addRow(form) {
    const result = await post(form.action, new FormData(form));
    if (result.data.rows) {
      const [row] = merge(result.data.rows);
      if (row) row.scrollIntoView({ block: "nearest" });
    }
    if (result.data.draft) {
      const line = document.getElementById("mapping-new-line");
      const template = document.createElement("template");
      template.innerHTML = "<table>" + result.data.draft + "</table>";
      const fresh = template.content.querySelector("tfoot");
      if (line && fresh) line.replaceWith(fresh);
    }
    const row = newRow();
    if (result.status === 200) {
      status("Saved");
      htmx.trigger(document.body, "blueprint-changed");
      const input = row && cellAt(row, "source_field").querySelector("input");
      if (input) input.focus();
    } else {
      status("Not saved");
      const invalid = row && row.parentElement.querySelector("[aria-invalid=true]");
      if (invalid) invalid.focus();
      else toast(failure(result, "the new mapping"));
    }
  }

  // --- pasting rows ---------------------------------------------------------------

  function sheetKey(field) {
    const th = table.querySelector("thead th[data-field='" + field + "']");
    return (th && th.dataset.sheet) || "source_system";
  }

  async function paste(text, start) {
    const form = new FormData();
    const added = document.getElementById("mapping-new-form");
    if (added) for (const [name, value] of new FormData(added)) if (name.startsWith("new-")) form.append(name, value);
    form.set("text", text);
    form.set("start", start);
    const url = table.dataset.pasteUrl;
    status("Saving…");
    const result = await post(url, form);
    if (result.data.panel) {
      const panel = document.getElementById("mapping-paste");
      const template = document.createElement("template");
      template.innerHTML = result.data.panel;
      const fresh = template.content.firstElementChild;
      if (panel && fresh) panel.replaceWith(fresh);
    }
    if (result.status === 200) {
      const placed = merge(result.data.rows || "");
      if (placed.length) placed[0].scrollIntoView({ block: "nearest" });
      status("Saved");
      toast(result.data.message, "success");
      htmx.trigger(document.body, "blueprint-changed");
      return;
    }
    status("Not saved");
    const panel = document.getElementById("mapping-paste");
    const alert = panel && panel.querySelector(".alert");
    if (alert) {
      panel.open = true;
      alert.setAttribute("tabindex", "-1");
      alert.focus();
    } else {
      toast(failure(result, "the pasted rows"));
    }
  }

  // --- the keyboard -----------------------------------------------------------------

  function onEditorKey(event) {
    const key = event.key;
    if (key === "Escape") {
      event.preventDefault();
      const td = finishEdit({ save: false });
      if (td) place(td);
    } else if (key === "Enter" && event.altKey && event.target.tagName === "TEXTAREA") {
      event.preventDefault();
      const box = event.target;
      box.setRangeText("\n", box.selectionStart, box.selectionEnd, "end");
      box.rows = Math.min(6, box.value.split("\n").length);
    } else if (key === "Enter" && !event.altKey) {
      event.preventDefault();
      const td = finishEdit({ save: true });
      if (td) move(td, event.shiftKey ? -1 : 1, 0, false);
    } else if (key === "Tab") {
      event.preventDefault();
      const td = finishEdit({ save: true });
      if (td && !move(td, 0, event.shiftKey ? -1 : 1, true)) place(td);
    }
  }

  function onCellKey(event, td) {
    const key = event.key;
    const ctrl = event.ctrlKey || event.metaKey;
    const list = rows();
    const step = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[key];
    if (step && !event.altKey) {
      event.preventDefault();
      if (ctrl && step[0]) place(cellAt(list[step[0] < 0 ? 0 : list.length - 1], fieldOf(td)));
      else move(td, step[0], step[1], false);
    } else if (key === "PageDown" || key === "PageUp") {
      event.preventDefault();
      move(td, key === "PageDown" ? 20 : -20, 0, false);
    } else if (key === "Home" || key === "End") {
      event.preventDefault();
      const row = ctrl ? list[key === "Home" ? 0 : list.length - 1] : td.parentElement;
      const all = cells(row);
      place(all[key === "Home" ? 0 : all.length - 1]);
    } else if (key === "Tab") {
      // Tab moves along the row like a spreadsheet; past the row's end it leaves the grid
      // as everywhere else (to the new row), so the sheet never traps the keyboard.
      const all = cells(td.parentElement);
      const index = all.indexOf(td) + (event.shiftKey ? -1 : 1);
      if (index < 0 || index >= all.length) return;
      event.preventDefault();
      place(all[index]);
    } else if (key === "Enter" || key === "F2" || (key === " " && !td.classList.contains("pick"))) {
      event.preventDefault();
      if (td.dataset.field) startEdit(td);
      else if (td.classList.contains("pick")) toggle(td);
      else if (td.classList.contains("actions")) openActions(td);
    } else if (key === " ") {
      event.preventDefault();
      toggle(td);
    } else if ((key === "Delete" || key === "Backspace") && td.dataset.field && table.hasAttribute("data-editable")) {
      event.preventDefault();
      const empty = kindOf(td) === "yesno" ? "false" : "";
      if (td.dataset.value !== empty) saveCell(td, empty, td.dataset.value);
    } else if (key === "Escape") {
      td.classList.remove("refused");
      td.querySelector(".cell-error")?.remove();
      delete td.dataset.typed;
    } else if (key.length === 1 && !ctrl && !event.altKey && td.dataset.field) {
      event.preventDefault();
      startEdit(td, key);
    }
  }

  function toggle(td) {
    const box = td.parentElement.querySelector("td.pick input");
    if (!box) return;
    box.checked = !box.checked;
    picked();
  }

  function openActions(td) {
    const menu = td.querySelector("details.row-menu");
    if (menu) {
      menu.open = true;
      const first = menu.querySelector(".row-menu-items a, .row-menu-items button");
      if (first) first.focus();
    } else {
      const first = td.querySelector("a, button");
      if (first) first.focus();
    }
  }

  function picked() {
    const boxes = Array.from(table.querySelectorAll("tbody td.pick input"));
    let count = 0;
    for (const box of boxes) {
      box.closest("tr").classList.toggle("ticked", box.checked);
      if (box.checked) count += 1;
    }
    const label = document.getElementById("mapping-picked");
    if (label) label.textContent = count ? count + " ticked row" + (count === 1 ? "" : "s") + ":" : "Ticked rows:";
    const all = document.getElementById("mapping-pick-all");
    if (all) {
      all.checked = count > 0 && count === boxes.length;
      all.indeterminate = count > 0 && count < boxes.length;
    }
  }

  function onNewRowKey(event) {
    const target = event.target;
    if (event.key === "Enter" && !event.altKey && target.tagName !== "BUTTON") {
      event.preventDefault();
      document.getElementById("mapping-new-form").requestSubmit();
    } else if (event.key === "ArrowUp" && target.tagName === "INPUT" && target.type !== "checkbox") {
      const above = body().querySelector("tr.grid-row:last-child");
      if (above) {
        event.preventDefault();
        place(cellAt(above, fieldOf(target.closest("td"))));
      }
    }
  }

  function setUp() {
    table = document.getElementById("mapping-table");
    if (!table) return;
    wire();

    table.addEventListener("keydown", (event) => {
      const target = event.target;
      if (target.classList.contains("cell-editor")) return onEditorKey(event);
      if (target.closest("#mapping-new")) return onNewRowKey(event);
      const inMenu = target.closest("td.actions");
      if (inMenu && target !== inMenu && event.key === "Escape") {
        event.preventDefault();
        const menu = inMenu.querySelector("details.row-menu");
        if (menu) menu.open = false;
        place(inMenu);
        return;
      }
      if (target.matches("td.cell")) onCellKey(event, target);
    });
    table.addEventListener("focusout", (event) => {
      if (!editing || event.target !== editing.editor) return;
      // A click elsewhere saves, like a spreadsheet; a swap of the row is not a click.
      setTimeout(() => {
        if (editing && document.activeElement !== editing.editor) finishEdit({ save: true });
      }, 0);
    });
    table.addEventListener("click", (event) => {
      const td = event.target.closest("td.cell");
      if (!td || isNew(td) || td.classList.contains("editing")) return;
      if (td.classList.contains("pick")) {
        // The tick box toggles itself; the keyboard goes on from its cell.
        setTimeout(picked, 0);
        place(td);
        return;
      }
      if (event.target.closest("a, button, summary, input, details")) {
        active = { row: td.parentElement.id, field: fieldOf(td) };
        return;
      }
      place(td);
    });
    table.addEventListener("dblclick", (event) => {
      const td = event.target.closest("td.cell");
      if (td && td.dataset.field && !isNew(td)) startEdit(td);
    });
    table.addEventListener("paste", (event) => {
      const text = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
      const target = event.target;
      const many = /[\t\n]/.test(text.replace(/\r?\n$/, ""));
      if (!text || !table.hasAttribute("data-paste-url")) return;
      if (!many && (target.classList.contains("cell-editor") || target.closest("#mapping-new"))) return;
      // Lines without tabs into a rule being edited are the rule's own lines.
      if (target.tagName === "TEXTAREA" && target.classList.contains("cell-editor") && !text.includes("\t")) return;
      const td = target.closest("td.cell");
      if (!many && td && td.dataset.field && !isNew(td)) {
        event.preventDefault();
        const value = text.replace(/\r?\n$/, "");
        if (kindOf(td) === "text") saveCell(td, value, td.dataset.value);
        else startEdit(td, value.charAt(0));
        return;
      }
      if (!many) return;
      event.preventDefault();
      if (editing) finishEdit({ save: false });
      paste(text, sheetKey(td ? fieldOf(td) : "source_system"));
    });
    table.addEventListener("copy", (event) => {
      const td = event.target.closest ? event.target.closest("td.cell") : null;
      if (!td || !td.dataset.field || td.classList.contains("editing") || !event.clipboardData) return;
      if (String(window.getSelection() || "")) return;
      event.preventDefault();
      const kind = kindOf(td);
      event.clipboardData.setData("text/plain", kind === "text" ? td.dataset.value : td.textContent.trim());
      status("Copied");
    });
    table.addEventListener("change", (event) => {
      if (event.target.id === "mapping-pick-all") {
        for (const box of table.querySelectorAll("tbody td.pick input")) box.checked = event.target.checked;
      }
      if (event.target.closest("td.pick, th.pick")) picked();
    });

    document.addEventListener("submit", (event) => {
      const form = event.target;
      if (form.id === "mapping-new-form") {
        event.preventDefault();
        addRow(form);
      } else if (form.id === "mapping-bulk") {
        event.preventDefault();
        bulk(form);
      } else if (form.id === "mapping-paste-form") {
        event.preventDefault();
        paste(form.elements.text.value, form.elements.start.value);
      }
    });
    document.addEventListener("click", (event) => {
      const link = event.target.closest ? event.target.closest("[data-grid-new]") : null;
      const row = newRow();
      if (!link || !row) return;
      event.preventDefault();
      row.scrollIntoView({ block: "nearest" });
      place(cellAt(row, "source_field"));
    });
    document.addEventListener("htmx:afterSwap", (event) => {
      if (event.detail.target && event.detail.target.id === "mapping-rows") wire();
    });
    document.addEventListener("htmx:afterSettle", () => {
      if (table && !table.isConnected) setUp();
      else if (table && document.getElementById("mapping-rows")) wire();
    });
  }

  async function bulk(form) {
    const result = await post(form.action, new FormData(form));
    if (result.status === 200) {
      merge(result.data.rows || "");
      status("Saved");
      toast(result.data.message, "success");
      for (const select of form.querySelectorAll("select")) select.value = "";
      htmx.trigger(document.body, "blueprint-changed");
    } else {
      status("Not saved");
      toast(failure(result, "the change"), "warning");
    }
  }

  // The live feed (app.js) hands grid rows here, so a tick, the keyboard's place and a
  // cell being edited survive someone else's change to the row.
  window.blueprintGrid = {
    refreshRow: (row, url) => refreshRow(row, url),
    // Rows others added, placed by app.js: into the grid's keyboard order too.
    wire: () => table && wire(),
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
