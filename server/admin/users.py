"""Users and their devices: who may sign in, each change with its audit entry.

The functions flush where an id is needed and never commit: the caller does. Problems
are field problems (catalogue keys admin.err_<code>, fields admin.field.<field>).
"""
from sqlalchemy.exc import IntegrityError

from ..audit import record_audit
from ..extensions import db
from ..models import ROLES, DeviceToken, User, utcnow
from ..problems import Problem, RuleError, column_size, name_problem

NAME_COLUMNS = {"username": User.__table__.c.username,
                "display_name": User.__table__.c.display_name}
DEVICE_NAME = DeviceToken.__table__.c.device_name
# Shorter is guessed in minutes; longer only costs hashing time and is a typing accident.
PASSWORD_MIN, PASSWORD_MAX = 8, 200
# For the form's input hints (the rules above stay the ones that count).
LIMITS = {**{field: column_size(column) for field, column in NAME_COLUMNS.items()},
          "device_name": column_size(DEVICE_NAME),
          "password_min": PASSWORD_MIN, "password_max": PASSWORD_MAX}


class UserRuleError(RuleError):
    """The user breaks a rule; nothing was written."""


def _exists(username: str) -> bool:
    return db.session.execute(
        db.select(User.id).where(User.username == username)).first() is not None


def _taken(username: str) -> Problem:
    return Problem("username_taken", {"username": username}, field="username")


def check_new_user(username: str, display_name: str, role: str,
                   password: str | None = None) -> tuple[str, str]:
    """The username and display name as they will be stored (surrounding spaces dropped),
    or UserRuleError with every problem. A password of None is not checked (so the command
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
        limits = {"min": PASSWORD_MIN, "max": PASSWORD_MAX}
        if len(password) < PASSWORD_MIN:
            problems.append(Problem("password_too_short", limits, field="password"))
        elif len(password) > PASSWORD_MAX:
            problems.append(Problem("password_too_long", limits, field="password"))
    if not any(p.field == "username" for p in problems) and _exists(names["username"]):
        problems.append(_taken(names["username"]))
    if problems:
        raise UserRuleError(problems)
    return names["username"], names["display_name"]


def create_user(township_id: int, *, username: str, display_name: str, role: str,
                password: str) -> User:
    """A new user of the township, with the audit entry create_user.

    Raises UserRuleError, also when another transaction took the username since the check
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
        raise UserRuleError([_taken(username)]) from None
    record_audit("create_user", "user", user.id, township_id=township_id,
                 detail={"username": user.username, "role": user.role})
    return user


def set_active(user: User, active: bool, actor: User | None = None) -> bool:
    """(De)activates the user; False if it already was. Deactivation ends the user's web
    sessions and revokes every device token, so reactivating does not bring back a lost
    phone or a saved cookie. Admins cannot deactivate themselves (nobody could undo it in
    a township with one admin). Does not commit."""
    if not active and actor is not None and actor.id == user.id:
        raise UserRuleError([Problem("cannot_deactivate_self")])
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


def rename_device(device: DeviceToken, name: str) -> bool:
    """Gives a device the name its user knows it by ("Pixel 7 · Chrome" → "李明的工作手机");
    False if it had it already. Does not commit."""
    name = (name or "").strip()
    problem = (Problem("required", field="device_name") if not name
               else name_problem(name, DEVICE_NAME, field="device_name"))
    if problem:
        raise UserRuleError([problem])
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
