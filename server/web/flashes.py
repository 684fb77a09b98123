"""Flash messages as values: a catalogue key and its parameters, put into words when the
next page is rendered, so they read in that page's language."""
from flask import Flask, flash

from ..i18n import t
from ..problems import Problem, describe


def flash_message(key: str, **params) -> None:
    flash({"key": key, "params": params})


def flash_problems(problems: list[Problem], prefix: str) -> None:
    for problem in problems:
        flash_message(prefix + problem.code, **problem.values)


def flash_text(message) -> str:
    """A flashed message in the current language; a bare key (flash("rv.saved")) too."""
    if isinstance(message, str):
        return t(message)
    return t(message["key"], **message["params"])


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(flash_text=flash_text, describe=describe)
