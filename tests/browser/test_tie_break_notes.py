"""Rank as published, as the public reads it on a 360-px phone: two groups showing the
same score at different places say which tie-break decided, on the board and on the
poster, in both languages; the scores shown are the ones ranked."""
import pytest
from playwright.sync_api import expect

from tests.support.apiclient import ApiClient
from tests.support.factories import close_round, reference
from tests.support.ties import push_tied_groups

WORDS = {"zh": "垃圾收集与厕所得分较低", "en": "lower collection + toilets subtotal"}


@pytest.fixture
def tied_and_published(live_server):
    """A shows 90.8 (WR 90.78), B shows 90.8 too (WR 90.83, a lower collection + toilets
    subtotal): B is placed second by the subtotal. Published."""
    app = live_server.app
    api = ApiClient(app.test_client())
    phone, boss = api.as_user("inspector1"), api.as_user("supervisor1")
    tied = push_tied_groups(phone, reference(phone))
    a, b, round_id = tied["a"], tied["b"], tied["round_id"]
    close_round(app, round_id)
    published = boss.post(f"/rounds/{round_id}/publish").get_json()
    groups = {g["group_id"]: g for g in published["groups"]}
    assert (groups[a]["rank"], groups[b]["rank"], groups[b]["tie_break"]) == (1, 2, "subtotal")
    return {"round_id": round_id, "a": groups[a], "b": groups[b]}


def within_the_screen(locator) -> None:
    box = locator.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_board_says_which_tie_break_placed_an_equal_score(live_server, small_screen,
                                                              tied_and_published, lang):
    page, tied = small_screen, tied_and_published
    page.goto(f"{live_server.url}/board/?lang={lang}")
    notes = page.locator("[data-tie-break]")
    expect(notes).to_have_count(1)
    note = notes.first
    expect(note).to_be_visible()
    expect(note).to_contain_text(WORDS[lang])
    expect(note).to_contain_text("90.8")
    within_the_screen(note)
    # the note is B's, at its place
    entry = page.locator("tbody.entry").filter(has=note)
    b = tied["b"]
    expect(entry).to_contain_text((lang == "en" and b["name_en"]) or b["name"])
    expect(entry.locator("td.num").first).to_have_text("2")
    # A's and B's scores as ranked (A on the Red List, B on the Black List), and B's note
    assert page.locator("div.lists").first.inner_text().count("90.8") == 3
    expect(page.locator(".tie-rule").first).to_be_visible()


def test_the_poster_says_it_too(live_server, small_screen, tied_and_published):
    page, tied = small_screen, tied_and_published
    page.goto(f"{live_server.url}/board/rounds/{tied['round_id']}/poster")
    note = page.locator("[data-tie-break='subtotal']")
    expect(note).to_have_count(1)
    expect(note).to_be_visible()
    expect(note).to_contain_text("90.8")
    within_the_screen(note)
    expect(page.locator("section.list").first).to_contain_text("90.8")
    expect(page.locator(".tie-rule")).to_be_visible()
