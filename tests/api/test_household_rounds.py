"""Household rounds through the API, on SQLite and PostgreSQL (contract: rubric and round
`subject`, POST /rounds, "Household inspections are inspections", rankings → 409
wrong_subject): creating them, pushing their checks with `household_id`, and pulling
both back."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from sync.household_rubric import DEFAULT_HOUSEHOLD_RUBRIC

from tests.support.factories import inspection
from tests.support.household_subject import (add_households, household_rubric_version,
                                             round_body, this_round_period)
from tests.support.migrations import empty_database_url, flask_cli
from tests.support.townships import other_township


@pytest.fixture
def admin(api):
    return api.as_user("admin")


@pytest.fixture
def household_version(app):
    with app.app_context():
        return household_rubric_version()


def error(response) -> dict:
    return response.get_json()["error"]


def test_a_household_round_takes_a_household_rubric_and_overlaps_only_group_rounds(
        admin, phone, ref, household_version):
    starts = this_round_period(ref)
    created = admin.post("/rounds", json=round_body(starts, subject="household"))
    assert created.status_code == 201, created.get_json()
    household = created.get_json()
    # the group round of the same month stays; the household round has its own rubric
    assert (household["subject"], household["rubric_version"]) == ("household",
                                                                   household_version)
    assert {r["id"]: r["subject"] for r in phone.get("/rounds").get_json()} == {
        household["id"]: "household", ref["round"]["id"]: "group"}

    again = admin.post("/rounds", json=round_body(starts + timedelta(days=3),
                                                  subject="household"))
    assert again.status_code == 409 and error(again)["code"] == "overlapping_round"
    # a group round next month overlaps the household round only: it may
    next_month = starts + timedelta(days=40)
    group = admin.post("/rounds", json=round_body(next_month, days=10, rubric_version=1))
    assert group.status_code == 201 and group.get_json()["subject"] == "group"
    group_again = admin.post("/rounds", json=round_body(next_month, days=2, subject="group"))
    assert group_again.status_code == 409
    assert error(group_again)["code"] == "overlapping_round"


def test_a_rounds_rubric_must_score_its_subject(admin, ref, household_version):
    later = this_round_period(ref) + timedelta(days=70)
    wrong = admin.post("/rounds", json=round_body(later, subject="household", rubric_version=1))
    assert wrong.status_code == 400
    assert "another kind of round" in error(wrong)["fields"]["rubric_id"][0]
    wrong = admin.post("/rounds", json=round_body(later, rubric_version=household_version))
    assert wrong.status_code == 400
    assert "another kind of round" in error(wrong)["fields"]["rubric_id"][0]
    unknown = admin.post("/rounds", json=round_body(later, subject="street"))
    assert unknown.status_code == 400 and set(error(unknown)["fields"]) == {"subject"}


def test_the_ranking_of_a_household_round_is_the_wrong_subject(admin, boss, ref,
                                                               household_version):
    created = admin.post("/rounds", json=round_body(this_round_period(ref),
                                                    subject="household")).get_json()
    response = boss.get(f"/rounds/{created['id']}/rankings")
    assert response.status_code == 409 and error(response)["code"] == "wrong_subject"
    assert boss.get(f"/rounds/{ref['round']['id']}/rankings").status_code == 200


@pytest.fixture
def checks(app, admin, ref, household_version):
    """A household round, households in inspector1's first group (two) and another group
    (one) of the township, and one of another township."""
    a, b = ref["assigned"][0], next(g for g in ref["groups"] if g != ref["assigned"][0])
    round_id = admin.post("/rounds", json=round_body(this_round_period(ref),
                                                     subject="household")).get_json()["id"]
    elsewhere = other_township(app)
    with app.app_context():
        return {"round": round_id, "group": a, "mine": add_households(a, "01", "12-1"),
                "other_group": add_households(b, "01")[0],
                "other_township": add_households(elsewhere.group_id, "01")[0],
                "version": household_version}


def household_check(checks, **overrides) -> dict:
    return inspection(checks["round"], checks["group"], rubric_version=checks["version"],
                      deductions={"yard": {"yard_clutter": 2}}, **overrides)


def pushed(phone, *payloads) -> list[dict]:
    return phone.push(*payloads).get_json()["results"]


def test_a_household_check_is_stored_pulled_and_merged_with_its_household(phone, checks):
    first, second = checks["mine"]
    payload = household_check(checks, household_id=first)
    [result] = pushed(phone, payload)
    assert result["outcome"] == "applied", result
    changes, _ = phone.pull_all()
    [data] = [c["data"] for c in changes if c["type"] == "inspection"]
    assert data["household_id"] == first
    rounds = {c["data"]["id"]: c["data"] for c in changes if c["type"] == "round"}
    assert rounds[checks["round"]]["subject"] == "household"
    rubrics = {c["data"]["version"]: c["data"]["subject"] for c in changes
               if c["type"] == "rubric"}
    assert rubrics == {1: "group", checks["version"]: "household"}

    # another phone's edit of the household, merged as one leaf with this phone's note
    edit = {**payload, "client_rev": 2, "base_version": 1, "household_id": second}
    [result] = pushed(phone, edit)
    assert result["outcome"] == "applied" and result["version"] == 2
    changes, _ = phone.pull_all()
    [data] = [c["data"] for c in changes if c["type"] == "inspection"]
    assert data["household_id"] == second


def test_a_group_check_pulls_no_household_and_may_push_that_back(phone, ref):
    payload = inspection(ref["round"]["id"], ref["assigned"][0])
    assert pushed(phone, payload)[0]["outcome"] == "applied"
    [data] = [c["data"] for c in phone.pull_all()[0] if c["type"] == "inspection"]
    assert data["household_id"] is None
    again = {**payload, "client_rev": 2, "base_version": 1, "household_id": None}
    assert pushed(phone, again)[0]["outcome"] == "applied"


def household_errors(phone, payload) -> list[str]:
    [result] = pushed(phone, payload)
    assert result["outcome"] == "rejected" and set(result["errors"]) == {"household_id"}, result
    return result["errors"]["household_id"]


def test_every_wrong_household_is_refused_naming_household_id(phone, ref, checks):
    assert "household_id" not in household_check(checks)  # absent
    assert household_errors(phone, household_check(checks)) == ["required"]
    assert household_errors(phone, household_check(checks, household_id=None)) == ["required"]
    assert household_errors(phone, household_check(checks, household_id=999999)) == [
        "unknown household"]
    assert household_errors(phone, household_check(
        checks, household_id=checks["other_township"])) == ["unknown household"]
    assert household_errors(phone, household_check(
        checks, household_id=checks["other_group"])) == [
        "this household belongs to another group"]
    assert household_errors(phone, household_check(checks, household_id="01")) == [
        "must be an integer"]
    assert household_errors(phone, household_check(checks, household_id=0)) == [
        "must be at least 1"]
    group_check = inspection(ref["round"]["id"], ref["assigned"][0],
                             household_id=checks["mine"][0])
    assert household_errors(phone, group_check) == [
        "this round checks villager groups, not households"]
    assert [c for c in phone.pull_all()[0] if c["type"] == "inspection"] == []


def stored_rubrics(url: str) -> dict:
    """{version: (subject, township_id, state, plain dict of its criteria)}."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rubrics = connection.execute(sa.text(
            "SELECT id, version, subject, township_id, state FROM rubric_versions")).all()
        out = {}
        for rubric_id, version, subject, township_id, state in rubrics:
            criteria = []
            for c_id, key, max_points, zh, en in connection.execute(sa.text(
                    "SELECT id, key, max_points, label_zh, label_en FROM criteria"
                    " WHERE rubric_id = :r ORDER BY position"), {"r": rubric_id}):
                items = [{"key": k, "points": p, "kind": kind, "label_zh": izh,
                          "label_en": ien, "photo_required": bool(photo)}
                         for k, p, kind, izh, ien, photo in connection.execute(sa.text(
                             "SELECT key, points, kind, label_zh, label_en, photo_required"
                             " FROM deduction_items WHERE criterion_id = :c"
                             " ORDER BY position"), {"c": c_id})]
                criteria.append({"key": key, "max": max_points, "label_zh": zh,
                                 "label_en": en, "items": items})
            out[version] = (subject, township_id, state, criteria)
        changes = connection.execute(sa.text(
            "SELECT entity_id, township_id FROM changes WHERE entity_type = 'rubric'")).all()
    engine.dispose()
    return out, [tuple(c) for c in changes]


def test_the_migration_installs_the_household_rubric_numbered_after_the_others(
        app, database_url, tmp_path):
    url = empty_database_url(app, database_url, tmp_path)
    assert flask_cli(url, "db", "upgrade", "0012").returncode == 0
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO rubric_versions (version, state)"
                                   " VALUES (1, 'active'), (7, 'draft')"))
    engine.dispose()
    upgrade = flask_cli(url, "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    rubrics, changes = stored_rubrics(url)
    assert {v: r[0] for v, r in rubrics.items()} == {1: "group", 7: "group", 8: "household"}
    assert rubrics[8][1:] == (None, "active", DEFAULT_HOUSEHOLD_RUBRIC["criteria"])
    assert changes == [("8", 0)]  # phones pull it, every township's


def test_on_an_empty_database_the_household_rubric_leaves_version_1_to_groups(
        app, database_url, tmp_path):
    url = empty_database_url(app, database_url, tmp_path)
    assert flask_cli(url, "db", "upgrade").returncode == 0
    assert flask_cli(url, "seed-demo", "--bare").returncode == 0
    rubrics, changes = stored_rubrics(url)
    assert {v: r[0] for v, r in rubrics.items()} == {1: "group", 2: "household"}
    assert sorted(changes) == [("1", 0), ("2", 0)]
