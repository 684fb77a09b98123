"""The supervisor pages of combined results, their exports, the board and the poster."""
import io
import re

import pytest
from openpyxl import load_workbook

from tests.support.combined import publish_two_rounds, round_after
from tests.support.web import audit_actions, csrf_token, login


@pytest.fixture
def two(app, phone, boss, ref):
    return publish_two_rounds(app, phone, boss, ref)


def text(response) -> str:
    return response.get_data(as_text=True)


def chosen(two) -> str:
    return f"rounds={two['first']}&rounds={two['second']}"


def publish(web, two, **fields):
    page = web.get(f"/review/combined?{chosen(two)}")
    data = {"csrf_token": csrf_token(page), "rounds": [two["first"], two["second"]],
            "name": "2026年第四季度", "name_en": "Q4 2026", **fields}
    return web.post("/review/combined/publish", data=data)


def test_choose_rounds_and_see_them_combined(web, two):
    rankings = text(web.get(f"/review/rounds/{two['first']}/rankings"))
    assert 'href="/review/combined"' in rankings
    page = text(web.get("/review/combined"))
    assert "季度/年度汇总" in page and page.count('type="checkbox" name="rounds"') == 2
    combined = web.get(f"/review/combined?{chosen(two)}")
    assert combined.status_code == 200
    page = text(combined)
    assert page.count("checked") == 2 and 'name="csrf_token"' in page
    assert "部分轮次" in page and "2/2" in page and "1/2" in page
    assert "路面积水" in page and "×5" in page
    english = text(web.get(f"/review/combined?{chosen(two)}&lang=en"))
    assert "Quarterly and yearly results" in english and "partial" in english
    assert "2 of 2" in english and "Publish the combined result" in english


def test_an_unpublished_round_is_named(app, web, two):
    third = round_after(app, two["second"], "第三轮")
    response = web.get(f"/review/combined?{chosen(two)}&rounds={third}")
    assert response.status_code == 409 and "“第三轮”尚未发布" in text(response)
    assert web.get("/review/combined?rounds=x").status_code == 404


def test_publish_needs_the_csrf_token(app, web, two):
    response = web.post("/review/combined/publish",
                        data={"rounds": [two["first"]], "name": "季度"})
    assert response.status_code == 400
    assert "publish_combined" not in [a[0] for a in audit_actions(app)]


def test_publish_then_publish_again(app, web, two):
    response = publish(web, two)
    assert response.status_code == 303
    url = response.headers["Location"]
    page = text(web.get(url))
    assert "2026年第四季度" in page and "v1" in page and "/board/combined/" in page
    assert "Q4 2026" in text(web.get(url + "?lang=en"))
    again = web.post("/review/combined/publish", data={
        "csrf_token": csrf_token(web.get(url)), "rounds": [two["second"], two["first"]],
        "name": "2026年第四季度"})
    assert again.headers["Location"] == url
    page = text(web.get(url + "?lang=zh"))
    assert "v2" in page and "再次发布" in page
    assert "v1" in text(web.get(url + "?version=1"))
    assert [a[0] for a in audit_actions(app)].count("publish_combined") == 2


def test_a_missing_name_is_said_in_both_languages(web, two):
    response = publish(web, two, name="  ")
    assert response.status_code == 400 and "名称: 必填" in text(response)
    response = publish(web, two, name="季" * 101)
    assert response.status_code == 400 and "超过100个字符" in text(response)
    assert web.get("/review/combined?lang=en").status_code == 200   # the language sticks
    response = publish(web, two, name="")
    assert response.status_code == 400 and "Name: required" in text(response)


def test_a_pasted_long_name_is_refused_not_cut(web, two):
    """No maxlength drops the rest of a pasted name: the one length rule refuses it, the
    field named and the name kept as typed to be shortened."""
    page = text(web.get(f"/review/combined?{chosen(two)}"))
    fields = re.findall(r'<input name="name(?:_en)?"[^>]*>', page)
    assert len(fields) == 2 and not any("maxlength" in field for field in fields)
    response = publish(web, two, name="季" * 300)
    assert response.status_code == 400 and "名称: 超过100个字符" in text(response)
    assert f'value="{"季" * 300}"' in text(response)


def test_exports_live_and_published(web, two):
    live = web.get(f"/review/combined/export.csv?{chosen(two)}")
    assert live.status_code == 200 and live.mimetype == "text/csv"
    rows = live.get_data().decode("utf-8-sig").splitlines()
    assert rows[0].startswith("名次,") and "参评轮次" in rows[0] and len(rows) == 1 + 37
    url = publish(web, two).headers["Location"]
    combined_id = url.rstrip("/").rsplit("/", 1)[1]
    sheet = web.get(f"/review/combined/{combined_id}/export.xlsx?version=1&lang=en")
    assert sheet.status_code == 200
    assert "combined-" in sheet.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(sheet.get_data()))
    header = [c.value for c in next(book.active.iter_rows(max_row=1))]
    assert header[:6] == ["Place", "Village", "Villager group", "Score",
                          "Weighted score (unrounded)", "Rounds ranked"]
    assert web.get(f"/review/combined/{combined_id}/export.pdf").status_code == 404
    assert web.get(f"/review/combined/{combined_id}/export.csv?version=7").status_code == 404


def test_board_and_poster_show_a_published_result(client, web, two):
    assert "combined-" not in text(client.get("/board/"))
    url = publish(web, two).headers["Location"]
    combined_id = url.rstrip("/").rsplit("/", 1)[1]
    board = text(client.get("/board/"))
    assert f'id="combined-{combined_id}"' in board and "2026年第四季度" in board
    assert "Q4 2026" in text(client.get("/board/?lang=en"))
    poster = client.get(f"/board/combined/{combined_id}/poster?size=a3&language=zh")
    assert poster.status_code == 200
    page = text(poster)
    assert "2026年第四季度" in page and "A3 portrait" in page and "黑榜" in page
    # the reader chose English above: the poster follows, and offers Chinese
    page = text(client.get(f"/board/combined/{combined_id}/poster?size=a3"))
    assert "Q4 2026" in page and "Black List" in page and "language=zh" in page
    assert client.get("/board/combined/99999/poster").status_code == 404
    assert client.get(f"/board/combined/{combined_id}/poster?version=5").status_code == 404


def test_inspectors_do_not_get_the_pages(app, two):
    inspector = app.test_client()
    login(inspector, "inspector1")
    assert inspector.get("/review/combined").status_code == 403
    assert app.test_client().get("/review/combined").status_code == 302
