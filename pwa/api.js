// HTTP calls to the server (contract v1): the only module that calls fetch.
import { getSession, setMeta } from "./session.js";

const BASE = new URL("../api/v1", import.meta.url).pathname;

export class ApiError extends Error {
  constructor(status, code, message, fields) {
    super(message || code);
    Object.assign(this, { status, code, fields: fields || null });
  }
}

async function errorFrom(response) {
  let body = null;
  try { body = await response.json(); } catch { /* not JSON */ }
  const e = body?.error || {};
  const error = new ApiError(response.status, e.code || `http_${response.status}`, e.message, e.fields);
  error.retryAfter = response.headers.get("Retry-After");   // a 503 or 429 says when to come back
  return error;
}

// fetch with the session token; a 401 marks the session as needing sign-in (data stays)
export async function call(path, { method = "GET", json, body, headers = {}, ok = [200, 201, 204],
                                   cache = "no-store" } = {}) {
  const session = await getSession();
  const h = { ...headers };
  if (session?.token) h.Authorization = `Bearer ${session.token}`;
  if (json !== undefined) { h["Content-Type"] = "application/json"; body = JSON.stringify(json); }
  let response;
  try {
    response = await fetch(BASE + path, { method, headers: h, body, cache });
  } catch (err) {
    throw new ApiError(0, "network", String(err?.message || err));
  }
  if (response.status === 401 && session) {
    await setMeta("auth_needed", true);
    dispatchEvent(new CustomEvent("auth-needed"));
  }
  if (!ok.includes(response.status)) throw await errorFrom(response);
  return response;
}

// What the admin page calls this phone ("Pixel 7 · Chrome"), so a user's two phones can be
// told apart: the model from client hints, else from the user agent.
export async function deviceName(nav = navigator) {
  const ua = nav.userAgent || "";
  let model = "";
  try {
    model = (await nav.userAgentData?.getHighEntropyValues?.(["model"]))?.model || "";
  } catch { /* hints refused: the user agent below */ }
  model ||= ua.match(/Android[^;)]*;\s*([^;)]+?)(?:\s+Build\/[^;)]*)?[;)]/)?.[1] || "";
  if (!model || model === "K") {          // "K": a reduced user agent hides the model
    model = /iPhone|iPad/.exec(ua)?.[0] || nav.userAgentData?.platform || nav.platform || "";
  }
  const browser = [["SamsungBrowser", "Samsung Internet"], ["EdgA?/", "Edge"],
    ["Firefox/|FxiOS", "Firefox"], ["MicroMessenger", "WeChat"], ["Chrome/|CriOS", "Chrome"],
    ["Safari/", "Safari"]].find(([pattern]) => new RegExp(pattern).test(ua))?.[1];
  return [model, browser].filter(Boolean).join(" · ").slice(0, 100) || "PWA";
}

export async function signIn(username, password, deviceName) {
  const response = await call("/auth/token", {
    method: "POST", json: { username, password, device_name: deviceName }, ok: [200, 201] });
  return response.json();
}

// After an admin reset the password, signIn answers 403 password_change_required: the
// temporary password and a new one go here (no token needed), then signIn again.
export async function changePassword(username, password, newPassword) {
  await call("/auth/password", {
    method: "POST", json: { username, password, new_password: newPassword }, ok: [204] });
}

// the contract's largest page: on a slow link each costs a round trip. onAhead(cursors):
// a first page's `ahead`, told as soon as it arrives, which is before the page's changes
// (the server writes its keys in order and "ahead" comes first), so the later pages are
// asked for while this one's bytes still come in.
export async function pullPage(cursor, { limit = 1000, onAhead = null } = {}) {
  const q = new URLSearchParams({ limit: String(limit) });
  if (cursor) q.set("cursor", cursor);
  const response = await call(`/sync/pull?${q}`);
  if (!onAhead || !response.body || typeof TextDecoderStream === "undefined") return response.json();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let looking = true;
  try {
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      text += part.value;
      if (!looking) continue;
      const ahead = /^\s*\{\s*"ahead"\s*:\s*(\[[^\]]*\])/.exec(text);
      if (ahead) onAhead(JSON.parse(ahead[1]));
      looking = !ahead && (text.length < 64 || /^\s*\{\s*"ahead"\s*:/.test(text));
    }
  } catch (err) {
    throw new ApiError(0, "network", String(err?.message || err));
  }
  return JSON.parse(text);
}

// records: {inspections: [...]} and maybe rechecks or ledger; device: what the phone
// still holds, for the admins' device list (left out when null)
export async function push(clientId, records, device = null) {
  const json = { client_id: clientId, ...records, ...(device ? { device } : {}) };
  return (await call("/sync/push", { method: "POST", json })).json();
}

export async function checkBlobs(blobs) {
  return (await call("/blobs/check", { method: "POST", json: { blobs } })).json();
}

// One chunk (no bytes at the blob's end asks for the 201 of a blob the server holds whole);
// answers {status, offset}. A 409 is not an error: it tells the server's offset.
export async function patchChunk(sha256, offset, total, chunk) {
  const response = await call(`/blobs/${sha256}`, {
    method: "PATCH", body: chunk, ok: [201, 204, 409],
    headers: { "Upload-Offset": String(offset), "Upload-Length": String(total),
               "Content-Type": "application/offset+octet-stream" },
  });
  const serverOffset = Number(response.headers.get("Upload-Offset"));
  return { status: response.status, offset: Number.isFinite(serverOffset) ? serverOffset : null };
}

export async function blobOffset(sha256) {
  const response = await call(`/blobs/${sha256}`, { method: "HEAD", ok: [200, 404] });
  return response.status === 404 ? 0 : Number(response.headers.get("Upload-Offset") || 0);
}

// a small, orientation-corrected copy of a photo already on the server (null if unreachable)
export async function blobThumb(sha256) {
  try {
    return await (await call(`/blobs/${sha256}?variant=thumb`, { cache: "default" })).blob();
  } catch {
    return null;
  }
}

// a photo for keeping on the phone (a rectification's "before"): the bytes, not a Blob,
// since IndexedDB on older Safari cannot store Blobs
export async function blobDisplay(sha256) {
  const response = await call(`/blobs/${sha256}?variant=display`, { cache: "default" });
  return { bytes: await response.arrayBuffer(), type: response.headers.get("Content-Type") || "image/jpeg" };
}
