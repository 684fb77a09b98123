// Ask the browser to keep our data (navigator.storage.persist) and watch free space.
export const LOW_FREE_BYTES = 100 * 1024 * 1024;

export async function requestPersistence() {
  if (!navigator.storage?.persist) return null;
  if (await navigator.storage.persisted()) return true;
  return navigator.storage.persist();
}

export async function storageState() {
  const s = navigator.storage;
  const persisted = s?.persisted ? await s.persisted() : null;
  const { usage = 0, quota = 0 } = s?.estimate ? await s.estimate() : {};
  const free = quota ? quota - usage : null;
  return { persisted, usage, quota, free, low: free !== null && free < LOW_FREE_BYTES };
}
