// Pick the group to inspect: assigned groups first, then every village's groups.
import { h, mount } from "./dom.js";
import { t, placeName } from "../i18n.js";
import { myAssignments, openRound, places } from "../reference.js";

const groupLink = (g, village) => h("li", {}, h("a", { class: "row", href: `#/start/${g.id}`, dataset: { group: g.id } },
  h("span", { class: "grow" }, h("b", {}, placeName(g)), " ", h("span", { class: "muted" }, placeName(village)))));

export async function pickScreen(root, session) {
  const [round, villages] = await Promise.all([openRound(), places()]);
  const assigned = round ? new Set((await myAssignments(round.id, session.user.id)).map((a) => a.group_id)) : new Set();
  const mine = villages.flatMap((v) => v.groups.filter((g) => assigned.has(g.id)).map((g) => groupLink(g, v)));
  mount(root,
    h("section", { class: "card", id: "pick" }, h("h2", {}, t("pick.assigned")),
      mine.length ? h("ul", { class: "list" }, mine) : h("p", { class: "muted" }, t("pick.none_assigned"))),
    villages.map((v) => h("section", { class: "card" }, h("h2", {}, placeName(v)),
      h("ul", { class: "list" }, v.groups.map((g) => groupLink(g, v))))),
    h("a", { class: "big secondary button", href: "#/" }, t("nav.home")));
}
