// The 积分 tab: find a household (as in a group's list), its known balance and entries,
// and record a redemption or a deed: few taps, one thumb, offline.
import { h, mount, objectUrl, toast } from "./dom.js";
import { t, label, placeName, formatDateTime } from "../i18n.js";
import { refList } from "../reference.js";
import { byNumber, matches } from "../households.js";
import { pointsOf, recordEntry, redeemTotal } from "../ledger.js";
import { confirmDialog } from "./dialogs.js";
import { photoFailed, photoOf } from "./photos.js";
import { reasonTexts } from "./detail.js";
import { householdName } from "./households.js";
import { statusCard } from "./status.js";

// rows shown: a township has thousands of households, a screen a dozen
const SHOWN = 30;
let query = "";   // outlives a redraw (after a sync)
const signed = (n) => (n > 0 ? `+${n}` : String(n));
const bar = (href, text, ...more) => h("nav", { class: "bottom-bar" }, h("a", { class: "button", href }, t(text)), more);

export async function pointsScreen(root, sync) {
  const [households, groups] = await Promise.all([refList("household"), refList("group")]);
  const groupsById = new Map(groups.map((g) => [g.id, g]));
  const active = households.filter((x) => x.active !== false).sort((a, b) => a.group_id - b.group_id || byNumber(a, b));
  const list = h("ul", { class: "list", id: "points-households" });
  const empty = h("p", { id: "points-empty", class: "muted" });
  const search = (q) => {
    const found = (query = q).trim() ? active.filter((x) => matches(x, q)) : [];
    mount(list, found.slice(0, SHOWN).map((x) => h("li", {}, h("a", { class: "row", href: `#/points/${x.id}`,
      dataset: { household: x.id } }, h("b", {}, x.number), h("span", { class: "grow" }, x.head),
      h("span", { class: "muted small" }, placeName(groupsById.get(x.group_id)))))));
    empty.textContent = q.trim() && !found.length ? t("households.none", { query: q.trim() }) : "";
  };
  const typing = document.activeElement?.id === "points-search";
  mount(root, statusCard(sync), h("section", { class: "card" },
    h("label", { for: "points-search" }, t("households.search")),
    h("input", { type: "search", id: "points-search", value: query, autocomplete: "off",
      placeholder: t("households.search_hint"), oninput: (e) => search(e.target.value) }), empty, list));
  search(query);
  if (typing) document.getElementById("points-search").focus();
}

const entryRow = (e, unsynced = e.local && !e.local.sent_rev && !e.local.push_error) =>
  h("li", { class: "row", dataset: { entry: e.id, unsynced: unsynced ? "1" : null } },
    h("span", { class: "grow" }, t(`points.kind.${e.kind}`), " ", h("span", { class: "muted small" },
      e.goods?.map((g) => `${g.name} × ${g.quantity}`).join("、") ?? e.rule_key, e.note ? ` · ${e.note}` : "",
      h("br"), formatDateTime(e.recorded_at)), e.local?.push_error && h("div", { class: "error small" }, t("points.refused",
        { reasons: Object.entries(e.local.push_error.errors).map(([f, text]) => reasonTexts(e.local.push_error, f, text)).join("; ") }))),
    h("b", {}, signed(e.points)), unsynced ? h("span", { class: "badge warn" }, t("points.unsynced")) : null);

export async function householdPoints(root, id, session, go) {
  const [{ household, balance, entries }, rules] = await Promise.all([pointsOf(id), refList("points_rule")]);
  if (!household) return go("#/points");
  for (const e of entries) e.rule_key &&= label(rules.find((r) => r.key === e.rule_key) ?? { label_zh: e.rule_key });
  mount(root, h("section", { class: "card", id: "household-points" }, h("h2", {}, householdName(household)),
    h("p", { class: "lead", id: "points-balance", dataset: { balance } }, t("points.balance", { points: balance })),
    h("a", { class: "big primary button", id: "redeem-button", href: `#/redeem/${id}` }, t("points.redeem")),
    session.user?.role === "shopkeeper" ? null
      : h("a", { class: "big button", id: "deed-button", href: `#/deed/${id}` }, t("points.deed")),
    h("h3", {}, t("points.entries")), h("ul", { class: "list", id: "points-entries" }, entries.slice(0, SHOWN).map((e) => entryRow(e)))),
  bar("#/points", "points.back"));
}

async function save(household, what, message, go) {
  if (!await confirmDialog(message, t("points.confirm"), undefined, { tone: "primary" })) return;
  await recordEntry(household.id, what);
  toast(t("points.saved"));
  go(`#/points/${household.id}`);
}

// a tap on a good adds one, − takes one back; an item not listed is typed with its points
export async function redeemScreen(root, id, go) {
  const [{ household, balance }, goods] = await Promise.all([pointsOf(id), refList("goods")]);
  if (!household) return go("#/points");
  const lines = new Map();   // goods id, or the typed name → {goods_id, name, points, quantity}
  const listed = goods.filter((g) => g.active !== false).map((g) => [g.id, { goods_id: g.id, name: g.name, points: g.points }, placeName(g)]);
  const total = h("p", { class: "lead", id: "redeem-total" });
  const error = h("p", { class: "error", id: "points-error", role: "alert" });
  const list = h("ul", { class: "list", id: "goods" });
  const confirm = h("button", { class: "primary", id: "redeem-confirm", onclick: () => {
    const chosen = [...lines.values()];
    const sum = redeemTotal(chosen);
    if (sum > balance) error.textContent = t("points.overdraw", { balance, total: sum });
    else save(household, { goods: chosen }, t("points.confirm_redeem", { household: householdName(household), total: sum }), go);
  } }, t("points.confirm"));
  const add = (key, line, n) => {
    const held = lines.get(key) ?? { ...line, quantity: 0 };
    (held.quantity += n) > 0 ? lines.set(key, held) : lines.delete(key);
    draw();
  };
  const draw = () => {
    const typed = [...lines].filter(([, l]) => l.goods_id === null).map(([k, l]) => [k, l, l.name]);
    mount(list, [...listed, ...typed].map(([key, line, name]) => h("li", { class: "row", dataset: { goods: key } },
      h("button", { class: "grow", onclick: () => add(key, line, 1) },
        h("span", { class: "grow" }, name), h("span", { class: "muted" }, t("points.each", { points: line.points }))),
      h("b", {}, `× ${lines.get(key)?.quantity ?? 0}`),
      h("button", { "aria-label": "−", disabled: !lines.has(key), onclick: () => add(key, line, -1) }, "−"))));
    total.textContent = t("points.total", { points: redeemTotal([...lines.values()]), balance });
    error.textContent = "";
    confirm.disabled = !lines.size;
  };
  const name = h("input", { id: "other-name", maxlength: 100, placeholder: t("points.other_name") });
  const points = h("input", { id: "other-points", type: "number", inputmode: "numeric", placeholder: t("points.other_points") });
  draw();
  mount(root, h("section", { class: "card", id: "redeem" },
    h("h2", {}, t("points.redeem"), " ", h("span", { class: "muted" }, householdName(household))), list,
    h("label", { for: "other-name" }, t("points.other")), h("div", { class: "pair" }, name, points,
      h("button", { id: "other-add", onclick: () => {
        const n = Number(points.value);
        // the server's bounds of a price per unit
        if (!name.value.trim() || !Number.isInteger(n) || n < 1 || n > 10000) return void (error.textContent = t("points.other_bad"));
        add(`typed:${name.value.trim()}`, { goods_id: null, name: name.value.trim(), points: n }, 1);
        name.value = points.value = "";
      } }, t("points.add"))),
    total, error), bar(`#/points/${id}`, "dialog.cancel", confirm));
}

// a tap on a rule asks to confirm it, with the note typed and the photo taken above
export async function deedScreen(root, id, go) {
  const [{ household }, rules] = await Promise.all([pointsOf(id), refList("points_rule")]);
  if (!household) return go("#/points");
  const note = h("input", { id: "deed-note", maxlength: 500, autocomplete: "off" });
  const shot = h("p", { class: "photo-status muted", id: "deed-shot", role: "status" });
  let photo = null;
  const camera = h("input", { type: "file", accept: "image/*", class: "hidden-input", id: "deed-photo",
    onchange: async (e) => {
      photo = null;
      shot.textContent = t("photo.processing");
      try {
        photo = await photoOf(e.target.files[0], "camera");
        mount(shot, h("img", { src: objectUrl(photo.thumb.bytes, photo.thumb.type), alt: "" }));
      } catch (err) {
        photoFailed(err, shot);
      }
    } });
  camera.setAttribute("capture", "environment");
  mount(root, h("section", { class: "card", id: "deed" },
    h("h2", {}, t("points.deed"), " ", h("span", { class: "muted" }, householdName(household))),
    h("label", { for: "deed-note" }, t("points.note")), note,
    h("label", { class: "button secondary" }, t("photo.take"), camera), shot,
    h("ul", { class: "list", id: "rules" }, rules.filter((r) => r.active !== false).map((r) => h("li", {},
      h("button", { class: "row big", dataset: { rule: r.key }, onclick: () => save(household, { rule: r, note: note.value.trim(), photo },
        t("points.confirm_deed", { household: householdName(household), rule: label(r), points: signed(r.points) }), go) },
        h("span", { class: "grow" }, label(r)), h("b", {}, signed(r.points))))))), bar(`#/points/${id}`, "dialog.cancel"));
}
