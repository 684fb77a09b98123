"""Ranking reasons in words.

A computed or published ranking holds each group's reasons as data,
`reasons: [{criterion, item, count}]` (sync/ranking.py). Pages, exports and the API
spell them out here with the rubric's labels, as `reason` (Chinese) and `reason_en`,
so every place words them alike and in both languages.
"""
from __future__ import annotations

from sync.ranking import reason_text
from sync.rubric import item_labels

from ..admin.rubrics import rubrics_by_version

SEPARATORS = {"zh": "，", "en": ", "}


def reason_in(group: dict, lang: str) -> str:
    """A spelt-out group's reason in one language (Chinese when there is no English)."""
    if lang == "en" and group.get("reason_en") is not None:
        return group["reason_en"]
    return group.get("reason") or ""


def spelled(result: dict) -> dict:
    """A ranking result whose groups also carry `reason` and `reason_en`. Snapshots
    published before reasons were data hold only those strings; they stay as they are."""
    version = result.get("rubric_version")
    rubric = rubrics_by_version([version]).get(version) if version is not None else None
    labels = {lang: item_labels(rubric, lang) if rubric else {} for lang in SEPARATORS}
    groups = []
    for group in result["groups"]:
        if "reasons" in group:
            group = {**group,
                     "reason": reason_text(group["reasons"], labels["zh"], SEPARATORS["zh"]),
                     "reason_en": reason_text(group["reasons"], labels["en"], SEPARATORS["en"])}
        groups.append(group)
    return {**result, "groups": groups}
