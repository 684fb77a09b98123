"""Flask-WTF forms (CSRF-protected): they read the posted values into Python types.

The rules (lengths, password policy, date order, ...) are the domain's (server/admin/),
so the page and the command line refuse the same things. What a form itself can find
wrong (not a date, not a number) comes out as Problems too, so a refused form reads in
the user's language (catalogue keys admin.err_<code>).
"""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..admin.users import LIMITS
from ..models import ROLES
from ..errors import Problem


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=LIMITS["username"])])
    password = PasswordField("password", validators=[
        DataRequired(), Length(max=LIMITS["password_max"])])


class PlacesUploadForm(FlaskForm):
    file = FileField("file", validators=[FileRequired(message="file_required")])


class UserForm(FlaskForm):
    username = StringField("username")
    display_name = StringField("display_name")
    role = SelectField("role", choices=list(ROLES), validate_choice=False, default="inspector")
    password = PasswordField("password")


class UserEditForm(FlaskForm):
    display_name = StringField("display_name")
    role = SelectField("role", choices=list(ROLES), validate_choice=False)


class PasswordResetForm(FlaskForm):
    password = StringField("password")  # empty: one is generated


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("current_password")
    new_password = PasswordField("new_password")
    confirm_password = PasswordField("confirm_password")


class RoundForm(FlaskForm):
    name = StringField("name")
    name_en = StringField("name_en")
    starts_on = DateField("starts_on", validators=[DataRequired(message="date")])
    ends_on = DateField("ends_on", validators=[DataRequired(message="date")])
    rubric_id = SelectField("rubric_id", coerce=int, validate_choice=False)
    # group or household; the domain refuses anything else (server/admin/rounds.py)
    subject = SelectField("subject", validate_choice=False)
    red_size = IntegerField("red_size", validators=[Optional()])
    black_size = IntegerField("black_size", validators=[Optional()])
    rectification_days = IntegerField("rectification_days", validators=[Optional()])


# WTForms' own English messages (bad dates, numbers, choices) as problem codes.
BUILTIN_MESSAGES = {
    "Not a valid date value.": "date",
    "Not a valid integer value.": "integer",
    "Not a valid choice.": "choice",
    "Invalid Choice: could not coerce.": "choice",
    "This field is required.": "required",
}


def form_problems(form: FlaskForm) -> list[Problem]:
    """What the form could not read, one Problem per field and message."""
    return [Problem(code, field=name)
            for name, messages in form.errors.items()
            for code in dict.fromkeys(BUILTIN_MESSAGES.get(m, m) for m in messages)]
