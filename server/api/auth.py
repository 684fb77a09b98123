"""POST/DELETE /auth/token: devices sign in once and are revocable."""
import uuid

from flask import g
from flask_smorest import Blueprint

from ..auth import roles_required, token_lifetime
from ..errors import ApiError
from ..extensions import db
from ..models import DeviceToken, User, utcnow
from .schemas import TokenRequest, TokenResponse

blp = Blueprint("api_auth", __name__, description="Device sign-in")


@blp.route("/auth/token", methods=["POST"])
@blp.arguments(TokenRequest)
@blp.response(201, TokenResponse)
def create_token(body):
    user = db.session.execute(
        db.select(User).where(User.username == body["username"])).scalar_one_or_none()
    if user is None or not user.active or not user.check_password(body["password"]):
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
