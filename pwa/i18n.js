// Strings from i18n/strings.json and dates in the chosen language. The strings are kept
// as {group: {key: [zh, en]}} for "group.key": one copy of each key, its languages side
// by side.

export const LANGUAGES = ["zh", "en"];
let lang = "zh";
let strings = null;
let catalogue = {};

export async function setLanguage(next) {
  lang = LANGUAGES.includes(next) ? next : "zh";
  strings ||= Object.entries(await (await fetch(new URL("i18n/strings.json", import.meta.url))).json())
    .flatMap(([group, texts]) => Object.entries(texts).map(([key, pair]) => [`${group}.${key}`, pair]));
  catalogue = Object.fromEntries(strings.map(([key, pair]) => [key, pair[LANGUAGES.indexOf(lang)]]));
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
}

export const currentLanguage = () => lang;

// t("status.waiting", {count: 3}) → uses "status.waiting.one" when count is 1 and it exists
export function t(key, params = {}) {
  let text = catalogue[key];
  if (params.count === 1 && catalogue[`${key}.one`] !== undefined) text = catalogue[`${key}.one`];
  if (text === undefined) return key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (params[name] ?? ""));
}

// t(), or `fallback` for a key this version of the app does not have (a newer server's code)
export function tOr(key, params, fallback) {
  return catalogue[key] === undefined ? fallback : t(key, params);
}

const MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function parts(value) {
  // a date-only string is a calendar date, not midnight UTC
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
  const d = m ? new Date(+m[1], +m[2] - 1, +m[3]) : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDate(value) {
  const d = parts(value);
  if (!d) return "";
  return lang === "zh"
    ? `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`
    : `${d.getDate()} ${MONTHS_EN[d.getMonth()]} ${d.getFullYear()}`;
}

export function formatDateTime(value) {
  const d = parts(value);
  if (!d) return "";
  const hm = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  return `${formatDate(value)} ${hm}`;
}

export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

// one decimal, a half rounded up, of the exact value: the server's score filter
// (sync/rubric.py score_text) rounds the same way, so both show one number
export function formatScore(x) {
  return x === null || x === undefined ? "—" : x.toFixed(1);
}

// rubric labels are label_zh / label_en; places are name / name_en
export const label = (o) => (lang === "zh" ? o.label_zh : o.label_en || o.label_zh);
export const placeName = (o) => (o ? (lang === "zh" ? o.name : o.name_en || o.name) : "?");
