"""Bundles: the phone's zip imported over HTTP or from the command line."""
import io
import json
import zipfile

import pytest

from server.extensions import db
from server.models import Blob, Inspection, InspectionRevision
from tests.support.bundles import make_bundle, post_bundle
from tests.support.factories import inspection, jpeg_bytes, photo_record, reference


@pytest.fixture
def bundle(phone):
    ref = reference(phone)
    photos = [jpeg_bytes(seed=n) for n in range(3)]
    items = [inspection(ref["round"]["id"], group, deductions={"collection": {"bins": 1}},
                        photos=[photo_record(data)])
             for group, data in zip(ref["assigned"], photos)]
    return {"zip": make_bundle(phone.client_id, items, photos), "inspections": items,
            "photos": photos}


def counts(app):
    with app.app_context():
        return tuple(db.session.execute(db.select(db.func.count()).select_from(model)).scalar()
                     for model in (Inspection, InspectionRevision, Blob))


def test_bundle_imports_like_a_push_and_twice_changes_nothing(app, phone, bundle):
    first = post_bundle(phone, bundle["zip"])
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert [r["outcome"] for r in body["results"]] == ["applied"] * 3
    assert all(r["missing_blobs"] == [] for r in body["results"])
    assert sorted(body["blobs"].values()) == ["stored"] * 3
    assert counts(app) == (3, 3, 3)
    second = post_bundle(phone, bundle["zip"]).get_json()
    assert [r["outcome"] for r in second["results"]] == ["duplicate"] * 3
    assert sorted(second["blobs"].values()) == ["present"] * 3
    assert counts(app) == (3, 3, 3)


def test_cli_import_of_the_same_bundle_is_idempotent(app, phone, bundle, tmp_path):
    path = tmp_path / "stick.zip"
    path.write_bytes(bundle["zip"])
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-bundle", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 applied" in result.output and "3 stored" in result.output
    again = runner.invoke(args=["import-bundle", str(path)])
    assert "3 duplicate" in again.output and "3 present" in again.output
    assert counts(app) == (3, 3, 3)


def test_pushed_then_bundled_is_duplicate(app, phone, bundle):
    phone.push(*bundle["inspections"])
    results = post_bundle(phone, bundle["zip"]).get_json()["results"]
    assert [r["outcome"] for r in results] == ["duplicate"] * 3


@pytest.mark.parametrize("data,status", [
    (b"not a zip at all", 400),
    (None, 422),  # a zip without manifest.json
])
def test_bad_bundles(app, phone, data, status):
    if data is None:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("blobs/readme.txt", "x")
        data = out.getvalue()
    response = post_bundle(phone, data)
    assert response.status_code == status
    assert "error" in response.get_json()
    assert counts(app) == (0, 0, 0)


@pytest.mark.parametrize("name", ["../evil", "/etc/passwd", "blobs/../../x", "blobs/UPPER",
                                  "other.json"])
def test_unsafe_member_names_refused(app, phone, bundle, name):
    data = make_bundle(phone.client_id, bundle["inspections"], bundle["photos"],
                       extra={name: b"x"})
    response = post_bundle(phone, data)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_failed"
    assert counts(app) == (0, 0, 0)


def test_bad_manifest_refused(app, phone):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("manifest.json", "{not json")
    assert post_bundle(phone, out.getvalue()).status_code == 422


def test_bundle_blob_with_wrong_hash_is_not_stored(app, phone, bundle):
    photo = jpeg_bytes(seed=42)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("manifest.json", json.dumps({
            "client_id": phone.client_id, "exported_at": "2026-11-20T18:00:00+08:00",
            "inspections": []}))
        archive.writestr(f"blobs/{'0' * 64}", photo)
    body = post_bundle(phone, out.getvalue()).get_json()
    assert body["blobs"] == {"0" * 64: "hash_mismatch"}
    assert counts(app)[2] == 0


def test_another_inspectors_bundle_is_forbidden(api, bundle):
    other = api.as_user("inspector2")
    assert post_bundle(other, bundle["zip"]).status_code == 403
    supervisor = api.as_user("supervisor1")
    assert post_bundle(supervisor, bundle["zip"]).status_code == 200


def test_missing_field_is_400(phone):
    response = phone.post("/sync/bundle", data={}, content_type="multipart/form-data")
    assert response.status_code == 400


def test_a_rejected_bundled_inspection_says_why_both_ways(app, phone, bundle, tmp_path):
    bad = dict(bundle["inspections"][0], client_rev=0)
    body = post_bundle(phone, make_bundle(phone.client_id, [bad], [])).get_json()
    [result] = body["results"]
    assert result["outcome"] == "rejected"
    assert result["errors"] == {"client_rev": ["must be at least 1"]}
    assert result["reasons"] == {"client_rev": [{"code": "too_small", "params": {"min": 1}}]}
    path = tmp_path / "stick.zip"
    path.write_bytes(make_bundle(phone.client_id, [bad], []))
    output = app.test_cli_runner().invoke(args=["import-bundle", str(path)]).output
    assert "must be at least 1" in output and "1 rejected" in output
    assert counts(app) == (0, 0, 0)
