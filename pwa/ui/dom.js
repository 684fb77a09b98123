// h("button", {class: "big", onclick}, "text", child) → an element. No framework.

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "value") el.value = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function mount(root, ...nodes) {
  root.replaceChildren(...nodes.flat(Infinity).filter(Boolean));
}

// thumbnails come from stored bytes; revoke them when the screen changes
const urls = [];
export function objectUrl(bytes, type) {
  const url = URL.createObjectURL(bytes instanceof Blob ? bytes : new Blob([bytes], { type }));
  urls.push(url);
  return url;
}
export function revokeObjectUrls() {
  while (urls.length) URL.revokeObjectURL(urls.pop());
}

export function toast(message, kind = "info") {
  const box = document.getElementById("toast");
  box.className = `toast ${kind}`;
  box.textContent = message;
  box.hidden = false;
  box.dataset.shownAt = String(Date.now());
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, kind === "error" ? 8000 : 3500);
}

// a toast belongs to the moment it was shown: a later screen change clears it
export function clearStaleToast(maxAgeMs = 1500) {
  const box = document.getElementById("toast");
  if (!box.hidden && Date.now() - Number(box.dataset.shownAt || 0) > maxAgeMs) box.hidden = true;
}

// An in-app question over the screen (window.confirm cannot be styled or translated):
// answers true when the inspector taps `yes`, false on `no`.
export function ask(message, yes, no) {
  return new Promise((resolve) => {
    const answer = (value) => { overlay.remove(); resolve(value); };
    const overlay = h("div", { class: "overlay", id: "confirm" },
      h("div", { class: "dialog card", role: "alertdialog", "aria-modal": "true" },
        h("p", { class: "lead" }, message),
        h("div", { class: "pair" },
          h("button", { class: "button secondary", id: "confirm-no", onclick: () => answer(false) }, no),
          h("button", { class: "button danger", id: "confirm-yes", onclick: () => answer(true) }, yes))));
    document.body.append(overlay);
    overlay.querySelector("#confirm-no").focus();
  });
}

// A bar offering to take back what was just done, for `ms`; it outlives screen changes.
export function offerUndo(message, undoText, undo, ms = 10000) {
  document.getElementById("undo-bar")?.remove();
  const bar = h("div", { class: "undo-bar", id: "undo-bar", role: "status" },
    h("span", { class: "grow" }, message),
    h("button", { class: "button", id: "undo-button", onclick: async () => { bar.remove(); await undo(); } }, undoText));
  document.body.append(bar);
  setTimeout(() => bar.remove(), ms);
}
