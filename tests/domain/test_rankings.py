"""server/review/rankings.py: counted inspections from the database into sync.ranking.

Rows are made directly with the models (no HTTP), on SQLite and PostgreSQL.
"""
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from server.admin.rounds import close_round, update_round
from server.changes import latest_seq, record_change
from server.extensions import db
from server.models import (AuditEntry, Inspection, Photo, PublishedRanking, RankingCache,
                           Round, User, Village, VillagerGroup)
from server.review import publishing, rankings, scoring
from tests.support.snapshots import OLD_REASON, OLD_REASON_EN, publish_old_snapshot


def the_round() -> Round:
    return db.session.execute(db.select(Round)).scalar_one()


def groups(n: int) -> list[int]:
    return db.session.execute(db.select(VillagerGroup.id).order_by(VillagerGroup.id)
                              .limit(n)).scalars().all()


def last_month(current: Round) -> Round:
    """A closed round before `current`, on its rubric."""
    earlier = Round(township_id=current.township_id, name="上月", rubric_id=current.rubric_id,
                    starts_on=current.starts_on - timedelta(days=40),
                    ends_on=current.starts_on - timedelta(days=10), state="closed")
    db.session.add(earlier)
    db.session.commit()
    return earlier


def user_id(name: str) -> int:
    return db.session.execute(db.select(User.id).where(User.username == name)).scalar_one()


def add(round_, group_id, deductions=None, *, inspector="inspector1", state="received",
        photos=()) -> Inspection:
    """An inspection row; photos = [(criterion, item, accepted)]."""
    row = Inspection(
        id=str(uuid.uuid4()), township_id=round_.township_id, round_id=round_.id,
        group_id=group_id, inspector_id=user_id(inspector), rubric_version=1,
        criteria={c: {"na": False, "deductions": items, "note": ""}
                  for c, items in (deductions or {}).items()},
        review_state=state, flags=[])
    for n, (criterion, item, accepted) in enumerate(photos):
        row.photos.append(Photo(id=str(uuid.uuid4()), position=n, sha256=f"{n:064x}", size=1,
                                mime="image/jpeg", width=1, height=1, criterion=criterion,
                                item=item, source="camera", flags=[], accepted=accepted))
    db.session.add(row)
    db.session.flush()
    record_change(db.session, "inspection", row.id, round_.township_id)
    db.session.commit()
    return row


def by_group(result):
    return {g["group_id"]: g for g in result["groups"]}


def test_counted_states_and_per_inspector_average(app):
    r = the_round()
    a, b = groups(2)
    add(r, a, {"roads": {"road_dirty": 2}})                       # 98
    add(r, a, {"roads": {"road_dirty": 4}})                       # 96, same inspector
    add(r, a, {"roads": {"road_dirty": 10}}, inspector="inspector2", state="has_issues")  # 90
    add(r, b, {"roads": {"road_dirty": 1}}, state="approved")     # 99
    add(r, b, {"roads": {"road_dirty": 9}}, state="rejected")     # not counted
    result = rankings.live_ranking(r)
    groups_ = by_group(result)
    assert groups_[a]["raw_score"] == pytest.approx((97 + 90) / 2)
    assert (groups_[a]["inspections"], groups_[a]["inspectors"]) == (3, 2)
    assert groups_[b]["raw_score"] == 99.0 and groups_[b]["inspections"] == 1
    assert groups_[b]["low_confidence"]
    assert len(result["not_inspected"]) == 37 - 2


def test_void_only_when_every_supporting_photo_is_rejected(app):
    r = the_round()
    a, b, c = groups(3)
    add(r, a, {"collection": {"bins": 4}},
        photos=[("collection", "bins", False), ("collection", "bins", None)])   # still 96
    add(r, b, {"collection": {"bins": 4}},
        photos=[("collection", "bins", False), ("collection", "bins", False)])  # void: 100
    add(r, c, {"collection": {"bins": 4}})                                      # no photo: 96
    scored = {s.group_id: s for s in scoring.scored_inspections(r)}
    assert scored[a].score.total == 96.0 and scored[a].void == frozenset()
    assert scored[b].score.total == 100.0 and scored[b].void == {("collection", "bins")}
    assert scored[c].score.total == 96.0
    groups_ = by_group(rankings.live_ranking(r))
    assert groups_[b]["rank"] == 1 and groups_[b]["reason"] == ""


def test_cache_is_used_until_its_inputs_change(app):
    r = the_round()
    a, b = groups(2)
    add(r, a, {"roads": {"road_dirty": 2}})
    first = rankings.live_ranking(r)
    cache = db.session.get(RankingCache, r.id)
    assert cache.inputs_seq == latest_seq(db.session, r.township_id, rankings.RANKING_INPUTS)
    calls = []
    original = rankings.compute_ranking
    rankings.compute_ranking = lambda *a, **k: calls.append(1) or original(*a, **k)
    try:
        assert rankings.live_ranking(r)["computed_at"] == first["computed_at"]
        assert calls == []
        add(r, b, {"roads": {"road_dirty": 1}})
        assert b in by_group(rankings.live_ranking(r))
        assert calls == [1]
    finally:
        rankings.compute_ranking = original


def test_reasons_in_both_languages_and_names(app):
    r = the_round()
    a, = groups(1)
    add(r, a, {"toilets": {"open_pit": 2}, "collection": {"bins": 1}})
    g = rankings.live_ranking(r)["groups"][0]
    assert g["reason"] == "粪坑露天敞口 ×2，垃圾桶破损、未加盖或满溢 ×1"
    assert g["reason_en"] == "Open manure pit ×2, Bin broken, uncovered or overflowing ×1"
    assert (g["village"], g["name"], g["name_en"]) == ("曼贺村", "曼贺一组", "Manhe Group 1")


def test_previous_round_prefers_its_published_lists(app):
    current = the_round()
    a, b = groups(2)
    earlier = last_month(current)
    add(earlier, a, {"roads": {"road_dirty": 1}})
    add(earlier, b, {"roads": {"road_dirty": 5}})
    publishing.publish(earlier, db.session.get(User, user_id("supervisor1")))
    db.session.commit()
    add(earlier, b, {"roads": {"road_dirty": 0}})   # after publishing: b would now lead live
    add(current, a, {"roads": {"road_dirty": 3}})
    add(current, b, {"roads": {"road_dirty": 1}})
    now = by_group(rankings.live_ranking(current))
    assert (now[a]["change"], now[b]["change"]) == (1 - 2, 2 - 1)   # against published
    assert rankings.previous_round(current).id == earlier.id
    rounds, scores = rankings.trend(current)
    assert [x.id for x in rounds] == [earlier.id, current.id]
    assert scores[b][0] == by_group(publishing.published_ranking(earlier))[b]["score"]


def test_publishing_freezes_and_versions(app):
    r = the_round()
    a, = groups(1)
    add(r, a, {"roads": {"road_dirty": 2}})
    boss = db.session.get(User, user_id("supervisor1"))
    close_round(r)
    first = publishing.publish(r, boss)
    db.session.commit()
    assert r.state == "published"
    add(r, a, {"roads": {"road_dirty": 8}}, inspector="inspector2")
    assert publishing.published_ranking(r) == first
    assert rankings.live_ranking(r)["published"]["version"] == 1   # live, beside the lists
    second = publishing.publish(r, boss)
    db.session.commit()
    assert (first["published"]["version"], second["published"]["version"]) == (1, 2)
    assert publishing.published_ranking(r, 1) == first
    assert publishing.published_ranking(r)["groups"][0]["raw_score"] == 95.0
    entries = db.session.execute(db.select(AuditEntry).where(
        AuditEntry.action == "publish_round")).scalars().all()
    assert [e.detail["version"] for e in entries] == [1, 2]


def test_a_large_round_loads_with_a_few_queries(app):
    r = the_round()
    township = r.township_id
    village = Village(township_id=township, name="大村")
    db.session.add(village)
    db.session.flush()
    db.session.execute(sa.insert(VillagerGroup), [
        {"village_id": village.id, "name": f"{n}组", "lat": None, "lon": None}
        for n in range(200)])
    ids = db.session.execute(db.select(VillagerGroup.id).where(
        VillagerGroup.village_id == village.id)).scalars().all()
    inspector = user_id("inspector1")
    db.session.execute(sa.insert(Inspection), [
        {"id": str(uuid.uuid4()), "township_id": township, "round_id": r.id, "group_id": g,
         "inspector_id": inspector, "rubric_version": 1, "review_state": "received",
         "criteria": {"roads": {"na": False, "deductions": {"road_dirty": k}, "note": ""}},
         "flags": [], "version": 1, "status": "submitted", "has_conflict": False}
        for g in ids for k in range(3)])
    record_change(db.session, "round", r.id, township)   # its inspections, loaded in bulk
    db.session.commit()
    statements = []
    sa.event.listen(db.engine, "before_cursor_execute",
                    lambda *args: statements.append(args[2]))
    result = rankings.live_ranking(r)
    assert len(result["groups"]) == 200
    assert len(statements) <= 25, "\n".join(statements)


def test_results_hold_reasons_as_data_and_hand_them_out_spelt(app):
    r = the_round()
    a, = groups(1)
    add(r, a, {"toilets": {"open_pit": 2}, "collection": {"bins": 1, "open_burning": 1}})
    live = rankings.live_ranking(r)["groups"][0]
    reasons = [{"criterion": "collection", "item": "open_burning", "count": 1},
               {"criterion": "toilets", "item": "open_pit", "count": 2},
               {"criterion": "collection", "item": "bins", "count": 1}]
    assert live["reasons"] == reasons
    assert live["reason"] == "露天焚烧垃圾 ×1，粪坑露天敞口 ×2，垃圾桶破损、未加盖或满溢 ×1"
    assert live["reason_en"] == ("Garbage burnt in the open ×1, Open manure pit ×2, "
                                 "Bin broken, uncovered or overflowing ×1")
    [cached] = db.session.get(RankingCache, r.id).result["groups"]
    assert cached["reasons"] == reasons and "reason" not in cached and "reason_en" not in cached
    close_round(r)
    published = publishing.publish(r, db.session.get(User, user_id("supervisor1")))
    db.session.commit()
    assert published["groups"][0]["reason"] == live["reason"]
    snapshot = db.session.execute(db.select(PublishedRanking)).scalar_one()
    [frozen] = snapshot.result["groups"]
    assert frozen["reasons"] == reasons and "reason" not in frozen
    assert snapshot.result["rubric_version"] == 1


def test_a_snapshot_published_with_reasons_as_strings_reads_as_it_was(app):
    current = the_round()
    a, b = groups(2)
    earlier = last_month(current)
    stored = publish_old_snapshot(earlier.id, a)
    [g] = publishing.published_ranking(earlier)["groups"]
    assert (g["reason"], g["reason_en"]) == (OLD_REASON, OLD_REASON_EN) and "reasons" not in g
    # as it was, beside the earlier rounds' rectifications still open (read today), with
    # the score it showed (one decimal then) and no tie-break it never named
    assert publishing.published_ranking(earlier, 1) == {
        **stored, "precision": 1, "carried_over": [],
        "groups": [{**g, "shown_score": 88.0, "tie_break": None} for g in stored["groups"]]}
    add(current, a, {"roads": {"road_dirty": 3}})
    add(current, b, {"roads": {"road_dirty": 1}})
    now = by_group(rankings.live_ranking(current))
    assert now[a]["change"] == 1 - 2            # against the old snapshot's rank 1
    rounds, scores = rankings.trend(current)
    assert scores[a] == [88.0, now[a]["score"]]


def test_a_cache_of_the_old_shape_is_computed_again(app):
    r = the_round()
    a, = groups(1)
    add(r, a, {"collection": {"bins": 2}})
    rankings.live_ranking(r)
    cache = db.session.get(RankingCache, r.id)
    old = dict(cache.result)
    old["key"] = {k: v for k, v in old["key"].items() if k != "format"}
    old["groups"] = [{**{k: v for k, v in g.items() if k != "reasons"},
                      "reason": "垃圾桶破损、未加盖或满溢 ×2", "reason_en": "Bins ×2"}
                     for g in old["groups"]]
    cache.result = old
    db.session.commit()
    [g] = rankings.live_ranking(r)["groups"]
    assert g["reasons"] == [{"criterion": "collection", "item": "bins", "count": 2}]
    assert g["reason_en"] == "Bin broken, uncovered or overflowing ×2"


def test_a_round_edit_refreshes_its_ranking(app):
    r = the_round()
    for group_id in groups(5):
        add(r, group_id, {"roads": {"road_dirty": group_id % 4}})
    fields = {"name": r.name, "name_en": r.name_en, "starts_on": r.starts_on,
              "ends_on": r.ends_on, "rubric_id": r.rubric_id, "black_size": r.black_size,
              "rectification_days": r.rectification_days}
    for red_size in (2, 3):
        update_round(r, red_size=red_size, **fields)
        db.session.commit()
        assert rankings.live_ranking(r)["red_size"] == red_size


def test_a_read_after_an_unsaved_change_ranks_it_and_keeps_nothing(app):
    r = the_round()
    a, b = groups(2)
    add(r, a, {"roads": {"road_dirty": 2}})
    rankings.live_ranking(r)
    row = Inspection(id=str(uuid.uuid4()), township_id=r.township_id, round_id=r.id,
                     group_id=b, inspector_id=user_id("inspector1"), rubric_version=1,
                     criteria={}, review_state="received", flags=[])
    db.session.add(row)
    record_change(db.session, "inspection", row.id, r.township_id)
    assert b in by_group(rankings.live_ranking(r))    # not the cached ranking
    db.session.rollback()
    assert b not in by_group(rankings.live_ranking(r))


def test_a_read_commits_its_cache_and_never_a_callers_writes(app):
    r = the_round()
    a, = groups(1)
    add(r, a, {"roads": {"road_dirty": 2}})
    name = r.name
    r.name = "没有保存的名字"
    db.session.flush()
    rankings.live_ranking(r)
    db.session.rollback()
    assert db.session.get(Round, r.id).name == name
    assert db.session.get(RankingCache, r.id) is None   # it went with its caller's rollback
    rankings.live_ranking(r)                             # a read that wrote nothing
    db.session.rollback()
    assert db.session.get(RankingCache, r.id) is not None


def test_publishing_locks_the_round_first_and_commits_nothing(app):
    r = the_round()
    a, = groups(1)
    add(r, a, {"roads": {"road_dirty": 2}})
    rankings.live_ranking(r)          # a cache publishing must not trust or write
    close_round(r)
    db.session.commit()
    boss, _ = db.session.get(User, user_id("supervisor1")), r.state   # loaded, as a view has
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        publishing.publish(r, boss)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    first = statements[0]
    assert "FROM rounds" in first
    assert "FOR UPDATE" in first or db.engine.dialect.name == "sqlite"
    db.session.rollback()
    assert db.session.execute(db.select(PublishedRanking)).first() is None
    assert db.session.get(Round, r.id).state == "closed"
