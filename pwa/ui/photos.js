// The photos supporting one deduction (or one rechecked item): thumbnails, review marks,
// camera and gallery. `kind` is the record's store: "inspections" or "rechecks".
import { h, objectUrl, toast } from "./dom.js";
import { blobThumb } from "../api.js";
import { t } from "../i18n.js";
import * as store from "../store.js";
import { processPhoto } from "../camera.js";
import { currentPosition } from "../geo.js";
import { isoLocal, newId } from "../clock.js";

// stored bytes as an image, or a placeholder the server's thumbnail replaces when it comes
function imageOr(stored, sha256, placeholderText) {
  if (stored) return h("img", { src: objectUrl(stored.bytes, stored.type), alt: "" });
  const placeholder = h("div", { class: "uploaded" }, placeholderText);
  blobThumb(sha256).then((thumb) => {
    if (thumb && placeholder.isConnected) placeholder.replaceWith(h("img", { src: objectUrl(thumb, thumb.type), alt: "" }));
  });
  return placeholder;
}

// the photo from the phone's own bytes, or, once they are deleted, the server's thumbnail
export async function photoImage(photo) {
  return imageOr(await store.photoBytes(photo.sha256), photo.sha256, t("photo.on_server"));
}

// a rectification's "before" photo, as downloaded with it
export async function beforeImage(photo) {
  return imageOr(await store.beforePhoto(photo.sha256), photo.sha256, t("recheck.before_missing"));
}

async function thumbnail(kind, record, photo, review, onChange) {
  const removable = !(record.local.sent_photo_ids || []).includes(photo.id);
  return h("figure", { class: `thumb ${review?.accepted === false ? "rejected" : ""}`, dataset: { photo: photo.id } },
    await photoImage(photo),
    photo.source === "gallery" ? h("figcaption", { class: "tag" }, t("photo.from_gallery")) : null,
    review?.accepted === false ? h("figcaption", { class: "error" }, t("photo.rejected", { reason: review.reason || "" })) : null,
    removable ? h("button", { class: "remove", "aria-label": t("photo.remove"),
      onclick: async () => { await store.removePhoto(kind, record.id, photo.id); onChange(); } }, "×") : null);
}

async function addPhoto(kind, record, criterion, item, file, source, onChange, status) {
  status.textContent = t("photo.processing");
  try {
    const [photo, gps] = await Promise.all([processPhoto(file), currentPosition({ timeoutMs: 5000 })]);
    const captured = source === "camera" || !file.lastModified ? new Date() : new Date(file.lastModified);
    const meta = { id: newId(), sha256: photo.sha256, size: photo.size, mime: photo.mime,
      width: photo.width, height: photo.height, criterion, item,
      captured_at: isoLocal(captured), gps, source };
    await store.addPhoto(kind, record.id, meta, photo.bytes);
    onChange();
  } catch (err) {
    const full = err?.name === "QuotaExceededError" || err?.inner?.name === "QuotaExceededError";
    status.textContent = full ? t("photo.quota") : t("photo.unreadable");
    toast(status.textContent, "error");
  }
}

function picker(source, kind, record, criterion, item, onChange, status) {
  const input = h("input", { type: "file", accept: "image/*", class: "hidden-input",
    dataset: { photoInput: source, item: `${criterion}.${item}` },
    onchange: (e) => e.target.files[0] && addPhoto(kind, record, criterion, item, e.target.files[0], source, onChange, status) });
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
    good.length || !required ? null : h("p", { class: "error need-photo" }, t("photo.needed")),
    status,
    h("div", { class: "pair" }, picker("camera", kind, record, criterion, item, onChange, status),
      picker("gallery", kind, record, criterion, item, onChange, status)));
}
