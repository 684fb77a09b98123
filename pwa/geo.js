// Current position with a hard timeout: answers null rather than ever hanging.
import { isoLocal } from "./clock.js";

export function currentPosition({ timeoutMs = 8000, maxAgeMs = 60000 } = {}) {
  return new Promise((resolve) => {
    if (!("geolocation" in navigator)) return resolve(null);
    const timer = setTimeout(() => resolve(null), timeoutMs + 500);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        clearTimeout(timer);
        resolve({ lat: pos.coords.latitude, lon: pos.coords.longitude,
                  accuracy_m: Math.round(pos.coords.accuracy * 10) / 10,
                  at: isoLocal(new Date(pos.timestamp)) });
      },
      () => { clearTimeout(timer); resolve(null); },
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: maxAgeMs });
  });
}
