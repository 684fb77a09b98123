// Whether the browser promised to keep our data, and a warning when space runs low.
import { h } from "./dom.js";
import { t, formatBytes } from "../i18n.js";
import { storageState } from "../storage.js";

export async function storageNotice() {
  const s = await storageState();
  return h("section", { class: "card small", id: "storage" },
    h("div", { id: "storage-persist", dataset: { persisted: String(s.persisted) } },
      s.persisted ? t("storage.persisted") : t("storage.not_persisted")),
    s.quota ? h("div", { class: "muted" }, t("storage.usage", { used: formatBytes(s.usage), free: formatBytes(s.free) })) : null,
    s.low ? h("div", { class: "error", id: "storage-low" }, t("storage.low", { free: formatBytes(s.free) })) : null);
}
