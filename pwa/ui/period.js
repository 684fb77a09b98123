// Which round the phone records for, and why (domain.md, "Round lifecycle"): a line under
// the round on home, the reason home has nothing to inspect, and a question before an
// inspection is started outside the round's period (before it starts, or after it ended
// while it is still open), where a mistake would count towards the wrong month.
import { h } from "./dom.js";
import { confirmDialog } from "./dialogs.js";
import { t, formatDate, placeName } from "../i18n.js";
import { lastClosedRound, periodOf } from "../rounds.js";

const dates = (round) => ({ name: placeName(round), start: formatDate(round.starts_on), end: formatDate(round.ends_on) });

// the round chosen: in its period, not yet started, or ended but not closed; when it is
// not in its period, the round closed before it says why the phone moved on
export function roundReason(round, rounds) {
  const period = periodOf(round);
  const before = period === "in_period" ? null : lastClosedRound(rounds.filter((r) => r.ends_on < round.starts_on));
  return h("p", { id: "round-why", class: period === "in_period" ? "muted" : "warn", dataset: { period } },
    t(`round.${period}`, dates(round)), before ? ` ${t("round.previous_closed", dates(before))}` : null);
}

// no open round: say so, and which round closed last, so an empty home is not a mystery
export function noRoundCard(rounds) {
  const last = lastClosedRound(rounds);
  return h("section", { class: "card", id: "no-round" },
    h("p", { class: "lead" }, t("round.none")),
    h("p", { class: "muted" }, last ? t("round.none_after", dates(last)) : t("round.none_never")));
}

// true when today is in the round's period, or the inspector said to go ahead
export async function confirmOutsidePeriod(round) {
  const period = periodOf(round);
  if (period === "in_period") return true;
  return confirmDialog(t(`round.confirm.${period}`, dates(round)), t("round.record_anyway"), t("round.dont_record"));
}
