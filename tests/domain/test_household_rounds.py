"""Rounds and rubric versions with a subject (server/admin/rounds.py, rubrics.py), on
SQLite and PostgreSQL: the default household rubric, drafts of either subject, and
household rounds that overlap group rounds but not each other."""
from datetime import timedelta

import pytest

from sync.household_rubric import DEFAULT_HOUSEHOLD_RUBRIC

from server.admin import rounds, rubrics
from server.errors import Problem, Problems
from server.extensions import db
from server.models import Round, RubricVersion
from server.review import rankings as ranking_rules

from tests.support.admin import changes, problems_of, township


def group_round() -> Round:
    return db.session.execute(db.select(Round).order_by(Round.id)).scalars().first()


def household_rubric() -> RubricVersion:
    installed = rubrics.install_household_rubric()
    db.session.commit()
    return installed


def household_round(starts=None, days=27, **fields) -> Round:
    starts = starts or group_round().starts_on
    values = {"name": "入户检查", "starts_on": starts, "ends_on": starts + timedelta(days=days),
              "rubric_id": household_rubric().id, "subject": "household", **fields}
    created = rounds.create_round(township().id, **values)
    db.session.commit()
    return created


def test_the_default_household_rubric_is_installed_once_after_version_1():
    installed = household_rubric()
    assert (installed.version, installed.subject, installed.state, installed.township_id) == (
        2, "household", "active", None)
    assert installed.to_dict() == {**DEFAULT_HOUSEHOLD_RUBRIC, "version": 2}
    assert household_rubric().id == installed.id
    assert [c.entity_id for c in changes("rubric")] == ["1", "2"]
    # new rounds of each subject take their own subject's current version
    assert rubrics.current_rubric(township().id).version == 1
    assert rubrics.current_rubric(township().id, "household").version == 2
    data = rubrics.rubric_data(installed, township().id)
    assert (data["subject"], data["current"]) == ("household", True)


def test_a_draft_scores_the_subject_chosen_for_it():
    household_rubric()
    shared = db.session.execute(db.select(RubricVersion).where(
        RubricVersion.version == 1)).scalar_one()
    draft = rubrics.copy_rubric(shared, township().id, "household")
    assert (draft.version, draft.subject) == (3, "household")
    rubrics.save_draft(draft, title="户评 2027", criteria=draft.to_dict()["criteria"],
                       subject="group")
    assert draft.subject == "group"
    with pytest.raises(Problems) as exc:
        rubrics.save_draft(draft, title=None, criteria=draft.to_dict()["criteria"],
                           subject="street")
    assert problems_of(exc.value) == [("subject", "choice", {})]
    with pytest.raises(Problems) as exc:
        rubrics.copy_rubric(shared, township().id, "street")
    assert problems_of(exc.value) == [("subject", "choice", {})]
    rubrics.activate_rubric(draft)
    assert rubrics.current_rubric(township().id).version == 3
    assert rubrics.current_rubric(township().id, "household").version == 2


def test_household_rounds_overlap_group_rounds_but_not_each_other():
    first = household_round()
    assert (first.subject, first.rubric.version) == ("household", 2)
    with pytest.raises(Problems) as exc:
        household_round(first.starts_on + timedelta(days=5))
    [(field, code, params)] = problems_of(exc.value)
    assert (field, code, params["name"]) == ("starts_on", "overlapping_round", "入户检查")
    assert rounds.previous_round(household_round(first.ends_on + timedelta(days=1))) == first
    # a group round's edit is checked against group rounds only
    rounds.update_round(group_round(), name="本月评比", starts_on=group_round().starts_on,
                        ends_on=group_round().ends_on, rubric_id=group_round().rubric_id)
    assert group_round().subject == "group"


def test_a_rounds_rubric_scores_its_subject():
    household = household_rubric()
    starts = group_round().ends_on + timedelta(days=40)
    with pytest.raises(Problems) as exc:
        household_round(starts, rubric_id=group_round().rubric_id)
    assert problems_of(exc.value) == [("rubric_id", "rubric_subject",
                                       {"version": 1, "subject": "group"})]
    with pytest.raises(Problems) as exc:
        household_round(starts, rubric_id=household.id, subject="group")
    assert problems_of(exc.value) == [("rubric_id", "rubric_subject",
                                       {"version": 2, "subject": "household"})]
    with pytest.raises(Problems) as exc:
        household_round(starts, subject="street")
    assert problems_of(exc.value) == [("subject", "choice", {})]


def test_only_a_group_round_has_a_ranking():
    rounds.require_group_round(group_round())
    with pytest.raises(Problem) as exc:
        rounds.require_group_round(household_round())
    assert (exc.value.code, exc.value.status) == ("wrong_subject", 409)


def test_a_group_rounds_ranking_looks_back_at_group_rounds_only():
    first = group_round()
    household_round(first.starts_on, days=(first.ends_on - first.starts_on).days)
    later = rounds.create_round(
        township().id, name="下月评比", starts_on=first.ends_on + timedelta(days=1),
        ends_on=first.ends_on + timedelta(days=28), rubric_id=first.rubric_id)
    db.session.commit()
    assert ranking_rules.previous_round(later) == first
    assert [r.id for r in ranking_rules.trend(later)[0]] == [first.id, later.id]
