// Which round new inspections go to (domain.md, "Round lifecycle"): the open round whose
// period contains today (township time), else the earliest open one, so a later round
// never takes over while an earlier one is still open.
import { townshipToday } from "./clock.js";

export function currentRound(rounds, today = townshipToday()) {
  const open = rounds.filter((r) => r.state === "open")
    .sort((a, b) => String(a.starts_on).localeCompare(String(b.starts_on)) || a.id - b.id);
  return open.find((r) => r.starts_on <= today && today <= r.ends_on) || open[0] || null;
}

// A round checks villager groups or households (its `subject`, groups by default), and a
// household round may run beside a group round: each subject has its current round, the
// group round first.
export const subjectOf = (round) => round.subject || "group";
export function currentRounds(rounds, today = townshipToday()) {
  return ["group", "household"].map((s) => currentRound(rounds.filter((r) => subjectOf(r) === s), today))
    .filter(Boolean);
}

// in_period, or why inspecting for it needs asking first: not_started, ended (still open)
export function periodOf(round, today = townshipToday()) {
  if (today < round.starts_on) return "not_started";
  if (today > round.ends_on) return "ended";
  return "in_period";
}

// the latest round no longer open: what a home with nothing to inspect is explained by
export function lastClosedRound(rounds) {
  return rounds.filter((r) => r.state !== "open")
    .sort((a, b) => String(b.ends_on).localeCompare(String(a.ends_on)))[0] || null;
}
