"""Points entries pushed by phones (sync-protocol.md, "Points travel in the same push"):
their validation against what the server knows of the township, and the points the
server computes for them. Plain data in, plain data out.

An entry is a `deed` (a points rule's key; the rule's points when applied) or a
`redeem` (goods handed over: −Σ quantity × points per unit, the price agreed at the
counter). Entries are append-only: there is no merge and no conflict, only applied,
duplicate (the same id again, whatever its body) or rejected.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from .ids import is_uuid
from .reasons import Reason
from .shapes import Keys
from .validation import (MAX_COUNT, _check_int, _check_note, _check_object_keys,
                         _check_photo, _check_time, _Errors, _is_int)

CHECK, DEED, REDEEM, ADJUST, STAR = "check", "deed", "redeem", "adjust", "star"
ENTRY_KINDS = (CHECK, DEED, REDEEM, ADJUST, STAR)
PUSHED_KINDS = (DEED, REDEEM)
# What each role may push (supervisors and admins correct through POST /ledger, but a
# phone of theirs records at the counter like anyone's).
KINDS_BY_ROLE = {"inspector": PUSHED_KINDS, "supervisor": PUSHED_KINDS,
                 "admin": PUSHED_KINDS, "shopkeeper": (REDEEM,)}

# Flags of an applied entry, for a supervisor.
OVERDRAFT = "overdraft"          # a redeem that left the balance below zero
INACTIVE_RULE = "inactive_rule"  # a deed naming a rule deactivated meanwhile

# A price per unit and lines per redeem: the entry's points stay within an INTEGER.
MAX_UNIT_POINTS = 10_000
MAX_GOODS_LINES = 50
MAX_NAME_CHARS = 100
MAX_RULE_KEY_CHARS = 40

_ENTRY_KEYS = Keys(("id", "household_id", "kind", "recorded_at"),
                   ("note", "rule_key", "goods", "photos"))
_GOODS_KEYS = Keys(("name", "quantity", "points"), ("goods_id",))

# The default points rules of a new township (domain.md, "Points": 积分细则).
DEFAULT_POINTS_RULES = (
    {"key": "cleanup_day", "label_zh": "参加义务清扫", "label_en": "Joined a cleanup day",
     "points": 5},
    {"key": "sorting_model", "label_zh": "垃圾分类示范户", "label_en": "Waste-sorting model household",
     "points": 5},
    {"key": "report_dumping", "label_zh": "举报乱倒垃圾属实",
     "label_en": "Reported illegal dumping (confirmed)", "points": 3},
    {"key": "volunteer", "label_zh": "志愿服务", "label_en": "Volunteer service", "points": 2},
    {"key": "burning_found", "label_zh": "焚烧垃圾被查实", "label_en": "Found burning waste",
     "points": -10},
)


@dataclass(frozen=True)
class LedgerFacts:
    """What validating needs of the caller's township, read once per push."""
    households: frozenset          # ids of the township's households
    rules: Mapping[str, tuple]     # key → (points, active)
    goods: frozenset               # ids of the township's goods
    kinds: tuple = PUSHED_KINDS    # what the caller's role may push


@dataclass
class Computed:
    points: int
    flags: list = field(default_factory=list)


def _check_goods(goods, facts: LedgerFacts, errors: _Errors) -> None:
    if not isinstance(goods, list) or not goods:
        errors.add("goods", "goods_required")
        return
    if len(goods) > MAX_GOODS_LINES:
        errors.add("goods", "too_many_lines", max=MAX_GOODS_LINES)
        return
    for index, line in enumerate(goods):
        path = f"goods.{index}"
        if not isinstance(line, dict):
            errors.add(path, "not_object")
            continue
        _check_object_keys(line, _GOODS_KEYS, path, errors)
        name = line.get("name")
        if "name" in line:
            if not isinstance(name, str) or not name.strip():
                errors.add(f"{path}.name", "not_string")
            elif len(name) > MAX_NAME_CHARS:
                errors.add(f"{path}.name", "too_long", max=MAX_NAME_CHARS)
            elif any(ord(c) < 0x20 or c == "\x7f" for c in name):
                # A name is one line, as the goods list's own names are.
                errors.add(f"{path}.name", "control_character")
        if "quantity" in line:
            _check_int(line["quantity"], f"{path}.quantity", errors, minimum=1,
                       maximum=MAX_COUNT)
        if "points" in line:
            _check_int(line["points"], f"{path}.points", errors, minimum=1,
                       maximum=MAX_UNIT_POINTS)
        goods_id = line.get("goods_id")
        if goods_id is not None and (not _is_int(goods_id) or goods_id not in facts.goods):
            errors.add(f"{path}.goods_id", "unknown_goods")


def _check_photos(photos, errors: _Errors) -> None:
    """As an inspection's photos, with criterion and item null: an entry has neither."""
    if photos is None:
        return
    if not isinstance(photos, list):
        errors.add("photos", "not_list")
        return
    for index, photo in enumerate(photos):
        path = f"photos.{index}"
        if not isinstance(photo, dict):
            errors.add(path, "not_object")
            continue
        for key in ("criterion", "item"):
            if photo.get(key) is not None:
                errors.add(f"{path}.{key}", "must_be_null")
        _check_photo({**photo, "criterion": ""}, path, None, errors)


def entry_reasons(payload, facts: LedgerFacts) -> dict[str, list[Reason]]:
    """Field errors of one pushed entry; an empty dict means it is applied."""
    errors = _Errors()
    if not isinstance(payload, dict):
        errors.add("entry", "not_object")
        return dict(errors)
    _check_object_keys(payload, _ENTRY_KEYS, "", errors)
    if "id" in payload and not is_uuid(payload["id"]):
        errors.add("id", "not_uuid")
    household_id = payload.get("household_id")
    if "household_id" in payload and (not _is_int(household_id)
                                      or household_id not in facts.households):
        # Another township's household is as unknown as one that does not exist.
        errors.add("household_id", "unknown_household")
    kind = payload.get("kind")
    if "kind" in payload:
        if kind not in PUSHED_KINDS:
            errors.add("kind", "not_entry_kind")
        elif kind not in facts.kinds:
            errors.add("kind", "forbidden")
    if "recorded_at" in payload:
        _check_time(payload["recorded_at"], "recorded_at", errors)
    _check_note(payload.get("note"), "note", errors)
    rule_key, goods = payload.get("rule_key"), payload.get("goods")
    if kind == DEED:
        if rule_key is None:
            errors.add("rule_key", "required")
        elif not isinstance(rule_key, str) or rule_key not in facts.rules:
            errors.add("rule_key", "unknown_rule")
        if goods not in (None, []):
            errors.add("goods", "goods_not_allowed")
    elif kind == REDEEM:
        _check_goods(goods, facts, errors)
        if rule_key is not None:
            errors.add("rule_key", "rule_not_allowed")
    _check_photos(payload.get("photos"), errors)
    return dict(errors)


def computed(payload: Mapping, facts: LedgerFacts, balance_before: int) -> Computed:
    """A valid entry's points and flags, given the household's balance before it."""
    if payload["kind"] == DEED:
        points, active = facts.rules[payload["rule_key"]]
        return Computed(points, [] if active else [INACTIVE_RULE])
    points = -sum(line["quantity"] * line["points"] for line in payload["goods"])
    return Computed(points, [OVERDRAFT] if balance_before + points < 0 else [])
