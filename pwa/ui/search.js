// Finding a group on home as one types: rows marked with `data-search` (the group's and
// village's names in both languages) shown or hidden at each keystroke, a folded block
// open while it holds a match. The words typed outlive a redraw (after every sync).
import { h } from "./dom.js";
import { t } from "../i18n.js";

let query = "";

export function searchText(group, village) {
  return [group?.name, group?.name_en, village?.name, village?.name_en]
    .filter(Boolean).join(" ").toLowerCase();
}

// the township's order, as in reference.js places()
export function byPlace(groupsById, groupIdOf = (x) => x.group_id) {
  return (a, b) => {
    const ga = groupsById.get(groupIdOf(a));
    const gb = groupsById.get(groupIdOf(b));
    return (Number(ga?.village_id) - Number(gb?.village_id)) || (Number(ga?.id) - Number(gb?.id));
  };
}

export function applySearch(root) {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const rows = [...root.querySelectorAll("[data-search]")];
  for (const row of rows) row.hidden = !words.every((w) => row.dataset.search.includes(w));
  for (const block of root.querySelectorAll("[data-search-block]")) {
    const found = [...block.querySelectorAll("[data-search]")].some((row) => !row.hidden);
    block.hidden = words.length > 0 && !found;
    if (block.tagName === "DETAILS") block.open = words.length ? found : "open" in block.dataset;
  }
  const empty = root.querySelector("#search-empty");
  if (empty) {
    empty.hidden = !words.length || rows.some((row) => !row.hidden);
    empty.textContent = t("home.search_none", { query: query.trim() });
  }
}

export function searchBox(root) {
  return h("section", { class: "card search", id: "search" },
    h("label", { for: "home-search" }, t("home.search")),
    h("input", { type: "search", id: "home-search", value: query, autocomplete: "off",
      placeholder: t("home.search_hint"),
      oninput: (e) => { query = e.target.value; applySearch(root); } }),
    h("p", { id: "search-empty", class: "muted", hidden: true }));
}

export function keepTyping(wasTyping) {
  const box = document.getElementById("home-search");
  if (!wasTyping || !box) return;
  box.focus();
  box.setSelectionRange(box.value.length, box.value.length);
}
