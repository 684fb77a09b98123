"""POST/DELETE /auth/token: devices sign in once and are revocable."""
import uuid

from flask import g
from flask_smorest import Blueprint

from ..auth import roles_required, token_lifetime
from ..errors import ApiError, error_response
from ..extensions import db
from ..models import DeviceToken, utcnow
from ..sign_in import check_credentials, throttled
from .schemas import TokenRequest, TokenResponse

blp = Blueprint("api_auth", __name__, description="Device sign-in")


def _too_many_failures(seconds: int):
    return error_response(ApiError(429, "too_many_requests",
                                   f"too many failed sign-ins: try again in {seconds} s"))


@blp.route("/auth/token", methods=["POST"])
@throttled(_too_many_failures)
@blp.arguments(TokenRequest)
@blp.response(201, TokenResponse)
def create_token(body):
    user = check_credentials(body["username"], body["password"])
    if user is None:
        raise ApiError(401, "invalid_credentials", "wrong username or password")
    device, token = DeviceToken.issue(user, body["device_name"], str(uuid.uuid4()),
                                      token_lifetime())
    db.session.add(device)
    db.session.commit()
    return {"token": token, "client_id": device.client_id, "user": user,
            "expires_at": device.expires_at}


@blp.route("/auth/token", methods=["DELETE"])
@roles_required()
@blp.response(204)
def revoke_own_token():
    g.device.revoked_at = utcnow()
    db.session.commit()
