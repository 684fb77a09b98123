"""The rankings page on a 360-px screen, in both languages: the weighting said in plain
words, and each group's trend with every round's name and score written out."""
import pytest
from playwright.sync_api import expect

from tests.support.apiclient import ApiClient
from tests.support.combined import publish_two_rounds
from tests.support.factories import reference
from tests.support.web import sign_in_page

PLAIN = {"zh": "检查次数少的村民小组", "en": "a group inspected only a few times"}


def round_names(app, ids, lang) -> list[str]:
    from server.extensions import db
    from server.models import Round
    with app.app_context():
        rounds = [db.session.get(Round, i) for i in ids]
        return [(lang == "en" and r.name_en) or r.name for r in rounds]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rankings_explain_the_weighting_and_label_the_trend(live_server, small_screen, lang):
    app, page = live_server.app, small_screen
    api = ApiClient(app.test_client())
    phone = api.as_user("inspector1")
    rounds = publish_two_rounds(app, phone, api.as_user("supervisor1"), reference(phone))
    sign_in_page(page, live_server.url)
    page.goto(f"{live_server.url}/review/rounds/{rounds['second']}/rankings?lang={lang}")

    rule = page.locator("#ranking-rule")
    expect(rule).to_contain_text(PLAIN[lang])
    assert "m =" not in rule.inner_text()

    row = page.locator("table.rankings").last.locator(f"tr[data-group='{rounds['a']}']")
    points = row.locator("ol.trend-values li")
    expect(points).to_have_count(2)
    names = round_names(app, (rounds["first"], rounds["second"]), lang)
    scores = [f"{rounds['snapshots'][r][rounds['a']]['score']:.1f}"
              for r in (rounds["first"], rounds["second"])]
    for point, name, score in zip(points.all(), names, scores):
        assert point.locator(".round").inner_text() == name
        assert point.locator("strong").inner_text() == score
        assert point.is_visible()
        assert float(point.evaluate("e => getComputedStyle(e).fontSize").rstrip("px")) >= 14
