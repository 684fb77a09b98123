"""Combined results rank villager groups: a household round chosen for one is refused
per field (400 on `rounds`), through the API and on the page, in both languages."""
import pytest

from tests.support.combined import publish_two_rounds
from tests.support.household_rounds import household_round
from tests.support.web import csrf_token

WORDS = {"zh": "“本月户评”是入户检查轮次：汇总结果给村民小组排名",
         "en": "“本月户评” is a household round: a combined result ranks villager groups"}


@pytest.fixture
def two(app, phone, boss, ref):
    return publish_two_rounds(app, phone, boss, ref)


@pytest.fixture
def households(app, two):
    with app.app_context():
        return household_round(state="published").round_id


def test_the_api_refuses_a_household_round_on_rounds(boss, two, households):
    for response in (boss.get(f"/combined?rounds={two['first']},{households}"),
                     boss.post("/combined", json={"name": "第一季度",
                                                  "rounds": [two["first"], households]})):
        assert response.status_code == 400, response.get_json()
        error = response.get_json()["error"]
        assert error["code"] == "invalid_request"
        assert [WORDS["en"] in text for text in error["fields"]["rounds"]] == [True]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_names_the_household_round(web, two, households, lang):
    chosen = f"rounds={two['first']}&rounds={households}"
    response = web.get(f"/review/combined?{chosen}&lang={lang}")
    assert response.status_code == 400 and WORDS[lang] in response.get_data(as_text=True)
    published = web.post("/review/combined/publish", data={
        "csrf_token": csrf_token(response), "rounds": [two["first"], households],
        "name": "季度"})
    assert published.status_code == 400 and WORDS[lang] in published.get_data(as_text=True)
