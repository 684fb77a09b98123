// Small copies of photos kept for viewing offline (`thumbs`): the ≤ 320 px JPEG made when
// a photo is taken, or the server's thumbnail once shown; the oldest go beyond 20 MB.
import { dbReady } from "./db.js";

export const THUMB_BUDGET = 20 * 1024 * 1024;

// kept_at grows with every thumbnail, so two kept in the same millisecond keep their order
let lastKept = 0;
export function thumbRow(sha256, bytes, type) {
  lastKept = Math.max(Date.now(), lastKept + 1);
  return { sha256, bytes, type: type || "image/jpeg", size: bytes.byteLength, kept_at: lastKept };
}

export async function thumbOf(sha256) { return (await dbReady).get("thumbs", sha256); }

// a thumbnail the server gave (a photo from before thumbnails were kept), kept like ours
export async function keepThumb(sha256, bytes, type) {
  await (await dbReady).put("thumbs", thumbRow(sha256, bytes, type));
  await keepThumbsWithin();
}

// the oldest go until the rest fit in `budget` bytes, walked newest first along the
// index so one row at a time is in memory
export async function keepThumbsWithin(budget = THUMB_BUDGET) {
  const tx = (await dbReady).transaction("thumbs", "readwrite");
  let total = 0;
  for (let cursor = await tx.store.index("kept_at").openCursor(null, "prev"); cursor;
    cursor = await cursor.continue()) {
    total += cursor.value.size;
    if (total > budget) await cursor.delete();
  }
  await tx.done;
}
