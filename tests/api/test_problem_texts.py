"""A refusal reads as its own code's text on every surface, on SQLite and PostgreSQL."""
import re

from server.i18n import CATALOGUES

from tests.support.web import csrf_token


def test_publishing_an_open_round_says_it_is_still_open(boss, ref):
    response = boss.post(f"/rounds/{ref['round']['id']}/publish")
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "round_not_closed"
    assert error["message"] == CATALOGUES["en"]["problem.round_not_closed"]
    assert "still open" in error["message"] and "reopened" not in error["message"]


def test_the_publish_page_says_the_same_in_the_readers_language(web, ref):
    url = f"/review/rounds/{ref['round']['id']}/publish"
    response = web.post(url, data={"csrf_token": csrf_token(web.get(url))},
                        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert CATALOGUES["zh"]["problem.round_not_closed"] in page
    assert CATALOGUES["zh"]["problem.round_not_closed"] != "problem.round_not_closed"


def test_the_flash_after_publishing_an_open_round_is_about_publishing_in_english(web, ref):
    web.get("/lang/en")
    url = f"/review/rounds/{ref['round']['id']}/publish"
    response = web.post(url, data={"csrf_token": csrf_token(web.get(url))})
    assert response.status_code == 303
    flashes = re.findall(r'<p class="flash">([^<]*)</p>', web.get(response.location)
                         .get_data(as_text=True))
    assert flashes == [CATALOGUES["en"]["problem.round_not_closed"]]
    assert "publish" in flashes[0] and "reopen" not in flashes[0]
