"""Rank as published (domain.md): WR rounded half-up to the township's display precision
ranks; equal shown scores tie and go to the tie-breaks, and a place a tie-break decided
says which, in the JSON, the exports and the pages. The precision is the township's
setting (`GET|PUT /township/settings`, and its admin page)."""
import csv
import io

import pytest

from tests.support.factories import close_round
from tests.support.ties import push_tied_groups
from tests.support.web import csrf_token, login


@pytest.fixture
def tied(phone, ref):
    """A and B both show 90.8; B's WR is higher, its collection subtotal lower."""
    return push_tied_groups(phone, ref)


def places(ranking):
    return [(g["group_id"], g["rank"], g["shown_score"], g["tie_break"])
            for g in ranking["groups"]]


def test_equal_shown_scores_tie_and_the_json_says_which_tie_break_decided(phone, tied):
    ranking = phone.get(f"/rounds/{tied['round_id']}/rankings").get_json()
    assert ranking["precision"] == 1
    assert places(ranking) == [(tied["a"], 1, 90.8, None), (tied["b"], 2, 90.8, "subtotal"),
                               (tied["c"], 3, 90.4, None)]
    scores = {g["group_id"]: g["score"] for g in ranking["groups"]}
    assert scores[tied["b"]] > scores[tied["a"]]          # WR stays unrounded


def test_two_decimals_part_them_and_a_published_list_keeps_its_precision(api, app, phone,
                                                                          tied):
    admin, boss = api.as_user("admin"), api.as_user("supervisor1")
    url = f"/rounds/{tied['round_id']}/rankings"
    phone.get(url)                                        # cached at one decimal
    assert admin.put("/township/settings",
                     json={"display_precision": 2}).get_json()["display_precision"] == 2
    ranking = phone.get(url).get_json()
    assert ranking["precision"] == 2
    assert places(ranking)[:2] == [(tied["b"], 1, 90.83, None), (tied["a"], 2, 90.78, None)]

    close_round(app, tied["round_id"])
    assert boss.post(f"/rounds/{tied['round_id']}/publish").status_code == 201
    admin.put("/township/settings", json={"display_precision": 1})
    published = phone.get(f"{url}/published").get_json()
    assert published["precision"] == 2 and places(published) == places(ranking)
    assert places(phone.get(url).get_json())[1][3] == "subtotal"


def test_settings_are_read_by_everyone_and_changed_by_admins_only(api, phone, boss):
    admin = api.as_user("admin")
    assert phone.get("/township/settings").get_json()["display_precision"] == 1
    assert boss.put("/township/settings", json={"display_precision": 2}).status_code == 403
    for bad in (3, 0, "2", True, 1.5, None):
        response = admin.put("/township/settings", json={"display_precision": bad})
        assert response.status_code == 400, bad
        assert "display_precision" in str(response.get_json()["error"])
    assert admin.put("/township/settings", json={"notice": 1}).status_code == 400
    assert admin.put("/township/settings", json={}).get_json()["display_precision"] == 1
    assert phone.get("/township/settings").get_json()["display_precision"] == 1


@pytest.mark.parametrize("lang, words", [("zh", "垃圾收集与厕所得分较低"),
                                          ("en", "lower collection + toilets subtotal")])
def test_the_rankings_page_and_the_export_name_the_tie_break(app, web, tied, lang, words):
    page = web.get(f"/review/rounds/{tied['round_id']}/rankings?lang={lang}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and words in text and "90.8" in text
    assert text.count('data-tie-break="subtotal"') >= 1
    data = web.get(f"/review/rounds/{tied['round_id']}/export/rankings.csv?lang={lang}").data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    by_id = {r[0]: r for r in rows[1:4]}
    assert [r[3] for r in rows[1:4]] == ["90.8", "90.8", "90.4"]
    assert words in by_id["2"][-2] and "90.8" in by_id["2"][-2]
    assert by_id["1"][-2] == ""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_admin_page_sets_the_precision_and_refuses_anything_else(app, lang):
    admin = app.test_client()
    login(admin, "admin")
    page = admin.get(f"/admin/township?lang={lang}")
    assert page.status_code == 200
    assert 'value="1" checked' in page.get_data(as_text=True)
    token = csrf_token(page)
    saved = admin.post("/admin/township", data={"display_precision": "2", "csrf_token": token})
    assert saved.status_code == 303
    again = admin.get("/admin/township").get_data(as_text=True)
    assert 'value="2" checked' in again
    words = {"zh": "请选择 1 位或 2 位小数", "en": "choose 1 or 2 decimal places"}[lang]
    for bad in ("3", "¹", "", "1.5", "x" * 500):
        refused = admin.post("/admin/township", data={"display_precision": bad,
                                                      "csrf_token": token})
        assert refused.status_code == 400, bad
        assert words in refused.get_data(as_text=True)
    assert 'value="2" checked' in admin.get("/admin/township").get_data(as_text=True)


def test_a_combined_result_ranks_as_shown_too(app, boss, phone, tied):
    """Combined results have one tie-break (rounds with a veto): A and B, equal as
    shown and neither vetoed, share the place though B's mean WR is higher."""
    close_round(app, tied["round_id"])
    assert boss.post(f"/rounds/{tied['round_id']}/publish").status_code == 201
    combined = phone.get(f"/combined?rounds={tied['round_id']}").get_json()
    assert combined["precision"] == 1
    assert sorted(places(combined)) == sorted([
        (tied["a"], 1, 90.8, None), (tied["b"], 1, 90.8, None), (tied["c"], 3, 90.4, None)])
    created = boss.post("/combined", json={"name": "汇总", "rounds": [tied["round_id"]]})
    published = phone.get(f"/combined/{created.get_json()['id']}").get_json()
    assert places(published) == places(combined)
