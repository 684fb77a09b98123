// Photo pipeline: decode (honouring EXIF orientation), downscale to ≤ 1600 px, JPEG q 0.8,
// SHA-256; and a ≤ 320 px copy that stays on the phone after the photo is uploaded.

export const MAX_SIDE = 1600;
export const QUALITY = 0.8;
export const THUMB_SIDE = 320;
const THUMB_QUALITY = 0.7;

function hex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function sha256Hex(buffer) {
  return hex(await crypto.subtle.digest("SHA-256", buffer));
}

function fitWithin(width, height, max) {
  const scale = Math.min(1, max / Math.max(width, height));
  return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
}

async function encode(bitmap, width, height, quality = QUALITY) {
  if (typeof OffscreenCanvas !== "undefined") {
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
    return canvas.convertToBlob({ type: "image/jpeg", quality });
  }
  const canvas = document.createElement("canvas");
  Object.assign(canvas, { width, height });
  canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
}

async function decode(file) {
  try {
    return await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    // older Safari: an <img> applies the EXIF orientation itself
    const url = URL.createObjectURL(file);
    try {
      const img = new Image();
      img.src = url;
      await img.decode();
      return img;
    } finally {
      URL.revokeObjectURL(url);
    }
  }
}

async function downscale(image, width, height) {
  if (width === image.width) return image;
  try {
    // let the browser do the big downscale with a good filter, off the main thread
    const small = await createImageBitmap(image, { resizeWidth: width, resizeHeight: height, resizeQuality: "high" });
    image.close?.();
    return small;
  } catch {
    return image;               // encode() scales while drawing
  }
}

// Answers {bytes, mime, size, width, height, sha256, thumb: ArrayBuffer of the small JPEG}.
export async function processPhoto(file) {
  const full = await decode(file);
  const [width, height] = fitWithin(full.width, full.height, MAX_SIDE);
  const bitmap = await downscale(full, width, height);
  const blob = await encode(bitmap, width, height);
  const [thumbWidth, thumbHeight] = fitWithin(width, height, THUMB_SIDE);
  const thumb = await encode(bitmap, thumbWidth, thumbHeight, THUMB_QUALITY);
  bitmap.close?.();
  const bytes = await blob.arrayBuffer();
  return { bytes, mime: "image/jpeg", size: bytes.byteLength, width, height, sha256: await sha256Hex(bytes),
           thumb: await thumb.arrayBuffer() };
}
