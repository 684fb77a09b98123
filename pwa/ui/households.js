// A household round's group: its households by 户号, each with this round's state (not
// checked, draft, checked), and a search by 户号 or 户主 that answers at each keystroke.
// The group's households are read once by key; a keystroke only shows or hides the rows
// drawn, so a township of 2,500 households answers as quickly as one of 50 groups.
import { h, mount } from "./dom.js";
import { t, placeName } from "../i18n.js";
import { householdList, matches } from "../households.js";

// the words typed outlive a redraw (the screen is drawn again after a sync)
const typed = { group: null, query: "" };

export const householdName = (hh) => (hh ? t("household.name", { number: hh.number, head: hh.head }) : "");

const BADGE = { unchecked: "neutral", draft: "warn", done: "good" };

function row(hh, group, state) {
  const kind = state?.draft ? "draft" : state?.done ? "done" : "unchecked";
  const href = state?.draft ? `#/inspect/${state.draft.id}/0`
    : state?.done ? `#/view/${state.done.id}` : `#/start/${group.id}/${hh.id}`;
  return h("li", { dataset: { household: hh.id, state: kind } },
    h("a", { class: "row", href },
      h("b", { class: "hh-number" }, hh.number),
      h("span", { class: "grow" }, hh.head),
      h("span", { class: `badge ${BADGE[kind]}` }, t(`household.state.${kind}`))));
}

export async function householdsScreen(root, groupId, go) {
  const { round, group, village, households, states } = await householdList(groupId);
  if (round?.subject !== "household" || !group) return go("#/");
  if (typed.group !== group.id) Object.assign(typed, { group: group.id, query: "" });
  const rows = households.map((hh) => row(hh, group, states.get(hh.id)));
  const done = households.filter((hh) => states.get(hh.id)?.done).length;
  const empty = h("p", { id: "households-empty", class: "muted", hidden: true });
  const search = (query) => {
    typed.query = query;
    let shown = 0;
    households.forEach((hh, i) => { rows[i].hidden = !matches(hh, query); shown += !rows[i].hidden; });
    empty.hidden = shown > 0 || !households.length;
    empty.textContent = t("households.none", { query: query.trim() });
  };
  const typing = document.activeElement?.id === "household-search";
  mount(root,
    h("section", { class: "card", id: "household-list", dataset: { group: group.id } },
      h("h2", {}, placeName(group), " ", h("span", { class: "muted" }, placeName(village))),
      h("p", { class: "lead", id: "household-summary" }, t("households.summary", { total: households.length, done })),
      h("label", { for: "household-search" }, t("households.search")),
      h("input", { type: "search", id: "household-search", value: typed.query, autocomplete: "off",
        placeholder: t("households.search_hint"), oninput: (e) => search(e.target.value) }),
      households.length ? null : h("p", { class: "muted" }, t("households.no_households")),
      empty,
      h("ul", { class: "list", id: "households" }, rows)),
    h("nav", { class: "bottom-bar" }, h("a", { class: "button secondary", href: "#/" }, t("nav.home"))));
  search(typed.query);
  if (typing) document.getElementById("household-search").focus();
}
