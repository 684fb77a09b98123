// Which round new inspections go to (domain.md, "Round lifecycle"): the open round whose
// period contains today in the township's time; otherwise the earliest open round (the
// next to start before the first begins, or one whose period ended but is still open),
// so a later round never takes over while an earlier one is still open.

const TOWNSHIP_OFFSET_MS = 8 * 3600 * 1000; // UTC+08:00, wherever the phone's clock is set

export function townshipToday(now = new Date()) {
  return new Date(now.getTime() + TOWNSHIP_OFFSET_MS).toISOString().slice(0, 10);
}

export function currentRound(rounds, today = townshipToday()) {
  const open = rounds.filter((r) => r.state === "open")
    .sort((a, b) => String(a.starts_on).localeCompare(String(b.starts_on)) || a.id - b.id);
  return open.find((r) => r.starts_on <= today && today <= r.ends_on) || open[0] || null;
}
