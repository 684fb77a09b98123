// Asking before something is lost, and taking it back for a while after.
import { h } from "./dom.js";
import { t } from "../i18n.js";

export const UNDO_MS = 10000;

// an in-app "are you sure?": true for `confirm`, false for `cancel` (or Esc, or back).
// `details`: shown under the question; `tone`: the confirm button's look ("danger" for a
// loss, "primary" for a step forward such as submitting)
export function confirmDialog(message, confirm, cancel = t("dialog.cancel"), { details = null, tone = "danger" } = {}) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "confirm", id: "confirm-dialog" },
      h("p", { class: "lead" }, message),
      details,
      h("div", { class: "pair" },
        h("button", { class: "secondary", id: "confirm-no", onclick: () => dialog.close("no") }, cancel),
        h("button", { class: tone, id: "confirm-yes", onclick: () => dialog.close("yes") }, confirm)));
    dialog.addEventListener("close", () => { dialog.remove(); resolve(dialog.returnValue === "yes"); });
    document.body.append(dialog);
    dialog.showModal();
  });
}

// "deleted · undo" above the bottom bar, until UNDO_MS pass or, unless `acrossScreens`,
// the screen changes (a photo's undo then would redraw a screen no longer shown; a
// draft's undo brings back a whole record, whatever the screen)
export function undoBar(message, undo, { acrossScreens = false, label = t("dialog.undo") } = {}) {
  document.getElementById("undo-bar")?.remove();
  const bar = h("div", { class: "undo-bar", id: "undo-bar", role: "status" },
    h("span", { class: "grow" }, message),
    h("button", { id: "undo-button", onclick: () => { hide(); undo(); } }, label));
  const timer = setTimeout(() => hide(), UNDO_MS);
  function hide() {
    clearTimeout(timer);
    removeEventListener("hashchange", hide);
    bar.remove();
  }
  if (!acrossScreens) addEventListener("hashchange", hide);
  document.body.append(bar);
  return bar;
}
