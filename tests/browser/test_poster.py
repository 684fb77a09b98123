"""The notice-board poster printed by Chromium for a township-sized round: one sheet at
A4 and one at A3, the lists side by side, every name whole and large enough for a wall."""
import re

import pytest

from tests.support.layout import full_round_published
from tests.support.phone import page_of_size
from tests.support.snapshots import publish_full_round


def pages_in(pdf: bytes) -> int:
    """The page objects of a PDF (not the /Pages tree nodes)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.fixture
def desk(browser):
    yield from page_of_size(browser, 1280, 900)


@pytest.fixture
def full_round(live_server):
    return full_round_published(live_server.app)


@pytest.mark.parametrize("size,min_pt", [("a4", 14), ("a3", 20)])
def test_poster_prints_on_one_sheet_with_whole_names(live_server, desk, full_round, size,
                                                     min_pt):
    page = desk
    page.goto(f"{live_server.url}/board/rounds/{full_round['round']['id']}/poster?size={size}")
    page.emulate_media(media="print")
    black = [g["name"] for g in full_round["groups"] if g["list"] == "black"]
    assert len(black) == 6 and all(n in page.locator("section.list.black").inner_text()
                                   for n in black)
    assert page.locator("section.carried-over tbody tr").count() == 6

    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pages_in(pdf) == 1

    # the lists share the sheet's width, side by side
    red, black = (page.locator(f"section.list.{w}").bounding_box() for w in ("red", "black"))
    assert red["y"] == black["y"] and black["x"] >= red["x"] + red["width"]
    # a village and its group are two names, each on one line, never run together
    names = page.locator("section.list td.group")
    assert names.first.inner_text().split() == [
        full_round["groups"][0]["village"], full_round["groups"][0]["name"]]
    broken = page.evaluate("""() => [...document.querySelectorAll('.place-name')]
        .filter(span => span.getClientRects().length !== 1).map(span => span.textContent)""")
    assert broken == []
    # names and scores readable from two metres: at least min_pt points (4/3 px a point)
    sizes = page.evaluate("""() => [...document.querySelectorAll('.place-name, .columns td.num')]
        .map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert min(sizes) >= min_pt * 4 / 3


def test_a_typical_groups_notice_stays_on_one_a4_page(live_server, desk):
    from tests.support.apiclient import ApiClient
    from tests.support.factories import make_rectification, reference
    from tests.support.web import sign_in_page

    app = live_server.app
    phone = ApiClient(app.test_client()).as_user("inspector1")
    ref = reference(phone)
    rectification = make_rectification(app, phone, ref, deductions={
        "collection": {"bins": 2, "litter": 1}, "roads": {"road_dirty": 3},
        "toilets": {"open_pit": 1}})
    sign_in_page(desk, live_server.url)
    desk.goto(f"{live_server.url}/review/rectifications/{rectification['id']}/notice")
    desk.wait_for_function("() => [...document.images].every(i => i.complete)")
    assert re.search(r"村 \S+组", desk.locator("p.to").inner_text())   # two names, not one
    desk.emulate_media(media="print")
    assert pages_in(desk.pdf(prefer_css_page_size=True, print_background=True)) == 1


# twelve problems, the most a notice is made for, each found several times
TWELVE = {"collection": {"bins": 2, "litter": 1},
          "roads": {"road_dirty": 3, "road_damaged": 1, "road_blocked": 2},
          "toilets": {"open_pit": 1, "toilet_broken": 2},
          "households": {"clutter": 1, "livestock": 2, "ruined_walls": 1},
          "protection": {"sewage": 2, "farm_waste": 1}}
A4_PRINTABLE_PX = 180 / 25.4 * 96       # 210 mm less the notice's 15-mm margins


def twelve_problem_rectification(app) -> int:
    """A rectification of 12 items with three photos each; answers its id."""
    from server.extensions import db
    from server.models import Rectification
    from tests.support.apiclient import ApiClient
    from tests.support.factories import make_rectification, reference

    phone = ApiClient(app.test_client()).as_user("inspector1")
    made = make_rectification(app, phone, reference(phone), deductions=TWELVE)
    with app.app_context():
        rectification = db.session.get(Rectification, made["id"])
        assert len(rectification.items) == 12
        for item in rectification.items:
            item.photo_ids = list(item.photo_ids) * 3
        db.session.commit()
    return made["id"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_notice_of_twelve_problems_prints_on_one_a4_page_with_its_table_whole(
        live_server, desk, lang):
    from tests.support.web import sign_in_page

    rectification_id = twelve_problem_rectification(live_server.app)
    sign_in_page(desk, live_server.url)
    desk.goto(f"{live_server.url}/review/rectifications/{rectification_id}/notice?lang={lang}")
    desk.wait_for_function("() => [...document.images].every(i => i.complete)")
    assert desk.locator("table tbody tr").count() == 12
    desk.emulate_media(media="print")
    assert pages_in(desk.pdf(prefer_css_page_size=True, print_background=True)) == 1

    # laid out at the page's printable width, the table's right border lies inside it; a
    # collapsed border overhangs its table's box by half (CSS 2.1, 17.6.2)
    desk.set_viewport_size({"width": int(A4_PRINTABLE_PX), "height": 1000})
    right = desk.evaluate("""() => {
        const table = document.querySelector('table'), style = getComputedStyle(table);
        const cell = getComputedStyle(table.querySelector('tbody tr td:last-child'));
        const overhang = style.borderCollapse === 'collapse' ? parseFloat(cell.borderRightWidth) / 2 : 0;
        return table.getBoundingClientRect().right + overhang;
    }""")
    assert right < int(A4_PRINTABLE_PX)
    assert desk.evaluate("document.scrollingElement.scrollWidth") <= int(A4_PRINTABLE_PX)


TITLES = {"zh": ("农村人居环境整治红黑榜", "整改通知书"), "en": ("Red and Black Lists", "Rectification notice")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_posters_and_notices_come_in_the_readers_language_and_offer_the_other(
        live_server, desk, lang):
    from tests.support.apiclient import ApiClient
    from tests.support.factories import make_rectification, reference
    from tests.support.web import sign_in_page

    other = "en" if lang == "zh" else "zh"
    app = live_server.app
    phone = ApiClient(app.test_client()).as_user("inspector1")
    ref = reference(phone)
    rectification = make_rectification(app, phone, ref)
    with app.app_context():
        publish_full_round(ref["round"]["id"])
    sign_in_page(desk, live_server.url)
    for n, path in enumerate((f"/board/rounds/{ref['round']['id']}/poster?size=a3",
                              f"/review/rectifications/{rectification['id']}/notice")):
        desk.goto(f"{live_server.url}{path}{'&' if '?' in path else '?'}lang={lang}")
        assert desk.locator("h1").inner_text().replace(" ", "") == TITLES[lang][n].replace(" ", "")
        desk.locator("a.print-language").click()
        assert desk.locator("h1").inner_text().replace(" ", "") == TITLES[other][n].replace(" ", "")
        assert desk.evaluate("document.documentElement.lang").startswith(other)
        if n == 0:   # the same sheet, only in the other language
            assert "size=a3" in desk.url
    # printing the other language once leaves the reader's own pages as they were
    desk.goto(f"{live_server.url}/board/")
    assert desk.evaluate("document.documentElement.lang").startswith(lang)
