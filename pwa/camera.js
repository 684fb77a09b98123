// Photo pipeline: decode (honouring EXIF orientation), downscale to ≤ 1600 px,
// re-encode as JPEG q 0.8, hash with SHA-256. The result is stored as an ArrayBuffer.

export const MAX_SIDE = 1600;
export const QUALITY = 0.8;

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

async function encode(bitmap, width, height) {
  if (typeof OffscreenCanvas !== "undefined") {
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
    return canvas.convertToBlob({ type: "image/jpeg", quality: QUALITY });
  }
  const canvas = document.createElement("canvas");
  Object.assign(canvas, { width, height });
  canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
}

// file: a File from <input type=file>. Answers {bytes, mime, size, width, height, sha256}.
export async function processPhoto(file) {
  const full = await createImageBitmap(file, { imageOrientation: "from-image" });
  const [width, height] = fitWithin(full.width, full.height, MAX_SIDE);
  let bitmap = full;
  if (width !== full.width) {
    // let the browser do the big downscale with a good filter off the main thread
    bitmap = await createImageBitmap(full, { resizeWidth: width, resizeHeight: height, resizeQuality: "high" });
    full.close();
  }
  const blob = await encode(bitmap, width, height);
  bitmap.close();
  const bytes = await blob.arrayBuffer();
  return { bytes, mime: "image/jpeg", size: bytes.byteLength, width, height, sha256: await sha256Hex(bytes) };
}
