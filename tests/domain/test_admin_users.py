"""server/admin/users.py: who may be created, (de)activated, revoked; with audit entries.

On SQLite and PostgreSQL: a refused user is field problems and writes nothing, never a
database error; a name that fits its column is stored whole.
"""
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from server.admin.users import (DEVICE_NAME, NAME_COLUMNS, check_new_user,
                                create_user, rename_device, revoke_device, set_active)
from server.extensions import db
from server.models import DeviceToken, User
from server.errors import Problems, column_size

from tests.support.admin import audit_entries, count, problems_of, township
from tests.support.two_sessions import wait_until_a_backend_waits_for_a_lock


def new_user(**fields) -> User:
    values = {"username": "zhao", "display_name": "赵六", "role": "inspector",
              "password": "long-enough", **fields}
    return create_user(township().id, **values)


def refused(**fields) -> list[tuple]:
    """The problems of a refused user, after checking that nothing was written."""
    users = count(User)
    with pytest.raises(Problems) as exc:
        new_user(**fields)
    db.session.commit()  # whatever the refusal left in the session would be written now
    assert count(User) == users and audit_entries() == []
    return problems_of(exc.value)


def user(username: str) -> User:
    return db.session.execute(db.select(User).where(User.username == username)).scalar_one()


def test_created_user_can_sign_in_and_is_audited():
    created = new_user(username="  zhao ", display_name=" 赵六 ")
    db.session.commit()
    assert (created.username, created.display_name, created.township_id) == (
        "zhao", "赵六", township().id)
    assert user("zhao").check_password("long-enough")
    [entry] = audit_entries()
    assert (entry.action, entry.entity_type, entry.entity_id, entry.township_id,
            entry.user_id, entry.detail) == (
        "create_user", "user", str(created.id), township().id, None,
        {"username": "zhao", "role": "inspector"})


def test_names_longer_than_their_columns_are_field_problems():
    username, display_name = (column_size(NAME_COLUMNS[f]) for f in ("username", "display_name"))
    assert (username, display_name) == (80, 100)
    assert refused(username="u" * (username + 1), display_name="名" * (display_name + 1)) == [
        ("username", "too_long", {"max": 80}), ("display_name", "too_long", {"max": 100})]


def test_names_that_just_fit_are_stored_whole():
    new_user(username="u" * 80, display_name="名" * 100)
    db.session.commit()
    assert user("u" * 80).display_name == "名" * 100


@pytest.mark.parametrize("password,code", [("1234567", "password_too_short"),
                                           ("x" * 201, "password_too_long")])
def test_password_policy(password, code):
    assert refused(password=password) == [("password", code, {"min": 8, "max": 200})]


@pytest.mark.parametrize("password", ["12345678", "x" * 200])
def test_passwords_at_the_limits_are_accepted(password):
    new_user(password=password)
    db.session.commit()
    assert user("zhao").check_password(password)


def test_every_field_problem_at_once():
    assert refused(username=" ", display_name="赵\n六", role="boss", password="") == [
        ("username", "required", {}), ("display_name", "control_character", {}),
        ("role", "choice", {}), ("password", "password_too_short", {"min": 8, "max": 200})]


def test_a_taken_username_is_a_field_problem():
    assert refused(username="inspector1") == [
        ("username", "username_taken", {"username": "inspector1"})]


def test_a_taken_username_is_refused_before_a_password_is_asked():
    with pytest.raises(Problems) as exc:
        check_new_user("inspector1", "x", "inspector")
    assert problems_of(exc.value) == [
        ("username", "username_taken", {"username": "inspector1"})]


def commit_once_blocked(engine, connection, transaction, errors: list) -> None:
    """Commits `transaction` once another backend waits for one of its locks."""
    try:
        wait_until_a_backend_waits_for_a_lock(engine, "the insert")
        transaction.commit()
    except Exception as exc:  # reported by the test thread
        errors.append(exc)
        transaction.rollback()
    finally:
        connection.close()


def test_a_username_taken_meanwhile_is_a_field_problem(app):
    """Another request inserts the name after our check: the unique index decides."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers from BEGIN on: there is no 'meanwhile'")
    other = db.engine.connect()
    transaction = other.begin()
    other.execute(sa.insert(User).values(township_id=township().id, username="race",
                                         display_name="x", role="inspector", password_hash="x"))
    errors: list = []
    committer = threading.Thread(target=commit_once_blocked,  # no app context there
                                 args=(db.engine, other, transaction, errors))
    committer.start()
    try:
        with pytest.raises(Problems) as exc:
            new_user(username="race")
    finally:
        committer.join()
    assert errors == []
    assert problems_of(exc.value) == [("username", "username_taken", {"username": "race"})]
    # Only the savepoint was rolled back: the caller's transaction goes on.
    new_user(username="race2")
    db.session.commit()
    assert user("race").display_name == "x" and audit_entries()[0].detail["username"] == "race2"


def test_deactivate_and_reactivate_are_audited_once():
    admin, inspector = user("admin"), user("inspector1")
    assert set_active(inspector, False, actor=admin) is True
    assert set_active(inspector, False, actor=admin) is False  # already: no second entry
    assert set_active(inspector, True, actor=admin) is True
    db.session.commit()
    assert [(e.action, e.entity_id, e.township_id) for e in audit_entries()] == [
        ("deactivate_user", str(inspector.id), township().id),
        ("reactivate_user", str(inspector.id), township().id)]
    assert user("inspector1").active


def test_admins_cannot_deactivate_themselves():
    admin = user("admin")
    with pytest.raises(Problems) as exc:
        set_active(admin, False, actor=admin)
    assert problems_of(exc.value) == [(None, "cannot_deactivate_self", {})]
    db.session.commit()
    assert user("admin").active and audit_entries() == []


def test_revoke_device_is_audited_once():
    device, _ = DeviceToken.issue(user("inspector1"), "Redmi", "c-1", timedelta(days=30))
    db.session.add(device)
    db.session.flush()
    assert revoke_device(device) is True
    assert revoke_device(device) is False
    db.session.commit()
    [entry] = audit_entries()
    assert (entry.action, entry.entity_id, entry.detail) == (
        "revoke_device", str(device.id), {"user": "inspector1", "device": "Redmi"})
    assert device.revoked_at is not None


def test_rename_device_is_audited_when_the_name_changes():
    device, _ = DeviceToken.issue(user("inspector1"), "Pixel 7 · Chrome", "c-2", timedelta(days=30))
    db.session.add(device)
    db.session.flush()
    longest = "机" * column_size(DEVICE_NAME)
    assert rename_device(device, " 李明的手机 ") is True
    assert rename_device(device, "李明的手机") is False
    for name, code in (("  ", "required"), (longest + "机", "too_long"), ("a\nb", "control_character")):
        with pytest.raises(Problems) as refused_name:
            rename_device(device, name)
        assert [(p.code, p.field) for p in refused_name.value.problems] == [(code, "device_name")]
    assert rename_device(device, longest) is True
    db.session.commit()
    assert [(e.action, e.detail["from"], e.detail["to"]) for e in audit_entries()] == [
        ("rename_device", "Pixel 7 · Chrome", "李明的手机"),
        ("rename_device", "李明的手机", longest)]
    assert db.session.get(DeviceToken, device.id).device_name == longest


# ---- role and name, password reset and change ---------------------------------------------

def test_a_role_change_is_audited_with_before_and_after():
    from server.admin.users import change_user
    admin, target = user("admin"), user("inspector2")
    assert change_user(target, role="supervisor", display_name=" 检查员 王芳 ", actor=admin)
    assert not change_user(target, role="supervisor", actor=admin)   # nothing new
    [entry] = audit_entries()
    assert entry.detail == {"username": "inspector2",
                            "role": {"from": "inspector", "to": "supervisor"}}
    with pytest.raises(Problems) as exc:
        change_user(admin, role="inspector", actor=admin)
    assert problems_of(exc.value) == [("role", "cannot_change_own_role", {})]


def test_a_reset_ends_web_sessions_keeps_devices_and_asks_for_a_new_password():
    from server.admin.users import change_password, reset_password
    target = user("inspector1")
    device, _ = DeviceToken.issue(target, "phone", "c-1", timedelta(days=30))
    db.session.add(device)
    db.session.flush()
    sessions = target.session_version
    temporary = reset_password(target)
    assert len(temporary) == 10 and target.check_password(temporary)
    assert target.password_change_required and target.session_version > sessions
    assert device.revoked_at is None
    with pytest.raises(Problems) as exc:
        change_password(target, temporary)
    assert problems_of(exc.value) == [("new_password", "password_unchanged", {})]
    change_password(target, "chosen-by-me")
    assert target.check_password("chosen-by-me") and not target.password_change_required
    assert [e.action for e in audit_entries()] == ["reset_password", "change_password"]
    assert "chosen-by-me" not in str([e.detail for e in audit_entries()])
