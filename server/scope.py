"""One rule for "this id, in the caller's township": a row of another township, a
missing row and an id no row can have all answer 404 alike, so nothing leaks."""
from flask import request
from werkzeug.routing import IntegerConverter

from .errors import Problem
from .extensions import db
from .models import (CombinedResult, DeviceToken, Inspection, Photo, Recheck, Rectification,
                     Round, Team, User, Village, VillagerGroup)

# The largest id a column of PostgreSQL's INTEGER type holds: a larger one names no row
# (and must not reach the database, which would refuse it with an error).
MAX_ID = 2**31 - 1



class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number above MAX_ID matches no route, so it is the
    404 of any unknown address (a page, or the API's error shape), never a query."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def is_id(text: str) -> bool:
    """Digits naming an id a row could have. ASCII only ("²" is a digit to isdigit, not
    to int), and short enough for int() (which refuses over 4300 digits)."""
    return text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID)) \
        and int(text) <= MAX_ID


def id_arg(name: str, what: str | None = None) -> int | None:
    """A query-string id: None when absent or not a number (no filter); a 404 when it is
    a number no row can have."""
    value = request.args.get(name, "")
    if not (value.isascii() and value.isdigit()):
        return None
    if not is_id(value):
        raise Problem("not_found", status=404, message=f"no such {what or name}")
    return int(value)


NAMES = {Round: "round", User: "user", DeviceToken: "device", Inspection: "inspection",
         Photo: "photo", Village: "village", VillagerGroup: "group",
         Rectification: "rectification", CombinedResult: "combined result",
         Recheck: "recheck", Team: "team"}


def not_found(model) -> Problem:
    return Problem("not_found", status=404, message=f"no such {NAMES[model]}")


def in_township(model, entity_id, user, *, lock: bool = False):
    """The `model` row with this id if it is in `user`'s township, else a 404 Problem.

    lock: take the row lock (PostgreSQL's FOR UPDATE) that a push takes on an inspection,
    so a review and a push racing on one inspection never both write the same version;
    for a photo, its inspection is locked.
    """
    if isinstance(entity_id, int) and not 0 < entity_id <= MAX_ID:
        raise not_found(model)
    if model is Photo:
        photo = db.session.get(Photo, entity_id)
        if photo is None:
            raise not_found(Photo)
        try:
            in_township(Inspection, photo.inspection_id, user, lock=lock)
        except Problem:
            raise not_found(Photo) from None
        return photo
    query = db.select(model).where(model.id == entity_id)
    if lock:
        query = query.with_for_update()
    row = db.session.execute(query).scalar_one_or_none()
    if row is None or row.township_id != user.township_id:
        raise not_found(model)
    return row
