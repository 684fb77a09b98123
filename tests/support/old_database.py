"""The phone's IndexedDB as an older app left it, for the tests of a schema update: the
stores of that schema with their indexes, and the rows it held."""

# store → [its key path, its indexes], as each schema left it
SCHEMA_4 = {
    "meta": [None, {}], "ref": [["type", "id"], {"type": "type", "round": ["type", "data.round_id"]}],
    "inspections": ["id", {}], "blobs": ["sha256", {"inspection_id": "inspection_id"}],
    "comments": ["id", {"inspection_id": "inspection_id"}],
    "photo_reviews": ["photo_id", {"inspection_id": "inspection_id"}], "rechecks": ["id", {}],
    "before_photos": ["sha256", {}], "thumbs": ["sha256", {"kept_at": "kept_at"}],
}
SCHEMA_5 = {**SCHEMA_4,
            "ref": [["type", "id"], {**SCHEMA_4["ref"][1], "group": ["type", "data.group_id"]}],
            "inspections": ["id", {"group_round": ["group_id", "round_id"]}]}

# A submitted inspection of household 2 (group 3, household round 7) not yet sent.
UNSENT_INSPECTION = {
    "id": "i-1", "client_rev": 2, "base_version": None, "round_id": 7, "group_id": 3,
    "household_id": 2, "rubric_version": 2, "status": "submitted",
    "started_at": "2026-11-05T09:00:00+08:00", "finished_at": "2026-11-05T09:30:00+08:00",
    "gps": None, "criteria": {}, "note": "门前整洁", "photos": [],
    "local": {"state": "submitted", "sent_rev": 0, "server_version": None, "review_state": None,
              "flags": [], "push_error": None, "updated_at": "2026-11-05T09:30:00+08:00"}}

OPEN_OLD_DATABASE = """({ version, schema, rows }) => new Promise((resolve, reject) => {
    const request = indexedDB.open('inspection-collector', version);
    request.onupgradeneeded = () => {
        for (const [name, [keyPath, indexes]] of Object.entries(schema)) {
            const store = request.result.createObjectStore(name, keyPath ? { keyPath } : undefined);
            for (const [index, path] of Object.entries(indexes)) store.createIndex(index, path);
        }
    };
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
        const db = request.result;
        const tx = db.transaction(Object.keys(rows), 'readwrite');
        for (const [name, held] of Object.entries(rows)) for (const row of held) tx.objectStore(name).put(row);
        tx.oncomplete = () => { db.close(); resolve(); };
        tx.onerror = () => reject(tx.error);
    };
})"""


def open_app_over_old_database(page, base_url: str, version: int, schema: dict, rows: dict) -> None:
    """The database of `version` with `schema` and `rows` ({store: [row, ...]}), made on
    the app's origin before the app opens it; then the app, ready."""
    from tests.support.phone import wait_ready
    page.goto(f"{base_url}/healthz")
    page.evaluate(OPEN_OLD_DATABASE, {"version": version, "schema": schema, "rows": rows})
    page.goto(f"{base_url}/app/")
    wait_ready(page)
