"""POST/DELETE /auth/token: devices sign in once and are revocable. POST /auth/password:
a user sets a new password, which a reset by an admin requires before signing in."""
import uuid

from flask_smorest import Blueprint

from ..admin import users as rules
from ..auth import PHONE_SYNC, current_device, roles_required, token_lifetime
from ..errors import Problem, error_response
from ..extensions import db
from ..models import DeviceToken, utcnow
from ..sign_in import check_credentials, throttled
from .schemas import PasswordChange, TokenRequest, TokenResponse

blp = Blueprint("api_auth", __name__, description="Device sign-in")


def _too_many_failures(seconds: int):
    return error_response(Problem("too_many_requests", {"seconds": seconds}, status=429,
                                  message=f"too many failed sign-ins: try again in {seconds} s"))


@blp.route("/auth/token", methods=["POST"])
@throttled(_too_many_failures)
@blp.arguments(TokenRequest)
@blp.response(201, TokenResponse)
def create_token(body):
    """A new device registration.

    After an admin reset the user's password, the temporary password is right but gets
    no token: 403 `password_change_required`, and the phone
    asks for a new password and sends both to POST /auth/password."""
    user = _signed_in(body["username"], body["password"])
    if user.password_change_required:
        raise Problem("password_change_required", status=403, message=
                       "the password was reset: choose a new one (POST /auth/password)")
    device, token = DeviceToken.issue(user, body["device_name"], str(uuid.uuid4()),
                                      token_lifetime())
    db.session.add(device)
    return {"token": token, "client_id": device.client_id, "user": user,
            "expires_at": device.expires_at}


def _signed_in(username: str, password: str):
    user = check_credentials(username, password)
    if user is None:
        raise Problem("invalid_credentials", status=401, message="wrong username or password")
    return user


@blp.route("/auth/password", methods=["POST"])
@throttled(_too_many_failures)
@blp.arguments(PasswordChange)
@blp.response(204)
def change_password(body):
    """A new password, given the current (or temporary) one.

    No token needed, so a phone refused with `password_change_required` can send it, then sign in with
    the new password. Wrong current password → 401 `invalid_credentials` (throttled as
    sign-ins are); a new password that is too short, too long or the same → 400. Ends
    the user's web sessions; their devices stay signed in."""
    user = _signed_in(body["username"], body["password"])
    rules.change_password(user, body["new_password"])


@blp.route("/auth/token", methods=["DELETE"])
@roles_required(*PHONE_SYNC)
@blp.response(204)
def revoke_own_token():
    current_device().revoked_at = utcnow()
