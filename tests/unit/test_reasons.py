"""Reason codes: one English text each, and a translation wherever a client shows them."""
import json
import re
import string
from pathlib import Path

import pytest

from sync.reasons import ENGLISH, PUSH_CODES, REVIEW_CODES, Reason, as_data, english

ROOT = Path(__file__).resolve().parents[2]


def catalogue(path: str) -> dict:
    """{key: text}; "file#lang" names one language of the phone's strings, kept as
    {group: {key: [zh, en]}} for "group.key"."""
    file, _, lang = path.partition("#")
    texts = json.loads((ROOT / file).read_text("utf-8"))
    if not lang:
        return texts
    return {f"{group}.{key}": pair[["zh", "en"].index(lang)]
            for group, pairs in texts.items() for key, pair in pairs.items()}


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def test_every_code_has_english_whose_placeholders_are_plain_names():
    for code, text in ENGLISH.items():
        assert re.fullmatch(r"[a-z0-9_]+", code) and text.strip(), code
        fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        assert fields == placeholders(text), code       # no {0}, {a.b} or {a!r}
    assert set(PUSH_CODES) | set(REVIEW_CODES) == set(ENGLISH)


def test_english_is_built_from_code_and_parameters():
    assert Reason("too_long", {"max": 10_000}).english == "must be at most 10000 characters"
    assert Reason("out_of_range", {"min": -90, "max": 90}).english == "must be between -90 and 90"
    reasons = {"note": [Reason("too_long", {"max": 5})], "id": [Reason("not_owner")]}
    assert english(reasons) == {"note": ["must be at most 5 characters"],
                                "id": ["this inspection belongs to another inspector"]}
    assert as_data(reasons) == {"note": [{"code": "too_long", "params": {"max": 5}}],
                                "id": [{"code": "not_owner", "params": {}}]}
    assert json.loads(json.dumps(as_data(reasons))) == as_data(reasons)


def test_a_code_without_english_is_refused_at_once():
    with pytest.raises(ValueError):
        Reason("too_lnog")


# where each client looks up the codes it shows
CLIENTS = [("pwa/i18n/strings.json#{lang}", "push.reason.", PUSH_CODES),
           ("server/translations/{lang}.json", "reason.", REVIEW_CODES)]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path, prefix, codes", CLIENTS)
def test_every_client_translates_the_codes_it_shows(path, prefix, codes, lang):
    texts = catalogue(path.format(lang=lang))
    for code in codes:
        key = prefix + code
        assert key in texts, key
        assert placeholders(texts[key]) <= placeholders(ENGLISH[code]), key


def test_the_phone_in_english_says_what_the_servers_errors_say():
    texts = catalogue("pwa/i18n/strings.json#en")
    assert {code: texts[f"push.reason.{code}"] for code in PUSH_CODES} == {
        code: ENGLISH[code] for code in PUSH_CODES}
