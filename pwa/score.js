// The scoring rule of domain.md, and the evidence check before submit.

export function criterionScore(criterion, entry) {
  let lost = 0;
  for (const item of criterion.items) {
    const count = entry?.deductions?.[item.key] || 0;
    if (item.kind === "veto" && count >= 1) return 0;
    if (item.kind !== "veto") lost += item.points * (item.kind === "once" ? Math.min(count, 1) : count);
  }
  return criterion.max - Math.min(criterion.max, Math.abs(lost));
}

// total = 100 × Σ scores ÷ Σ max over criteria that are not N/A (null when all are N/A)
export function inspectionScore(rubric, criteria) {
  let got = 0;
  let max = 0;
  for (const c of rubric.criteria) {
    if (criteria[c.key]?.na) continue;
    got += criterionScore(c, criteria[c.key]);
    max += c.max;
  }
  return max ? (100 * got) / max : null;
}

export const hasVeto = (rubric, criteria) => rubric.criteria.some((c) => !criteria[c.key]?.na &&
  c.items.some((i) => i.kind === "veto" && (criteria[c.key]?.deductions?.[i.key] || 0) >= 1));

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
