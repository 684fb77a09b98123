"""`GET|PUT /township/settings` (contract, "Households, points rules, …"): the star
ratings' notice and thresholds, the points table for checks, the veto's points and
points per star level beside display_precision; admins write, township users read, a
partial body changes only what it names, each wrong field is named, changes audited; and
the admin page that edits them, in Chinese and English."""
import pytest

from tests.support.townships import other_township
from tests.support.web import audit_actions, csrf_token, login

DEFAULTS = {
    "display_precision": 1, "notice_days": 3, "objection_contact": "",
    "star_thresholds": {"5": 95, "4": 90, "3": 80, "2": 70, "1": 60},
    "points_table": [{"min_score": 90, "points": 10}, {"min_score": 80, "points": 6},
                     {"min_score": 70, "points": 3}, {"min_score": 60, "points": 0},
                     {"min_score": 0, "points": -5}],
    "veto_points": -10,
    "star_points": {"5": 0, "4": 0, "3": 0, "2": 0, "1": 0},
}


def test_every_township_starts_with_the_domains_defaults(api, phone, boss):
    assert phone.get("/township/settings").get_json() == DEFAULTS
    assert boss.get("/township/settings").get_json() == DEFAULTS


def test_a_partial_body_changes_only_what_it_names_and_is_audited(app, api, phone):
    admin = api.as_user("admin")
    table = [{"min_score": 85.5, "points": 8}, {"min_score": 50, "points": 1}]
    answer = admin.put("/township/settings", json={"notice_days": 0,
                                                   "objection_contact": " 镇农办 0871-1234567 ",
                                                   "points_table": table})
    assert answer.status_code == 200, answer.get_json()
    expected = {**DEFAULTS, "notice_days": 0, "objection_contact": "镇农办 0871-1234567",
                "points_table": table}
    assert answer.get_json() == expected
    assert phone.get("/township/settings").get_json() == expected
    stars = {"5": 98, "4": 92.5, "3": 85, "2": 75, "1": 65}
    again = admin.put("/township/settings", json={"star_thresholds": stars, "veto_points": -20,
                                                  "star_points": {"5": 20, "4": 10, "3": 5,
                                                                  "2": 0, "1": 0}})
    assert again.get_json() == {**expected, "star_thresholds": stars, "veto_points": -20,
                                "star_points": {"5": 20, "4": 10, "3": 5, "2": 0, "1": 0}}
    # The same again changes nothing and is not audited again.
    admin.put("/township/settings", json={"veto_points": -20})
    audited = [a for a in audit_actions(app) if a[0] == "change_township_settings"]
    assert len(audited) == 2


@pytest.mark.parametrize("field, bad", [
    ("notice_days", 31), ("notice_days", -1), ("notice_days", "3"), ("notice_days", True),
    ("notice_days", 1.5), ("notice_days", None),
    ("objection_contact", "x" * 201), ("objection_contact", 5),
    ("objection_contact", "镇农办\x00"), ("objection_contact", "镇农办\n电话"),
    ("star_thresholds", {"5": 95, "4": 90, "3": 80, "2": 70}),
    ("star_thresholds", {"5": 90, "4": 95, "3": 80, "2": 70, "1": 60}),
    ("star_thresholds", {"5": 101, "4": 90, "3": 80, "2": 70, "1": 60}),
    ("star_thresholds", {"5": 95, "4": 90, "3": 80, "2": 70, "1": 60, "6": 99}),
    ("star_thresholds", [95, 90, 80, 70, 60]),
    ("points_table", []), ("points_table", [{"min_score": 60, "points": 1},
                                             {"min_score": 90, "points": 10}]),
    ("points_table", [{"min_score": 90, "points": 1.5}]),
    ("points_table", [{"min_score": 90}]), ("points_table", [{"min_score": -1, "points": 1}]),
    ("points_table", [{"min_score": 90, "points": 1, "extra": 2}]),
    ("points_table", [{"min_score": 90 - n, "points": 1} for n in range(11)]),
    ("points_table", {"min_score": 90, "points": 1}),
    ("veto_points", 1001), ("veto_points", "-10"), ("veto_points", False),
    ("star_points", {"5": -1, "4": 0, "3": 0, "2": 0, "1": 0}),
    ("star_points", {"5": 1}),
])
def test_a_wrong_field_is_refused_by_name_and_nothing_changes(api, phone, field, bad):
    admin = api.as_user("admin")
    response = admin.put("/township/settings", json={"notice_days": 5, field: bad})
    assert response.status_code == 400, (field, bad)
    assert list(response.get_json()["error"]["fields"]) == [field]
    assert phone.get("/township/settings").get_json() == DEFAULTS


def test_several_wrong_fields_are_named_together(api):
    response = api.as_user("admin").put("/township/settings", json={
        "notice_days": 99, "veto_points": "x", "display_precision": 1})
    assert response.status_code == 400
    assert sorted(response.get_json()["error"]["fields"]) == ["notice_days", "veto_points"]


def test_only_admins_write_and_each_township_has_its_own(app, api, phone, boss):
    assert boss.put("/township/settings", json={"notice_days": 5}).status_code == 403
    assert phone.put("/township/settings", json={"notice_days": 5}).status_code == 403
    other = other_township(app)
    elsewhere = api.as_user(other.usernames["admin"])
    assert elsewhere.put("/township/settings", json={"notice_days": 7}).status_code == 200
    assert phone.get("/township/settings").get_json()["notice_days"] == 3
    assert elsewhere.get("/township/settings").get_json()["notice_days"] == 7


PAGE_WORDS = {"zh": ["公示天数", "异议联系方式", "星级分数线", "检查积分表", "一票否决的积分",
                     "各星级的积分", "5 星"],
              "en": ["Notice days", "Contact for objections", "Star thresholds",
                     "Points for checks", "Points for a veto", "Points per star level",
                     "5 stars"]}
PAGE_ERRORS = {"zh": "公示天数须为 0 到 30 之间的整数", "en": "notice days must be a whole number"}


def form_of(**changes) -> dict:
    form = {"display_precision": "1", "notice_days": "3", "objection_contact": "",
            "veto_points": "-10"}
    for level, least in zip("54321", (95, 90, 80, 70, 60)):
        form[f"star_threshold_{level}"] = str(least)
        form[f"star_points_{level}"] = "0"
    for n, (least, points) in enumerate(((90, 10), (80, 6), (70, 3), (60, 0), (0, -5))):
        form[f"min_score_{n}"], form[f"band_points_{n}"] = str(least), str(points)
    form.update(changes)
    return form


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_admin_page_edits_every_setting(app, api, lang):
    admin = app.test_client()
    login(admin, "admin")
    page = admin.get(f"/admin/township?lang={lang}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert all(words in text for words in PAGE_WORDS[lang])
    assert 'name="min_score_4" min="0" max="100" step="any" inputmode="decimal" ' in text
    assert "<script>" not in text and " onclick=" not in text
    token = csrf_token(page)
    saved = admin.post(f"/admin/township?lang={lang}", data=form_of(
        csrf_token=token, notice_days="5", objection_contact="镇农办", veto_points="−15",
        star_threshold_5="97.5", star_points_5="20", min_score_0="88", band_points_0="12",
        min_score_3="", band_points_3="", min_score_5="", band_points_5=""))
    assert saved.status_code == 303, saved.get_data(as_text=True)
    settings = api.as_user("supervisor1").get("/township/settings").get_json()
    assert settings == {
        **DEFAULTS, "notice_days": 5, "objection_contact": "镇农办", "veto_points": -15,
        "star_thresholds": {**DEFAULTS["star_thresholds"], "5": 97.5},
        "star_points": {**DEFAULTS["star_points"], "5": 20},
        "points_table": [{"min_score": 88, "points": 12}, {"min_score": 80, "points": 6},
                         {"min_score": 70, "points": 3}, {"min_score": 0, "points": -5}]}
    for bad in ({"notice_days": "31"}, {"notice_days": "¹"}, {"notice_days": ""}):
        refused = admin.post(f"/admin/township?lang={lang}",
                             data=form_of(csrf_token=token, **bad))
        assert refused.status_code == 400
        text = refused.get_data(as_text=True)
        assert PAGE_ERRORS[lang] in text and text.count('role="alert"') == 1
    refused = admin.post(f"/admin/township?lang={lang}", data=form_of(
        csrf_token=token, min_score_1="95", star_points_1="x"))
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert PAGE_WORDS[lang][3] + ":" in text.replace("：", ":") or PAGE_WORDS[lang][3] in text
    assert 'name="min_score_1" min="0" max="100" step="any" inputmode="decimal" ' \
           'aria-label' in text and 'value="95"' in text
    assert api.as_user("supervisor1").get("/township/settings").get_json() == settings
