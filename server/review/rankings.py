"""A round's rankings from the database: scored inspections in, sync.ranking out.

The rule itself lives in sync/ranking.py (pure) and each inspection's score in
scoring.py. Here: the previous round for `change`, a cache keyed by the round's
data_version, and publishing frozen snapshots. Results hold reasons as data; every
ranking handed out has them spelt out too (reasons.py).
"""
from __future__ import annotations

import copy
import gc
from collections import defaultdict
from contextlib import contextmanager

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from sync.ranking import CountedInspection, GroupRef, rank_round

from ..admin.rubrics import rubrics_by_version
from ..audit import record_audit
from ..changes import record_change
from ..extensions import db
from ..models import PublishedRanking, RankingCache, Round, User, Village, VillagerGroup, utcnow
from .publishing import check_publishable
from .reasons import spelled
from .rectifications import carried_over, open_rectifications
from .scoring import scored_inspections

TREND_ROUNDS = 6
# The shape of a computed result; a cache of another shape is computed again.
# 2: reasons as data ([{criterion, item, count}]) and the rubric version they name.
RESULT_FORMAT = 2


def bump_data_version(round_id: int) -> None:
    """Something feeding this round's ranking changed: recompute on the next read."""
    db.session.execute(sa.update(Round).where(Round.id == round_id)
                       .values(data_version=Round.data_version + 1))


def township_groups(township_id: int) -> list[dict]:
    rows = db.session.execute(
        db.select(VillagerGroup.id, VillagerGroup.name, VillagerGroup.name_en,
                  Village.name.label("village"), Village.name_en.label("village_en"))
        .join(Village).where(Village.township_id == township_id)
        .order_by(Village.id, VillagerGroup.id)).all()
    return [row._asdict() for row in rows]


def previous_round(round_: Round) -> Round | None:
    """The township's latest round ending before this one starts."""
    return db.session.execute(
        db.select(Round).where(Round.township_id == round_.township_id,
                               Round.ends_on < round_.starts_on)
        .order_by(Round.ends_on.desc(), Round.id.desc()).limit(1)).scalar_one_or_none()


def latest_published(round_id: int) -> PublishedRanking | None:
    return db.session.execute(
        db.select(PublishedRanking).where(PublishedRanking.round_id == round_id)
        .order_by(PublishedRanking.version.desc()).limit(1)).scalar_one_or_none()


def _cache_key(round_: Round) -> dict:
    """Everything a live ranking depends on besides the round's own data_version."""
    previous = previous_round(round_)
    published = latest_published(previous.id) if previous else None
    groups = db.session.execute(
        db.select(sa.func.count(VillagerGroup.id), sa.func.max(VillagerGroup.id))
        .join(Village).where(Village.township_id == round_.township_id)).one()
    return {
        "format": RESULT_FORMAT, "data_version": round_.data_version,
        "m": float(current_app.config["RANKING_M"]),
        "red_size": round_.red_size, "black_size": round_.black_size,
        "groups": [groups[0], groups[1]],
        "previous": None if previous is None else {
            "round_id": previous.id, "data_version": previous.data_version,
            "published": published.version if published else None},
    }


def _previous_ranks(key: dict) -> dict:
    """{group_id: rank} of the previous round: its latest published lists if any,
    else its live ranking (cached, or computed here without its own `change`)."""
    previous = key["previous"]
    if previous is None:
        return {}
    if previous["published"] is not None:
        result = latest_published(previous["round_id"]).result
    else:
        round_ = db.session.get(Round, previous["round_id"])
        cache = db.session.get(RankingCache, round_.id)
        if cache is not None and cache.data_version == round_.data_version:
            result = cache.result
        else:
            result = compute_ranking(round_, previous_ranks={})
    return {g["group_id"]: g["rank"] for g in result["groups"]}


@contextmanager
def gc_paused():
    """The computation makes ~100,000 small objects that all survive until it ends;
    the cyclic garbage collector would scan them over and over (half the time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def compute_ranking(round_: Round, previous_ranks: dict | None = None) -> dict:
    """The ranking of a round as plain JSON-ready data (without round/published info)."""
    with gc_paused():
        return _compute_ranking(round_, previous_ranks)


def _compute_ranking(round_: Round, previous_ranks: dict | None) -> dict:
    rubrics = rubrics_by_version()
    groups = township_groups(round_.township_id)
    inspections = [CountedInspection(i.id, i.group_id, i.inspector_id, i.score)
                   for i in scored_inspections(round_, rubrics=rubrics)]
    refs = [GroupRef(g["id"], g["village"], g["name"]) for g in groups]
    ranking = rank_round(refs, inspections, m=float(current_app.config["RANKING_M"]),
                         red_size=round_.red_size, black_size=round_.black_size,
                         previous_ranks=previous_ranks or {})
    by_id = {g["id"]: g for g in groups}
    return {
        "m": float(current_app.config["RANKING_M"]), "mean_raw_score": ranking.mean_raw_score,
        "red_size": ranking.red_size, "black_size": ranking.black_size,
        # the labels of the reasons' items, whatever the round's rubric becomes later
        "rubric_version": round_.rubric.version,
        "groups": [{
            "group_id": g.group_id, "village": g.village, "name": g.name,
            "village_en": by_id[g.group_id]["village_en"], "name_en": by_id[g.group_id]["name_en"],
            "rank": g.rank, "score": g.score, "raw_score": g.raw_score,
            "inspections": g.inspections, "inspectors": g.inspectors,
            "low_confidence": g.low_confidence, "veto": g.veto, "list": g.list,
            "reasons": g.reasons, "change": g.change,
        } for g in ranking.groups],
        "not_inspected": [{
            "group_id": r.group_id, "village": r.village, "name": r.name,
            "village_en": by_id[r.group_id]["village_en"], "name_en": by_id[r.group_id]["name_en"],
        } for r in ranking.not_inspected],
    }


def round_info(round_: Round) -> dict:
    return {"id": round_.id, "name": round_.name, "name_en": round_.name_en,
            "starts_on": round_.starts_on.isoformat(),
            "ends_on": round_.ends_on.isoformat(), "state": round_.state}


def published_info(snapshot: PublishedRanking | None) -> dict | None:
    if snapshot is None:
        return None
    return {"version": snapshot.version, "published_at": snapshot.published_at.isoformat(),
            "published_by": snapshot.published_by}


def live_ranking(round_: Round) -> dict:
    """The live ranking, its reasons spelt out (from the cache when nothing changed)."""
    return spelled(_live_result(round_))


def _live_result(round_: Round) -> dict:
    """The live ranking with reasons as data: from the cache when nothing it depends on
    has changed."""
    key = _cache_key(round_)
    cache = db.session.get(RankingCache, round_.id)
    if cache is None or cache.data_version != key["data_version"] \
            or cache.result.get("key") != key:
        result = compute_ranking(round_, _previous_ranks(key))
        result["key"] = key
        computed_at = utcnow()
        result["computed_at"] = computed_at.isoformat()
        _store_cache(round_.id, key["data_version"], computed_at, result)
        cache_result = result
    else:
        cache_result = cache.result
    out = dict(cache_result)
    out.pop("key", None)
    out["round"] = round_info(round_)
    out["published"] = published_info(latest_published(round_.id))
    return out


def _store_cache(round_id: int, data_version: int, computed_at, result: dict) -> None:
    try:
        with db.session.begin_nested():
            cache = db.session.get(RankingCache, round_id)
            if cache is None:
                db.session.add(RankingCache(round_id=round_id, data_version=data_version,
                                            computed_at=computed_at, result=result))
            else:
                cache.data_version, cache.computed_at, cache.result = \
                    data_version, computed_at, result
    except IntegrityError:
        pass  # another request stored the same computation first
    db.session.commit()


def published_ranking(round_: Round, version: int | None = None) -> dict | None:
    """A published snapshot (the latest unless `version` is given), as it was frozen,
    its reasons spelt out, with the earlier rounds' rectifications still open."""
    result = _published_result(round_, version)
    return None if result is None else _as_published(round_, result)


def _as_published(round_: Round, result: dict) -> dict:
    return {**spelled(result), "carried_over": carried_over(round_)}


def _published_result(round_: Round, version: int | None = None) -> dict | None:
    query = db.select(PublishedRanking).where(PublishedRanking.round_id == round_.id)
    if version is not None:
        query = query.where(PublishedRanking.version == version)
    snapshot = db.session.execute(
        query.order_by(PublishedRanking.version.desc()).limit(1)).scalar_one_or_none()
    if snapshot is None:
        return None
    return snapshot.result


def publish(round_: Round, user: User) -> dict:
    """Freeze the current ranking as a new published version; PublishRuleError while the
    round is open. The caller commits."""
    check_publishable(round_)
    live = _live_result(round_)
    db.session.execute(db.select(Round).where(Round.id == round_.id).with_for_update())
    last = db.session.execute(
        db.select(sa.func.max(PublishedRanking.version))
        .where(PublishedRanking.round_id == round_.id)).scalar() or 0
    now = utcnow()
    snapshot = PublishedRanking(round_id=round_.id, version=last + 1, published_at=now,
                                published_by=user.id, result={})
    result = copy.deepcopy(live)
    round_.state = "published"
    result["round"] = round_info(round_)
    result["published"] = {"version": last + 1, "published_at": now.isoformat(),
                           "published_by": user.id}
    snapshot.result = result
    db.session.add(snapshot)
    record_audit("publish_round", "round", round_.id, user=user,
                 detail={"version": last + 1, "data_version": round_.data_version})
    record_change(db.session, "round", round_.id, round_.township_id)
    open_rectifications(round_, result, last + 1, now)
    return _as_published(round_, result)


def published_versions(round_id: int) -> list[PublishedRanking]:
    return db.session.execute(
        db.select(PublishedRanking).where(PublishedRanking.round_id == round_id)
        .order_by(PublishedRanking.version)).scalars().all()


def trend(round_: Round, limit: int = TREND_ROUNDS,
          current: dict | None = None) -> tuple[list[Round], dict]:
    """The last `limit` rounds up to this one, and {group_id: [score or None, ...]}:
    this round live, earlier ones as last published (live if never published)."""
    rounds = db.session.execute(
        db.select(Round).where(Round.township_id == round_.township_id,
                               Round.starts_on <= round_.starts_on)
        .order_by(Round.starts_on.desc(), Round.id.desc()).limit(limit)).scalars().all()
    rounds = [r for r in rounds if r.id == round_.id or r.ends_on < round_.starts_on]
    rounds.reverse()
    scores = defaultdict(lambda: [None] * len(rounds))
    for n, r in enumerate(rounds):
        if r.id == round_.id:  # this round shows live; earlier ones as published
            result = current or _live_result(r)
        else:
            result = _published_result(r) or _live_result(r)
        for g in result["groups"]:
            scores[g["group_id"]][n] = g["score"]
    return rounds, scores
