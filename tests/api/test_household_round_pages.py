"""The pages of household rounds, in Chinese and in English: the rubric versions say what
each scores and a new draft's subject is picked there, the round form takes a subject,
and a household round's rankings page says where its results are."""
from datetime import date, timedelta

import pytest

from server.extensions import db
from server.models import Round, RubricVersion

from tests.support.household_subject import household_rubric_version
from tests.support.web import csrf_token, login

WORDS = {
    "zh": {"group": "村民小组", "household": "农户", "copy_subject": "新草稿用于",
           "scores": "评分对象", "checks": "检查对象", "mismatch": "入户检查轮次须用入户评分标准",
           "wrong_subject": "入户检查轮次按户给出结果", "results": "入户检查结果"},
    "en": {"group": "Villager groups", "household": "Households",
           "copy_subject": "New draft for", "scores": "Scores", "checks": "Checks",
           "mismatch": "a household round needs a household rubric",
           "wrong_subject": "a household round has results household by household", "results": "Household results"},
}


def signed_in(app, username: str, lang: str):
    client = app.test_client()
    login(client, username)
    client.get(f"/lang/{lang}")
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def post(client, path, data, page):
    return client.post(path, data={**data, "csrf_token": csrf_token(client.get(page))})


def subject_of(app, version: int) -> str:
    with app.app_context():
        return db.session.execute(db.select(RubricVersion.subject).where(
            RubricVersion.version == version)).scalar_one()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rubric_versions_say_what_they_score_and_a_draft_takes_a_chosen_subject(app, lang):
    words = WORDS[lang]
    with app.app_context():
        household = household_rubric_version()
    admin = signed_in(app, "admin", lang)
    page = text(admin.get("/admin/rubrics"))
    assert words["copy_subject"] in page and words["scores"] in page
    assert page.count(f'<td class="rubric-subject">{words["household"]}</td>') == 1
    assert page.count(f'<td class="rubric-subject">{words["group"]}</td>') == 1

    copied = post(admin, "/admin/rubrics/1/copy", {"subject": "household"}, "/admin/rubrics")
    draft = household + 1
    assert copied.status_code == 303 and copied.location.endswith(f"/admin/rubrics/{draft}")
    assert subject_of(app, draft) == "household"
    page = text(admin.get(f"/admin/rubrics/{draft}"))
    assert f'{words["scores"]}: {words["household"]}' in page
    assert '<option value="household" selected>' in page
    refused = post(admin, "/admin/rubrics/1/copy", {"subject": "street"}, "/admin/rubrics")
    assert refused.status_code == 303 and subject_of(app, 1) == "group"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_round_form_takes_a_subject_and_its_rubric_must_score_it(app, lang):
    words = WORDS[lang]
    with app.app_context():
        household = household_rubric_version()
        rubric_ids = dict(db.session.execute(db.select(RubricVersion.version,
                                                       RubricVersion.id)).all())
        starts = db.session.execute(db.select(Round.starts_on)).scalars().first()
    admin = signed_in(app, "admin", lang)
    page = text(admin.get("/admin/rounds/new"))
    assert words["checks"] in page and f'<option value="household">{words["household"]}' in page
    fields = {"name": "入户检查", "starts_on": starts.isoformat(),
              "ends_on": (starts + timedelta(days=20)).isoformat(), "subject": "household"}
    refused = post(admin, "/admin/rounds/new", {**fields, "rubric_id": rubric_ids[1]},
                   "/admin/rounds/new")
    assert refused.status_code == 400 and words["mismatch"] in text(refused)
    created = post(admin, "/admin/rounds/new", {**fields, "rubric_id": rubric_ids[household]},
                   "/admin/rounds/new")
    assert created.status_code == 302, text(created)
    with app.app_context():
        made = db.session.execute(db.select(Round).where(Round.name == "入户检查")).scalar_one()
        assert (made.subject, made.rubric.version, made.starts_on) == (
            "household", household, date.fromisoformat(fields["starts_on"]))
        round_id = made.id
    edit = text(admin.get(f"/admin/rounds/{round_id}/edit"))
    assert f'{words["checks"]}: {words["household"]}' in edit


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_household_rounds_rankings_page_leads_to_its_results(app, api, lang):
    words = WORDS[lang]
    with app.app_context():
        household_rubric_version()
        starts = db.session.execute(db.select(Round.starts_on)).scalars().first()
    created = api.as_user("admin").post("/rounds", json={
        "name": "入户检查", "starts_on": starts.isoformat(),
        "ends_on": (starts + timedelta(days=20)).isoformat(), "subject": "household"})
    round_id = created.get_json()["id"]
    supervisor = signed_in(app, "supervisor1", lang)
    response = supervisor.get(f"/review/rounds/{round_id}/rankings")
    page = text(response)
    assert response.status_code == 409 and words["wrong_subject"] in page
    assert f'href="/review/rounds/{round_id}/results">{words["results"]}' in page
    # the rankings menu opens the latest round of villager groups, never this one
    latest = supervisor.get("/review/rankings")
    assert latest.status_code == 302 and not latest.location.endswith(f"/{round_id}/rankings")
