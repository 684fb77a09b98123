"""server/review/scoring.py: one inspection or a whole round, scored the same way.

Rows are made directly with the models (no HTTP), on SQLite and PostgreSQL.
"""
import uuid

from server.admin.rubrics import rubrics_by_version
from server.extensions import db
from server.models import Inspection, Photo, Round, User, VillagerGroup
from server.review import scoring
from sync.rubric import DEFAULT_RUBRIC


def add(deductions, photos=(), state="received") -> Inspection:
    """An inspection of the first group; photos = [(criterion, item, accepted)]."""
    round_ = db.session.execute(db.select(Round)).scalar_one()
    group = db.session.execute(db.select(VillagerGroup.id).order_by(VillagerGroup.id)
                               .limit(1)).scalar_one()
    inspector = db.session.execute(db.select(User.id).where(
        User.username == "inspector1")).scalar_one()
    row = Inspection(
        id=str(uuid.uuid4()), township_id=round_.township_id, round_id=round_.id,
        group_id=group, inspector_id=inspector, rubric_version=1, review_state=state, flags=[],
        criteria={c: {"na": False, "deductions": items, "note": ""}
                  for c, items in deductions.items()})
    for n, (criterion, item, accepted) in enumerate(photos):
        row.photos.append(Photo(id=str(uuid.uuid4()), position=n, sha256=f"{n:064x}", size=1,
                                mime="image/jpeg", width=1, height=1, criterion=criterion,
                                item=item, source="camera", flags=[], accepted=accepted))
    db.session.add(row)
    db.session.commit()
    return row


def test_one_inspection_scores_as_the_round_does(app):
    rows = [
        add({"collection": {"bins": 4}}, [("collection", "bins", False)]),             # void
        add({"collection": {"bins": 4}}, [("collection", "bins", False),
                                          ("collection", "bins", True)]),             # counts
        add({"toilets": {"open_pit": 1}, "roads": {"road_dirty": 2}},
            [("toilets", "open_pit", False), ("roads", "road_dirty", None)]),
        add({"collection": {"open_burning": 1}}, [("collection", "open_burning", False)]),
        add({"roads": {"road_blocked": 3}}, state="rejected"),
    ]
    round_ = db.session.execute(db.select(Round)).scalar_one()
    in_bulk = {s.id: s for s in scoring.scored_inspections(round_, include_uncounted=True)}
    rubrics = scoring.rubrics_for(rows)
    one_by_one = {row.id: scoring.scored(row, rubrics) for row in rows}
    assert one_by_one == in_bulk
    assert [one_by_one[r.id].score.total for r in rows] == [100.0, 96.0, 98.0, 100.0, 97.0]
    assert [one_by_one[r.id].void for r in rows] == [
        {("collection", "bins")}, frozenset(), {("toilets", "open_pit")},
        {("collection", "open_burning")}, frozenset()]
    assert not one_by_one[rows[3].id].score.veto        # a void veto item vetoes nothing
    assert [one_by_one[r.id].counted for r in rows] == [True] * 4 + [False]
    counted = scoring.scored_inspections(round_)
    assert [s.id for s in counted] == sorted(r.id for r in rows[:4])


def test_void_follows_the_photo_reviews(app):
    row = add({"collection": {"bins": 2}}, [("collection", "bins", False)])
    assert scoring.void_of(row) == {("collection", "bins")}
    row.photos[0].accepted = True
    assert scoring.void_of(row) == frozenset()


def test_rubrics_by_version_loads_only_the_versions_asked_for(app):
    assert rubrics_by_version([1]) == {1: DEFAULT_RUBRIC} == rubrics_by_version()
    assert rubrics_by_version([]) == {} and rubrics_by_version([99]) == {}
