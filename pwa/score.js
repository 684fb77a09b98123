// The server's scoring rule (sync/rubric.py, sync/flags.py) step for step, so the phone
// shows the number the ranking counts (tests/scoring_cases.json), and the evidence check.

// A correctly rounded sum (Python's math.fsum, which the server sums with), so a total
// never differs from the server's in the last bit and so never rounds differently.
export function fsum(values) {
  const partials = [];
  for (let x of values) {
    let i = 0;
    for (let j = 0; j < partials.length; j++) {
      let y = partials[j];
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    if (x) partials.push(x);
  }
  let n = partials.length;
  if (!n) return 0;
  let hi = partials[--n];
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n];
    hi = x + y;
    lo = y - (hi - x);
    if (lo) break;
  }
  // half-even rounding across the partials left over, as CPython does
  if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}

const keyOf = (criterion, item) => `${criterion}\u0000${item}`;

// Deductions whose every supporting photo was rejected on review: no evidence, no deduction.
// A deduction with no photo at all is not void (the server flags it "no evidence" instead).
// `photoReviews`: photo id → the pulled photo_review ({accepted, reason, ...}).
export function voidDeductions(inspection, photoReviews = new Map()) {
  const allRejected = new Map();
  for (const p of inspection.photos || []) {
    const key = keyOf(p.criterion, p.item);
    allRejected.set(key, (allRejected.get(key) ?? true) && photoReviews.get(p.id)?.accepted === false);
  }
  const found = new Set();
  for (const [criterion, entry] of Object.entries(inspection.criteria || {})) {
    if (entry?.na) continue;
    for (const [item, count] of Object.entries(entry?.deductions || {})) {
      if (count && allRejected.get(keyOf(criterion, item))) found.add(keyOf(criterion, item));
    }
  }
  return found;
}

// one criterion: {score, vetoed}, as sync/rubric.py _score_criterion
function criterionScore(criterion, counts, voids) {
  let lost = 0;
  let vetoed = false;
  for (const item of criterion.items) {
    let count = counts[item.key] || 0;
    if (count <= 0 || voids.has(keyOf(criterion.key, item.key))) continue;
    if (item.kind !== "each") count = 1;   // "once" and "veto" hold or not
    lost += item.points * count;
    vetoed = vetoed || item.kind === "veto";
  }
  return { score: vetoed ? 0 : criterion.max - Math.min(criterion.max, lost), vetoed };
}

// {total, criteria: {key: score or null for N/A}, veto, void: [[criterion, item], ...]}.
// total = 100 × Σ scores ÷ Σ max over criteria that are not N/A (null when all are N/A),
// unrounded; void deductions (given the photo reviews pulled) count for nothing.
export function scoreInspection(rubric, inspection, photoReviews = new Map()) {
  const voids = voidDeductions(inspection, photoReviews);
  const scores = {};
  const applicable = [];
  let veto = false;
  for (const c of rubric.criteria) {
    const entry = inspection.criteria?.[c.key] || {};
    if (entry.na) { scores[c.key] = null; continue; }
    const { score, vetoed } = criterionScore(c, entry.deductions || {}, voids);
    scores[c.key] = score;
    veto = veto || vetoed;
    applicable.push(c);
  }
  const maxSum = fsum(applicable.map((c) => c.max));
  const total = applicable.length && maxSum > 0
    ? (100 * fsum(applicable.map((c) => scores[c.key]))) / maxSum : null;
  return { total, criteria: scores, veto, void: [...voids].sort().map((key) => key.split("\u0000")) };
}

// Deductions that still need a photo: [{criterion, item}]. A photo rejected on review
// does not count as evidence (that is the re-shoot request).
export function missingEvidence(rubric, inspection, photoReviews = new Map()) {
  const missing = [];
  for (const c of rubric.criteria) {
    const entry = inspection.criteria[c.key];
    if (!entry || entry.na) continue;
    for (const item of c.items) {
      if (!(entry.deductions[item.key] >= 1)) continue;
      const ok = inspection.photos.some((p) => p.criterion === c.key && p.item === item.key &&
        photoReviews.get(p.id)?.accepted !== false);
      if (!ok) missing.push({ criterion: c, item });
    }
  }
  return missing;
}

// Rejected photos whose criterion/item has no newer photo that was not rejected: the
// re-shoots the supervisor still waits for.
export function openReshoots(inspection, photoReviews) {
  const rejected = inspection.photos.filter((p) => photoReviews.get(p.id)?.accepted === false);
  return rejected.filter((r) => !inspection.photos.some((p) => p.criterion === r.criterion &&
    p.item === r.item && photoReviews.get(p.id)?.accepted !== false));
}
