"""Photos stay in their township: a record naming another township's photo (its hash,
never its bytes) reads nothing, through the API, the review pages or the export."""
import hashlib
import io
import json
import zipfile

import pytest

from server.i18n import t
from tests.support.factories import inspection, jpeg_bytes, photo_record, reference, uploaded
from tests.support.townships import other_township
from tests.support.web import login

VARIANTS = ("original", "display", "thumb")


@pytest.fixture
def township_b(app):
    return other_township(app)


@pytest.fixture
def photo_of_a(api):
    """Township A's inspection with a photo its inspector uploaded; the photo's bytes."""
    a = api.as_user("inspector1")
    ref = reference(a)
    data = uploaded(a, jpeg_bytes(seed=41))
    record = photo_record(data)
    pushed = a.push(inspection(ref["round"]["id"], ref["assigned"][0],
                               deductions={"collection": {"bins": 1}}, photos=[record]))
    assert pushed.get_json()["results"][0]["outcome"] == "applied"
    return data


@pytest.fixture
def sha_of_a(photo_of_a):
    return hashlib.sha256(photo_of_a).hexdigest()


@pytest.fixture
def b_names_it(api, township_b, sha_of_a):
    """B's inspector pushes an inspection whose photo record names A's hash (no bytes)."""
    record = photo_record(b"", sha256=sha_of_a, size=123456)
    payload = inspection(township_b.round_id, township_b.group_id,
                         deductions={"collection": {"bins": 1}}, photos=[record])
    b = api.as_user(township_b.usernames["inspector"])
    assert b.push(payload).get_json()["results"][0]["outcome"] == "applied"
    return payload


def page_client(app, username):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


@pytest.mark.parametrize("role", ["inspector", "supervisor", "admin"])
def test_the_api_reads_no_photo_of_another_township(api, township_b, sha_of_a, b_names_it,
                                                    role):
    caller = api.as_user(township_b.usernames[role])
    for variant in VARIANTS:
        assert caller.get(f"/blobs/{sha_of_a}?variant={variant}").status_code == 404
    # A's own reviewers still read it: the bytes are there, just not for B.
    assert api.as_user("supervisor1").get(f"/blobs/{sha_of_a}?variant=thumb").status_code == 200


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_the_review_pages_read_no_photo_of_another_township(app, township_b, sha_of_a,
                                                            b_names_it, role):
    client = page_client(app, township_b.usernames[role])
    for variant in VARIANTS:
        assert client.get(f"/review/blobs/{sha_of_a}/{variant}").status_code == 404
    assert page_client(app, "supervisor1").get(
        f"/review/blobs/{sha_of_a}/thumb").status_code == 200


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_named_photo_never_received_shows_as_missing(app, township_b, sha_of_a,
                                                       b_names_it, lang):
    client = page_client(app, township_b.usernames["supervisor"])
    client.set_cookie("lang", lang)
    page = client.get(f"/review/inspections/{b_names_it['id']}").get_data(as_text=True)
    assert t("rv.photo_missing", lang) in page
    assert f"/review/blobs/{sha_of_a}" not in page


def test_the_export_carries_no_photo_of_another_township(app, township_b, sha_of_a,
                                                         b_names_it):
    client = page_client(app, township_b.usernames["supervisor"])
    response = client.get(f"/review/rounds/{township_b.round_id}/export/photos.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert [name for name in archive.namelist() if name.startswith("photos/")] == []
        assert sha_of_a in archive.read("index.csv").decode()


def test_a_bundle_that_carried_the_bytes_makes_them_readable(api, township_b, photo_of_a,
                                                             sha_of_a, b_names_it):
    """Holding the bytes is what counts: once B's inspector sends them, B reads them."""
    b = api.as_user(township_b.usernames["inspector"])
    supervisor = api.as_user(township_b.usernames["supervisor"])
    assert supervisor.get(f"/blobs/{sha_of_a}?variant=thumb").status_code == 404
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("manifest.json", json.dumps({
            "client_id": b.client_id, "exported_at": "2026-11-20T18:00:00+08:00",
            "inspections": [b_names_it]}))
        archive.writestr(f"blobs/{sha_of_a}", photo_of_a)
    answer = b.post("/sync/bundle", data={"bundle": (io.BytesIO(bundle.getvalue()), "b.zip")},
                    content_type="multipart/form-data")
    assert answer.get_json()["blobs"] == {sha_of_a: "present"}
    assert b.get(f"/blobs/{sha_of_a}?variant=thumb").status_code == 200
    assert supervisor.get(f"/blobs/{sha_of_a}?variant=thumb").status_code == 200
