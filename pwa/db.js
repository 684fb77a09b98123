// The app's IndexedDB schema (idb, vendor/idb.js), used by the storage modules only.
import { openDB } from "./vendor/idb.js";

// Each migration step only adds (stores, indexes), so an update never loses data: an
// outbox written by an older app is still there, whole, after the new one opens it.
export const dbReady = openDB("inspection-collector", 6, {
  upgrade(db, oldVersion, _newVersion, tx) {
    if (oldVersion < 1) {
      db.createObjectStore("meta");
      db.createObjectStore("ref", { keyPath: ["type", "id"] })        // pulled reference data
        .createIndex("type", "type");
      db.createObjectStore("inspections", { keyPath: "id" });
      // photo bytes not yet on the server; inspection_id or recheck_id names their record
      db.createObjectStore("blobs", { keyPath: "sha256" })
        .createIndex("inspection_id", "inspection_id");
      db.createObjectStore("comments", { keyPath: "id" })
        .createIndex("inspection_id", "inspection_id");
      db.createObjectStore("photo_reviews", { keyPath: "photo_id" })
        .createIndex("inspection_id", "inspection_id");
    }
    if (oldVersion < 2) {
      db.createObjectStore("rechecks", { keyPath: "id" });
      // "before" photos of open rectifications, downloaded for offline rechecks
      db.createObjectStore("before_photos", { keyPath: "sha256" });
    }
    if (oldVersion < 3) {
      // small copies of the phone's photos, kept after upload for viewing offline;
      // the oldest go first when they outgrow their budget
      db.createObjectStore("thumbs", { keyPath: "sha256" }).createIndex("kept_at", "kept_at");
    }
    if (oldVersion < 4) {
      // a round's rows of one type (its assignments)
      tx.objectStore("ref").createIndex("round", ["type", "data.round_id"]);
    }
    if (oldVersion < 5) {
      // a group's households (2,500 a township) by key, never a scan of the type; and a
      // group's inspections by round, for each household's state in a round
      tx.objectStore("ref").createIndex("group", ["type", "data.group_id"]);
      tx.objectStore("inspections").createIndex("group_round", ["group_id", "round_id"]);
    }
    if (oldVersion < 6) {
      // points entries recorded here (ledger.js), and a household's pulled ones by key
      db.createObjectStore("ledger", { keyPath: "id" }).createIndex("household_id", "household_id");
      tx.objectStore("ref").createIndex("household", ["type", "data.household_id"]);
    }
  },
  // another tab opened a newer schema: close so it can upgrade; a reload picks it up
  blocking() { dbReady.then((db) => db.close()); },
});
