"""Extension instances only; they are bound to the app in create_app."""
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


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
rest_api = RestApi()
# The sign-in throttle (server/sign_in.py). A moving window: no burst at a window's edge.
limiter = Limiter(get_remote_address, strategy="moving-window")
