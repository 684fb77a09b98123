"""The public board and the poster on a 360-px phone (they are opened from a link in a
group chat), in both languages: no sideways scrolling, no score broken across lines, and a
village's or group's name kept whole rather than a character or two a line."""
import pytest

from tests.support.layout import full_round_published, wrapped
from tests.support.phone import page_of_size


@pytest.fixture
def phone_page(browser):
    yield from page_of_size(browser, 360, 740)


@pytest.fixture
def full_round(live_server):
    return full_round_published(live_server.app)


def assert_reads_on_a_phone(page, scores: str):
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    assert page.locator(scores).count() >= 12
    assert wrapped(page, scores) == []
    assert wrapped(page, ".place-name") == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_board_reads_on_a_phone(live_server, phone_page, full_round, lang):
    page = phone_page
    page.goto(f"{live_server.url}/board/?lang={lang}")
    assert_reads_on_a_phone(page, "table.board-list td.score, table.board-list td.num")
    # the Black List's groups and the rectifications still open, every one of them shown
    black = [g for g in full_round["groups"] if g["list"] == "black"]
    text = page.locator(f"#round-{full_round['round']['id']}").inner_text()
    assert all(((lang == "en" and g["name_en"]) or g["name"]) in text for g in black)
    assert page.locator("section.carried-over tbody tr").count() >= 6
    assert wrapped(page, "section.carried-over td.date") == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_poster_reads_on_a_phone(live_server, phone_page, full_round, lang):
    page = phone_page
    page.goto(f"{live_server.url}/board/rounds/{full_round['round']['id']}/poster?lang={lang}")
    assert_reads_on_a_phone(page, ".columns td.num")
    assert page.locator("section.carried-over tbody tr").count() == 6
    assert wrapped(page, "section.carried-over td.num") == []
