// The complaint form before the app: on /start/complaint the static shell shows the form
// rendered at build time (core/examples/shell_form.rs) and this script saves every
// keystroke to IndexedDB, so a person types at once on a first visit while the wasm is
// still on its way. The app adopts the saved draft exactly as typed and takes over the
// same markup (app/src/store/shell.rs, app/src/shell.rs); checking and sending stay the
// app's. scripts/precache.mjs inlines this file into index.html after the templates.
//
// The record, written once and read by app::store::shell (its `ShellDraft` is the same
// shape; change both together): database "adal-shell", version 1, object store "drafts"
// with key path "id"; one record a draft, exactly the app's draft without `problem`:
//   { id: "<uuid v4>", form: { id: "complaint", version: 3 },
//     answers: { "<field key>": "<text as typed>" | true | false, … },
//     created_at: <ms since the epoch>, updated_at: <ms since the epoch> }
// Text is kept as typed (never trimmed); a ticked check box is true; a radio answer is its
// value ("true"/"false" become booleans, as in the app). The app sets
// `window.adalShellAdopted = true` before it adopts a record; from then on nothing is
// written here, and the app copies the fields the person changed (marked `data-typed`)
// when it takes over.
(() => {
  const path = location.pathname.replace(/\/$/, "");
  const shell = document.getElementById("shell");
  const stored = (() => { try { return localStorage.getItem("adal.lang"); } catch { return null; } })();
  const tag = (t) => { const p = (t || "").trim().split(/[-_]/)[0].toLowerCase(); return p === "kz" ? "kk" : ["kk", "ru", "en"].includes(p) ? p : null; };
  // The app's own rule (state::AppState::from_browser): the remembered choice, else the
  // browser's language, else Russian.
  const lang = tag(stored) || tag(navigator.language) || "ru";
  const template = document.getElementById("shell-form-" + lang);
  if (!shell || !template || path !== "/start/" + template.dataset.form) return;
  const form = { id: template.dataset.form, version: Number(template.dataset.version) };
  shell.replaceChildren(template.content.cloneNode(true));
  shell.classList.add("has-form");
  document.documentElement.lang = lang;
  if (!navigator.onLine) { const s = shell.querySelector(".status"); s.classList.add("offline"); s.firstChild.textContent = template.dataset.offline; }
  // Choosing a language remembers it (as the app does) and draws the form again; what
  // was typed is back from the saved draft.
  for (const b of shell.querySelectorAll(".langs button")) {
    b.addEventListener("click", () => { try { localStorage.setItem("adal.lang", b.lang); } catch { /* not remembered */ } location.reload(); });
  }
  const el = shell.querySelector("form");
  el.addEventListener("submit", (e) => e.preventDefault()); // checking and sending are the app's

  const key = (input) => (input.name || input.id).replace(/^f-/, "").replace(/-/g, ".");
  const answers = () => {
    const a = {};
    for (const input of el.querySelectorAll("input, textarea, select")) {
      if (input.disabled || input.type === "file") continue;
      if (input.type === "radio") {
        if (input.checked) a[key(input)] = input.value === "true" ? true : input.value === "false" ? false : input.value;
      } else if (input.type === "checkbox") {
        if (input.checked) a[key(input)] = true;
      } else if (input.value !== "") a[key(input)] = input.value;
    }
    return a;
  };
  const fill = (a) => {
    for (const input of el.querySelectorAll("input, textarea, select")) {
      const v = a[key(input)];
      if (v === undefined || input.type === "file") continue;
      if (input.type === "radio") input.checked = String(v) === input.value;
      else if (input.type === "checkbox") input.checked = v === true;
      else input.value = String(v);
    }
    counter();
  };
  const counter = () => {
    const c = el.querySelector("textarea + .counter");
    if (c) c.firstChild.textContent = c.previousElementSibling.value.trim().length + " / " + c.textContent.split(" / ")[1];
  };

  let draft = null;
  let typed = false;
  let db = null;
  const open = new Promise((ok, ko) => {
    const r = indexedDB.open("adal-shell", 1);
    r.onupgradeneeded = () => r.result.createObjectStore("drafts", { keyPath: "id" });
    r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error);
  });
  // A draft typed here earlier and not yet adopted by the app (a reload, a closed tab).
  open.then((d) => {
    db = d;
    const r = d.transaction("drafts").objectStore("drafts").getAll();
    r.onsuccess = () => {
      const mine = r.result.filter((x) => x.form && x.form.id === form.id).sort((x, y) => y.updated_at - x.updated_at)[0];
      if (mine && !typed) { draft = mine; fill(mine.answers); }
    };
  }, () => {});
  const uuid = () => crypto.randomUUID ? crypto.randomUUID()
    : ([1e7] + -1e3 + -4e3 + -8e3 + -1e11).replace(/[018]/g, (c) => (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16));
  // As pages::start does: `?district=URA&institution=…` (a staff task's link) fills those in.
  const query = new URLSearchParams(location.search);
  fill(Object.fromEntries(["district", "institution"].filter((k) => query.get(k)).map((k) => [k, query.get(k)])));
  const save = (e) => {
    typed = true;
    // Marks what the person changed here: the app copies only those (shell::take_over).
    if (e && e.target && e.target.dataset) e.target.dataset.typed = "";
    counter();
    if (window.adalShellAdopted) return;
    const now = Date.now();
    draft = { ...(draft || { id: uuid(), form, created_at: now }), answers: answers(), updated_at: now };
    const record = draft;
    const put = (d) => { if (!window.adalShellAdopted) d.transaction("drafts", "readwrite").objectStore("drafts").put(record); };
    if (db) put(db); else open.then(put, () => {});
  };
  el.addEventListener("input", save);
  el.addEventListener("change", save);
})();
