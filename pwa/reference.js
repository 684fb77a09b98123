// The reference data the phone pulled (`ref`, keyed by [type, id]), by key or by index.
import { dbReady } from "./db.js";
import { currentRounds, subjectOf } from "./rounds.js";
import { rectificationState } from "./rectification.js";

export async function refList(type) {
  const rows = await (await dbReady).getAllFromIndex("ref", "type", type);
  return rows.map((r) => r.data);
}

// the pull's ids are strings, whatever the type's own id is
export async function refGet(type, id) {
  return (await (await dbReady).get("ref", [type, String(id)]))?.data ?? null;
}

export const rubricFor = (version) => refGet("rubric", version);

// the current round of that subject ("group", "household"); without one named, the group
// round, or the household round when no group round is open
export async function openRound(subject) {
  const rounds = currentRounds(await refList("round"));
  return (subject ? rounds.find((r) => subjectOf(r) === subject) : rounds[0]) ?? null;
}

// villages with their groups, in the township's order as the server lists them (each by
// when it was added); the store hands rows back by their ids as text, "10" before "2"
export async function places() {
  const [villages, groups] = await Promise.all([refList("village"), refList("group")]);
  const byNumber = (a, b) => Number(a.id) - Number(b.id);
  const byId = new Map([...villages].sort(byNumber).map((v) => [v.id, { ...v, groups: [] }]));
  for (const g of [...groups].sort(byNumber)) byId.get(g.village_id)?.groups.push(g);
  return [...byId.values()];
}

export async function myAssignments(roundId, userId) {
  const rows = await (await dbReady).getAllFromIndex("ref", "round", ["assignment", roundId]);
  return rows.map((r) => r.data).filter((a) => a.user_id === userId);
}

export const rectification = (id) => refGet("rectification", id);

export async function openRectifications() {
  const all = (await refList("rectification")).filter((r) => rectificationState(r) !== "closed");
  return all.sort((a, b) => String(a.deadline).localeCompare(String(b.deadline)));
}

export async function rubricOfRound(roundId) {
  const round = await refGet("round", roundId);
  return round ? rubricFor(round.rubric_version) : null;
}
