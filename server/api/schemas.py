"""marshmallow schemas of the API: one in, one out per view."""
from marshmallow import Schema, fields, validate


class TokenRequest(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))
    device_name = fields.String(required=True, validate=validate.Length(min=1, max=100))


class PasswordChange(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200),
                             metadata={"description": "the current or temporary password"})
    new_password = fields.String(required=True)


class UserOut(Schema):
    id = fields.Integer()
    username = fields.String()
    role = fields.String()
    display_name = fields.String()


class TokenResponse(Schema):
    token = fields.String()
    client_id = fields.String()
    user = fields.Nested(UserOut)
    expires_at = fields.DateTime()
