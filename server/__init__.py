"""The Flask app: create_app reads like a table of contents."""
from pathlib import Path

from flask import Flask

from . import config as default_config
from .extensions import csrf, db, limiter, login_manager, migrate, rest_api
from .json_codec import JSONProvider
from .security import register_security


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True,
                template_folder="templates", static_folder="static")
    app.json = JSONProvider(app)
    app.config.update(default_config.from_environment(Path(app.instance_path)))
    if config:
        app.config.update(config)
    register_security(app)
    register_converters(app)
    register_extensions(app)
    register_transactions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_photo_worker(app)
    return app


def register_converters(app: Flask) -> None:
    from .scope import IdConverter

    # Before any route exists: every <int:...> then refuses ids the database cannot hold.
    app.url_map.converters["int"] = IdConverter


def register_extensions(app: Flask) -> None:
    from .photos.setup import init_blobstore
    from .database import configure_engine

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    rest_api.init_app(app)
    init_blobstore(app)
    from . import i18n, sql
    i18n.init_app(app)
    sql.init_app(app)
    from . import compression
    compression.init_app(app)


def register_transactions(app: Flask) -> None:
    from .database import register_checkpoints, register_transactions as register

    register(app)
    with app.app_context():
        register_checkpoints(app)


def register_blueprints(app: Flask) -> None:
    from .api import register_api
    from .web import register_web

    register_api(app)
    register_web(app)


def register_errorhandlers(app: Flask) -> None:
    from .errors import register_errorhandlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from .cli import register_cli

    register_cli(app)


def register_photo_worker(app: Flask) -> None:
    """PHOTO_WORKER=inline: the photo work runs in a thread of the serving process, started
    by its first request (so `flask db upgrade` and other commands start none)."""
    if app.config["PHOTO_WORKER"] != "inline":
        return
    import threading

    from .photos.jobs import start_inline_worker

    started = threading.Lock()

    @app.before_request
    def start_photo_worker():
        if started.acquire(blocking=False):
            start_inline_worker(app)
