"""Villages and groups through the API: the export reads back as "no changes", the
import previews before it writes, reference points typed or from the inspections' GPS."""
import io

import pytest

from server.extensions import db
from server.models import AuditEntry, VillagerGroup

from tests.support.admin import other_township_admin
from tests.support.factories import inspection

NEW = ("village,village_en,group,group_en,lat,lon\n"
       "新寨村,Xinzhai,新寨一组,,21.95,100.45\n").encode()


@pytest.fixture
def admin(api):
    return api.as_user("admin")


def audit_actions(app) -> list[str]:
    with app.app_context():
        return db.session.execute(db.select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()


def send(admin, raw: bytes, dry_run: bool):
    return admin.post("/places/import" + ("?dry_run=1" if dry_run else ""),
                      data={"file": (io.BytesIO(raw), "places.csv")},
                      content_type="multipart/form-data")


def group_point(app, group_id):
    with app.app_context():
        group = db.session.get(VillagerGroup, group_id)
        return group.lat, group.lon


def test_the_export_reads_back_unchanged(app, admin):
    exported = admin.get("/places.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    raw = exported.get_data()
    assert raw.startswith(b"\xef\xbb\xbfvillage,village_en,group,group_en,lat,lon\r\n")
    preview = send(admin, raw, dry_run=True).get_json()
    assert preview["changes_anything"] is False
    assert preview["counts"]["unchanged"] == len(preview["lines"]) > 0
    assert audit_actions(app) == []


def test_a_formula_in_a_name_is_exported_as_text_and_read_back_as_the_name(app, admin):
    with app.app_context():
        db.session.execute(db.select(VillagerGroup).order_by(VillagerGroup.id)).scalars() \
            .first().name = "=HYPERLINK(1)"
        db.session.commit()
    raw = admin.get("/places.csv").get_data()
    assert b"'=HYPERLINK(1)" in raw
    assert send(admin, raw, dry_run=True).get_json()["changes_anything"] is False


def test_the_preview_writes_nothing_and_the_import_does(app, api, admin):
    phone = api.as_user("inspector1")
    _, cursor = phone.pull_all()
    exported = admin.get("/places.csv").get_data().decode("utf-8-sig")
    header, first, *rest = exported.splitlines()
    village, village_en, group, group_en, lat, lon = first.split(",")
    edited = "\n".join([header, ",".join([village, village_en, group, "Renamed", lat, lon]),
                        *rest, ""]).encode() + NEW.split(b"\n", 1)[1]
    preview = send(admin, edited, dry_run=True).get_json()
    assert preview["dry_run"] is True and preview["changes_anything"] is True
    assert {k: v for k, v in preview["counts"].items() if k != "unchanged"} == {
        "new_village": 1, "new_group": 0, "changed": 1}
    [changed] = [line for line in preview["lines"] if line["kind"] == "changed"]
    assert changed["changes"] == {"group_en": [group_en, "Renamed"]}
    assert phone.pull_all(cursor)[0] == [] and audit_actions(app) == []

    done = send(admin, edited, dry_run=False)
    assert done.status_code == 200 and done.get_json()["dry_run"] is False
    names = {c["data"]["name"] for c in phone.pull_all(cursor)[0] if c["type"] == "village"}
    assert "新寨村" in names
    assert audit_actions(app) == ["import_places"]
    assert send(admin, edited, dry_run=True).get_json()["changes_anything"] is False


def test_a_bad_file_is_every_line_and_writes_nothing(app, admin):
    bad = NEW + "新寨村,,二组,,north,100\n".encode()
    response = send(admin, bad, dry_run=False)
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"]["file"] == ["line 3: lat 'north' is not a number"]
    assert send(admin, b"", dry_run=True).status_code == 400
    assert admin.post("/places/import?dry_run=maybe", data=NEW).status_code == 400
    assert audit_actions(app) == []


def test_a_typed_reference_point_reaches_the_phones(app, api, admin, ref):
    phone = api.as_user("inspector1")
    _, cursor = phone.pull_all()
    group = ref["assigned"][0]
    response = admin.put(f"/groups/{group}/reference", json={"lat": 22.0, "lon": 100.5})
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["lat"], response.get_json()["lon"]) == (22.0, 100.5)
    [change] = [c for c in phone.pull_all(cursor)[0] if c["type"] == "group"]
    assert (change["data"]["lat"], change["data"]["lon"]) == (22.0, 100.5)
    assert admin.put(f"/groups/{group}/reference", json={"lat": None, "lon": None}) \
        .status_code == 200
    assert group_point(app, group) == (None, None)
    assert audit_actions(app) == ["set_reference", "set_reference"]


@pytest.mark.parametrize("body, field", [({"lat": 91, "lon": 100}, "lat"),
                                         ({"lat": 20, "lon": -181}, "lon"),
                                         ({"lat": None, "lon": 100}, "lat"),
                                         ({"lat": "x", "lon": 100}, "lat"),
                                         ({"lat": 20}, "lon")])
def test_a_bad_reference_point_is_refused_by_field(app, admin, ref, body, field):
    response = admin.put(f"/groups/{ref['assigned'][0]}/reference", json=body)
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]
    assert audit_actions(app) == []


def test_the_reference_point_from_the_inspections_median(app, admin, phone, ref):
    group = ref["assigned"][0]
    refused = admin.post(f"/groups/{group}/reference/from-inspections")
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "no_inspection_gps")
    fixes = [(21.90, 100.40), (21.91, 100.41), (35.0, 110.0)]   # the last one far away
    phone.push(*(inspection(ref["round"]["id"], group,
                            gps={"lat": lat, "lon": lon, "accuracy_m": 8,
                                 "at": "2026-12-01T10:00:00+08:00"})
                 for lat, lon in fixes), inspection(ref["round"]["id"], group))
    response = admin.post(f"/groups/{group}/reference/from-inspections")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["lat"], body["lon"], body["inspections"]) == (21.91, 100.41, 3)
    assert group_point(app, group) == (21.91, 100.41)


def calls(group_id: int):
    return [("get", "/places.csv", {}),
            ("post", "/places/import?dry_run=1", {"data": NEW}),
            ("post", "/places/import", {"data": NEW}),
            ("put", f"/groups/{group_id}/reference", {"json": {"lat": 1, "lon": 1}}),
            ("post", f"/groups/{group_id}/reference/from-inspections", {})]


@pytest.mark.parametrize("role, status", [("inspector1", 403), ("supervisor1", 403),
                                          ("elsewhere", None)])
def test_only_the_townships_admin(app, api, ref, role, status):
    caller = api.as_user(other_township_admin(app) if role == "elsewhere" else role)
    group = ref["assigned"][0]
    for method, path, kw in calls(group):
        response = getattr(caller, method)(path, **kw)
        if status is None:
            # Another township's admin has places of its own, never this one's groups.
            expected = 404 if "/groups/" in path else 200
            assert response.status_code == expected, (method, path, response.get_json())
        else:
            assert response.status_code == status, (method, path)
    if status is None:
        exported = caller.get("/places.csv").get_data().decode("utf-8-sig")
        assert "新寨村" in exported and "曼贺村" not in exported
    assert group_point(app, group) != (1, 1)
