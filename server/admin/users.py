"""Users and their devices: who may sign in, each change with its audit entry.

The functions flush where an id is needed and never commit: the caller does. Problems
are field problems (catalogue keys problem.<code>, fields admin.field.<field>).
"""
import secrets

from sqlalchemy.exc import IntegrityError

from ..audit import record_audit
from ..extensions import db
from ..models import ROLES, DeviceToken, User, utcnow
from ..errors import Problem, Problems, column_size, name_problem

NAME_COLUMNS = {"username": User.__table__.c.username,
                "display_name": User.__table__.c.display_name}
DEVICE_NAME = DeviceToken.__table__.c.device_name
# Shorter is guessed in minutes; longer only costs hashing time and is a typing accident.
PASSWORD_MIN, PASSWORD_MAX = 8, 200
# For the form's input hints (the rules above stay the ones that count).
LIMITS = {**{field: column_size(column) for field, column in NAME_COLUMNS.items()},
          "device_name": column_size(DEVICE_NAME),
          "password_min": PASSWORD_MIN, "password_max": PASSWORD_MAX}


def _exists(username: str) -> bool:
    return db.session.execute(
        db.select(User.id).where(User.username == username)).first() is not None


def _taken(username: str) -> Problem:
    return Problem("username_taken", {"username": username}, field="username")


def password_problems(password: str, field: str = "password") -> list[Problem]:
    limits = {"min": PASSWORD_MIN, "max": PASSWORD_MAX}
    if len(password) < PASSWORD_MIN:
        return [Problem("password_too_short", limits, field=field)]
    if len(password) > PASSWORD_MAX:
        return [Problem("password_too_long", limits, field=field)]
    return []


def _name(value: str, field: str) -> str:
    """A name as stored (surrounding spaces dropped), or Problems."""
    value = (value or "").strip()
    problem = (Problem("required", field=field) if not value
               else name_problem(value, NAME_COLUMNS[field], field=field))
    if problem:
        raise Problems([problem])
    return value


def check_new_user(username: str, display_name: str, role: str,
                   password: str | None = None) -> tuple[str, str]:
    """The username and display name as they will be stored (surrounding spaces dropped),
    or Problems with every problem. A password of None is not checked (so the command
    line can refuse a taken name before asking for one)."""
    names = {"username": username.strip(), "display_name": display_name.strip()}
    problems = []
    for field, value in names.items():
        problem = (Problem("required", field=field) if not value
                   else name_problem(value, NAME_COLUMNS[field], field=field))
        if problem:
            problems.append(problem)
    if role not in ROLES:
        problems.append(Problem("choice", field="role"))
    if password is not None:
        problems += password_problems(password)
    if not any(p.field == "username" for p in problems) and _exists(names["username"]):
        problems.append(_taken(names["username"]))
    if problems:
        raise Problems(problems)
    return names["username"], names["display_name"]


def create_user(township_id: int, *, username: str, display_name: str, role: str,
                password: str) -> User:
    """A new user of the township, with the audit entry create_user.

    Raises Problems, also when another transaction took the username since the check
    (the unique index says so). Flushes for the id; does not commit."""
    username, display_name = check_new_user(username, display_name, role, password)
    user = User(township_id=township_id, username=username, display_name=display_name,
                role=role)
    user.set_password(password)
    try:
        with db.session.begin_nested():  # a refused insert leaves the caller's work intact
            db.session.add(user)
    except IntegrityError:
        if not _exists(username):
            raise
        raise Problems([_taken(username)]) from None
    record_audit("create_user", "user", user.id, township_id=township_id,
                 detail={"username": user.username, "role": user.role})
    return user


def set_active(user: User, active: bool, actor: User | None = None) -> bool:
    """(De)activates the user; False if it already was. Deactivation ends the user's web
    sessions and revokes every device token, so reactivating does not bring back a lost
    phone or a saved cookie. Admins cannot deactivate themselves (nobody could undo it in
    a township with one admin). Does not commit."""
    if not active and actor is not None and actor.id == user.id:
        raise Problems([Problem("cannot_deactivate_self", status=409)])
    if user.active == active:
        return False
    user.active = active
    detail = {"username": user.username}
    if not active:
        user.end_sessions()
        now = utcnow()
        revoked = [device for device in user.tokens if device.revoked_at is None]
        for device in revoked:
            device.revoked_at = now
        detail["devices_revoked"] = len(revoked)
    record_audit(("reactivate" if active else "deactivate") + "_user", "user", user.id,
                 township_id=user.township_id, detail=detail)
    return True


def township_users(township_id: int) -> list[User]:
    return db.session.execute(db.select(User).where(User.township_id == township_id)
                              .order_by(User.role, User.username)).scalars().all()


def township_devices(township_id: int) -> list[DeviceToken]:
    """Every device registration of the township's users, revoked ones too."""
    return db.session.execute(
        db.select(DeviceToken).join(User).where(User.township_id == township_id)
        .order_by(User.username, DeviceToken.id)).scalars().all()


def rename_device(device: DeviceToken, name: str) -> bool:
    """Gives a device the name its user knows it by ("Pixel 7 · Chrome" → "李明的工作手机");
    False if it had it already. Does not commit."""
    name = (name or "").strip()
    problem = (Problem("required", field="device_name") if not name
               else name_problem(name, DEVICE_NAME, field="device_name"))
    if problem:
        raise Problems([problem])
    if name == device.device_name:
        return False
    record_audit("rename_device", "device", device.id, township_id=device.township_id,
                 detail={"user": device.user.username, "from": device.device_name, "to": name})
    device.device_name = name
    return True


def revoke_device(device: DeviceToken) -> bool:
    """The device's token stops working (a lost phone); False if it was revoked already.
    Does not commit."""
    if device.revoked_at is not None:
        return False
    device.revoked_at = utcnow()
    record_audit("revoke_device", "device", device.id, township_id=device.township_id,
                 detail={"user": device.user.username, "device": device.device_name})
    return True


def change_user(user: User, *, role: str | None = None, display_name: str | None = None,
                actor: User | None = None) -> bool:
    """A new role and/or display name (None: unchanged); False if nothing changed. An
    admin cannot change their own role (a township could be left without an admin).
    Roles count from the next request on, so no session needs ending. Does not commit."""
    problems = []
    if role is not None and role not in ROLES:
        problems.append(Problem("choice", field="role"))
    elif role not in (None, user.role) and actor is not None and actor.id == user.id:
        problems.append(Problem("cannot_change_own_role", field="role", status=409))
    if display_name is not None:
        try:
            display_name = _name(display_name, "display_name")
        except Problem as exc:
            problems += exc.problems
    if problems:
        raise Problems(problems)
    changes = {field: {"from": getattr(user, field), "to": value}
               for field, value in (("role", role), ("display_name", display_name))
               if value is not None and value != getattr(user, field)}
    if not changes:
        return False
    for field, change in changes.items():
        setattr(user, field, change["to"])
    record_audit("change_user", "user", user.id, township_id=user.township_id,
                 detail={"username": user.username, **changes})
    return True


# No 0/O or 1/l/I: a temporary password is read out over the phone or copied by hand.
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TEMPORARY_LENGTH = 10


def reset_password(user: User, temporary: str | None = None) -> str:
    """Gives the user a temporary password (the admin's, or a generated one) that they
    must change at their next sign-in; returns it so it can be shown once.

    The user's web sessions end (whoever is signed in with the old password is out). Their
    phones' tokens keep working: a phone may hold inspections not yet synced, and the
    forgotten password says nothing about a lost phone (revoke that one on its own).
    Does not commit."""
    if temporary is None or temporary == "":
        temporary = "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(TEMPORARY_LENGTH))
    problems = password_problems(temporary)
    if problems:
        raise Problems(problems)
    user.set_password(temporary)
    user.password_change_required = True
    record_audit("reset_password", "user", user.id, township_id=user.township_id,
                 detail={"username": user.username})
    return temporary


def change_password(user: User, new_password: str) -> None:
    """The user's own new password (after a reset, or whenever they like). It must differ
    from the current one, so a temporary password never stays. Ends the user's web
    sessions (User.set_password): the caller signs the current one in again. Does not
    commit."""
    problems = password_problems(new_password, field="new_password")
    if not problems and user.check_password(new_password):
        problems = [Problem("password_unchanged", field="new_password")]
    if problems:
        raise Problems(problems)
    user.set_password(new_password)
    user.password_change_required = False
    # user: the API's POST /auth/password has no bearer token, so nobody else acts
    record_audit("change_password", "user", user.id, township_id=user.township_id,
                 user=user, detail={"username": user.username})
