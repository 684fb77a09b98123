// A minimal IndexedDB wrapper in the shape of idb (openDB, get/put/getAll, tx.done).
// Our own small version instead of vendoring idb: we need only this much.

function promisify(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function wrapStore(store) {
  return {
    get: (key) => promisify(store.get(key)),
    getAll: (query) => promisify(store.getAll(query)),
    getAllKeys: (query) => promisify(store.getAllKeys(query)),
    getAllFromIndex: (index, query) => promisify(store.index(index).getAll(query)),
    put: (value, key) => promisify(key === undefined ? store.put(value) : store.put(value, key)),
    delete: (key) => promisify(store.delete(key)),
    count: (query) => promisify(store.count(query)),
    clear: () => promisify(store.clear()),
    // visit an index's rows one at a time ("prev": from the highest key), without loading
    // them all; visit(value, cursor) runs inside the transaction, so it may cursor.delete()
    each: (index, direction, visit) => new Promise((resolve, reject) => {
      const request = store.index(index).openCursor(null, direction);
      request.onsuccess = () => {
        const cursor = request.result;
        if (!cursor) return resolve();
        visit(cursor.value, cursor);
        cursor.continue();
      };
      request.onerror = () => reject(request.error);
    }),
  };
}

function wrapTransaction(tx) {
  const done = new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new DOMException("aborted", "AbortError"));
  });
  return { objectStore: (name) => wrapStore(tx.objectStore(name)), done, abort: () => tx.abort() };
}

class DB {
  constructor(idb) { this.idb = idb; }
  transaction(stores, mode = "readonly") { return wrapTransaction(this.idb.transaction(stores, mode)); }
  async one(storeName, mode, fn) {
    const tx = this.transaction(storeName, mode);
    const result = await fn(tx.objectStore(storeName));
    await tx.done;
    return result;
  }
  get(store, key) { return this.one(store, "readonly", (s) => s.get(key)); }
  getAll(store, query) { return this.one(store, "readonly", (s) => s.getAll(query)); }
  getAllKeys(store, query) { return this.one(store, "readonly", (s) => s.getAllKeys(query)); }
  getAllFromIndex(store, index, query) { return this.one(store, "readonly", (s) => s.getAllFromIndex(index, query)); }
  count(store, query) { return this.one(store, "readonly", (s) => s.count(query)); }
  put(store, value, key) { return this.one(store, "readwrite", (s) => s.put(value, key)); }
  delete(store, key) { return this.one(store, "readwrite", (s) => s.delete(key)); }
}

export function openDB(name, version, { upgrade } = {}) {
  const request = indexedDB.open(name, version);
  request.onupgradeneeded = (event) => upgrade && upgrade(request.result, event.oldVersion, request.transaction);
  return promisify(request).then((idb) => {
    // another tab opened a newer schema: close so it can upgrade; a reload picks it up
    idb.onversionchange = () => idb.close();
    return new DB(idb);
  });
}

// The app's schema. Each migration step only adds, so an update never loses data.
export const dbReady = openDB("inspection-collector", 3, {
  upgrade(idb, oldVersion) {
    if (oldVersion < 1) {
      idb.createObjectStore("meta");                                   // key → value
      idb.createObjectStore("ref", { keyPath: ["type", "id"] })        // pulled reference data
        .createIndex("type", "type");
      idb.createObjectStore("inspections", { keyPath: "id" });
      // photo bytes not yet on the server; inspection_id or recheck_id names their record
      idb.createObjectStore("blobs", { keyPath: "sha256" })
        .createIndex("inspection_id", "inspection_id");
      idb.createObjectStore("comments", { keyPath: "id" })
        .createIndex("inspection_id", "inspection_id");
      idb.createObjectStore("photo_reviews", { keyPath: "photo_id" })
        .createIndex("inspection_id", "inspection_id");
    }
    if (oldVersion < 2) {
      idb.createObjectStore("rechecks", { keyPath: "id" });
      // "before" photos of open rectifications, downloaded for offline rechecks
      idb.createObjectStore("before_photos", { keyPath: "sha256" });
    }
    if (oldVersion < 3) {
      // small copies of the phone's photos, kept after upload for viewing offline;
      // the oldest go first when they outgrow their budget
      idb.createObjectStore("thumbs", { keyPath: "sha256" }).createIndex("kept_at", "kept_at");
    }
  },
});
