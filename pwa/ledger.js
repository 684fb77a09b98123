// Deeds and redemptions recorded here (`ledger`, pushed as outbox.js PUSHED says), and
// what the phone knows of a household's points.
import { dbReady } from "./db.js";
import { isoLocal, newId } from "./clock.js";
import { storePhoto } from "./records.js";

export const redeemTotal = (goods) => goods.reduce((n, g) => n + g.quantity * g.points, 0);

// A household, its entries newest first (own ones not yet pulled carry `local`), and the
// balance the phone knows: the pulled one plus its own entries not yet applied (a refused
// one never will be).
export async function pointsOf(id) {
  const tx = (await dbReady).transaction(["ref", "ledger"]);
  const ref = tx.objectStore("ref");
  const [household, pulled, mine] = await Promise.all([ref.get(["household", String(id)]),
    ref.index("household").getAll(["ledger_entry", +id]), tx.objectStore("ledger").index("household_id").getAll(+id)]);
  const held = new Set(pulled.map((r) => r.data.id));
  const own = mine.filter((e) => !held.has(e.id));
  return { household: household?.data, entries: [...pulled.map((r) => r.data), ...own]
    .sort((a, b) => Date.parse(b.recorded_at) - Date.parse(a.recorded_at)),
    balance: own.reduce((n, e) => n + (e.local.sent_rev || e.local.push_error ? 0 : e.points), household?.data.balance ?? 0) };
}

// A deed ({rule}, perhaps a photo from ui/photos.js photoOf) or a redemption ({goods:
// [{goods_id, name, quantity, points}]}), refused beyond the known balance: goods must not
// leave the counter on points not there. The entry and its photo's bytes are kept together.
export async function recordEntry(id, { rule, goods, note, photo }) {
  const points = rule ? rule.points : -redeemTotal(goods);
  if (!rule && -points > (await pointsOf(id)).balance) throw new Error("overdraw");
  const entry = { id: newId(), household_id: +id, kind: rule ? "deed" : "redeem", recorded_at: isoLocal(),
    note: note || null, ...(rule ? { rule_key: rule.key } : { goods }), points, client_rev: 1,
    photos: photo ? [photo.meta] : [], local: { state: "submitted", sent_rev: 0, push_error: null } };
  const tx = (await dbReady).transaction(["ledger", "blobs", "thumbs"], "readwrite");
  tx.objectStore("ledger").put(entry);
  if (photo) storePhoto(tx, "ledger", entry.id, photo.meta, photo.bytes, photo.thumb);
  await tx.done;
}

// A push's result: a refused entry stays with its reasons; an applied one's balance is
// the household's until the pull brings it.
export async function recordLedgerResult(result) {
  const tx = (await dbReady).transaction(["ledger", "ref"], "readwrite");
  const entry = await tx.objectStore("ledger").get(result.id);
  if (!entry) return;
  const refused = result.outcome === "rejected";
  entry.local = { ...entry.local, ...(refused ? { push_error: { rev: 1, errors: result.errors, reasons: result.reasons } }
    : { sent_rev: 1, flags: result.flags }) };
  tx.objectStore("ledger").put(entry);
  const household = await tx.objectStore("ref").get(["household", String(entry.household_id)]);
  if (household && !refused) tx.objectStore("ref").put({ ...household, data: { ...household.data, balance: result.balance } });
  await tx.done;
}
