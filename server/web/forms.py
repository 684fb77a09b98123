"""Flask-WTF forms (CSRF-protected).

Validation messages are catalogue keys (server/translations/*.json): templates show them
with t(), so a refused form reads in the user's language.
"""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..models import ROLES


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=200)])


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PlacesUploadForm(FlaskForm):
    file = FileField("file", validators=[FileRequired(message="admin.err_file_required")])


class UserForm(FlaskForm):
    username = StringField("username", filters=[_strip], validators=[
        DataRequired(message="admin.err_required"), Length(max=80, message="admin.err_too_long")])
    display_name = StringField("display_name", filters=[_strip], validators=[
        DataRequired(message="admin.err_required"), Length(max=100, message="admin.err_too_long")])
    role = SelectField("role", choices=list(ROLES),
                       validate_choice=True, default="inspector")
    password = PasswordField("password", validators=[
        DataRequired(message="admin.err_required"),
        Length(min=8, max=200, message="admin.err_password_length")])


class RoundForm(FlaskForm):
    name = StringField("name", filters=[_strip], validators=[
        DataRequired(message="admin.err_required"), Length(max=100, message="admin.err_too_long")])
    starts_on = DateField("starts_on", validators=[DataRequired(message="admin.err_date")])
    ends_on = DateField("ends_on", validators=[DataRequired(message="admin.err_date")])
    rubric_id = SelectField("rubric_id", coerce=int)
    red_size = IntegerField("red_size", validators=[
        Optional(), NumberRange(min=0, max=10000, message="admin.err_list_size")])
    black_size = IntegerField("black_size", validators=[
        Optional(), NumberRange(min=0, max=10000, message="admin.err_list_size")])

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError("admin.err_end_before_start")


# WTForms' own English messages (bad dates, numbers, choices) as catalogue keys.
BUILTIN_MESSAGES = {
    "Not a valid date value.": "admin.err_date",
    "Not a valid integer value.": "admin.err_integer",
    "Not a valid choice.": "admin.err_choice",
    "Invalid Choice: could not coerce.": "admin.err_choice",
    "This field is required.": "admin.err_required",
}


def error_keys(form: FlaskForm) -> dict[str, list[str]]:
    """{field name: [catalogue key, ...]} for a form that did not validate."""
    return {name: list(dict.fromkeys(BUILTIN_MESSAGES.get(e, e) for e in errors))
            for name, errors in form.errors.items()}
