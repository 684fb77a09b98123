"""Why an input was refused, as values: a code with parameters.

Clients translate the code (phone: `push.reason.<code>`, web pages:
`reason.<code>`); the English sentence of every code is built here and nowhere else,
because it is what the push contract's `errors` carries ({path: [English reason]})
and what a client shows for a code it does not know yet.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

# code → English, with {param} placeholders (str.format; the phone uses the same syntax).
# The shape of a pushed inspection (sync.validation):
_SHAPE = {
    "unknown_key": "unknown key",
    "required": "required",
    "not_integer": "must be an integer",
    "too_small": "must be at least {min}",
    "too_large": "must be at most {max}",
    "not_number": "must be a number",
    "out_of_range": "must be between {min} and {max}",
    "not_accuracy": "must be a number ≥ 0 or null",
    "not_string": "must be a string",
    "not_string_or_null": "must be a string or null",
    "too_long": "must be at most {max} characters",
    "control_character": "must not contain control characters",
    "not_boolean": "must be true or false",
    "not_object": "must be an object",
    "not_object_or_null": "must be an object or null",
    "not_list": "must be a list",
    "not_time": "must be an ISO 8601 time with offset",
    "before_start": "must not be before started_at",
    "not_submitted": "must be submitted",
    "not_uuid": "must be a lowercase UUID",
    "not_sha256": "must be 64 lowercase hex characters",
    "not_image_type": "must be image/jpeg, image/png or image/webp",
    "not_source": "must be camera or gallery",
    "duplicate_photo_id": "duplicate photo id",
    "unknown_rubric_version": "unknown rubric version",
    "unknown_criterion": "unknown criterion",
    "unknown_item": "unknown item",
    "unknown_rectification": "unknown rectification",
}
# What only the server's database knows (server.phones.push):
_STORED = {
    "unknown_round": "unknown round",
    "unknown_group": "unknown group",
    "not_owner": "this inspection belongs to another inspector",
    "photo_id_taken": "used by another inspection",
    "not_recheck_owner": "this recheck belongs to another inspector",
    "recheck_photo_id_taken": "used by another recheck",
    # A household inspection (sync.validation.household_reasons):
    "unknown_household": "unknown household",
    "household_not_in_group": "this household belongs to another group",
    "not_household_round": "this round checks villager groups, not households",
}
# A pushed points entry (sync.ledger), besides unknown_household:
_LEDGER = {
    "not_entry_kind": "must be deed or redeem",
    "forbidden": "your role may not record this",
    "unknown_rule": "unknown points rule",
    "unknown_goods": "unknown goods",
    "goods_required": "name at least one of the goods handed over",
    "too_many_lines": "at most {max} lines",
    "goods_not_allowed": "a deed carries no goods",
    "rule_not_allowed": "a redemption carries no points rule",
    "must_be_null": "must be null",
    "entry_id_taken": "used by another entry",
}
# A supervisor's review input (server.review.actions), besides too_long:
_REVIEW = {
    "unknown_state": "one of {allowed}",
    "comment_required": "a comment is required unless approving",
    "photo_reason_required": "a reason is required when rejecting a photo",
    "reason_required": "a reason is required",
    "choice_required": "choose the server value or a revision",
    "not_late": "this inspection is not late: it counts already",
    "decision_required": "decide at least one item",
    "recheck_comment_required": "a comment is required when an item is sent back",
}

ENGLISH = {**_SHAPE, **_STORED, **_LEDGER, **_REVIEW}
# What each client shows: the phone a rejected push, the web pages a review input.
PUSH_CODES = (*_SHAPE, *_STORED, *_LEDGER)
REVIEW_CODES = (*_REVIEW, "too_long")


@dataclass(frozen=True)
class Reason:
    code: str
    params: Mapping[str, int | str] = field(default_factory=dict)

    def __post_init__(self):
        if self.code not in ENGLISH:
            raise ValueError(f"no English text for reason code {self.code!r}")

    @property
    def english(self) -> str:
        return ENGLISH[self.code].format(**self.params)

    def as_data(self) -> dict:
        return {"code": self.code, "params": dict(self.params)}


def english(reasons: Mapping[str, list[Reason]]) -> dict[str, list[str]]:
    """{path: [Reason]} → {path: [English reason]}, the contract's `errors`."""
    return {path: [r.english for r in found] for path, found in reasons.items()}


def as_data(reasons: Mapping[str, list[Reason]]) -> dict[str, list[dict]]:
    """{path: [Reason]} → {path: [{code, params}]}, plain JSON for clients to translate."""
    return {path: [r.as_data() for r in found] for path, found in reasons.items()}
