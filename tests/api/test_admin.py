"""Admin pages: places CSV import, users, rounds and assignments (web forms with CSRF)."""
import io
import re
from datetime import timedelta

import pytest

from server.extensions import db
from server.models import Assignment, AuditEntry, Round, User, Village, VillagerGroup

from tests.support.web import csrf_token, login


@pytest.fixture
def admin(client):
    """The test client signed in as admin, pages in English."""
    login(client, "admin")
    client.get("/lang/en")
    return client


def post_form(client, path, data, page_path="/admin/", **kw):
    page = client.get(page_path)
    return client.post(path, data={**data, "csrf_token": csrf_token(page)}, **kw)


def text(response) -> str:
    return response.get_data(as_text=True)


def audit_actions(app) -> list[str]:
    with app.app_context():
        return db.session.execute(db.select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()


def count(app, model) -> int:
    with app.app_context():
        return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def by_type(changes, entity_type):
    return [c for c in changes if c["type"] == entity_type]


# ---- places ------------------------------------------------------------------------------

GOOD_CSV = ("village,village_en,group,group_en,lat,lon\n"
            "新寨村,Xinzhai,新寨一组,Xinzhai Group 1,21.95,100.45\n"
            "新寨村,Xinzhai,新寨二组,,21.96,100.46\n").encode("utf-8")


def check(client, raw: bytes, name="places.csv"):
    """The upload: a preview of what the import would change (or the file's problems)."""
    return post_form(client, "/admin/places/import",
                     {"file": (io.BytesIO(raw), name)}, page_path="/admin/places/import",
                     content_type="multipart/form-data")


def upload(client, raw: bytes, name="places.csv"):
    """The upload, confirmed on its preview when the file is good."""
    preview = check(client, raw, name)
    found = re.search(r'name="file_data" value="([^"]*)"', text(preview))
    if found is None:
        return preview
    filename = re.search(r'name="filename" value="([^"]*)"', text(preview)).group(1)
    return client.post("/admin/places/import/confirm", data={
        "file_data": found.group(1), "filename": filename, "csrf_token": csrf_token(preview)})


def test_places_csv_import_reaches_the_phones(app, api, admin):
    phone = api.as_user("inspector1")
    _, cursor = phone.pull_all()
    response = upload(admin, GOOD_CSV)
    assert response.status_code == 302
    assert "2 new groups" in text(admin.get("/admin/"))
    changes, _ = phone.pull_all(cursor)
    assert [c["data"]["name"] for c in by_type(changes, "village")] == ["新寨村"]
    assert sorted(c["data"]["name"] for c in by_type(changes, "group")) == ["新寨一组", "新寨二组"]
    assert "Xinzhai" in text(admin.get("/admin/"))
    assert audit_actions(app) == ["import_places"]


def test_bad_csv_shows_every_line_error_and_writes_nothing(app, api, admin):
    phone = api.as_user("inspector1")
    _, cursor = phone.pull_all()
    villages, groups = count(app, Village), count(app, VillagerGroup)
    bad = GOOD_CSV + "新寨村,,三组,,north,100\n,,四组,,,\n新寨村,,五组,,95,100\n".encode()
    response = upload(admin, bad)
    assert response.status_code == 400
    body = text(response)
    assert "line 4: lat &#39;north&#39; is not a number" in body
    assert "line 5: village and group must not be empty" in body
    assert "line 6: lat 95.0 is outside -90..90" in body
    assert (count(app, Village), count(app, VillagerGroup)) == (villages, groups)
    assert phone.pull_all(cursor)[0] == [] and audit_actions(app) == []
    admin.get("/lang/zh")
    assert "第 5 行：村和村民小组不能为空" in text(upload(admin, bad))
    assert "UTF-8" in text(upload(admin, "village,group\n村,组\n".encode("gbk")))
    admin.get("/lang/en")
    too_long = upload(admin, GOOD_CSV + f"{'村' * 101},,组,,,\n".encode())
    assert "line 4: village is longer than 100" in text(too_long)
    assert (count(app, Village), count(app, VillagerGroup)) == (villages, groups)


def test_flash_reads_in_the_language_of_the_page_that_shows_it(admin):
    assert upload(admin, GOOD_CSV).status_code == 302
    admin.get("/lang/zh")  # a redirect: the message waits for the next page
    assert "导入完成：新增 1 个村、2 个村民小组。" in text(admin.get("/admin/"))


def test_upload_without_a_file_is_refused(admin):
    response = post_form(admin, "/admin/places/import", {}, page_path="/admin/places/import")
    assert response.status_code == 400 and "choose a file" in text(response)


# ---- users ---------------------------------------------------------------------------------

def test_create_user_who_can_then_sign_in(app, api, admin):
    response = post_form(admin, "/admin/users/new", {
        "username": "inspector3", "display_name": "王五", "role": "inspector",
        "password": "longenough"}, page_path="/admin/users/new")
    assert response.status_code == 302
    assert "王五" in text(admin.get("/admin/"))
    assert api.as_user("inspector3", "longenough").user["role"] == "inspector"
    assert audit_actions(app) == ["create_user"]


@pytest.mark.parametrize("fields,message", [
    ({"password": "short"}, "the password must have 8 to 200 characters"),
    ({"username": "inspector1"}, "this username is already taken"),
    ({"display_name": "  "}, "Name: required"),
    ({"role": "superuser"}, "choose one from the list"),
    ({"username": "u" * 81}, "Username: longer than 80 characters"),
    ({"display_name": "名" * 101}, "Name: longer than 100 characters"),
    ({"password": "x" * 201}, "this one has more than 200"),
])
def test_bad_user_is_refused(app, admin, fields, message):
    users = count(app, User)
    data = {"username": "someone", "display_name": "Someone", "role": "inspector",
            "password": "longenough", **fields}
    response = post_form(admin, "/admin/users/new", data, page_path="/admin/users/new")
    assert response.status_code == 400 and message in text(response)
    assert count(app, User) == users and audit_actions(app) == []


def user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.execute(db.select(User.id).where(User.username == username)).scalar_one()


def test_deactivated_users_devices_stop_working(app, api, admin):
    phone = api.as_user("inspector1")
    uid = user_id(app, "inspector1")
    assert post_form(admin, f"/admin/users/{uid}/deactivate", {}).status_code == 302
    assert phone.get("/sync/pull").status_code == 401
    assert admin.post("/api/v1/auth/token", json={
        "username": "inspector1", "password": "demo1234", "device_name": "x"}).status_code == 401
    assert post_form(admin, f"/admin/users/{uid}/reactivate", {}).status_code == 302
    # Deactivation revoked the token: reactivating does not bring back a lost phone.
    assert phone.get("/sync/pull").status_code == 401
    assert api.as_user("inspector1").get("/sync/pull").status_code == 200
    assert audit_actions(app) == ["deactivate_user", "reactivate_user"]


def test_rename_a_device(app, api, admin):
    from server.models import DeviceToken
    api.as_user("inspector1")
    with app.app_context():
        device_id = db.session.execute(db.select(DeviceToken.id)).scalar_one()

    def rename(name):
        """The device's name after the admin renames it, and the page's flash, or the
        page that refuses the name (naming the field, the name as typed kept)."""
        response = post_form(admin, f"/admin/devices/{device_id}/rename", {"device_name": name})
        shown = text(response) if response.status_code == 400 else text(admin.get("/admin/"))
        with app.app_context():
            return db.session.get(DeviceToken, device_id).device_name, shown

    name, shown = rename("  李明的工作手机 ")
    assert name == "李明的工作手机" and "Device renamed." in shown
    assert rename("李明的工作手机")[0] == "李明的工作手机"      # unchanged: no second entry
    name, shown = rename("   ")
    assert name == "李明的工作手机" and "Device name: required" in shown
    name, shown = rename("机" * 101)
    assert name == "李明的工作手机" and "Device name: longer than 100 characters" in shown
    assert f'value="{"机" * 101}"' in shown
    assert audit_actions(app) == ["rename_device"]
    response = post_form(admin, "/admin/devices/99999999999/rename", {"device_name": "x"})
    assert response.status_code == 404


def test_admin_cannot_deactivate_themselves(app, admin):
    uid = user_id(app, "admin")
    post_form(admin, f"/admin/users/{uid}/deactivate", {})
    assert "cannot deactivate your own account" in text(admin.get("/admin/"))
    assert audit_actions(app) == []


# ---- rounds and assignments ----------------------------------------------------------------

def demo_round(app) -> Round:
    with app.app_context():
        return db.session.execute(db.select(Round)).scalar_one()


def next_round_form(app, **fields) -> dict:
    current = demo_round(app)
    starts = current.ends_on + timedelta(days=1)
    return {"name": "下月评比", "starts_on": starts.isoformat(),
            "ends_on": (starts + timedelta(days=27)).isoformat(),
            "rubric_id": str(current.rubric_id), "red_size": "3", "black_size": "", **fields}


def create_round(app, client, **fields) -> int:
    response = post_form(client, "/admin/rounds/new", next_round_form(app, **fields),
                         page_path="/admin/rounds/new")
    assert response.status_code == 302, text(response)
    return int(re.search(r"/admin/rounds/(\d+)/assignments", response.location).group(1))


def test_create_round_reaches_the_phones(app, api, admin):
    phone = api.as_user("inspector1")
    _, cursor = phone.pull_all()
    round_id = create_round(app, admin)
    changes, _ = phone.pull_all(cursor)
    [change] = by_type(changes, "round")
    assert change["op"] == "put" and change["data"]["id"] == round_id
    assert (change["data"]["name"], change["data"]["red_size"], change["data"]["black_size"],
            change["data"]["state"]) == ("下月评比", 3, None, "open")
    assert "下月评比" in text(admin.get("/admin/"))
    assert audit_actions(app) == ["create_round"]


@pytest.mark.parametrize("fields,message", [
    ({"ends_on": "2020-01-01"}, "the end date must not be before the start date"),
    ({"starts_on": "not a date"}, "enter a valid date"),
    ({"red_size": "-1"}, "must be a whole number of 0 or more"),
    ({"black_size": "many"}, "enter a whole number"),
    ({"rubric_id": "9999"}, "choose one from the list"),
    ({"name": ""}, "Name: required"),
    ({"name": "评" * 101}, "Name: longer than 100 characters"),
])
def test_bad_round_is_refused(app, admin, fields, message):
    response = post_form(admin, "/admin/rounds/new", next_round_form(app, **fields),
                         page_path="/admin/rounds/new")
    assert response.status_code == 400 and message in text(response)
    assert count(app, Round) == 1 and audit_actions(app) == []


def test_close_round(app, api, admin):
    phone = api.as_user("inspector1")
    _, cursor = phone.pull_all()
    round_id = demo_round(app).id
    assert post_form(admin, f"/admin/rounds/{round_id}/close", {}).status_code == 302
    [change] = by_type(phone.pull_all(cursor)[0], "round")
    assert change["data"]["state"] == "closed"
    post_form(admin, f"/admin/rounds/{round_id}/close", {})
    assert "is not open" in text(admin.get("/admin/"))
    assert audit_actions(app) == ["close_round"]


def assignments_of(app, round_id) -> dict[int, set[int]]:
    with app.app_context():
        rows = db.session.execute(db.select(Assignment.group_id, Assignment.user_id)
                                  .where(Assignment.round_id == round_id)).all()
    out: dict[int, set[int]] = {}
    for group_id, uid in rows:
        out.setdefault(group_id, set()).add(uid)
    return out


def test_assign_and_unassign_reach_the_inspector(app, api, admin):
    phone = api.as_user("inspector1")
    other = api.as_user("inspector2")
    round_id = create_round(app, admin)
    _, cursor = phone.pull_all()
    _, other_cursor = other.pull_all()
    page = admin.get(f"/admin/rounds/{round_id}/assignments")
    group_ids = [int(g) for g in re.findall(r'name="group_ids" value="(\d+)"', text(page))]
    assert len(group_ids) == count(app, VillagerGroup)
    me, first, second = user_id(app, "inspector1"), group_ids[0], group_ids[1]
    form = {"group_ids": group_ids, f"group-{first}": str(me), f"group-{second}": str(me)}
    response = post_form(admin, f"/admin/rounds/{round_id}/assignments", form)
    assert response.status_code == 303
    assert assignments_of(app, round_id) == {first: {me}, second: {me}}
    changes, cursor = phone.pull_all(cursor)
    assert sorted(c["data"]["group_id"] for c in by_type(changes, "assignment")) == [first, second]
    assert all(c["data"]["round_id"] == round_id for c in by_type(changes, "assignment"))
    assert other.pull_all(other_cursor)[0] == []  # not inspector2's business

    # Second group to nobody: a delete for inspector1's phone.
    form = {"group_ids": group_ids, f"group-{first}": str(me), f"group-{second}": ""}
    post_form(admin, f"/admin/rounds/{round_id}/assignments", form)
    assert assignments_of(app, round_id) == {first: {me}}
    [change] = phone.pull_all(cursor)[0]
    assert (change["type"], change["op"]) == ("assignment", "delete")
    assert audit_actions(app) == ["create_round", "assign", "assign"]


def test_assigning_someone_not_offered_is_refused(app, admin):
    round_id = demo_round(app).id
    before = assignments_of(app, round_id)
    group = next(iter(before))
    form = {"group_ids": [group], f"group-{group}": str(user_id(app, "supervisor1"))}
    response = post_form(admin, f"/admin/rounds/{round_id}/assignments", form)
    assert response.status_code == 400 and "chosen inspector is not valid" in text(response)
    assert assignments_of(app, round_id) == before


def test_copy_assignments_from_previous_round(app, api, admin):
    phone = api.as_user("inspector1")
    previous = demo_round(app).id
    round_id = create_round(app, admin)
    _, cursor = phone.pull_all()
    page = admin.get(f"/admin/rounds/{round_id}/assignments")
    assert "previous round (" in text(page)
    response = post_form(admin, f"/admin/rounds/{round_id}/assignments/copy", {})
    assert response.status_code == 303
    assert assignments_of(app, round_id) == assignments_of(app, previous)
    mine = [g for g, users in assignments_of(app, previous).items()
            if user_id(app, "inspector1") in users]
    changes = by_type(phone.pull_all(cursor)[0], "assignment")
    assert sorted(c["data"]["group_id"] for c in changes) == sorted(mine)
    assert audit_actions(app) == ["create_round", "copy_assignments"]
    # The first round has nothing before it.
    post_form(admin, f"/admin/rounds/{previous}/assignments/copy", {})
    assert "no previous round" in text(admin.get(f"/admin/rounds/{previous}/assignments"))


# ---- who may ---------------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["inspector1", "supervisor1"])
def test_only_admins(app, client, username):
    login(client, username)
    round_id, uid = demo_round(app).id, user_id(app, "inspector2")
    for path in ("/admin/users/new", "/admin/rounds/new", "/admin/places/import",
                 f"/admin/rounds/{round_id}/assignments"):
        assert client.get(path).status_code == 403, path
    token = csrf_token(client.get("/board/"))
    for path in ("/admin/users/new", "/admin/rounds/new", "/admin/places/import",
                 f"/admin/users/{uid}/deactivate", f"/admin/rounds/{round_id}/close",
                 f"/admin/rounds/{round_id}/assignments",
                 f"/admin/rounds/{round_id}/assignments/copy"):
        assert client.post(path, data={"csrf_token": token}).status_code == 403, path
    assert audit_actions(app) == []


def test_forms_need_the_csrf_token(app, admin):
    response = admin.post("/admin/users/new", data={
        "username": "x1", "display_name": "X", "role": "admin", "password": "longenough"})
    assert response.status_code == 400 and count(app, User) == 4
