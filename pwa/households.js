// A group's households and their state in a round, read by key (indexes `group` of `ref`,
// `group_round` of inspections), never by reading a township's 2,500; and the lists read
// lately, held in memory so that a group opens with no read before it is drawn.
import { dbReady } from "./db.js";
import { openRound, refList } from "./reference.js";
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

// What groups' household lists show, in one transaction (its requests in flight together):
// the rounds and villages once, and each group's households and its inspections of every
// round, so none waits for the round.
async function readLists(groupIds) {
  const readSince = forgotten;
  const tx = (await dbReady).transaction(["ref", "inspections"]);
  const ref = tx.objectStore("ref");
  const checks = tx.objectStore("inspections").index("group_round");
  const [rounds, villages, ...groups] = await Promise.all([
    ref.index("type").getAll("round"), ref.index("type").getAll("village"),
    ...groupIds.map((id) => Promise.all([ref.get(["group", String(id)]),
      ref.index("group").getAll(["household", Number(id)]),
      checks.getAll(IDBKeyRange.bound([Number(id)], [Number(id), []]))]))]);
  const round = currentRounds(rounds.map((r) => r.data)).find((r) => r.subject === "household");
  const lists = groups.map(([group, households, inspections]) => ({
    round, group: group?.data, households: active(households),
    village: villages.find((v) => v.data.id === group?.data.village_id)?.data,
    states: statesOf(inspections.filter((r) => r.round_id === round?.id)) }));
  // lists read across a forgetting may predate the change that caused it: not held
  if (readSince === forgotten) groupIds.forEach((id, i) => held.set(String(id), lists[i]));
  return lists;
}

export const householdList = async (groupId) => (await readLists([groupId]))[0];

// In a household round, the groups' lists are read while the phone is idle (from home, and
// once a list is open the groups after it first; a few in each idle moment), so a tap on a
// group finds its list held. A forgetting ends it: the next screen drawn starts it again.
const AT_ONCE = 6;
const idleMoment = () => new Promise((go) => (window.requestIdleCallback
  ? requestIdleCallback(go, { timeout: 2000 }) : setTimeout(go)));
let preparing = { since: -1, done: null };     // once per forgetting
export function prepareHouseholdLists(openGroupId) {
  if (preparing.since === forgotten) return preparing.done;
  const since = forgotten;
  const done = (async () => {
    await idleMoment();
    const [round, groups] = await Promise.all([openRound("household"), refList("group")]);
    if (!round || forgotten !== since) return;
    const ids = groups.map((g) => Number(g.id)).sort((a, b) => a - b);
    const after = ids.indexOf(Number(openGroupId)) + 1;
    const order = [...ids.slice(after), ...ids.slice(0, after)];
    for (let i = 0; i < order.length; i += AT_ONCE) {
      await idleMoment();
      if (forgotten !== since) return;
      const unread = order.slice(i, i + AT_ONCE).filter((id) => !held.has(String(id)));
      if (unread.length) await readLists(unread);
    }
  })().catch((err) => console.warn("household lists", err));
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
