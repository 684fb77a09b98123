"""Who is asking, and may they? Roles are enforced here and nowhere else.

API calls authenticate with a device's bearer token, web pages with a session.
"""
from datetime import timedelta
from functools import wraps

from flask import current_app, g, redirect, request, url_for
from flask_login import current_user, logout_user
from sqlalchemy.orm import joinedload

from .errors import ApiError, is_api_request
from .extensions import db, login_manager
from .models import DeviceToken, User, hash_token, utcnow


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
        user.end_sessions()
        db.session.commit()
    logout_user()


def device_from_bearer() -> DeviceToken | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    device = db.session.execute(
        db.select(DeviceToken).options(joinedload(DeviceToken.user))  # one query, not two
        .where(DeviceToken.token_hash == hash_token(token.strip()))
    ).scalar_one_or_none()
    if device is None or not device.is_valid(utcnow()):
        return None
    return device


def authenticate() -> User | None:
    """The user behind this request, remembered in g for the rest of it."""
    if "user" not in g:
        if is_api_request():
            device = device_from_bearer()
            g.device = device
            g.user = device.user if device else None
        else:
            g.device = None
            g.user = current_user if current_user.is_authenticated else None
    return g.user


def roles_required(*roles: str):
    """Only signed-in users with one of `roles` (any role when none are given)."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = authenticate()
            if user is None:
                if is_api_request():
                    raise ApiError(401, "unauthorized", "sign in again: token missing, "
                                   "invalid, expired or revoked")
                return redirect(url_for("web.login", next=request.full_path))
            if roles and user.role not in roles:
                raise ApiError(403, "forbidden", "your role may not do this")
            return view(*args, **kwargs)
        return wrapped
    return decorator


def extend_device_token() -> None:
    """Each successful sync extends the token, so a phone offline for weeks stays in."""
    device = g.get("device")
    if device is not None:
        now = utcnow()
        device.last_seen_at = now
        device.expires_at = now + token_lifetime()


def token_lifetime() -> timedelta:
    return timedelta(days=current_app.config["TOKEN_LIFETIME_DAYS"])
