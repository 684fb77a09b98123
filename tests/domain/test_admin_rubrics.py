"""server/admin/rubrics.py: drafts copied, edited and activated, on SQLite and PostgreSQL.

A refused edit writes nothing; an active version, or one a round uses, never changes.
"""
from datetime import timedelta

import pytest

from server.admin import rounds, rubrics
from server.errors import Problem, Problems
from server.extensions import db
from server.models import Round, RubricVersion, User

from tests.support.admin import (audit_entries, changes, other_township_admin, problems_of,
                                 township)


def shared() -> RubricVersion:
    return db.session.execute(db.select(RubricVersion).where(
        RubricVersion.version == 1)).scalar_one()


def draft() -> RubricVersion:
    copied = rubrics.copy_rubric(shared(), township().id)
    db.session.commit()
    return copied


def new_changes() -> list:
    """Rubric changes besides the seeded version's."""
    return [c for c in changes("rubric") if c.entity_id != "1"]


def criteria_of(rubric: RubricVersion) -> list[dict]:
    return rubric.to_dict()["criteria"]


def balanced(rubric: RubricVersion) -> list[dict]:
    """Cleaning worth 15, collection 7: still 100 in all."""
    criteria = criteria_of(rubric)
    criteria[0]["max"], criteria[1]["max"] = 15, 7
    return criteria


def test_a_copy_is_a_draft_of_the_township_with_the_same_criteria():
    copied = draft()
    assert (copied.version, copied.state, copied.township_id) == (2, "draft", township().id)
    assert criteria_of(copied) == criteria_of(shared())
    assert [(e.action, e.entity_id, e.detail) for e in audit_entries()] == [
        ("copy_rubric", "2", {"from": 1, "subject": "group"})]
    assert new_changes() == []  # phones never see a draft
    assert rubrics.current_rubric(township().id).version == 1
    assert 2 not in rubrics.rubrics_by_version()


def test_an_edited_draft_keeps_its_criteria_and_items_in_order():
    copied = draft()
    criteria = balanced(copied)
    criteria[0]["items"][0].update(points=5, kind="each", label_en="No cleaner",
                                   photo_required=False)
    criteria[2]["items"].pop()
    criteria.append({"key": "water", "max": 0, "label_zh": "饮水", "label_en": "Water",
                     "items": [{"key": "no_tap", "points": 1, "kind": "once",
                                "label_zh": "无自来水", "label_en": "No tap water"}]})
    rubrics.save_draft(copied, title=" 2027 ", criteria=criteria)
    db.session.commit()
    stored = db.session.get(RubricVersion, copied.id)
    assert stored.title == "2027"
    assert criteria_of(stored) == [{**c, "items": [{"photo_required": True, **i}
                                                   for i in c["items"]]} for c in criteria]
    assert [e.action for e in audit_entries()] == ["copy_rubric", "edit_rubric"]


def test_a_draft_may_add_up_to_99_but_is_not_activated():
    copied = draft()
    criteria = criteria_of(copied)
    criteria[0]["max"] = 9
    rubrics.save_draft(copied, title=None, criteria=criteria)
    db.session.commit()
    with pytest.raises(Problems) as exc:
        rubrics.activate_rubric(copied)
    db.session.rollback()
    assert problems_of(exc.value) == [("criteria", "max_sum", {"sum": "99", "total": 100})]
    assert db.session.get(RubricVersion, copied.id).state == "draft"
    assert new_changes() == []


def test_a_bad_key_is_refused_and_nothing_is_written():
    copied = draft()
    criteria = balanced(copied)
    criteria[1]["items"][0]["key"] = "Litter spot"
    with pytest.raises(Problems) as exc:
        rubrics.save_draft(copied, title=None, criteria=criteria)
    db.session.rollback()
    assert problems_of(exc.value) == [("criteria.1.items.0.key", "key_invalid",
                                       {"name": "Litter spot", "max": 40})]
    assert criteria_of(db.session.get(RubricVersion, copied.id)) == criteria_of(shared())
    assert [e.action for e in audit_entries()] == ["copy_rubric"]


def test_activating_sends_it_to_the_phones_and_makes_it_current():
    copied = draft()
    rubrics.save_draft(copied, title=None, criteria=balanced(copied))
    rubrics.activate_rubric(copied)
    db.session.commit()
    assert copied.state == "active" and copied.activated_at is not None
    [change] = new_changes()
    assert (change.entity_id, change.township_id, change.op) == ("2", township().id, "put")
    assert rubrics.current_rubric(township().id).version == 2
    assert rubrics.rubrics_by_version([2])[2]["criteria"][0]["max"] == 15
    assert audit_entries()[-1].action == "activate_rubric"


def test_an_active_version_no_longer_changes():
    copied = draft()
    rubrics.activate_rubric(copied)
    db.session.commit()
    for change in (lambda: rubrics.save_draft(copied, title=None, criteria=balanced(copied)),
                   lambda: rubrics.activate_rubric(copied)):
        with pytest.raises(Problems) as exc:
            change()
        db.session.rollback()
        assert problems_of(exc.value) == [(None, "rubric_not_draft", {"version": 2})]


def test_a_version_a_round_uses_is_refused_naming_the_round():
    used = shared()
    name = db.session.execute(db.select(Round.name).where(Round.rubric_id == used.id)
                              ).scalars().first()
    with pytest.raises(Problems) as exc:
        rubrics.save_draft(used, title=None, criteria=balanced(used))
    db.session.rollback()
    assert problems_of(exc.value) == [(None, "rubric_in_use", {"version": 1, "round": name})]
    assert criteria_of(shared())[0]["max"] == 10


def new_round(**fields) -> Round:
    last = db.session.execute(db.select(Round).order_by(Round.ends_on.desc())).scalars().first()
    starts = last.ends_on + timedelta(days=1)
    return rounds.create_round(township().id, name="下月评比", starts_on=starts,
                               ends_on=starts + timedelta(days=27), **fields)


def test_a_new_round_uses_the_current_version_and_keeps_it():
    old_round = db.session.execute(db.select(Round)).scalars().first()
    copied = draft()
    with pytest.raises(Problems) as exc:   # a draft is no choice for a round
        new_round(rubric_id=copied.id)
    db.session.rollback()
    assert problems_of(exc.value) == [("rubric_id", "choice", {})]
    rubrics.activate_rubric(copied)
    created = new_round(rubric_id=rounds.rubric_id(township().id))
    db.session.commit()
    assert created.rubric.version == 2 and old_round.rubric.version == 1
    assert rounds.rubric_id(township().id, 1) == shared().id   # still a choice


def test_another_township_sees_the_shared_version_but_not_our_versions():
    mine = township().id
    copied = draft()
    rubrics.activate_rubric(copied)
    db.session.commit()
    username = other_township_admin()
    elsewhere = db.session.execute(db.select(User.township_id).where(
        User.username == username)).scalar_one()
    with pytest.raises(Problem) as exc:
        rubrics.township_rubric(elsewhere, copied.version)
    assert exc.value.status == 404
    assert rubrics.township_rubric(elsewhere, 1).id == shared().id
    assert (rubrics.current_rubric(elsewhere).version,
            rubrics.current_rubric(mine).version) == (1, 2)
    assert [r.version for r in rubrics.township_rubrics(elsewhere)] == [1]
