// "Before" photos of open rectifications (`before_photos`: sha256 → {bytes, type}), kept
// while it is open so that a recheck can show them offline.
import { dbReady } from "./db.js";
import { openRectifications } from "./reference.js";

export async function beforePhoto(sha256) { return (await dbReady).get("before_photos", sha256); }

export async function neededBeforePhotos() {
  const shas = new Set();
  for (const r of await openRectifications()) for (const i of r.items) for (const p of i.photos || []) shas.add(p.sha256);
  return shas;
}

export async function heldBeforePhotos() { return new Set(await (await dbReady).getAllKeys("before_photos")); }

export async function keepBeforePhoto(sha256, { bytes, type }) {
  await (await dbReady).put("before_photos", { sha256, bytes, type });
}

export async function dropBeforePhoto(sha256) { await (await dbReady).delete("before_photos", sha256); }
