"""The server writes JSON with orjson: the same values as the standard library's json."""
import json
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from flask import Flask

from server.json_codec import JSONProvider, dumps


@pytest.mark.parametrize("value", [
    {"criteria": {"cleaning": {"no_cleaner": 2}}, "note": "门前 \"杂物\" 堆放"},
    [], {}, None, [1.5, -0.25, 1e16, 0.1], {"photos": [{"sha256": "a" * 64}]},
    {"count": 2**63 - 1, "low": -2**63},
])
def test_a_column_value_reads_back_as_written(value):
    assert json.loads(dumps(value)) == value


def test_an_integer_beyond_64_bits_is_written_exactly():
    # orjson cannot write it; the standard library does, and no digit is lost
    assert json.loads(dumps({"bytes": 2**64 + 1})) == {"bytes": 2**64 + 1}


def test_keys_that_are_not_strings_become_strings_as_json_makes_them():
    assert json.loads(dumps({1: "a", 2: "b"})) == json.loads(json.dumps({1: "a", 2: "b"}))


@pytest.fixture
def app():
    app = Flask(__name__)
    app.json = JSONProvider(app)
    return app


@pytest.fixture
def provider(app):
    return app.json


def test_answers_are_what_flask_answers(provider):
    flask_json = Flask(__name__).json  # Flask's own provider, the standard library's json
    value = {"z": 1, "a": [{"y": "乡镇", "b": None}], "when": datetime(2026, 12, 7, 9, 30,
             tzinfo=timezone.utc), "day": date(2026, 12, 7), "price": Decimal("2.50"),
             "big": 2**70}
    ours = provider.dumps(value)
    assert json.loads(ours) == json.loads(flask_json.dumps(value))
    assert ours.index('"a"') < ours.index('"z"')  # keys sorted, as Flask sorts them


def test_an_answer_is_compact_and_ends_with_a_newline(app):
    with app.app_context():
        body = app.json.response({"b": 1, "a": "二"}).get_data(as_text=True)
    assert body == '{"a":"二","b":1}\n'
