// A group's households and their state in a round, each read by key: the `group` index of
// `ref` and the `round_group` index of inspections. A township holds some 2,500 households;
// a group's list opens, and a search answers, without reading any other group's.
import { dbReady } from "./db.js";
import { currentRound } from "./rounds.js";

// 户号 as people count them: "2" before "10", "12" before "12-1"
const numbers = new Intl.Collator("zh-CN", { numeric: true });
export const byNumber = (a, b) => numbers.compare(a.number, b.number) || a.id - b.id;

const active = (rows) => rows.map((r) => r.data).filter((x) => x.active !== false).sort(byNumber);

// What a group's household list shows, read in one transaction (its requests in flight
// together): the current round, the group, its village, its households and their states.
export async function householdList(groupId) {
  const tx = (await dbReady).transaction(["ref", "inspections"]);
  const ref = tx.objectStore("ref");
  const [rounds, group, households] = await Promise.all([ref.index("type").getAll("round"),
    ref.get(["group", String(groupId)]), ref.index("group").getAll(["household", Number(groupId)])]);
  const round = currentRound(rounds.map((r) => r.data));
  const [village, inspections] = await Promise.all([group && ref.get(["village", String(group.data.village_id)]),
    round ? tx.objectStore("inspections").index("round_group").getAll([round.id, Number(groupId)]) : []]);
  return { round, group: group?.data, village: village?.data, households: active(households),
           states: statesOf(inspections) };
}

// household id → { draft, done }: this round's draft of it, and its latest inspection sent
function statesOf(rows) {
  const states = new Map();
  for (const r of rows.sort((a, b) => String(a.started_at).localeCompare(String(b.started_at)))) {
    if (r.household_id == null) continue;
    const state = states.get(r.household_id) || {};
    state[r.local.state === "draft" ? "draft" : "done"] = r;
    states.set(r.household_id, state);
  }
  return states;
}

// a search by 户号 (from its start) or by 户主 (any part of the name)
export function matches(household, query) {
  const q = query.trim().toLowerCase();
  return !q || String(household.number).toLowerCase().startsWith(q)
    || String(household.head).toLowerCase().includes(q);
}
