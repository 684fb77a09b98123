// What supervisors said of the phone's inspections, as pulled (`comments`, `photo_reviews`,
// by the inspection's index), and which rejections the inspector has read.
import { dbReady } from "./db.js";
import { getMeta, setMeta } from "./session.js";

export async function reviewsFor(inspectionId) {
  const db = await dbReady;
  const [comments, photoReviews] = await Promise.all([
    db.getAllFromIndex("comments", "inspection_id", inspectionId),
    db.getAllFromIndex("photo_reviews", "inspection_id", inspectionId),
  ]);
  comments.sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
  return { comments, photoReviews: new Map(photoReviews.map((r) => [r.photo_id, r])) };
}

export async function allPhotoReviews() {
  const rows = await (await dbReady).getAll("photo_reviews");
  return new Map(rows.map((r) => [r.photo_id, r]));
}

// A rejection is the supervisor's last word: once opened at the server version it came
// with, it is dealt with (kept apart from the record, which reading does not change).
export async function markReviewSeen(record) {
  const seen = await seenReviews();
  seen[record.id] = record.local.server_version;
  await setMeta("seen_reviews", seen);
}

export async function seenReviews() { return (await getMeta("seen_reviews")) || {}; }
