"""Sign-in, sign-out, the language switch and the home page."""
from urllib.parse import urlsplit

from flask import make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from ..auth import sign_out
from ..i18n import LANGUAGES
from ..sign_in import check_credentials, throttled
from .blueprints import pages as bp
from .forms import LoginForm


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
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next"))
                            or url_for(HOME_BY_ROLE[user.role]))
        error = "login.bad_credentials"
    elif request.method == "POST":
        error = "login.missing_fields"
    status = 401 if error == "login.bad_credentials" else (400 if error else 200)
    return render_template("web/login.html", form=form, error=error), status


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
