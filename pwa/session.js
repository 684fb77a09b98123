// Who is signed in on this phone, and the app's other small values (`meta`: cursor, last
// sync and its error, language, what was read), each under its key.
import { dbReady } from "./db.js";

// asked for on every screen: kept in memory once read, changed only through here
const KEPT = ["token", "client_id", "user", "auth_needed"];
const kept = new Map();

export function getMeta(key) {
  if (kept.has(key)) return Promise.resolve(kept.get(key));
  const value = dbReady.then((db) => db.get("meta", key));
  if (KEPT.includes(key)) kept.set(key, value);
  return value;
}
export async function setMeta(key, value) {
  if (KEPT.includes(key)) kept.set(key, value);
  return (await dbReady).put("meta", value, key);
}

export async function getSession() {
  const [token, client_id, user] = await Promise.all(KEPT.slice(0, 3).map(getMeta));
  return token ? { token, client_id, user } : null;
}

export async function saveSession({ token, client_id, user }) {
  const tx = (await dbReady).transaction("meta", "readwrite");
  for (const [key, value] of Object.entries({ token, client_id, user, auth_needed: false })) {
    kept.set(key, value);
    tx.store.put(value, key);
  }
  await tx.done;
}
