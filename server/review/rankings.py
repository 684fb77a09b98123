"""A round's live rankings from the database: scored inspections in, sync.ranking out.

The rule itself lives in sync/ranking.py (pure) and each inspection's score in
scoring.py; publishing them is publishing.py's. Here: the previous round for `change`,
the trend, and a cache of each round's live ranking. The cache is keyed by the change
log (changes.py): every write to an inspection, a round or a place records a change, so
its latest sequence in the township says whether anything a ranking reads has changed
since, and no writer has anything else to remember. Results hold reasons as data;
every ranking handed out has them spelt out too (reasons.py).
"""
from __future__ import annotations

import gc
from collections import defaultdict
from contextlib import contextmanager
from typing import NamedTuple

from flask import current_app
from sqlalchemy.exc import IntegrityError

from sync.ranking import DEFAULT_PRECISION, CountedInspection, GroupRef, rank_round, shown_score

from ..admin.rubrics import rubrics_by_version
from ..admin.township import display_precision
from ..changes import latest_seq
from ..database import has_written
from ..extensions import db
from ..models import RankingCache, Round, Village, VillagerGroup, utcnow
from .reasons import spelled
from .scoring import ScoredInspection, scored_inspections
from .snapshots import ROUND_LISTS, latest_info, snapshot

TREND_ROUNDS = 6
# The shape of a computed result; a cache of another shape is computed again.
# 2: reasons as data ([{criterion, item, count}]) and the rubric version they name.
# 3: keyed by the change log's sequence instead of a version each writer bumped.
# 4: ranked on the shown score: precision, shown_score and tie_break.
RESULT_FORMAT = 4
# What a ranking reads, as the change log names it: the township's inspections (any
# round's: the previous round's ranks give `change`, and an inspection's photo reviews
# record it too), its rounds (list sizes, periods, publishing) and its places. Wider
# than one round on purpose: an edit that moves something between rounds is seen too.
RANKING_INPUTS = ("inspection", "photo_review", "round", "village", "group")


def township_groups(township_id: int) -> list[dict]:
    rows = db.session.execute(
        db.select(VillagerGroup.id, VillagerGroup.name, VillagerGroup.name_en,
                  Village.name.label("village"), Village.name_en.label("village_en"))
        .join(Village).where(Village.township_id == township_id)
        .order_by(Village.id, VillagerGroup.id)).all()
    return [row._asdict() for row in rows]


def previous_round(round_: Round) -> Round | None:
    """The township's latest round of the same subject ending before this one starts."""
    return db.session.execute(
        db.select(Round).where(Round.township_id == round_.township_id,
                               Round.subject == round_.subject,
                               Round.ends_on < round_.starts_on)
        .order_by(Round.ends_on.desc(), Round.id.desc()).limit(1)).scalar_one_or_none()


def _cache_key(round_: Round) -> dict:
    """Everything a live ranking depends on. `inputs` is None while this transaction
    holds a change of an input not yet numbered: then nothing cached is right."""
    return {"format": RESULT_FORMAT, "m": float(current_app.config["RANKING_M"]),
            # a setting, not a change-logged input: a new precision is a new key
            "precision": display_precision(round_.township_id),
            "inputs": latest_seq(db.session, round_.township_id, RANKING_INPUTS)}


def _cached(round_id: int, key: dict) -> dict | None:
    """The round's cached live ranking if it was computed from what the key names."""
    if key["inputs"] is None:
        return None
    cache = db.session.get(RankingCache, round_id)
    if cache is None or cache.inputs_seq != key["inputs"] or cache.result.get("key") != key:
        return None
    return cache.result


def _previous_ranks(round_: Round, key: dict) -> dict:
    """{group_id: rank} of the previous round: its latest published lists if any,
    else its live ranking (cached, or computed here without its own `change`)."""
    previous = previous_round(round_)
    if previous is None:
        return {}
    published = snapshot(ROUND_LISTS, previous.id)
    if published is not None:
        result = published.result
    else:
        # The key names the township's inputs, so the previous round's cache is as
        # fresh as this one's under the same key.
        result = _cached(previous.id, key) or compute_ranking(previous, previous_ranks={})
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
        return _compute_ranking(round_, previous_ranks)[0]


def _compute_ranking(round_: Round,
                     previous_ranks: dict | None) -> tuple[dict, list[ScoredInspection]]:
    """The ranking, and the scored inspections it counted."""
    rubrics = rubrics_by_version()
    groups = township_groups(round_.township_id)
    scored = scored_inspections(round_, rubrics=rubrics)
    inspections = [CountedInspection(i.id, i.group_id, i.inspector_id, i.score) for i in scored]
    refs = [GroupRef(g["id"], g["village"], g["name"]) for g in groups]
    ranking = rank_round(refs, inspections, m=float(current_app.config["RANKING_M"]),
                         red_size=round_.red_size, black_size=round_.black_size,
                         previous_ranks=previous_ranks or {},
                         precision=display_precision(round_.township_id))
    by_id = {g["id"]: g for g in groups}
    return {
        "m": float(current_app.config["RANKING_M"]), "mean_raw_score": ranking.mean_raw_score,
        "precision": ranking.precision,
        "red_size": ranking.red_size, "black_size": ranking.black_size,
        # the labels of the reasons' items, whatever the round's rubric becomes later
        "rubric_version": round_.rubric.version,
        "groups": [{
            "group_id": g.group_id, "village": g.village, "name": g.name,
            "village_en": by_id[g.group_id]["village_en"], "name_en": by_id[g.group_id]["name_en"],
            "rank": g.rank, "score": g.score, "shown_score": g.shown_score,
            "tie_break": g.tie_break, "raw_score": g.raw_score, "inspections": g.inspections, "inspectors": g.inspectors,
            "low_confidence": g.low_confidence, "veto": g.veto, "list": g.list,
            "reasons": g.reasons, "change": g.change,
        } for g in ranking.groups],
        "not_inspected": [{
            "group_id": r.group_id, "village": r.village, "name": r.name,
            "village_en": by_id[r.group_id]["village_en"], "name_en": by_id[r.group_id]["name_en"],
        } for r in ranking.not_inspected],
    }, scored


def as_shown(result: dict) -> dict:
    """A ranking or combined result with `precision`, `shown_score` and `tie_break`,
    which snapshots published before them lack: they were shown at one decimal, and
    no tie-break named, so none is invented now."""
    if "precision" in result:
        return result
    return {**result, "precision": DEFAULT_PRECISION, "groups": [
        {**g, "shown_score": shown_score(g["score"], DEFAULT_PRECISION), "tie_break": None}
        for g in result["groups"]]}


def round_info(round_: Round) -> dict:
    return {"id": round_.id, "name": round_.name, "name_en": round_.name_en,
            "starts_on": round_.starts_on.isoformat(),
            "ends_on": round_.ends_on.isoformat(), "state": round_.state}


def live_ranking(round_: Round) -> dict:
    """The live ranking, its reasons spelt out (from the cache when nothing changed)."""
    return spelled(_live_result(round_))


def keyed_live_ranking(round_: Round) -> tuple[dict, tuple | None]:
    """live_ranking, and the key of everything it read (the change log's sequence of the
    township's inspections, rounds and places, and the settings): what a page draws from
    the township's rankings can be kept under it. None while this transaction holds a
    change not yet numbered."""
    key = _cache_key(round_)
    return (spelled(_live_result(round_, key)),
            None if key["inputs"] is None else tuple(sorted(key.items())))


def _live_result(round_: Round, key: dict | None = None) -> dict:
    """The live ranking with reasons as data: from the cache when nothing it depends on
    has changed, else computed and kept for the next reader."""
    key = key or _cache_key(round_)
    result = _cached(round_.id, key)
    if result is None:
        result = compute_ranking(round_, _previous_ranks(round_, key))
        result["key"] = key
        result["computed_at"] = utcnow().isoformat()
        if key["inputs"] is not None:
            _keep(round_.id, key["inputs"], result)
    out = {k: v for k, v in result.items() if k != "key"}
    out["round"] = round_info(round_)
    out["published"] = latest_info(ROUND_LISTS, round_.id)
    return out


def _keep(round_id: int, inputs_seq: int, result: dict) -> None:
    """Keeps a computed ranking for the next reader: the one write on a read's path,
    and a deliberate one. The pages and API calls that read rankings write nothing and
    commit nothing, so the cache is committed here, in a short transaction of its own
    once the read's (with nothing to commit) has ended. A caller that has written in its
    transaction (none does today) is never committed from here: the cache then goes
    into a savepoint, stored only if that caller commits."""
    if has_written(db.session):
        with db.session.begin_nested():
            _put_cache(round_id, inputs_seq, result)
        return
    db.session.commit()
    try:
        with db.session.begin():
            _put_cache(round_id, inputs_seq, result)
    except IntegrityError:
        pass  # another request stored the same computation first


def _put_cache(round_id: int, inputs_seq: int, result: dict) -> None:
    cache = db.session.get(RankingCache, round_id)
    if cache is None:
        db.session.add(RankingCache(round_id=round_id, inputs_seq=inputs_seq,
                                    computed_at=utcnow(), result=result))
    else:
        cache.inputs_seq, cache.computed_at, cache.result = inputs_seq, utcnow(), result


class RankingToPublish(NamedTuple):
    result: dict                    # as compute_ranking, with computed_at
    scored: list[ScoredInspection]  # the inspections it counted
    inputs_seq: int | None          # how far the change log of its inputs had come


def ranking_to_publish(round_: Round) -> RankingToPublish:
    """The round's ranking computed now, never from the cache (publishing freezes what
    it reads under the round's lock), with what publishing needs besides."""
    key = _cache_key(round_)
    with gc_paused():
        result, scored = _compute_ranking(round_, _previous_ranks(round_, key))
    result["computed_at"] = utcnow().isoformat()
    return RankingToPublish(result, scored, key["inputs"])


def trend(round_: Round, limit: int = TREND_ROUNDS,
          current: dict | None = None) -> tuple[list[Round], dict]:
    """The last `limit` rounds up to this one, and {group_id: [score or None, ...]}:
    this round live, earlier ones as last published (live if never published)."""
    rounds = db.session.execute(
        db.select(Round).where(Round.township_id == round_.township_id,
                               Round.subject == round_.subject,  # households: no ranking
                               Round.starts_on <= round_.starts_on)
        .order_by(Round.starts_on.desc(), Round.id.desc()).limit(limit)).scalars().all()
    rounds = [r for r in rounds if r.id == round_.id or r.ends_on < round_.starts_on]
    rounds.reverse()
    scores = defaultdict(lambda: [None] * len(rounds))
    for n, r in enumerate(rounds):
        if r.id == round_.id:  # this round shows live; earlier ones as published
            result = current or _live_result(r)
        else:
            published = snapshot(ROUND_LISTS, r.id)
            result = published.result if published else _live_result(r)
        for g in result["groups"]:
            scores[g["group_id"]][n] = g["score"]
    return rounds, scores
