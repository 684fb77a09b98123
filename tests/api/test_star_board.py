"""Star ratings on the public board, in Chinese and English, read by anyone signed in or
not: a rating in notice with its last day and the township's contact for objections, a
final one, each household with stars by village and group (户号, 户主, stars), a revoked
one shown revoked (摘牌); never a score or a photo."""
import pytest

from tests.support.star_ratings import published_household_round, set_township
from tests.support.web import csrf_token


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def rated(app, web):
    """A rating started from the pages, in notice; its id."""
    made = published_household_round(app)
    set_township(app, objection_contact="镇综治办 0691-5123456")
    page = web.get(f"/review/stars?rounds={made.round_id}")
    response = web.post("/review/stars", data={
        "csrf_token": csrf_token(page), "rounds": made.round_id, "name": "2026年星级评定",
        "name_en": "2026 star rating"})
    assert response.status_code == 303
    return made, int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.mark.parametrize("lang, words", [
    ("zh", ["2026年星级评定", "公示中", "公示截止", "异议请联系：镇综治办 0691-5123456",
            "查看星级名单"]),
    ("en", ["2026 star rating", "In notice", "Public notice until",
            "Objections to: 镇综治办 0691-5123456", "The list by village and group"])])
def test_a_rating_in_notice_is_on_the_board(client, rated, lang, words):
    _made, rating_id = rated
    board = text(client.get(f"/board/?lang={lang}"))
    assert f'id="stars-{rating_id}"' in board
    for word in words:
        assert word in board, word
    listing = client.get(f"/board/stars/{rating_id}?lang={lang}")
    assert listing.status_code == 200
    page = text(listing)
    for word in words[:4]:
        assert word in page, word
    # by village and group: 户号, 户主 and stars; no score, no photo, not the 0-star household
    assert page.count('<h3 class="group">') == 2           # group A, then group B
    assert page.index("王建国") < page.index("陈明") < page.index('<h3 class="group">', \
        page.index("陈明")) < page.index("杨丽")
    assert "★★★★★" in page and "李秀英" not in page
    assert "93.0" not in page and "100.0" not in page and "<img" not in page


@pytest.mark.parametrize("lang, revoked", [("zh", "已摘牌"), ("en", "Revoked")])
def test_a_final_rating_shows_a_revoked_household_revoked(app, web, client, lang, revoked):
    made = published_household_round(app)
    set_township(app, notice_days=0)
    page = web.get(f"/review/stars?rounds={made.round_id}")
    location = web.post("/review/stars", data={
        "csrf_token": csrf_token(page), "rounds": made.round_id, "name": "年度星级"}
    ).headers["Location"]
    rating_id = int(location.rsplit("/", 1)[1])
    token = csrf_token(web.get(location))
    assert web.post(f"{location}/finalize", data={"csrf_token": token}).status_code == 303
    assert web.post(f"{location}/revoke", data={
        "csrf_token": token, "group": made.group_b, "number": "01", "reason": "乱堆乱放"}
    ).status_code == 303
    board = text(client.get(f"/board/?lang={lang}"))
    assert ("已定级" if lang == "zh" else "Final") in board
    listing = text(client.get(f"/board/stars/{rating_id}?lang={lang}"))
    row = listing[listing.index("杨丽"):]
    assert revoked in row[:row.index("</tr>")]
    assert "乱堆乱放" not in listing                      # the reason is the supervisors'
    assert client.get("/board/stars/99999999999").status_code == 404
    assert client.get("/board/stars/999999").status_code == 404
