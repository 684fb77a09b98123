// Everything unsent (inspections, rechecks, points entries) as the contract's bundle: manifest.json + blobs/<sha256>.
import { zip } from "./zip.js";
import { ledgerPayload, payloadOf, recheckPayloadOf, unsent, unsentBlobs, unsentInspections, unsentRechecks } from "./outbox.js";
import { getSession, setMeta } from "./session.js";
import { isoLocal } from "./clock.js";

export async function buildBundle() {
  const [session, inspections, rechecks, ledger, blobs] = await Promise.all([
    getSession(), unsentInspections(), unsentRechecks(), unsent("ledger"), unsentBlobs()]);
  const exportedAt = isoLocal();
  const manifest = { client_id: session?.client_id ?? null, exported_at: exportedAt,
                     inspections: inspections.map(payloadOf),
                     ...(rechecks.length ? { rechecks: rechecks.map(recheckPayloadOf) } : {}),
                     ...(ledger.length ? { ledger: ledger.map(ledgerPayload) } : {}) };
  const entries = [{ name: "manifest.json", bytes: new TextEncoder().encode(JSON.stringify(manifest)) },
    ...blobs.map((b) => ({ name: `blobs/${b.sha256}`, bytes: new Uint8Array(b.bytes) }))];
  const bytes = zip(entries);
  const fileName = `bundle-${exportedAt.slice(0, 19).replace(/[-:]/g, "").replace("T", "-")}.zip`;
  const record = { at: exportedAt, file_name: fileName, size: bytes.length,
    inspections: inspections.map((r) => ({ id: r.id, group_id: r.group_id, started_at: r.started_at })),
    rechecks: rechecks.map((r) => r.id), ledger: ledger.map((e) => e.id),
    photos: blobs.map((b) => b.sha256) };
  await setMeta("last_export", record);
  return { bytes, record };
}
