"""server/review/household_results.py and publishing a household round, on SQLite and
PostgreSQL: the round of tests/support/household_rounds.py, its numbers worked by hand."""
from datetime import datetime, timezone

import pytest

from server.errors import Problem
from server.extensions import db
from server.models import Inspection, Rectification, Round, User
from server.review.household_results import (compute_results, live_results,
                                             published_results, results_page)
from server.review.publishing import publish
from tests.support.household_rounds import household_round


def _round(made) -> Round:
    return db.session.get(Round, made.round_id)


def _by_number(result, group_id):
    return {h["number"]: h for h in result["households"] if h["group_id"] == group_id}


def test_results_are_the_mean_of_counted_checks_banded_into_points():
    made = household_round()
    result = live_results(_round(made))
    a, b = _by_number(result, made.group_a), _by_number(result, made.group_b)
    assert {n: (h["shown_score"], h["inspections"], h["veto"], h["points"])
            for n, h in a.items()} == {
        "01": (93.0, 2, False, 10),     # (96 + 90) / 2
        "02": (88.0, 1, True, -10),     # the rejected check is not counted; the veto is
        "05": (100.0, 1, False, 10),    # its deduction void: its only photo was rejected
    }
    assert {n: (h["shown_score"], h["points"]) for n, h in b.items()} == {"01": (86.0, 6)}
    assert [(h["group_id"], h["number"], h["head"]) for h in result["not_checked"]] == [
        (made.group_a, "03", "张伟"), (made.group_b, "02", "赵强")]   # 04 is inactive
    assert result["precision"] == 1 and result["published"] is None
    assert result["round"]["id"] == made.round_id


def test_admitting_the_late_check_counts_it():
    made = household_round()
    late = db.session.get(Inspection, made.late_check)
    late.admitted_at = datetime.now(timezone.utc)
    db.session.commit()
    a = _by_number(compute_results(_round(made)), made.group_a)
    assert (a["03"]["shown_score"], a["03"]["points"]) == (99.0, 10)


def test_a_group_round_has_no_results():
    household_round()
    group_round = db.session.execute(
        db.select(Round).where(Round.subject == "group")).scalars().first()
    with pytest.raises(Problem) as raised:
        live_results(group_round)
    assert (raised.value.code, raised.value.status) == ("wrong_subject", 409)


def test_the_page_is_chosen_in_the_database():
    made = household_round()
    round_ = _round(made)
    whole = results_page(round_)
    assert (whole.total, whole.checked, whole.not_checked) == (6, 4, 2)
    assert [(r["number"], r["head"], r["shown_score"]) for r in whole.rows] == [
        ("01", "王建国", 93.0), ("02", "李秀英", 88.0), ("03", "张伟", None),
        ("05", "陈明", 100.0), ("01", "杨丽", 86.0), ("02", "赵强", None)]
    assert [r["head"] for r in results_page(round_, search="李").rows] == ["李秀英"]
    assert [r["head"] for r in results_page(round_, search="05").rows] == ["陈明"]
    assert [r["head"] for r in results_page(round_, search="%").rows] == []
    assert [r["head"] for r in results_page(round_, status="not_checked").rows] == [
        "张伟", "赵强"]
    assert [r["head"] for r in results_page(round_, group_id=made.group_b).rows] == [
        "杨丽", "赵强"]
    second = results_page(round_, page=2, page_size=4)
    assert (second.page, second.pages, [r["head"] for r in second.rows]) == (
        2, 2, ["杨丽", "赵强"])
    assert results_page(round_, page=99, page_size=4).page == 2


def test_publishing_freezes_the_results_and_a_later_edit_changes_only_the_live_ones():
    made = household_round(state="closed")
    round_ = _round(made)
    supervisor = db.session.execute(
        db.select(User).where(User.username == "supervisor1")).scalar_one()
    published = publish(round_, supervisor)
    db.session.commit()
    assert round_.state == "published"
    assert published["published"]["version"] == 1
    assert db.session.execute(db.select(Rectification)).scalars().all() == []
    # A supervisor admits the late check afterwards: the live results move, the
    # snapshot never does.
    db.session.get(Inspection, made.late_check).admitted_at = datetime.now(timezone.utc)
    db.session.commit()
    frozen = published_results(round_)
    assert frozen == published
    assert "03" not in _by_number(frozen, made.group_a)
    live = live_results(round_)
    assert _by_number(live, made.group_a)["03"]["points"] == 10
    assert live["published"]["version"] == 1
    assert publish(round_, supervisor)["published"]["version"] == 2
    db.session.commit()
    assert published_results(round_, 1) == frozen


def test_an_open_household_round_is_not_published():
    made = household_round()
    supervisor = db.session.execute(
        db.select(User).where(User.username == "supervisor1")).scalar_one()
    with pytest.raises(Problem) as raised:
        publish(_round(made), supervisor)
    assert raised.value.problems[0].code == "round_not_closed"
