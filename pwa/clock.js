// Times as ISO 8601 with the device's offset (the contract wants an offset, not "Z").

const pad = (n) => String(n).padStart(2, "0");

export function isoLocal(date = new Date()) {
  const off = -date.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  const abs = Math.abs(off);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function newId() {
  return crypto.randomUUID();
}

// Today's date in the township (UTC+8, sync/clock.py TOWNSHIP_TZ), as YYYY-MM-DD.
export function townshipToday(now = new Date()) {
  return new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}
