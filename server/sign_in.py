"""Signing in: one credentials check for the API and the pages, and its throttle.

Two limits, both on failures only:
- per account: failures for one username, from any address (5 per 15 minutes): a
  guesser of one password is stopped, and so is that account, right password or not,
  until the window passes;
- per address: the distinct usernames that failed from one address (100 per 15
  minutes). A township office, a training session or a carrier's NAT puts many people
  behind one address; their typos count once a person, so they never lock each other
  out, while one address walking through usernames is stopped.
"""
import math
import secrets
import time
from collections.abc import Callable

from flask import Response, current_app, request
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address
from limits import parse
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db, limiter
from .models import User

# An unknown username costs the same hash check as a known one, so the answer's timing
# does not tell which usernames exist. Same method as User.set_password.
_NOBODY_HASH = generate_password_hash(secrets.token_urlsafe(16))


def check_credentials(username: str, password: str) -> User | None:
    """The active user with this username and password, else None (always one hash check)."""
    user = db.session.execute(
        db.select(User).where(User.username == username)).scalar_one_or_none()
    matches = check_password_hash(user.password_hash if user else _NOBODY_HASH, password)
    return user if user is not None and matches and user.active else None


def submitted_username() -> str:
    """The username of a sign-in request, JSON (API) or form (page)."""
    if request.is_json:
        body = request.get_json(silent=True)
        name = body.get("username") if isinstance(body, dict) else None
    else:
        name = request.form.get("username")
    # Requests without a usable name are refused before any password check (400), so they
    # are never counted; they share one key only because the throttle needs one.
    return name if isinstance(name, str) and name else "(none)"


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _failed_for_a_new_account(response: Response) -> bool:
    """A failure counts against its address only for the first failure of its username
    from there within the address's window."""
    if not _failed(response):
        return False
    window = parse(current_app.config["SIGN_IN_ACCOUNTS_PER_ADDRESS"])
    once = type(window)(1, window.multiples)
    return limiter.limiter.hit(once, "sign_in_account_at_address", get_remote_address(),
                               submitted_username())


def forget_failed_sign_ins() -> None:
    """Every failed sign-in counted so far is forgotten: a locked-out office signs in at
    once. With the default in-memory counts this reaches only the calling process."""
    limiter.reset()


def throttled(answer: Callable[[int], Response]):
    """Both sign-in limits on a view. `answer(seconds)` renders the refusal; it is sent
    as 429 with Retry-After. The counts are shared by every sign-in view."""
    def on_breach(limit: RequestLimit) -> Response:
        seconds = max(1, math.ceil(limit.reset_at - time.time()))
        response = answer(seconds)
        response.status_code = 429
        response.headers["Retry-After"] = str(seconds)
        return response

    limits = [("SIGN_IN_FAILURES_PER_ACCOUNT", submitted_username, _failed),
              ("SIGN_IN_ACCOUNTS_PER_ADDRESS", get_remote_address, _failed_for_a_new_account)]

    def decorator(view):
        for setting, key, counted in limits:
            view = limiter.shared_limit(
                lambda setting=setting: current_app.config[setting],
                scope=setting.lower(), key_func=key, methods=["POST"],
                deduct_when=counted, on_breach=on_breach)(view)
        return view
    return decorator
