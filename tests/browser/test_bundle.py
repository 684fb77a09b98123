"""Export everything unsent as the contract's bundle; the server imports it."""
import hashlib
import io
import json
import zipfile

from playwright.sync_api import expect

from tests.support import server_state
from tests.support.phone import (local_blobs, local_inspections, make_jpeg, record_simple_inspection, sign_in,
                    start_inspection, status, sync, wait_synced)


def test_bundle_holds_exactly_the_unsent_items_and_imports_on_the_server(phone, live_server):
    page = phone
    sign_in(page, live_server.url)
    sent = record_simple_inspection(page, make_jpeg(900, 600, seed=31), assigned_index=0)
    wait_synced(page)
    assert sent in server_state.inspections(live_server.app)

    page.context.set_offline(True)
    unsent = {record_simple_inspection(page, make_jpeg(900, 600, seed=32), assigned_index=1),
              record_simple_inspection(page, make_jpeg(900, 600, seed=33), assigned_index=2)}
    start_inspection(page, assigned_index=3)               # a draft: not submitted, not exported
    unsent_blobs = local_blobs(page)
    assert len(unsent_blobs) == 2          # one photo each; the draft has none

    # The last submit's sync (failing offline) must be over before the home screen is drawn:
    # a sync ending later draws it again, and a panel replaced while the export fills it
    # never shows what went into the file.
    wait_synced(page)
    page.goto(page.url.split("#")[0] + "#/")
    page.wait_for_selector("#export-button")
    with page.expect_download() as download:
        page.click("#export-button")
    data = open(download.value.path(), "rb").read()
    assert download.value.suggested_filename.endswith(".zip")

    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        assert bundle.testzip() is None
        names = set(bundle.namelist())
        manifest = json.loads(bundle.read("manifest.json"))
        members = {name: bundle.read(name) for name in names if name.startswith("blobs/")}
    assert {i["id"] for i in manifest["inspections"]} == unsent
    assert names == {"manifest.json"} | {f"blobs/{sha}" for sha in unsent_blobs}
    assert all(hashlib.sha256(b).hexdigest() == name.removeprefix("blobs/") for name, b in members.items())
    session_client = page.evaluate("async () => (await import('/app/session.js')).getMeta('client_id')")
    assert manifest["client_id"] == session_client and manifest["exported_at"]
    # the phone shows what went into the file
    expect(page.locator("#last-export li")).to_have_count(2)

    token = page.evaluate("async () => (await import('/app/session.js')).getMeta('token')")
    client = live_server.app.test_client()
    answer = client.post("/api/v1/sync/bundle", headers={"Authorization": f"Bearer {token}"},
                         data={"bundle": (io.BytesIO(data), "bundle.zip")}, content_type="multipart/form-data")
    assert answer.status_code == 200, answer.get_json()
    assert {r["id"] for r in answer.get_json()["results"]} == unsent
    assert all(r["outcome"] in ("applied", "duplicate") for r in answer.get_json()["results"])
    on_server = server_state.inspections(live_server.app)
    assert unsent <= set(on_server)
    for sha, original in unsent_blobs.items():
        assert server_state.blob_bytes(live_server.app, sha) == original

    # back online, the phone learns that all of it arrived and clears its outbox
    page.context.set_offline(False)
    sync(page)
    assert (status(page)["inspections"], status(page)["photos"]) == (0, 0)
    assert local_blobs(page) == {}
    assert sum(1 for r in local_inspections(page) if r["local"]["state"] == "draft") == 1
