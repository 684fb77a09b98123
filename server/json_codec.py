"""JSON written with orjson where the server writes most of it: the JSON columns each
inspection, photo and revision stores (a push of 200 inspections binds about 2,400
values) and the API's answers. With the standard library's json these were a tenth of
a push's time.

The same values as the standard library's json: an integer beyond 64 bits, which
orjson cannot write, is written by the standard library. Reading stays with the
standard library: orjson reads such an integer as a float, and a huge id must still be
refused as too large.
"""
import json
from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider


def dumps(value: Any) -> str:
    """For the JSON columns (SQLAlchemy's `json_serializer`)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON answers (jsonify, every API answer) written with orjson: keys sorted
    as Flask sorts them, dates, decimals and the rest through Flask's own `default`."""

    OPTIONS = (orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
               | orjson.OPT_PASSTHROUGH_DATETIME)  # dates as Flask writes them
    COMPACT = ({}, {"separators": (",", ":")})  # what orjson writes (indented: json's)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if kwargs in self.COMPACT:
            try:
                return orjson.dumps(obj, default=self.default, option=self.OPTIONS).decode()
            except TypeError:
                pass
        return super().dumps(obj, **kwargs)
