"""A star rating's households as people read them: found by group, 户号 or 户主, a page at
a time; counted by star level; nested by village and group for the board; named with
their places for the plaque list.

A version of a rating is one frozen document (server/points/stars.py) listing its
households by village, group and 户号 with the 户号 and 户主 they were rated under, so
everything here reads that document as it was frozen; only the village and group names
are read as they are now, in one query (household_results.group_names).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .household_results import group_names

PAGE_SIZE = 50


@dataclass
class StarPage:
    rows: list[dict]
    total: int          # households matching the filter
    page: int
    pages: int


def found_households(households: list[dict], *, group_id: int | None = None,
                     search: str = "") -> list[dict]:
    """The households of `group_id` (all without one) whose 户号 or 户主 contains
    `search`, in the version's order."""
    search = search.strip().casefold()
    return [h for h in households
            if (group_id is None or h["group_id"] == group_id)
            and (not search or search in h["number"].casefold()
                 or search in h["head"].casefold())]


def page_of(rows: list[dict], page: int, page_size: int = PAGE_SIZE) -> StarPage:
    pages = max(1, -(-len(rows) // page_size))
    page = min(max(1, page), pages)
    return StarPage(rows[(page - 1) * page_size:page * page_size], len(rows), page, pages)


def star_counts(households: list[dict]) -> dict[int, int]:
    """{stars: households} of the households whose stars stand (a revoked one has none)."""
    return Counter(0 if h.get("revoked") else h["stars"] for h in households)


def on_the_board(households: list[dict]) -> list[dict]:
    """What the public board lists: the households with stars, and those whose stars
    were revoked (shown revoked, 摘牌)."""
    return [h for h in households if h["stars"] or h.get("revoked")]


def by_village_and_group(township_id: int, households: list[dict]) -> list[dict]:
    """Households nested as the board reads them: [{name, name_en, groups: [{name,
    name_en, households}]}], in the order given."""
    places = group_names(township_id)
    villages: dict[str, dict] = {}
    for h in households:
        place = places.get(h["group_id"], {"village": "", "village_en": None, "name": "",
                                           "name_en": None})
        village = villages.setdefault(place["village"], {
            "name": place["village"], "name_en": place["village_en"], "groups": {}})
        group = village["groups"].setdefault(h["group_id"], {
            "name": place["name"], "name_en": place["name_en"], "households": []})
        group["households"].append(h)
    return [{**v, "groups": list(v["groups"].values())} for v in villages.values()]


def plaque_rows(township_id: int, households: list[dict]) -> list[dict]:
    """What plaque_list.plaque_table reads: each household with its place's names."""
    places = group_names(township_id)
    rows = []
    for h in households:
        place = places.get(h["group_id"], {})
        rows.append({**h, "village": place.get("village", ""),
                     "village_en": place.get("village_en"), "group": place.get("name", ""),
                     "group_en": place.get("name_en")})
    return rows
