"""Household checks beyond the push: a bundle carries household_id like a push, and the
demo (`make run`) has a household round with checks in every review state."""
from collections import Counter

import pytest

from server.extensions import db
from server.models import Assignment, Household, Inspection, Round

from tests.support.seeded import demo_app
from tests.support.bundles import make_bundle, post_bundle
from tests.support.factories import inspection
from tests.support.household_subject import (add_households, household_rubric_version,
                                             round_body, this_round_period)


def test_a_bundle_carries_the_household_of_each_check(app, api, phone, ref):
    with app.app_context():
        version = household_rubric_version()
        first, = add_households(ref["assigned"][0], "01")
    round_id = api.as_user("admin").post("/rounds", json=round_body(
        this_round_period(ref), subject="household")).get_json()["id"]
    good = inspection(round_id, ref["assigned"][0], rubric_version=version, household_id=first)
    bad = inspection(round_id, ref["assigned"][0], rubric_version=version)
    body = post_bundle(phone, make_bundle(phone.client_id, [good, bad], [])).get_json()
    assert [r["outcome"] for r in body["results"]] == ["applied", "rejected"]
    assert body["results"][1]["errors"] == {"household_id": ["required"]}
    with app.app_context():
        assert db.session.get(Inspection, good["id"]).household_id == first


@pytest.fixture(scope="module")
def demo(tmp_path_factory, seeded_databases):
    app = demo_app(seeded_databases, tmp_path_factory.mktemp("demo"))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_the_demo_has_a_household_round_with_checks_in_every_review_state(demo):
    [round_] = db.session.execute(db.select(Round).where(
        Round.subject == "household")).scalars().all()
    # published by the demo's star ratings (server/demo/stars.py), which rate it
    assert (round_.state, round_.rubric.subject) == ("published", "household")
    checks = db.session.execute(db.select(Inspection).where(
        Inspection.round_id == round_.id)).scalars().all()
    states = Counter(c.review_state for c in checks)
    assert set(states) == {"received", "approved", "rejected", "has_issues"}
    assert [c.late for c in checks].count(True) == 1
    late = next(c for c in checks if c.late)
    assert late.admitted_at is None and "late" in late.flags
    # each check names a household of its own group, in a group assigned for the round
    assigned = set(db.session.execute(db.select(Assignment.group_id).where(
        Assignment.round_id == round_.id)).scalars())
    for check in checks:
        household = db.session.get(Household, check.household_id)
        assert household.group_id == check.group_id and check.group_id in assigned
    # real size: most of the assigned groups' households, not a handful
    households = db.session.execute(db.select(db.func.count()).select_from(Household).where(
        Household.group_id.in_(assigned))).scalar_one()
    assert len(checks) >= households // 2 >= 30
