// Who is signed in on this phone, and the app's other small values (`meta`: cursor, last
// sync and its error, language, what was read), each under its key.
import { dbReady } from "./db.js";

export async function getMeta(key) { return (await dbReady).get("meta", key); }
export async function setMeta(key, value) { return (await dbReady).put("meta", value, key); }

export async function getSession() {
  const db = await dbReady;
  const [token, client_id, user] = await Promise.all(
    ["token", "client_id", "user"].map((k) => db.get("meta", k)));
  return token ? { token, client_id, user } : null;
}

export async function saveSession({ token, client_id, user }) {
  const tx = (await dbReady).transaction("meta", "readwrite");
  tx.store.put(token, "token");
  tx.store.put(client_id, "client_id");
  tx.store.put(user, "user");
  tx.store.put(false, "auth_needed");
  await tx.done;
}
