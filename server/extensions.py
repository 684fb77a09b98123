"""Extension instances only; they are bound to the app in create_app."""
from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class RestApi(Api):
    """flask-smorest, documenting errors in this API's own shape (server/errors.py)."""
    from .errors import Error as ERROR_SCHEMA


class SignInThrottle(Limiter):
    """Flask-Limiter, which throttles sign-ins only (server/sign_in.py). Only a POST can
    be one, so every other request (photo chunks and pulls are most of the traffic)
    skips the check before it runs, not just once it has found the request's limits."""

    def _check_request_limit(self, *args, **kwargs) -> None:
        if request.method == "POST":
            super()._check_request_limit(*args, **kwargs)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
rest_api = RestApi()
# The sign-in throttle (server/sign_in.py). A moving window: no burst at a window's edge.
limiter = SignInThrottle(get_remote_address, strategy="moving-window")
