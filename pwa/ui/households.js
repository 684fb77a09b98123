// A household round's group: its households by 户号 with this round's state, and a search
// by 户号 or 户主. Read once by key; a keystroke only shows or hides rows.
import { h, mount } from "./dom.js";
import { t, placeName } from "../i18n.js";
import { heldHouseholdList, householdList, matches, prepareHouseholdLists } from "../households.js";

// the words typed outlive a redraw (after a sync)
const typed = { group: null, query: "" };

export const householdName = (hh) => (hh ? t("household.name", { number: hh.number, head: hh.head }) : "");

const BADGE = { unchecked: "neutral", draft: "warn", done: "good" };
// rows painted first: as many as the screen holds below the card's head (a row is at least
// 56 px high; one spare, as the head may be taller for a longer name); the rest are drawn
// once the phone is idle, and app.css skips them until scrolled to. Where the list begins
// is learnt after a paint, never asked for before one (which would lay the page out twice).
const ROW_PX = 56;
let listTop = 0;
const rowsOnScreen = () => Math.ceil((scrollY + innerHeight - Math.max(0, listTop - ROW_PX)) / ROW_PX);
const idle = (work) => (window.requestIdleCallback ? requestIdleCallback(work, { timeout: 500 }) : setTimeout(work));

const el = (tag, className, text) => Object.assign(document.createElement(tag), { className, textContent: text });

function row(hh, group, state) {
  const kind = state?.draft ? "draft" : state?.done ? "done" : "unchecked";
  const li = document.createElement("li");
  li.dataset.household = hh.id;
  li.dataset.state = kind;
  const a = li.appendChild(el("a", "row"));
  a.href = state?.draft ? `#/inspect/${state.draft.id}/0`
    : state?.done ? `#/view/${state.done.id}` : `#/start/${group.id}/${hh.id}`;
  a.append(el("b", "hh-number", hh.number), el("span", "grow", hh.head),
    el("span", `badge ${BADGE[kind]}`, t(`household.state.${kind}`)));
  return li;
}

// A list held in memory is drawn at once, then read again: what changed meanwhile (a pull,
// another tab) is drawn over it. Once it is on the screen, the other groups' lists are read.
export async function householdsScreen(root, groupId, go) {
  const held = heldHouseholdList(groupId);
  const drawn = listScreen(root, held ?? await householdList(groupId), go);
  if (!drawn || !held) return;
  // not awaited: the next screen change need not wait for it
  drawn.painted.then(() => householdList(groupId)).then((fresh) => {
    if (drawn.section.isConnected && shows(fresh) !== shows(held)) listScreen(root, fresh, go);
  }).catch((err) => console.warn("household list", err));
}

// what a list shows, to tell whether a fresh read changed it
const shows = ({ round, group, village, households, states }) => JSON.stringify([
  round?.id, group && placeName(group), village && placeName(village),
  households.map((hh) => [hh.id, hh.number, hh.head]),
  [...states].map(([id, s]) => [id, s.draft?.id, s.done?.id])]);

function listScreen(root, { round, group, village, households, states }, go) {
  if (round?.subject !== "household" || !group) { go("#/"); return null; }
  if (typed.group !== group.id) Object.assign(typed, { group: group.id, query: "" });
  const rows = [];
  const list = h("ul", { class: "list", id: "households" });
  const draw = (upTo) => {
    if (rows.length >= upTo) return;
    const more = households.slice(rows.length, upTo).map((hh) => row(hh, group, states.get(hh.id)));
    rows.push(...more);
    list.append(...more);
    if (rows.length === households.length) list.dataset.drawn = "all";
  };
  const done = households.filter((hh) => states.get(hh.id)?.done).length;
  const empty = h("p", { id: "households-empty", class: "muted", hidden: true });
  const search = (query) => {
    typed.query = query;
    if (query.trim()) draw(households.length);
    let shown = 0;
    rows.forEach((li, i) => { li.hidden = !matches(households[i], query); shown += !li.hidden; });
    empty.hidden = shown > 0 || !households.length;
    empty.textContent = t("households.none", { query: query.trim() });
  };
  draw(rowsOnScreen());
  const typing = document.activeElement?.id === "household-search";
  const section = h("section", { class: "card", id: "household-list", dataset: { group: group.id } },
    h("h2", {}, placeName(group), " ", h("span", { class: "muted" }, placeName(village))),
    h("p", { class: "lead", id: "household-summary" }, t("households.summary", { total: households.length, done })),
    h("label", { for: "household-search" }, t("households.search")),
    h("input", { type: "search", id: "household-search", value: typed.query, autocomplete: "off",
      placeholder: t("households.search_hint"), oninput: (e) => search(e.target.value) }),
    households.length ? null : h("p", { class: "muted" }, t("households.no_households")),
    empty, list);
  mount(root, section,
    h("nav", { class: "bottom-bar" }, h("a", { class: "button secondary", href: "#/" }, t("nav.home"))));
  search(typed.query);
  if (typing) document.getElementById("household-search").focus();
  // the rest after this paint, when nothing waits (a search draws them at once)
  const painted = new Promise((done) => requestAnimationFrame(() => idle(() => {
    if (section.isConnected) listTop = list.getBoundingClientRect().top + scrollY;
    draw(households.length);
    prepareHouseholdLists(group.id);
    done();
  })));
  return { section, painted };
}
