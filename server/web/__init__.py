"""Server-rendered pages: sign-in, supervisor review, admin, public board, the PWA."""
from flask import Flask


def register_web(app: Flask) -> None:
    from . import admin, board, pages, phone_app, review

    for module in (pages, phone_app, review, admin, board):
        app.register_blueprint(module.bp)
