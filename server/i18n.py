"""Simplified Chinese first, English second: one catalogue per language.

The catalogues are plain JSON (server/translations/*.json) so the same keys can be
checked by a test and edited by a translator without tooling. The language comes from
`?lang=`, then the `lang` cookie, else Chinese.
"""
import json
from datetime import date, datetime
from pathlib import Path

from flask import Flask, g, request

from sync.clock import TOWNSHIP_TZ
from sync.rubric import score_text

LANGUAGES = ("zh", "en")
DEFAULT = "zh"
CATALOGUE_DIR = Path(__file__).parent / "translations"


def load_catalogues() -> dict[str, dict[str, str]]:
    return {lang: json.loads((CATALOGUE_DIR / f"{lang}.json").read_text("utf-8"))
            for lang in LANGUAGES}


CATALOGUES = load_catalogues()


def current_language() -> str:
    if "lang" not in g:
        wanted = request.args.get("lang") or request.cookies.get("lang")
        g.lang = wanted if wanted in LANGUAGES else DEFAULT
    return g.lang


def t(key: str, lang: str | None = None, **values) -> str:
    """The text for `key` in the current language; missing keys show as the key."""
    text = CATALOGUES[lang or current_language()].get(key, key)
    return text.format(**values) if values else text


def format_date(value: date | datetime | str | None, lang: str | None = None) -> str:
    """2026年11月5日 in Chinese, 5 Nov 2026 in English (township time); a string is an
    ISO date as results carry them (a deadline, say)."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.astimezone(TOWNSHIP_TZ)
    if (lang or current_language()) == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {value.strftime('%b')} {value.year}"


def format_datetime(value: datetime | None, lang: str | None = None) -> str:
    if value is None:
        return ""
    local = value.astimezone(TOWNSHIP_TZ)
    return f"{format_date(local, lang)} {local:%H:%M}"


def name_in(obj, lang: str | None = None) -> str:
    """A place's name: its transliteration in English where there is one."""
    if (lang or current_language()) == "en" and getattr(obj, "name_en", None):
        return obj.name_en
    return obj.name


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(t=t, current_language=current_language, name_in=name_in,
                                 LANGUAGES=LANGUAGES)
    # `score` rounds as the phone does (sync.rubric.score_text), so both show one number
    app.jinja_env.filters.update(date=format_date, datetime=format_datetime, score=score_text)

    @app.after_request
    def remember_language(response):
        if request.args.get("lang") in LANGUAGES:
            response.set_cookie("lang", request.args["lang"], max_age=365 * 86400,
                                samesite="Lax")
        return response
