// The photos supporting one deduction (or one rechecked item): thumbnails, review marks,
// camera and gallery. `kind` is the record's store: "inspections" or "rechecks".
import { h, objectUrl, toast } from "./dom.js";
import { blobDisplay, blobThumb } from "../api.js";
import { confirmDialog, undoBar } from "./dialogs.js";
import { t } from "../i18n.js";
import { addPhoto, photoBytes } from "../records.js";
import { removePhoto, restorePhoto } from "../undo.js";
import { keepThumb, thumbOf } from "../thumbnails.js";
import { beforePhoto } from "../before-photos.js";
import { processPhoto } from "../camera.js";
import { currentPosition } from "../geo.js";
import { isoLocal, newId } from "../clock.js";

const picture = (stored) => h("img", { src: objectUrl(stored.bytes, stored.type), alt: "" });

// stored bytes as an image, or a placeholder the server's thumbnail replaces when it comes
// (kept, when `keep`, for the next time the phone is offline)
function imageOr(stored, sha256, placeholderText, { keep = false } = {}) {
  if (stored) return picture(stored);
  const placeholder = h("div", { class: "uploaded" }, placeholderText);
  blobThumb(sha256).then(async (thumb) => {
    if (!thumb) return;
    if (keep) await keepThumb(sha256, await thumb.arrayBuffer(), thumb.type);
    if (placeholder.isConnected) placeholder.replaceWith(picture({ bytes: thumb, type: thumb.type }));
  });
  return placeholder;
}

export async function photoImage(photo) {
  const stored = (await thumbOf(photo.sha256)) || (await photoBytes(photo.sha256));
  return imageOr(stored, photo.sha256, t("photo.on_server"), { keep: true });
}

export async function beforeImage(photo) {
  return imageOr(await beforePhoto(photo.sha256), photo.sha256, t("recheck.before_missing"));
}

// The phone's full bytes; once uploaded, the kept small copy at once and the server's
// display copy in its place when (and if) it comes.
async function fillViewer(dialog, photo) {
  const full = await photoBytes(photo.sha256);
  if (full) return dialog.append(picture(full));
  const small = await photoImage(photo);
  dialog.append(small);
  try {
    const large = picture(await blobDisplay(photo.sha256));
    if (small.isConnected) small.replaceWith(large);
  } catch { /* offline: the small copy stays */ }
}

// A photo filling the screen, closed by its button or the phone's back (a history entry
// with the same address, unseen by the router). Shown at once, so a second tap meets the
// open viewer; the picture follows.
export async function showPhoto(photo) {
  if (document.getElementById("photo-viewer")) return;
  const dialog = h("dialog", { class: "viewer", id: "photo-viewer" },
    h("button", { class: "close primary", id: "viewer-close", onclick: () => history.back() }, t("photo.close")));
  const closed = () => dialog.open && dialog.close();
  addEventListener("popstate", closed, { once: true });
  dialog.addEventListener("cancel", (e) => { e.preventDefault(); history.back(); });
  dialog.addEventListener("close", () => { removeEventListener("popstate", closed); dialog.remove(); });
  history.pushState({ photo: photo.id }, "");
  document.body.append(dialog);
  dialog.showModal();
  await fillViewer(dialog, photo);
}

export async function photoButton(photo) {
  return h("button", { class: "enlarge", "aria-label": t("photo.enlarge"), onclick: () => showPhoto(photo) },
    await photoImage(photo));
}

// asks first, then offers to take it back for a while
async function removeAsked(kind, record, photo, onChange) {
  if (!await confirmDialog(t("photo.remove_confirm"), t("photo.remove"))) return;
  const removed = await removePhoto(kind, record.id, photo.id);
  await onChange();
  if (removed?.blob) {
    undoBar(t("photo.removed"), async () => { await restorePhoto(kind, record.id, removed); await onChange(); });
  }
}

async function thumbnail(kind, record, photo, review, onChange) {
  const removable = !(record.local.sent_photo_ids || []).includes(photo.id);
  return h("figure", { class: `thumb ${review?.accepted === false ? "rejected" : ""}`, dataset: { photo: photo.id } },
    await photoButton(photo),
    photo.source === "gallery" ? h("figcaption", { class: "tag" }, t("photo.from_gallery")) : null,
    review?.accepted === false ? h("figcaption", { class: "error" }, t("photo.rejected", { reason: review.reason || "" })) : null,
    removable ? h("button", { class: "remove", onclick: () => removeAsked(kind, record, photo, onChange) },
      t("photo.remove_short")) : null);
}

// A picture taken or chosen, downscaled and hashed: its metadata as the contract has it,
// its bytes and its small copy.
export async function photoOf(file, source, criterion = null, item = null) {
  const [photo, gps] = await Promise.all([processPhoto(file), currentPosition({ timeoutMs: 5000 })]);
  const captured = source === "camera" || !file.lastModified ? new Date() : new Date(file.lastModified);
  return { meta: { id: newId(), sha256: photo.sha256, size: photo.size, mime: photo.mime,
    width: photo.width, height: photo.height, criterion, item, captured_at: isoLocal(captured), gps, source },
  bytes: photo.bytes, thumb: { bytes: photo.thumb, type: photo.mime } };
}

export function photoFailed(err, status) {
  const full = err?.name === "QuotaExceededError" || err?.inner?.name === "QuotaExceededError";
  status.textContent = full ? t("photo.quota") : t("photo.unreadable");
  toast(status.textContent, "error");
}

async function takePhoto(kind, record, criterion, item, file, source, onChange, status) {
  status.textContent = t("photo.processing");
  try {
    const { meta, bytes, thumb } = await photoOf(file, source, criterion, item);
    await addPhoto(kind, record.id, meta, bytes, thumb);
    onChange();
  } catch (err) {
    photoFailed(err, status);
  }
}

function picker(source, kind, record, criterion, item, onChange, status) {
  const input = h("input", { type: "file", accept: "image/*", class: "hidden-input",
    dataset: { photoInput: source, item: `${criterion}.${item}` },
    onchange: (e) => e.target.files[0] && takePhoto(kind, record, criterion, item, e.target.files[0], source, onChange, status) });
  if (source === "camera") input.setAttribute("capture", "environment");
  return h("label", { class: `button ${source === "camera" ? "primary" : "secondary"}` },
    source === "camera" ? t("photo.take") : t("photo.gallery"), input);
}

// required: whether to say a photo is still needed when there is none (not rejected)
export async function photoStrip(record, criterion, item, photoReviews, onChange,
                                 { kind = "inspections", required = true } = {}) {
  const photos = record.photos.filter((p) => p.criterion === criterion && p.item === item);
  const good = photos.filter((p) => photoReviews.get(p.id)?.accepted !== false);
  const status = h("p", { class: "photo-status muted", role: "status" });
  return h("div", { class: "photos" },
    h("div", { class: "thumbs" }, await Promise.all(photos.map((p) => thumbnail(kind, record, p, photoReviews.get(p.id), onChange)))),
    // a deduction's photo is its evidence; a recheck's shows the place after the fix
    good.length || !required ? null : h("p", { class: "error need-photo" },
      t(kind === "rechecks" ? "recheck.photo_needed" : "photo.needed")),
    status,
    h("div", { class: "pair" }, picker("camera", kind, record, criterion, item, onChange, status),
      picker("gallery", kind, record, criterion, item, onChange, status)));
}
