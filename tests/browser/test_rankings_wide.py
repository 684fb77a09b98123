"""The rankings page on a 1280-px screen, in both languages: no score or rank broken
across lines, the Red List never drawn over the Black List, and the round picker naming
rounds in the page's language and staying within the page for a 100-character name."""
import pytest

from tests.support.apiclient import ApiClient
from tests.support.factories import inspection, reference
from tests.support.layout import wrapped
from tests.support.phone import page_of_size
from tests.support.web import sign_in_page

# several findings a group, so that every list has long reasons
FINDINGS = [{"collection": {"bins": 2, "litter": 1}, "roads": {"road_dirty": 3}},
            {"households": {"clutter": 1, "livestock": 2}, "greening": {"fences": 1}},
            {"transfer": {"equipment_broken": 1}, "protection": {"sewage": 2, "polluted_water": 1}}]
LONG_NAME = "勐海县勐海镇二〇二六年第四季度农村人居环境整治百日攻坚行动暨“美丽村庄”创建工作第十二月份村民小组人居环境红黑榜集中评比检查（第一批次）"


@pytest.fixture
def desk(browser):
    yield from page_of_size(browser, 1280, 900)


@pytest.fixture
def ranked(live_server):
    """Every group of inspector1 inspected in the open round, with English round names;
    answers the round's id."""
    from server.extensions import db
    from server.models import Round
    app = live_server.app
    phone = ApiClient(app.test_client()).as_user("inspector1")
    ref = reference(phone)
    round_id = ref["round"]["id"]
    pushed = phone.push(*[inspection(round_id, group, deductions=FINDINGS[n % len(FINDINGS)])
                          for n, group in enumerate(ref["assigned"])])
    assert pushed.status_code == 200
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        round_.name, round_.name_en = LONG_NAME[:100], "December 2026 round"
        db.session.commit()
    return round_id


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rankings_keep_numbers_whole_and_lists_apart(live_server, desk, ranked, lang):
    page = desk
    sign_in_page(page, live_server.url)
    page.goto(f"{live_server.url}/review/rounds/{ranked}/rankings?lang={lang}")
    assert page.locator("table.rankings td.num").count() >= 12
    for cell in ("td.num a", "td.num .up, td.num .down"):
        assert wrapped(page, f"table.rankings {cell}") == []
    if lang == "zh":   # a heading such as 名次 is one word (English ones wrap between words)
        assert wrapped(page, "table.rankings th") == []
    assert wrapped(page, "table.rankings .place-name") == []

    red, black = (page.locator(f".lists section:has(h2.{w})").bounding_box() for w in ("red", "black"))
    beside, below = black["x"] >= red["x"] + red["width"], black["y"] >= red["y"] + red["height"]
    assert beside or below
    for which, section in (("red", red), ("black", black)):   # each table within its own list
        table = page.locator(f".lists section:has(h2.{which}) table").bounding_box()
        assert table["x"] + table["width"] <= section["x"] + section["width"] + 1

    # the picker: the round's name in the page's language; a 100-character one within the page
    option = page.locator("form.filters select option[selected]").inner_text()
    assert option.startswith("December 2026 round" if lang == "en" else LONG_NAME[:100])
    picker = page.locator("form.filters select").bounding_box()
    assert picker["x"] + picker["width"] <= 1280
    wide = page.evaluate("""() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 1280).map(e => e.tagName + '.' + e.className).slice(0, 8)""")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1280, wide
