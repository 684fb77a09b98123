"""The notice-board poster printed by Chromium for a township-sized round: one sheet at
A4 and one at A3, the lists side by side, every name whole and large enough for a wall."""
import re

import pytest

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
    from server.extensions import db
    from server.models import Round
    with live_server.app.app_context():
        round_id = db.session.execute(db.select(Round.id)).scalar_one()
        return publish_full_round(round_id)


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
