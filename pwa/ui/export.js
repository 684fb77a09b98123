// Export unsent items as a bundle file and show what went into it.
import { h, mount, toast } from "./dom.js";
import { t, formatDateTime, formatBytes, placeName } from "../i18n.js";
import { buildBundle } from "../bundle.js";
import { getMeta } from "../session.js";
import { refList } from "../reference.js";

async function exportedView(record) {
  if (!record) return null;
  const groups = new Map((await refList("group")).map((g) => [g.id, g]));
  return h("div", { id: "last-export" },
    h("p", {}, t("export.done", { file: record.file_name, when: formatDateTime(record.at),
      inspections: t("n.inspections", { count: record.inspections.length }),
      photos: t("n.photos", { count: record.photos.length }), size: formatBytes(record.size) })),
    ...[["rechecks", record.rechecks], ["entries", record.ledger]].map(([n, ids]) => ids?.length
      ? h("p", {}, t("export.rechecks", { rechecks: t(`n.${n}`, { count: ids.length }) })) : null),
    h("ul", { class: "plain" }, record.inspections.map((r) =>
      h("li", {}, placeName(groups.get(r.group_id)), " · ", formatDateTime(r.started_at)))));
}

async function doExport(panel) {
  const { bytes, record } = await buildBundle();
  const url = URL.createObjectURL(new Blob([bytes], { type: "application/zip" }));
  const a = h("a", { href: url, download: record.file_name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  toast(t("export.saved"));
  // a sync ending meanwhile draws home again: fill the panel on screen now
  const content = await panelContent();
  mount(document.getElementById("export") || panel, ...content);
}

async function panelContent() {
  return [h("h2", {}, t("export.title")), h("p", { class: "muted" }, t("export.help")),
    h("button", { id: "export-button", class: "big secondary",
      onclick: (e) => doExport(e.target.closest("section")) }, t("export.button")),
    await exportedView(await getMeta("last_export"))];
}

export async function exportPanel() {
  return h("section", { class: "card", id: "export" }, ...(await panelContent()));
}
