"""wrong_subject (409) reads right both ways, in both languages: rankings asked of a
household round, and household results asked of a round of villager groups."""
import pytest

from server.errors import Problem
from tests.support.household_rounds import household_round

# What the text must say whichever list was asked of which round.
BOTH_WAYS = {"zh": ("村民小组评比轮次有排名", "入户检查轮次按户给出结果"),
             "en": ("a round of villager groups has rankings",
                    "a household round has results household by household")}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("subject", ["group", "household"])
def test_the_text_fits_either_round(app, lang, subject):
    with app.app_context():
        text = Problem("wrong_subject", {"subject": subject}).text(lang)
    assert all(words in text for words in BOTH_WAYS[lang]), text


def test_the_api_says_it_both_ways(app, boss, ref):
    with app.app_context():
        made = household_round()
    rankings = boss.get(f"/rounds/{made.round_id}/rankings")
    assert rankings.status_code == 409 and rankings.get_json()["error"]["code"] == "wrong_subject"
    assert all(words in rankings.get_json()["error"]["message"] for words in BOTH_WAYS["en"])
    results = boss.get(f"/rounds/{ref['round']['id']}/results")
    assert results.status_code == 409 and results.get_json()["error"]["code"] == "wrong_subject"
    assert "villager groups" in results.get_json()["error"]["message"]
