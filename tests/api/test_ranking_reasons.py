"""Ranking reasons: data in the rankings ([{criterion, item, count}]), words in Chinese
and English wherever they are shown (API, pages, board, poster, exports); snapshots
published before reasons were data still read and render."""
import csv
import io

import pytest

from tests.support.factories import close_round, inspection
from tests.support.snapshots import OLD_REASON, OLD_REASON_EN, publish_old_snapshot
from tests.support.web import csrf_token

VETO_REASONS = [{"criterion": "collection", "item": "open_burning", "count": 1},
                {"criterion": "collection", "item": "bins", "count": 2}]
VETO_REASON = "露天焚烧垃圾 ×1，垃圾桶破损、未加盖或满溢 ×2"
VETO_REASON_EN = "Garbage burnt in the open ×1, Bin broken, uncovered or overflowing ×2"


@pytest.fixture
def vetoed(phone, ref):
    """Group A burnt garbage in the open (Black List, the veto named first); B and C lost
    a point each."""
    round_id = ref["round"]["id"]
    a, b, c = ref["assigned"][:3]
    phone.push(inspection(round_id, a, deductions={"collection": {"bins": 2, "open_burning": 1}}),
               inspection(round_id, b, deductions={"roads": {"road_dirty": 1}}),
               inspection(round_id, c, deductions={"greening": {"fences": 1}}))
    return {"round_id": round_id, "a": a}


def group(ranking: dict, group_id: int) -> dict:
    return next(g for g in ranking["groups"] if g["group_id"] == group_id)


def reason_cells(data: bytes) -> list[str]:
    """The reason column of a rankings CSV export."""
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
    return [row[-1] for row in rows[1:]]


def test_the_api_gives_reasons_as_data_and_in_both_languages(phone, boss, vetoed):
    round_id = vetoed["round_id"]
    live = group(phone.get(f"/rounds/{round_id}/rankings").get_json(), vetoed["a"])
    assert live["list"] == "black"
    assert live["reasons"] == VETO_REASONS
    assert (live["reason"], live["reason_en"]) == (VETO_REASON, VETO_REASON_EN)
    close_round(boss.client.application, round_id)
    published = boss.post(f"/rounds/{round_id}/publish").get_json()
    assert group(published, vetoed["a"]) == live
    frozen = phone.get(f"/rounds/{round_id}/rankings/published").get_json()
    assert group(frozen, vetoed["a"])["reasons"] == VETO_REASONS


def test_pages_board_poster_and_exports_word_the_reasons_in_their_language(client, web,
                                                                          vetoed):
    round_id = vetoed["round_id"]
    page = web.get(f"/review/rounds/{round_id}/rankings")
    assert VETO_REASON in page.get_data(as_text=True)
    assert VETO_REASON_EN in web.get(f"/review/rounds/{round_id}/rankings?lang=en") \
        .get_data(as_text=True)
    assert VETO_REASON in reason_cells(web.get(
        f"/review/rounds/{round_id}/export/rankings.csv?lang=zh").data)
    assert VETO_REASON_EN in reason_cells(web.get(
        f"/review/rounds/{round_id}/export/rankings.csv?lang=en").data)
    close_round(web.application, round_id)
    web.post(f"/review/rounds/{round_id}/publish", data={"csrf_token": csrf_token(page)})
    assert VETO_REASON in client.get("/board/?lang=zh").get_data(as_text=True)
    assert VETO_REASON_EN in client.get("/board/?lang=en").get_data(as_text=True)
    poster = client.get(f"/board/rounds/{round_id}/poster?lang=en").get_data(as_text=True)
    assert VETO_REASON_EN in poster and VETO_REASON not in poster   # the reader's language
    poster = client.get(f"/board/rounds/{round_id}/poster?language=zh").get_data(as_text=True)
    assert VETO_REASON in poster and VETO_REASON_EN not in poster   # or the one asked for
    assert VETO_REASON_EN in reason_cells(web.get(
        f"/review/rounds/{round_id}/export/rankings.csv?version=1&lang=en").data)


def test_a_snapshot_published_with_reasons_as_strings_still_renders(app, client, web, phone,
                                                                    ref):
    round_id, a = ref["round"]["id"], ref["assigned"][0]
    with app.app_context():
        publish_old_snapshot(round_id, a)
    frozen = group(phone.get(f"/rounds/{round_id}/rankings/published").get_json(), a)
    assert (frozen["reason"], frozen["reason_en"]) == (OLD_REASON, OLD_REASON_EN)
    assert "reasons" not in frozen
    board = client.get("/board/?lang=zh")
    assert board.status_code == 200 and OLD_REASON in board.get_data(as_text=True)
    assert OLD_REASON_EN in client.get("/board/?lang=en").get_data(as_text=True)
    poster = client.get(f"/board/rounds/{round_id}/poster?version=1&language=zh")
    assert poster.status_code == 200 and OLD_REASON in poster.get_data(as_text=True)
    for lang, reason in (("zh", OLD_REASON), ("en", OLD_REASON_EN)):
        export = web.get(f"/review/rounds/{round_id}/export/rankings.csv?version=1&lang={lang}")
        assert export.status_code == 200 and reason_cells(export.data) == [reason]
    assert web.get(f"/review/rounds/{round_id}/rankings").status_code == 200
