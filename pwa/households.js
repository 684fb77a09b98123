// A group's households and their state in a round, read by key (indexes `group` of `ref`,
// `group_round` of inspections), never by reading a township's 2,500.
import { dbReady } from "./db.js";
import { currentRounds } from "./rounds.js";

// 户号 as people count them: "2" before "10", "12" before "12-1"
const numbers = new Intl.Collator("zh-CN", { numeric: true });
export const byNumber = (a, b) => numbers.compare(a.number, b.number) || a.id - b.id;

const active = (rows) => rows.map((r) => r.data).filter((x) => x.active !== false).sort(byNumber);

// What a group's household list shows, in one transaction (its requests in flight
// together); the group's inspections of every round, so none waits for the round.
export async function householdList(groupId) {
  const id = Number(groupId);
  const tx = (await dbReady).transaction(["ref", "inspections"]);
  const ref = tx.objectStore("ref");
  const [rounds, villages, group, households, inspections] = await Promise.all([
    ref.index("type").getAll("round"), ref.index("type").getAll("village"), ref.get(["group", String(groupId)]),
    ref.index("group").getAll(["household", id]),
    tx.objectStore("inspections").index("group_round").getAll(IDBKeyRange.bound([id], [id, []]))]);
  const round = currentRounds(rounds.map((r) => r.data)).find((r) => r.subject === "household");
  return { round, group: group?.data, households: active(households),
           village: villages.find((v) => v.data.id === group?.data.village_id)?.data,
           states: statesOf(inspections.filter((r) => r.round_id === round?.id)) };
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

export async function householdsById(ids) {
  const ref = (await dbReady).transaction("ref").store;
  const rows = await Promise.all([...new Set(ids)].map((id) => ref.get(["household", String(id)])));
  return new Map(rows.filter(Boolean).map((r) => [r.data.id, r.data]));
}
