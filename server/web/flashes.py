"""The pages' words for what happened: flash messages as values (a catalogue key and its
parameters, put into words when the next page is rendered, so they read in that page's
language), and the pages' translator of problems (server/errors.py)."""
from flask import Flask, flash

from ..database import refuse_request
from ..errors import Problem
from ..i18n import t


def flash_message(key: str, **params) -> None:
    flash({"key": key, "params": params})


def flash_problems(problem: Problem) -> None:
    """Each problem flashed in its own words; the request keeps nothing it wrote."""
    refuse_request()
    for one in problem.problems:
        flash_message(one.key, **one.values)


def problems_text(problem: Problem) -> str:
    """Every problem once, in the reader's language, as one sentence for the page."""
    return " ".join(dict.fromkeys(one.text() for one in problem.problems))


def flash_text(message) -> str:
    """A flashed message in the current language; a bare key (flash("rv.saved")) too."""
    if isinstance(message, str):
        return t(message)
    return t(message["key"], **message["params"])


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(flash_text=flash_text)
