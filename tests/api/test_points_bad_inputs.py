"""Bad input to the households' and points' routes and pages: a NUL (PostgreSQL stores
none in text), a control character in a name, a time no clock shows, a file of
thousands of bad lines. Each is a `rejected` result or a 4xx naming the field, never a
500, and nothing is written."""
import io
import json
import zipfile

import pytest

from server.extensions import db
from server.models import LedgerEntry
from tests.support.bundles import post_bundle
from tests.support.factories import inspection
from tests.support.household_rounds import household_round
from tests.support.ledger import add_households, deed, redeem
from tests.support.web import csrf_token, login

# Python parses them; the first two no column can hold, the others no page can show (a
# day later, or in the township's time zone, is past year 9999).
UNUSABLE_TIMES = ("0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59",
                  "9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00-14:00")


@pytest.fixture
def household(app):
    return add_households(app, 1)[0]


def entries(app) -> int:
    with app.app_context():
        return db.session.execute(db.select(db.func.count()).select_from(LedgerEntry)).scalar()


def pushed(phone, entry) -> dict:
    response = phone.post("/sync/push", json={"client_id": phone.client_id, "inspections": [],
                                             "ledger": [entry]})
    assert response.status_code == 200, response.get_data(as_text=True)
    [result] = response.get_json()["ledger_results"]
    return result


def codes(result) -> dict:
    return {path: [r["code"] for r in found] for path, found in result["reasons"].items()}


@pytest.mark.parametrize("change, field, code", [
    ({"id": "a\x00b"}, "id", "not_uuid"),
    ({"note": "晒谷场\x00清扫"}, "note", "control_character"),
    *[({"recorded_at": at}, "recorded_at", "not_time") for at in UNUSABLE_TIMES],
])
def test_a_pushed_deed_that_cannot_be_stored_is_rejected_by_field(app, phone, household,
                                                                    change, field, code):
    result = pushed(phone, deed(household, **change))
    assert result["outcome"] == "rejected" and codes(result) == {field: [code]}
    assert entries(app) == 0



def test_a_bundle_carrying_the_same_entries_rejects_them_alike(app, phone, household):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("manifest.json", json.dumps({
            "client_id": phone.client_id, "exported_at": "2026-11-20T18:00:00+08:00",
            "inspections": [], "ledger": [deed(household, id="a\x00b"),
                                          deed(household, note="a\x00b")]}))
    response = post_bundle(phone, out.getvalue())
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [codes(r) for r in response.get_json()["ledger_results"]] == [
        {"id": ["not_uuid"]}, {"note": ["control_character"]}]
    assert entries(app) == 0


def line(**changes) -> list:
    return [{"goods_id": None, "name": "肥皂", "quantity": 1, "points": 2, **changes}]


@pytest.mark.parametrize("change, field, code", [
    ({"household_id": 2**63 + 5}, "household_id", "unknown_household"),
    ({"household_id": 1.0}, "household_id", "unknown_household"),
    ({"household_id": True}, "household_id", "unknown_household"),
    ({"goods": line(quantity=1.0)}, "goods.0.quantity", "not_integer"),
    ({"goods": line(quantity=True)}, "goods.0.quantity", "not_integer"),
    ({"goods": line(quantity=2**63)}, "goods.0.quantity", "too_large"),
    ({"goods": line(points=2**64)}, "goods.0.points", "too_large"),
    ({"goods": line(goods_id=2**63 + 1)}, "goods.0.goods_id", "unknown_goods"),
    ({"goods": line(goods_id=True)}, "goods.0.goods_id", "unknown_goods"),
    ({"goods": line(name="米" * 101)}, "goods.0.name", "too_long"),
    ({"note": "x" * 10_001}, "note", "too_long"),
    ({"kind": None}, "kind", "not_entry_kind"),
])
def test_wrong_numbers_and_types_in_a_redemption_are_rejected_by_field(app, phone, household,
                                                                       change, field, code):
    result = pushed(phone, {**redeem(household, ("肥皂", 1, 2)), **change})
    assert result["outcome"] == "rejected" and codes(result) == {field: [code]}
    assert entries(app) == 0

@pytest.mark.parametrize("name", ["肥皂\x00", "肥皂\n=1+1", "\x7f"])
def test_a_goods_line_name_is_one_line_without_control_characters(app, phone, household, name):
    result = pushed(phone, redeem(household, (name, 1, 2)))
    assert codes(result) == {"goods.0.name": ["control_character"]}
    assert entries(app) == 0


def test_a_note_may_span_lines(app, phone, household):
    assert pushed(phone, deed(household, note="第一行\n第二行"))["outcome"] == "applied"


@pytest.mark.parametrize("change, field, code", [
    ({"note": "a\x00b"}, "note", "control_character"),
    *[({"started_at": at}, "started_at", "not_time") for at in UNUSABLE_TIMES],
])
def test_an_inspection_with_the_same_text_or_time_is_rejected_too(phone, ref, change, field,
                                                                   code):
    response = phone.push(inspection(ref["round"]["id"], ref["assigned"][0], **change))
    assert response.status_code == 200
    [result] = response.get_json()["results"]
    assert result["outcome"] == "rejected"
    assert [r["code"] for r in result["reasons"][field]] == [code]


@pytest.mark.parametrize("change, status, field", [
    ({"reason": "记错了\x00"}, 400, "reason"),
    ({"reason": "多记\x1b了"}, 400, "reason"),
    ({"voids": "a\x00b"}, 404, "voids"),
])
def test_a_correction_that_cannot_be_stored_is_refused_by_field(app, boss, household, change,
                                                                 status, field):
    body = {"household_id": household, "points": 5, "reason": "补记", **change}
    response = boss.post("/ledger", json=body)
    assert response.status_code == status, response.get_data(as_text=True)
    assert list(response.get_json()["error"]["fields"]) == [field]
    assert entries(app) == 0


def test_a_correction_reason_may_span_lines(boss, household):
    response = boss.post("/ledger", json={"household_id": household, "points": 5,
                                          "reason": "补记\n上月义务清扫"})
    assert response.status_code == 201


@pytest.mark.parametrize("search", ["\x00", "岩\x00温"])
def test_the_household_searches_take_a_nul_as_nothing(app, web, search):
    with app.app_context():
        made = household_round()
    admin = app.test_client()
    login(admin, "admin")
    listed = admin.get("/admin/households", query_string={"q": search})
    results = web.get(f"/review/rounds/{made.round_id}/results", query_string={"q": search})
    assert (listed.status_code, results.status_code) == (200, 200)



# The wrong file, say: every line names a group the township does not have.
BAD_LINES = ("village,group,number,head\n"
             + "".join(f"无此村,无此组,{n},户主\n" for n in range(2000))).encode()
FIRST_ONLY = {"zh": "只列出了前 100 个问题：请改正后再检查文件。",
              "en": "Only the first 100 problems are listed: correct them and check the file "
                    "again."}


def test_a_file_of_thousands_of_bad_lines_lists_its_first_hundred(app, api):
    response = api.as_user("admin").post(
        "/households/import?dry_run=1", data={"file": (io.BytesIO(BAD_LINES), "h.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    listed = response.get_json()["error"]["fields"]["file"]
    assert len(listed) == 101 and listed[-1] == FIRST_ONLY["en"]
    assert listed[0].startswith("line 2: ") and listed[99].startswith("line 101: ")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_households_page_says_so_in_both_languages(app, lang):
    admin = app.test_client()
    login(admin, "admin")
    page = admin.get(f"/admin/households?lang={lang}")
    response = admin.post("/admin/households/import", data={
        "file": (io.BytesIO(BAD_LINES), "h.csv"), "csrf_token": csrf_token(page)})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert FIRST_ONLY[lang] in text and text.count("<li>") <= 101 + 10


def test_the_same_goods_twice_in_one_list_is_refused_and_nothing_changes(api):
    admin = api.as_user("admin")
    [soap] = admin.put("/goods", json={"goods": [{"name": "肥皂", "points": 2}]}
                       ).get_json()["goods"]
    response = admin.put("/goods", json={"goods": [
        {**soap, "points": 3}, {"name": "米", "points": 5}, {"name": "盐", "points": 1},
        {**soap, "name": "香皂"}]})
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {
        "goods.3.id": ["the same goods twice in one list"]}
    assert admin.get("/goods").get_json()["goods"] == [soap]


def test_too_many_entries_in_one_push_are_named_for_what_they_are(app, phone, household):
    response = phone.post("/sync/push", json={"client_id": phone.client_id, "inspections": [],
                                             "ledger": [deed(household)] * 201})
    assert response.status_code == 413
    assert "200 ledger entries" in response.get_json()["error"]["message"]
    assert entries(app) == 0
