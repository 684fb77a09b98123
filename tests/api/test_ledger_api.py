"""The ledger through the API (sync-protocol.md, "POST /ledger", "GET /households/<id>/
ledger", pull `ledger_entry` and the household's `balance`): shapes, per-field errors,
voids once, roles, what each phone pulls, and isolation between townships."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from server.changes import record_change
from server.extensions import db
from server.models import AuditEntry, LedgerEntry, User

from tests.support.ledger import add_households, deed, push_ledger
from tests.support.townships import other_township

ENTRY_KEYS = {"id", "household_id", "kind", "points", "rule_key", "goods", "note", "photos",
              "recorded_by", "recorded_at", "voids", "flags", "round_id"}


@pytest.fixture
def household(app):
    return add_households(app, 1)[0]


def test_a_supervisor_corrects_and_voids_and_the_ledger_shows_it(app, api, phone, boss,
                                                                   household):
    [pushed] = push_ledger(phone, deed(household))
    correction = boss.post("/ledger", json={"household_id": household, "points": 3,
                                            "reason": "补记清扫"})
    assert correction.status_code == 201, correction.get_json()
    body = correction.get_json()
    assert set(body) == ENTRY_KEYS
    assert (body["kind"], body["points"], body["note"], body["voids"], body["flags"]) == (
        "adjust", 3, "补记清扫", None, [])
    void = boss.post("/ledger", json={"household_id": household, "points": -5,
                                      "reason": "不属实", "voids": pushed["id"]})
    assert void.status_code == 201 and void.get_json()["voids"] == pushed["id"]
    twice = boss.post("/ledger", json={"household_id": household, "points": -5,
                                       "reason": "再作废", "voids": pushed["id"]})
    assert (twice.status_code, twice.get_json()["error"]["code"]) == (409, "already_voided")
    ledger = phone.get(f"/households/{household}/ledger").get_json()
    assert ledger["balance"] == 3
    assert [(e["kind"], e["points"]) for e in ledger["entries"]] == [
        ("adjust", -5), ("adjust", 3), ("deed", 5)]
    assert all(set(e) == ENTRY_KEYS for e in ledger["entries"])
    with app.app_context():
        assert [(a.action, a.reason) for a in db.session.execute(
            db.select(AuditEntry).where(AuditEntry.entity_type == "ledger_entry")
            .order_by(AuditEntry.id)).scalars()] == [
            ("record_deed", None), ("adjust_points", "补记清扫"), ("void_entry", "不属实")]


@pytest.mark.parametrize("body, status, field", [
    ({"points": 0, "reason": "理由"}, 400, "points"),
    ({"points": 2, "reason": "  "}, 400, "reason"),
    ({"points": 2}, 400, "reason"),
    ({"points": "2", "reason": "理由"}, 400, "points"),
    ({"points": 2.5, "reason": "理由"}, 400, "points"),
    ({"points": -4, "reason": "理由", "voids": "DEED"}, 400, "points"),
    ({"points": -5, "reason": "理由", "voids": str(uuid.uuid4())}, 404, None),
])
def test_a_bad_correction_is_refused_with_its_field(app, phone, boss, household, body,
                                                    status, field):
    [pushed] = push_ledger(phone, deed(household))
    if body.get("voids") == "DEED":
        body = {**body, "voids": pushed["id"]}
    response = boss.post("/ledger", json={"household_id": household, **body})
    assert response.status_code == status, response.get_json()
    if field:
        assert field in response.get_json()["error"]["fields"]
    assert phone.get(f"/households/{household}/ledger").get_json()["balance"] == 5


def test_a_void_names_an_entry_of_the_same_household(app, phone, boss):
    first, second = add_households(app, 2)
    [pushed] = push_ledger(phone, deed(first))
    response = boss.post("/ledger", json={"household_id": second, "points": -5,
                                          "reason": "理由", "voids": pushed["id"]})
    assert (response.status_code, list(response.get_json()["error"]["fields"])) == (
        400, ["voids"])


def test_inspectors_may_not_correct(phone, household):
    response = phone.post("/ledger", json={"household_id": household, "points": 2,
                                           "reason": "理由"})
    assert response.status_code == 403


def test_another_township_reaches_no_household_ledger(app, api, boss, household):
    b = other_township(app)
    for role in ("inspector", "supervisor", "admin"):
        caller = api.as_user(b.usernames[role])
        assert caller.get(f"/households/{household}/ledger").status_code == 404
    theirs = api.as_user(b.usernames["supervisor"])
    response = theirs.post("/ledger", json={"household_id": household, "points": 2,
                                            "reason": "理由"})
    assert response.status_code == 404
    assert boss.get(f"/households/{household}/ledger").get_json() == {"balance": 0,
                                                                      "entries": []}


def test_households_answer_their_balance_the_sum(phone, boss, household):
    push_ledger(phone, deed(household), deed(household, "volunteer"))
    boss.post("/ledger", json={"household_id": household, "points": -1, "reason": "调整"})
    [listed] = [h for h in phone.get("/households").get_json()["households"]
                if h["id"] == household]
    assert listed["balance"] == 6
    changes, _ = phone.pull_all()
    [pulled] = [c["data"] for c in changes if c["type"] == "household"]
    assert pulled["balance"] == 6


def test_each_phone_pulls_its_own_entries_and_the_voids_of_them(app, api, phone, boss,
                                                                 household):
    other = api.as_user("inspector2")
    [mine] = push_ledger(phone, deed(household))
    [theirs] = push_ledger(other, deed(household, "volunteer"))
    void = boss.post("/ledger", json={"household_id": household, "points": -5,
                                      "reason": "不属实", "voids": mine["id"]}).get_json()
    correction = boss.post("/ledger", json={"household_id": household, "points": 1,
                                            "reason": "调整"}).get_json()

    def pulled(session):
        changes, _ = session.pull_all()
        return {c["id"]: c["data"] for c in changes if c["type"] == "ledger_entry"}

    assert set(pulled(phone)) == {mine["id"], void["id"]}
    assert set(pulled(other)) == {theirs["id"]}
    everything = pulled(boss)
    assert set(everything) == {mine["id"], theirs["id"], void["id"], correction["id"]}
    assert set(everything[void["id"]]) == ENTRY_KEYS
    assert everything[void["id"]]["voids"] == mine["id"]


def test_a_first_pull_carries_the_last_90_days_of_entries(app, phone, household):
    [recent] = push_ledger(phone, deed(household))
    with app.app_context():
        user = db.session.execute(db.select(User).where(User.username == "inspector1")).scalar_one()
        long_ago = datetime.now(timezone.utc) - timedelta(days=91)
        old = LedgerEntry(id=str(uuid.uuid4()), household_id=household,
                          township_id=user.township_id, kind="deed", points=2,
                          recorded_by=user.id, recorded_at=long_ago, received_at=long_ago,
                          flags=[])
        db.session.add(old)
        db.session.flush()
        record_change(db.session, "ledger_entry", old.id, user.township_id, owner_id=user.id)
        db.session.commit()
        old_id = old.id
    changes, _ = phone.pull_all()
    assert {c["id"] for c in changes if c["type"] == "ledger_entry"} == {recent["id"]}
    [pulled] = [c["data"] for c in changes if c["type"] == "household"]
    assert pulled["balance"] == 7  # the balance counts every entry, however old
    ledger = phone.get(f"/households/{household}/ledger").get_json()
    assert {e["id"] for e in ledger["entries"]} == {recent["id"], old_id}
