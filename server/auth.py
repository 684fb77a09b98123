"""Who is asking, and may they? Roles are enforced here and nowhere else.

API calls authenticate with a device's bearer token, web pages with a session.
"""
from datetime import timedelta
from functools import wraps
from typing import NamedTuple

from flask import current_app, g, redirect, request, url_for
from flask_login import current_user, logout_user

from .errors import Problem, is_api_request
from .extensions import db, login_manager
from .models import SHOPKEEPER, STAFF, DeviceToken, User, hash_token, utcnow
from .sql import Statement


@login_manager.user_loader
def load_user(session_id: str):
    """The session's user, unless the session was ended since (User.get_id)."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.session_version == int(version) else None


def sign_out(user) -> None:
    """Ends the user's web sessions on the server too: a copied cookie stops working."""
    if user.is_authenticated:
        user.end_sessions()  # committed with the request (a POST)
    logout_user()


class Caller(NamedTuple):
    """Who is asking: enough to check a role without loading the user, which most
    photo uploads never need (targets P8)."""
    user_id: int
    role: str
    device_id: int | None  # the phone's registration, for API calls


# Every API request runs this (server/sql.py says why it is plain SQL). A token counts
# while it is neither revoked nor expired and its user is active.
CALLER_BY_TOKEN = Statement("""
    SELECT device_tokens.user_id, users.role, device_tokens.id
    FROM device_tokens JOIN users ON users.id = device_tokens.user_id
    WHERE device_tokens.token_hash = :token_hash AND device_tokens.revoked_at IS NULL
      AND device_tokens.expires_at > :now AND users.active
""")


def caller_from_bearer() -> Caller | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    row = CALLER_BY_TOKEN.first(token_hash=hash_token(token.strip()), now=utcnow())
    return Caller(*row) if row else None


def caller() -> Caller | None:
    """Who is behind this request (a bearer token for the API, else the web session),
    remembered in g for the rest of it."""
    if "caller" not in g:
        if is_api_request():
            g.caller = caller_from_bearer()
        elif current_user.is_authenticated:
            g.caller = Caller(current_user.id, current_user.role, None)
        else:
            g.caller = None
    return g.caller


def authenticate() -> User | None:
    """The user behind this request, loaded the first time a view asks."""
    if "user" not in g:
        found = caller()
        if found is None:
            g.user = None
        elif found.device_id is None:
            g.user = current_user
        else:
            g.user = db.session.get(User, found.user_id)
    return g.user


def current_device() -> DeviceToken | None:
    """The phone registration whose token this API request carries."""
    found = caller()
    return db.session.get(DeviceToken, found.device_id) if found and found.device_id else None


# The phone's sync with the server (sign-out, pull, push, bundles, photo uploads): open
# to every role, the shopkeeper's phone too. Any other route names the shopkeeper to
# let them in (GET /goods, a household's ledger).
PHONE_SYNC = STAFF + (SHOPKEEPER,)


def roles_required(*roles: str):
    """Only signed-in users with one of `roles`. None given: every role but the
    shopkeeper, who may call only what names them (domain.md: phone only)."""
    roles = roles or STAFF

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            who = caller()
            if who is None:
                if is_api_request():
                    raise Problem("unauthorized", status=401, message="sign in again: "
                                  "token missing, invalid, expired or revoked")
                return redirect(url_for("web.login", next=request.full_path))
            if who.role not in roles:
                raise Problem("forbidden", status=403, message="your role may not do this")
            return view(*args, **kwargs)
        return wrapped
    return decorator


def extend_device_token() -> None:
    """Each successful sync extends the token, so a phone offline for weeks stays in."""
    device = current_device()
    if device is not None:
        now = utcnow()
        device.last_seen_at = now
        device.expires_at = now + token_lifetime()


def token_lifetime() -> timedelta:
    return timedelta(days=current_app.config["TOKEN_LIFETIME_DAYS"])
