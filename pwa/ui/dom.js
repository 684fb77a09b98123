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

// revoked when the screen changes
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
