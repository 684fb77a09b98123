// A group's households and their state in a round, read by key (indexes `group` of `ref`,
// `group_round` of inspections), never by reading a township's 2,500; and the lists read
// lately, held in memory so that a group opens with no read before it is drawn.
import { dbReady } from "./db.js";
import { refList } from "./reference.js";
import { currentRounds } from "./rounds.js";

// 户号 as people count them: "2" before "10", "12" before "12-1"
const numbers = new Intl.Collator("zh-CN", { numeric: true });
export const byNumber = (a, b) => numbers.compare(a.number, b.number) || a.id - b.id;

const active = (rows) => rows.map((r) => r.data).filter((x) => x.active !== false).sort(byNumber);

// Group id → its list as last read. Forgotten whenever what they show may change (app.js:
// a pull, or any screen but home and a list, where a check is begun or a draft thrown away);
// the list screen still reads its list again once drawn, so a change made elsewhere shows.
const held = new Map();
let forgotten = 0;
export const heldHouseholdList = (groupId) => held.get(String(groupId)) ?? null;
export function forgetHouseholdLists() {
  forgotten += 1;
  held.clear();
}

// What a group's household list shows, in one transaction (its requests in flight
// together); the group's inspections of every round, so none waits for the round.
export async function householdList(groupId) {
  const id = Number(groupId);
  const readSince = forgotten;
  const tx = (await dbReady).transaction(["ref", "inspections"]);
  const ref = tx.objectStore("ref");
  const [rounds, villages, group, households, inspections] = await Promise.all([
    ref.index("type").getAll("round"), ref.index("type").getAll("village"), ref.get(["group", String(groupId)]),
    ref.index("group").getAll(["household", id]),
    tx.objectStore("inspections").index("group_round").getAll(IDBKeyRange.bound([id], [id, []]))]);
  const round = currentRounds(rounds.map((r) => r.data)).find((r) => r.subject === "household");
  const list = { round, group: group?.data, households: active(households),
                 village: villages.find((v) => v.data.id === group?.data.village_id)?.data,
                 states: statesOf(inspections.filter((r) => r.round_id === round?.id)) };
  // a list read across a forgetting may predate the change that caused it: not held
  if (readSince === forgotten) held.set(String(groupId), list);
  return list;
}

// An inspector goes from group to group: once one list is open, the others are read one at a
// time when the phone is idle, so the next tap on a group finds its list held. A forgetting
// ends it: the next list drawn starts it again.
const idleMoment = () => new Promise((go) => (window.requestIdleCallback
  ? requestIdleCallback(go, { timeout: 2000 }) : setTimeout(go)));
let preparing = { since: -1, done: null };
export function prepareHouseholdLists() {
  if (preparing.done && preparing.since === forgotten) return preparing.done;
  const since = forgotten;
  const done = (async () => {
    for (const { id } of await refList("group")) {
      if (held.has(String(id))) continue;
      await idleMoment();
      if (forgotten !== since) return;
      if (!held.has(String(id))) await householdList(id);
    }
  })().catch((err) => console.warn("household lists", err))
    .finally(() => { if (preparing.done === done) preparing = { since: -1, done: null }; });
  preparing = { since, done };
  return done;
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
