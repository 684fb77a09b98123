// What the inspector throws away (a photo, a draft) goes from the phone at once, and is
// answered whole so that the undo bar can put it back.
import { dbReady } from "./db.js";
import { addPhoto, bumpRevision } from "./records.js";

// Only a photo the server has never seen may be removed (the server keeps a union).
// Answers {photo, blob, thumb} for restorePhoto, or null.
export async function removePhoto(kind, recordId, photoId) {
  const tx = (await dbReady).transaction([kind, "blobs", "thumbs"], "readwrite");
  const store = tx.objectStore(kind);
  const record = await store.get(recordId);
  const photo = record.photos.find((p) => p.id === photoId);
  let removed = null;
  if (photo && !record.local.sent_photo_ids?.includes(photoId)) {
    const [blob, thumb] = await Promise.all([tx.objectStore("blobs").get(photo.sha256),
                                             tx.objectStore("thumbs").get(photo.sha256)]);
    removed = { photo, blob, thumb };
    record.photos = record.photos.filter((p) => p.id !== photoId);
    if (!record.photos.some((p) => p.sha256 === photo.sha256)) {
      tx.objectStore("blobs").delete(photo.sha256);
      tx.objectStore("thumbs").delete(photo.sha256);
    }
    bumpRevision(record);
    store.put(record);
  }
  await tx.done;
  return removed;
}

export async function restorePhoto(kind, recordId, { photo, blob, thumb }) {
  return addPhoto(kind, recordId, photo, blob.bytes, thumb && { bytes: thumb.bytes, type: thumb.type });
}

// A draft the inspector throws away: gone from the phone at once (so never pushed), its
// record and photo bytes answered so that an undo can put them back.
export async function deleteDraft(id) {
  const tx = (await dbReady).transaction(["inspections", "blobs"], "readwrite");
  const record = await tx.objectStore("inspections").get(id);
  if (!record || record.local.state !== "draft") { await tx.done; return null; }
  const blobs = [];
  for (const sha256 of new Set(record.photos.map((p) => p.sha256))) {
    const blob = await tx.objectStore("blobs").get(sha256);
    if (blob?.inspection_id === id) { blobs.push(blob); tx.objectStore("blobs").delete(sha256); }
  }
  tx.objectStore("inspections").delete(id);
  await tx.done;
  return { record, blobs };
}

export async function restoreDraft({ record, blobs }) {
  const tx = (await dbReady).transaction(["inspections", "blobs"], "readwrite");
  tx.objectStore("inspections").put(record);
  for (const blob of blobs) tx.objectStore("blobs").put(blob);
  await tx.done;
}
