// A note: saved at every keystroke, never longer than the server takes
// (sync/validation.py MAX_NOTE_CHARS), and counted once the limit is near.
import { h } from "./dom.js";
import { t } from "../i18n.js";

export const MAX_NOTE_CHARS = 10000;
const COUNT_FROM = 9000;
const grouped = (n) => n.toLocaleString("en-US");

export function noteBox(id, value, save, { rows = 3 } = {}) {
  let queue = Promise.resolve();
  const count = h("p", { class: "note-count", id: `${id}-count`, "aria-live": "polite" });
  const show = (text) => {
    count.hidden = text.length < COUNT_FROM;
    const full = text.length >= MAX_NOTE_CHARS;
    count.classList.toggle("error", full);
    count.textContent = t(full ? "note.full" : "note.count", { used: grouped(text.length), max: grouped(MAX_NOTE_CHARS) });
  };
  const box = h("textarea", { id, rows, maxlength: String(MAX_NOTE_CHARS), value: value || "",
    placeholder: t("inspect.note_placeholder"),
    // saves are chained so they land in typing order
    oninput: (e) => {
      const text = e.target.value.slice(0, MAX_NOTE_CHARS);
      show(text);
      queue = queue.then(() => save(text));
    } });
  show(value || "");
  return h("div", { class: "note" }, box, count);
}
