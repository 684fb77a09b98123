"""A household round's results from the database: scored inspections in (scoring.py,
the one scoring path), sync.households out (domain.md, "Households, points and stars").

Three readers: the API's live results (the contract's shape), publishing (frozen as a
snapshot of kind HOUSEHOLD_RESULTS, then read back as it was), and the supervisors'
results page, which shows one page of the township's 2,500-odd households at a time:
that page is chosen and counted in the database, and only its households are scored.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from sync.households import CountedCheck, HouseholdRef, household_results, number_sort_key
from sync.states import HOUSEHOLD_SUBJECT

from ..admin.households import contains_pattern
from ..admin.township import display_precision, township_points_table
from ..errors import Problem
from ..extensions import db
from ..i18n import t
from ..models import Household, Inspection, Round, VillagerGroup, utcnow
from .rankings import gc_paused, round_info, township_groups
from .scoring import counted_clause, scored_inspections
from .snapshots import HOUSEHOLD_RESULTS, published_info, snapshot

PAGE_SIZE = 50
# The page's filter of households: all of them, the checked ones, the not checked ones.
STATUSES = ("all", "checked", "not_checked")


def check_household_round(round_: Round) -> None:
    """Results are a household round's; a group round has rankings instead (409)."""
    if round_.subject != HOUSEHOLD_SUBJECT:
        raise Problem("wrong_subject", {"subject": round_.subject}, status=409,
                      message="this round checks villager groups: it has rankings "
                              "(/rounds/<id>/rankings), not household results")


# A household as the rules read it: plain columns, never thousands of ORM objects.
HOUSEHOLD_COLUMNS = (Household.id, Household.group_id, Household.number, Household.head,
                     Household.active)


def _refs(rows) -> list[HouseholdRef]:
    return [HouseholdRef(*row) for row in rows]


def _ordered(query):
    """The township's order: village, group, then 户号 as people count them."""
    return (query.join(VillagerGroup, Household.group_id == VillagerGroup.id)
            .order_by(VillagerGroup.village_id, VillagerGroup.id, Household.number_sort,
                      Household.id))


def _results(round_: Round, households: list, only=None) -> dict:
    """The results of these households (HouseholdRef) as JSON-ready data; `only` narrows
    the inspections scored to theirs when they are not the whole township."""
    scored = scored_inspections(round_, only=only)
    checks = [CountedCheck(s.id, s.household_id, s.score)
              for s in scored if s.household_id is not None]
    # The township's table as it is now: live results band with today's settings, a
    # published snapshot keeps the points it was frozen with.
    results = household_results(households, checks,
                                precision=display_precision(round_.township_id),
                                points_table=township_points_table(round_.township_id))
    return {
        "precision": results.precision,
        "households": [{
            "household_id": h.household_id, "group_id": h.group_id, "number": h.number,
            "head": h.head, "score": h.score, "shown_score": h.shown_score,
            "inspections": h.inspections, "veto": h.veto, "points": h.points,
        } for h in results.households],
        "not_checked": [{"household_id": h.household_id, "group_id": h.group_id,
                         "number": h.number, "head": h.head} for h in results.not_checked],
    }


def compute_results(round_: Round) -> dict:
    """Every household of the township, scored now: what the API answers and what
    publishing freezes (with `round`, `computed_at` and `published` besides)."""
    households = db.session.execute(_ordered(
        db.select(*HOUSEHOLD_COLUMNS).where(Household.township_id == round_.township_id)))
    with gc_paused():
        return {"round": round_info(round_), "computed_at": utcnow().isoformat(),
                **_results(round_, _refs(households))}


def live_results(round_: Round) -> dict:
    """GET /rounds/<id>/results: computed now, saying which version (if any) is published."""
    check_household_round(round_)
    return {**compute_results(round_),
            "published": published_info(snapshot(HOUSEHOLD_RESULTS, round_.id))}


def published_results(round_: Round, version: int | None = None) -> dict | None:
    """A published snapshot as it was frozen (the latest unless `version` is given)."""
    check_household_round(round_)
    found = snapshot(HOUSEHOLD_RESULTS, round_.id, version)
    return None if found is None else found.result


# The results page ------------------------------------------------------------------------

@dataclass
class ResultsPage:
    rows: list[dict]       # per household: its result, or no score when not checked
    total: int             # households matching the filter
    page: int
    pages: int
    checked: int           # households of the township with a counted inspection
    not_checked: int       # active ones without
    precision: int


def _checked(round_: Round):
    """Households with a counted inspection in the round (the database's view of
    "counted"; an all-N/A check, which moves nothing, is told apart once scored)."""
    return (db.select(Inspection.household_id)
            .where(Inspection.round_id == round_.id, Inspection.household_id.is_not(None),
                   counted_clause()))


def results_page(round_: Round, *, group_id: int | None = None, search: str = "",
                 status: str = "all", page: int = 1, page_size: int = PAGE_SIZE) -> ResultsPage:
    """One page of the round's households by village, group and number, with their
    results: `search` finds a 户号 or a 户主 containing it; `status` keeps the checked or
    the not-checked ones. An inactive household is listed only if it was checked."""
    check_household_round(round_)
    checked = Household.id.in_(_checked(round_))
    listed = (Household.township_id == round_.township_id, sa.or_(Household.active, checked))
    counts = db.session.execute(db.select(
        sa.func.count().filter(checked), sa.func.count().filter(sa.not_(checked)))
        .where(*listed)).one()
    query = db.select(*HOUSEHOLD_COLUMNS).where(*listed)
    if group_id is not None:
        query = query.where(Household.group_id == group_id)
    if search.strip():
        pattern = contains_pattern(search.strip())
        query = query.where(sa.or_(Household.number.like(pattern, escape="\\"),
                                   Household.head.like(pattern, escape="\\")))
    if status == "checked":
        query = query.where(checked)
    elif status == "not_checked":
        query = query.where(sa.not_(checked))
    total = db.session.execute(
        db.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    households = _refs(db.session.execute(
        _ordered(query).limit(page_size).offset((page - 1) * page_size)))
    results = _results(round_, households,
                       only=Inspection.household_id.in_([h.household_id for h in households]))
    by_id = {r["household_id"]: r for r in results["households"]}
    rows = [by_id.get(h.household_id) or {
        "household_id": h.household_id, "group_id": h.group_id, "number": h.number,
        "head": h.head, "score": None, "shown_score": None, "inspections": 0,
        "veto": False, "points": None} for h in households]
    return ResultsPage(rows, total, page, pages, counts[0], counts[1], results["precision"])


def group_names(township_id: int) -> dict[int, dict]:
    """{group_id: {village, village_en, name, name_en}}: what the page and the exports
    name a household's place with."""
    return {g["id"]: g for g in township_groups(township_id)}


def results_table(result: dict, places: dict[int, dict], lang: str) -> list[list]:
    """Header + one row per checked household, then the households not checked, for the
    exports (written formula-safe by exports.py). Places are named as they are now."""
    header = [t(key, lang) for key in (
        "ex.village", "ex.group", "hr.number", "hr.head", "ex.shown_score", "hr.mean_score",
        "ex.inspections", "ex.veto", "hr.points", "hr.status")]

    def place(h):
        g = places.get(h["group_id"], {})
        en = lang == "en"
        return [(en and g.get("village_en")) or g.get("village", ""),
                (en and g.get("name_en")) or g.get("name", "")]

    # A version published before households were ordered by 户号 as people count them
    # (migration 0018) was frozen in text order: every export reads in today's order.
    group_order = {group_id: n for n, group_id in enumerate(places)}

    def in_order(households):
        return sorted(households, key=lambda h: (group_order.get(h["group_id"], len(places)),
                                                 number_sort_key(h["number"]),
                                                 h["household_id"]))

    rows = [header]
    for h in in_order(result["households"]):
        rows.append(place(h) + [h["number"], h["head"], h["shown_score"], h["score"],
                                h["inspections"], t("ex.yes", lang) if h["veto"] else "",
                                h["points"], t("hr.checked", lang)])
    for h in in_order(result["not_checked"]):
        rows.append(place(h) + [h["number"], h["head"], None, None, 0, "", None,
                                t("hr.not_checked", lang)])
    return rows
