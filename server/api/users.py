"""Users and their devices, for the township's admins (issue "Administration without a
developer"): create, change role or name, (de)activate, reset a password; list devices
and revoke a lost phone. The rules and audit entries are server/admin/users.py's."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..admin import users as rules
from ..auth import authenticate, roles_required
from ..models import ROLES, DeviceToken, User
from ..phones.devices import device_data
from ..scope import in_township
from .push import Unsynced

blp = Blueprint("api_users", __name__, description="Users and devices (admins)")

# Refusals about who acts rather than what was sent.


class UserRecord(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    active = fields.Boolean()
    password_change_required = fields.Boolean()


class NewUser(Schema):
    username = fields.String(required=True)
    display_name = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    password = fields.String(required=True)


class UserChange(Schema):
    role = fields.String(validate=validate.OneOf(ROLES))
    display_name = fields.String()
    active = fields.Boolean()


class PasswordReset(Schema):
    password = fields.String(load_default=None, allow_none=True, metadata={
        "description": "the temporary password; left out, one is generated"})


class PasswordResetOut(Schema):
    user = fields.Nested(UserRecord)
    temporary_password = fields.String(metadata={
        "description": "shown once: the user signs in with it and must then choose a new "
                       "password (POST /auth/password)"})


class DeviceRecord(Schema):
    id = fields.Integer()
    user_id = fields.Integer()
    username = fields.String()
    device_name = fields.String()
    created_at = fields.DateTime()
    last_seen_at = fields.DateTime(allow_none=True)
    last_sync_at = fields.DateTime(allow_none=True, metadata={
        "description": "the device's last push"})
    revoked = fields.Boolean()
    revoked_at = fields.DateTime(allow_none=True)
    app_version = fields.String(allow_none=True)
    unsynced = fields.Nested(Unsynced, metadata={
        "description": "what the device still held at its last push (null: never said)"})


@blp.route("/users")
@roles_required("admin")
@blp.response(200, UserRecord(many=True))
def list_users():
    return rules.township_users(authenticate().township_id)


@blp.route("/users", methods=["POST"])
@roles_required("admin")
@blp.arguments(NewUser)
@blp.response(201, UserRecord)
def create_user(body):
    user = rules.create_user(authenticate().township_id, **body)
    return user


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@roles_required("admin")
@blp.arguments(UserChange)
@blp.response(200, UserRecord)
def change_user(body, user_id):
    admin = authenticate()
    user = in_township(User, user_id, admin)
    rules.change_user(user, role=body.get("role"), display_name=body.get("display_name"),
                      actor=admin)
    if "active" in body:
        rules.set_active(user, body["active"], actor=admin)
    return user


@blp.route("/users/<int:user_id>/password-reset", methods=["POST"])
@roles_required("admin")
@blp.arguments(PasswordReset)
@blp.response(200, PasswordResetOut)
def reset_password(body, user_id):
    """A temporary password, shown once.

    The user's web sessions end, their phones stay signed in;
    their next sign-in (page or POST /auth/token) asks for a new password."""
    user = in_township(User, user_id, authenticate())
    temporary = rules.reset_password(user, body["password"])
    return {"user": user, "temporary_password": temporary}


@blp.route("/devices")
@roles_required("admin")
@blp.response(200, DeviceRecord(many=True))
def list_devices():
    return [device_data(d) for d in rules.township_devices(authenticate().township_id)]


@blp.route("/devices/<int:device_id>/revoke", methods=["POST"])
@roles_required("admin")
@blp.response(200, DeviceRecord)
def revoke_device(device_id):
    """A lost phone is cut off.

    The device's next call is a 401; what it holds stays on it until its user signs in
    again, and then syncs."""
    device = in_township(DeviceToken, device_id, authenticate())
    rules.revoke_device(device)
    return device_data(device)
