"""Sign-in, sign-out, the language switch and the home page."""
from urllib.parse import urlsplit

from flask import make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from ..admin import users as rules
from ..auth import sign_out
from ..errors import is_api_request
from ..i18n import LANGUAGES
from ..models import SHOPKEEPER
from ..errors import Problem, Problems
from ..sign_in import check_credentials, throttled
from .blueprints import pages as bp
from .flashes import flash_message
from .forms import LoginForm, PasswordChangeForm


HOME_BY_ROLE = {"inspector": "phone_app.index", "supervisor": "review.queue",
                "admin": "admin.index"}


def safe_next(target: str | None) -> str | None:
    """Only same-site paths: never redirect a signed-in user to another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return None
    return target


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for(HOME_BY_ROLE[current_user.role]))
    return render_template("web/index.html")


def _too_many_failures(seconds: int):
    # Retry-After tells the seconds; the page says it in words.
    return make_response(render_template("web/login.html", form=LoginForm(),
                                         error="login.throttled"))


@bp.route("/login", methods=["GET", "POST"])
@throttled(_too_many_failures)
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = check_credentials(form.username.data, form.password.data)
        if user is not None and user.role == SHOPKEEPER:
            # Phone only: the right password opens no page session, and says so.
            return render_template("web/login.html", form=form,
                                   error="problem.phone_only"), 403
        if user is not None:
            login_user(user)
            target = safe_next(request.args.get("next"))
            if user.password_change_required:
                return redirect(url_for("web.change_password", next=target))
            return redirect(target or url_for(HOME_BY_ROLE[user.role]))
        error = "login.bad_credentials"
    elif request.method == "POST":
        error = "login.missing_fields"
    status = 401 if error == "login.bad_credentials" else (400 if error else 200)
    return render_template("web/login.html", form=form, error=error), status


# Where a user whose password was reset may still go: choosing the new one, leaving, the
# language, and what needs no session (the public board, the phone app's files).
UNTIL_PASSWORD_CHANGED = {"web.change_password", "web.logout", "web.switch_language", "static"}


# What a shopkeeper's page session (one opened before their role changed) may still do.
SHOPKEEPER_PAGES = {"web.logout", "web.switch_language", "web.healthz", "static"}


@bp.before_app_request
def refuse_shopkeeper_pages():
    """A shopkeeper works on the phone only: every page but the public ones (the board,
    the phone app's files) answers 403 in the reader's language."""
    if (not is_api_request() and request.blueprint not in ("board", "phone_app")
            and current_user.is_authenticated and current_user.role == SHOPKEEPER
            and request.endpoint not in SHOPKEEPER_PAGES):
        raise Problem("phone_only", status=403,
                      message="a shopkeeper signs in on the phone only")


@bp.before_app_request
def require_password_change():
    if (not is_api_request() and request.blueprint not in ("board", "phone_app")
            and current_user.is_authenticated and current_user.password_change_required
            and request.endpoint not in UNTIL_PASSWORD_CHANGED):
        return redirect(url_for("web.change_password", next=request.full_path))
    return None


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    """The signed-in user's new password. After a reset nothing else is open until it is
    chosen; the current password is asked only otherwise (signing in with the temporary
    one just proved it)."""
    if not current_user.is_authenticated:
        return redirect(url_for("web.login", next=request.full_path))
    form = PasswordChangeForm()
    forced = current_user.password_change_required
    problems = []
    if form.is_submitted():
        problems = _password_change_problems(form, forced)
        if not problems:
            user = current_user._get_current_object()
            login_user(user)  # the change ended every session of the user, this one too
            flash_message("password.changed")
            return redirect(safe_next(request.args.get("next"))
                            or url_for(HOME_BY_ROLE[user.role]))
    return render_template("web/change_password.html", form=form, problems=problems,
                           forced=forced, limits=rules.LIMITS), 400 if problems else 200


def _password_change_problems(form: PasswordChangeForm, forced: bool) -> list[Problem]:
    """What stops the change (an empty list: it is made, not committed). The CSRF token
    was checked before the view (CSRFProtect)."""
    new = form.new_password.data or ""
    if not forced and not current_user.check_password(form.current_password.data or ""):
        return [Problem("wrong_password", field="current_password")]
    if new != (form.confirm_password.data or ""):
        return [Problem("password_mismatch", field="confirm_password")]
    try:
        rules.change_password(current_user, new)
    except Problems as exc:
        return exc.problems
    return []


@bp.route("/logout", methods=["POST"])
def logout():
    sign_out(current_user)
    return redirect(url_for("web.index"))


@bp.route("/lang/<code>")
def switch_language(code: str):
    response = redirect(safe_next(request.args.get("next")) or url_for("web.index"))
    if code in LANGUAGES:
        response.set_cookie("lang", code, max_age=365 * 86400, samesite="Lax")
    return response
