"""Combined results (季度汇总 / 年度汇总) from the database: the chosen rounds' latest
published snapshots in, sync.combined out, and publishing it as a snapshot of its own
(snapshots.py).

A combined result reads only published snapshots: reviewing a month later changes
nothing here until that month is published again, and a published combined result
changes only by publishing it again. The caller commits. Problems use the catalogue
keys cb.err_<code>.
"""
from __future__ import annotations

from sync.combined import PublishedRound, combine_rounds
from sync.rubric import VETO, item_index
from sync.states import GROUP_SUBJECT

from ..admin.rubrics import rubrics_by_version
from ..audit import record_audit
from ..extensions import db
from ..models import CombinedResult, PublishedCombined, Round, Township, User, utcnow
from ..errors import Problem, Problems, name_problem
from ..scope import MAX_ID, in_township
from ..admin.township import display_precision
from .rankings import as_shown, township_groups
from .reasons import spelled
from .snapshots import (COMBINED, ROUND_LISTS, SnapshotKind, freeze, latest_snapshots,
                        published_owners, snapshot, versions)

# Twelve months make a year; five years of them is more than any result needs.
MAX_ROUNDS = 60
NAME_COLUMNS = {"name": CombinedResult.__table__.c.name,
                "name_en": CombinedResult.__table__.c.name_en}
PLACE_KEYS = ("village", "name", "village_en", "name_en")


def chosen_published_rounds(round_ids: list[int], user: User, *, subject: str,
                            other_subject: str, kind: SnapshotKind) -> list[Round]:
    """The rounds of the user's township with these ids, oldest first, each of `subject`
    with a snapshot of `kind` published. Errors in this order: a missing or foreign id
    the 404 of in_township, a round of another subject 400 (`other_subject`, naming it),
    an unpublished one 409."""
    if not round_ids:
        raise Problems([Problem("rounds_required", field="rounds")])
    if len(round_ids) > MAX_ROUNDS:
        raise Problems([Problem("too_many_rounds", {"max": MAX_ROUNDS}, field="rounds")])
    if len(set(round_ids)) != len(round_ids):
        raise Problems([Problem("duplicate_round", field="rounds")])
    # One query for the rounds and one for which are published, not two per round.
    found = {r.id: r for r in db.session.execute(db.select(Round).where(
        Round.township_id == user.township_id,
        Round.id.in_([i for i in round_ids if 0 < i <= MAX_ID]))).scalars()}
    for round_id in round_ids:
        if round_id not in found:
            in_township(Round, round_id, user)      # its 404
    rounds = sorted(found.values(), key=lambda r: (r.starts_on, r.id))
    of_other = [Problem(other_subject, {"round": r.name}, field="rounds")
                for r in rounds if r.subject != subject]
    if of_other:
        raise Problems(of_other)
    published = set(db.session.execute(db.select(kind.owner_column).where(
        kind.owner_column.in_(round_ids)).distinct()).scalars())
    unpublished = [Problem("round_not_published", {"round": r.name}, field="rounds", status=409)
                   for r in rounds if r.id not in published]
    if unpublished:
        raise Problems(unpublished)
    return rounds


def chosen_rounds(round_ids: list[int], user: User) -> list[Round]:
    """Group rounds with published lists: a household round has results per household,
    no ranking of groups to combine (400 household_round)."""
    return chosen_published_rounds(round_ids, user, subject=GROUP_SUBJECT,
                                   other_subject="household_round", kind=ROUND_LISTS)


def latest_lists(round_ids: list[int]) -> dict:
    """{round id: its latest published lists}, in one query (a year is twelve rounds)."""
    return latest_snapshots(ROUND_LISTS, round_ids)


def _weights(rubric: dict | None) -> dict:
    """{(criterion, item): (points each, is veto)}: how the rounds' reasons add up."""
    if rubric is None:
        return {}
    return {key: (float(item["points"]), item["kind"] == VETO)
            for key, item in item_index(rubric).items()}


def compute_combined(rounds: list[Round]) -> dict:
    """The combined result of chosen_rounds' rounds as plain data, reasons as data."""
    latest = latest_lists([r.id for r in rounds])
    snapshots = [latest[r.id] for r in rounds]
    rubrics = rubrics_by_version({s.result.get("rubric_version") for s in snapshots} - {None})
    places = {}
    for s in snapshots:   # oldest first: a group's latest published name wins
        places.update({g["group_id"]: g for g in s.result["groups"]})
    combined = combine_rounds(
        [PublishedRound(s.result["groups"], _weights(rubrics.get(s.result.get("rubric_version"))))
         for s in snapshots],
        names={group_id: g["name"] for group_id, g in places.items()},
        precision=display_precision(rounds[0].township_id))
    rubric_versions = [s.result.get("rubric_version") for s in snapshots]
    return {
        "rounds": [{"id": r.id, "name": r.name, "name_en": r.name_en,
                    "starts_on": r.starts_on.isoformat(), "ends_on": r.ends_on.isoformat(),
                    "version": s.version} for r, s in zip(rounds, snapshots)],
        "computed_at": utcnow().isoformat(),
        "red_size": combined.red_size, "black_size": combined.black_size,
        "precision": combined.precision,
        # the labels of the reasons' items: the newest round's rubric
        "rubric_version": next((v for v in reversed(rubric_versions) if v is not None), None),
        "groups": [{
            "group_id": g.group_id, **{k: places[g.group_id].get(k) for k in PLACE_KEYS},
            "rank": g.rank, "score": g.score, "shown_score": g.shown_score,
            "tie_break": g.tie_break, "rounds": g.rounds, "partial": g.partial,
            "veto": g.veto, "list": g.list, "reasons": g.reasons,
        } for g in combined.groups],
        "not_ranked": [{"group_id": g["id"], **{k: g[k] for k in PLACE_KEYS}}
                       for g in township_groups(rounds[0].township_id) if g["id"] not in places],
    }


def live_combined(rounds: list[Round]) -> dict:
    """The combined result as a page or the API shows it, reasons spelt out."""
    return spelled(compute_combined(rounds))


def checked_names(name: str | None, name_en: str | None,
                  columns: dict = NAME_COLUMNS) -> tuple[str, str | None]:
    """A published result's names, trimmed: `name` required, each fitting its column."""
    name, name_en = (name or "").strip(), (name_en or "").strip() or None
    problems = [Problem("required", field="name") if not name
                else name_problem(name, columns["name"], field="name")]
    if name_en is not None:
        problems.append(name_problem(name_en, columns["name_en"], field="name_en"))
    problems = [p for p in problems if p]
    if problems:
        raise Problems(problems)
    return name, name_en


def existing_result(township_id: int, round_ids: list[int]) -> CombinedResult | None:
    """The township's combined result of exactly these rounds (in any order), if any."""
    round_ids = sorted(round_ids)
    # Compared in Python: the JSON list is the same on SQLite and PostgreSQL that way.
    for combined in township_combined(township_id):
        if combined.round_ids == round_ids:
            return combined
    return None


def publish_combined(rounds: list[Round], user: User, name: str | None,
                     name_en: str | None) -> PublishedCombined:
    """Freeze the combined result of chosen_rounds' rounds as a new version; the same
    set of rounds again adds a version to its result (under the new names)."""
    name, name_en = checked_names(name, name_en)
    round_ids = sorted(r.id for r in rounds)
    # One publisher of the township at a time: two first publications of the same rounds
    # must not make two results, nor two publications the same version.
    db.session.execute(db.select(Township.id).where(Township.id == user.township_id)
                       .with_for_update())
    combined = existing_result(user.township_id, round_ids)
    if combined is None:
        combined = CombinedResult(township_id=user.township_id, round_ids=round_ids)
        db.session.add(combined)
    combined.name, combined.name_en = name, name_en
    db.session.flush()
    result = compute_combined(rounds)
    frozen = freeze(COMBINED, combined.id, {
        **result, "combined": {"id": combined.id, "name": name, "name_en": name_en}}, user)
    record_audit("publish_combined", "combined", combined.id, user=user, detail={
        "version": frozen.version, "name": name,
        "rounds": {str(r["id"]): r["version"] for r in result["rounds"]}})
    return frozen


def combined_in_scope(combined_id: int, user: User) -> CombinedResult:
    return in_township(CombinedResult, combined_id, user)


def published_combined(combined: CombinedResult, version: int | None = None) -> dict | None:
    """A published snapshot (the latest unless `version` is given), reasons spelt out."""
    found = snapshot(COMBINED, combined.id, version)
    return None if found is None else spelled(as_shown(found.result))


def published_versions(combined_id: int) -> list:
    return versions(COMBINED, combined_id)


def township_combined(township_id: int) -> list[CombinedResult]:
    """The township's combined results, newest first."""
    return db.session.execute(
        db.select(CombinedResult).where(CombinedResult.township_id == township_id)
        .order_by(CombinedResult.id.desc())).scalars().all()


def published_rounds(township_id: int) -> list[Round]:
    """The township's rounds that can be combined (published at least once), newest first."""
    return db.session.execute(
        db.select(Round).where(Round.township_id == township_id,
                               Round.id.in_(published_owners(ROUND_LISTS)))
        .order_by(Round.starts_on.desc(), Round.id.desc())).scalars().all()
