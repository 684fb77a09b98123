"""The supervisors' star rating pages (/review/stars), in Chinese and English: choosing
published household rounds and their preview, starting the notice, a rating's households
a page at a time, objections recorded and decided, finalizing, revoking, the versions and
the plaque list. A refused form says why in the reader's language and keeps what was
typed; nothing answers a 500."""
import csv
import io
import re
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from server.extensions import db
from server.models import Objection, StarRating
from tests.support.star_ratings import published_household_round, set_township
from tests.support.web import csrf_token, login


def text(response) -> str:
    return response.get_data(as_text=True)


def rows_of(page: str) -> int:
    return page.count("<tr data-household=")


@pytest.fixture
def made(app):
    return published_household_round(app)


def start(web, made, name="2026年星级评定", name_en="2026 stars"):
    page = web.get(f"/review/stars?rounds={made.round_id}")
    response = web.post("/review/stars", data={
        "csrf_token": csrf_token(page), "rounds": made.round_id, "name": name,
        "name_en": name_en})
    assert response.status_code == 303, text(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.mark.parametrize("lang, words", [
    ("zh", ["星级评定", "还没有星级评定", "已发布的入户检查轮次", "预览"]),
    ("en", ["Star ratings", "There is no star rating yet", "Published household rounds",
            "Preview"])])
def test_the_list_offers_the_published_household_rounds(web, made, lang, words):
    page = text(web.get(f"/review/stars?lang={lang}"))
    for word in words:
        assert word in page, word
    assert 'href="/review/stars"' in page                       # in the navigation
    assert f'name="rounds" value="{made.round_id}"' in page


@pytest.mark.parametrize("lang, words", [
    ("zh", ["预览", "星级得分", "户号", "户主", "一票否决", "开始公示", "公示 3 天"]),
    ("en", ["Preview", "Star score", "House no.", "Head of household", "Veto",
            "Start the public notice", "for 3 days"])])
def test_the_preview_shows_each_households_stars(web, made, lang, words):
    page = text(web.get(f"/review/stars?rounds={made.round_id}&lang={lang}"))
    for word in words:
        assert word in page, word
    assert rows_of(page) == 4
    assert "★★★★★" in page and "王建国" in page and "93.0" in page
    assert 'data-stars="4">1<' in page and 'data-stars="0">1<' in page


@pytest.mark.parametrize("lang, said", [("zh", "是村民小组评比轮次"),
                                         ("en", "checks villager groups")])
def test_a_round_that_cannot_be_rated_is_named(web, made, ref, lang, said):
    response = web.get(f"/review/stars?rounds={ref['round']['id']}&lang={lang}")
    assert response.status_code == 400 and said in text(response)
    for odd in ("x", "99999999999", "-1", "²"):
        assert web.get(f"/review/stars?rounds={odd}").status_code == 404, odd
    assert web.get("/review/stars?rounds=2147483647").status_code == 404


@pytest.mark.parametrize("lang, required", [("zh", "名称"), ("en", "Name")])
def test_starting_without_a_name_keeps_what_was_typed(web, made, lang, required):
    page = web.get(f"/review/stars?rounds={made.round_id}")
    response = web.post(f"/review/stars?lang={lang}", data={
        "csrf_token": csrf_token(page), "rounds": made.round_id, "name": "  ",
        "name_en": "Kept <b>as typed</b>"})
    assert response.status_code == 400
    body = text(response)
    assert f"{required}:" in body and 'value="Kept &lt;b&gt;as typed&lt;/b&gt;"' in body
    assert rows_of(body) == 4                                  # the preview is still there
    too_long = web.post("/review/stars", data={
        "csrf_token": csrf_token(page), "rounds": made.round_id, "name": "长" * 300})
    assert too_long.status_code == 400 and "长" * 300 in text(too_long)


@pytest.mark.parametrize("lang, words", [
    ("zh", ["公示中", "公示截止", "异议请联系：镇政府 0691-1234567", "登记异议", "定级", "农户星级"]),
    ("en", ["In notice", "Public notice until", "Objections to: 镇政府 0691-1234567",
            "Record an objection", "Finalize", "Stars by household"])])
def test_a_rating_in_notice(app, web, made, lang, words):
    set_township(app, objection_contact="镇政府 0691-1234567")
    rating_id = start(web, made)
    page = text(web.get(f"/review/stars/{rating_id}?lang={lang}"))
    for word in words:
        assert word in page, word
    assert rows_of(page) == 4 and "v1" in page
    listed = text(web.get(f"/review/stars?lang={lang}"))
    assert "2026年星级评定" in listed or "2026 stars" in listed


def test_a_ratings_households_are_paginated_and_searchable(app, web):
    made = published_household_round(app, extra=60)
    rating_id = start(web, made)
    url = f"/review/stars/{rating_id}"
    first = text(web.get(url))
    assert rows_of(first) == 50 and "第 1 / 2 页" in first and "page=2" in first
    assert rows_of(text(web.get(f"{url}?page=2"))) == 14
    assert rows_of(text(web.get(f"{url}?q=王建"))) == 1
    assert rows_of(text(web.get(f"{url}?q=01"))) == 3             # 01, 01 and 101
    assert rows_of(text(web.get(f"{url}?group={made.group_a}"))) == 3
    assert rows_of(text(web.get(f"{url}?group={made.group_b}&q=户主115"))) == 1
    for odd in ("?page=²", "?page=-1", "?page=99999999999", "?group=x", "?q=" + "长" * 500,
                "?version=x"):
        assert web.get(url + odd).status_code == 200, odd
    assert web.get(f"{url}?version=9").status_code == 404
    assert web.get("/review/stars/99999999999").status_code == 404


def objection_form(page, made, **fields):
    return {"csrf_token": csrf_token(page), "group": made.group_a, "number": "01",
            "text": "我家卫生一直很好", **fields}


@pytest.mark.parametrize("lang, field, typed, said", [
    ("zh", {"number": "99"}, "99", "该村民小组没有这个户号"),
    ("en", {"number": "99"}, "99", "The group has no household of this number"),
    ("zh", {"group": ""}, "我家卫生一直很好", "村民小组"),
    ("en", {"text": "  "}, 'value="01"', "Objection"),
    ("zh", {"received_on": "2026-13-45"}, "2026-13-45", "收到日期"),
    ("en", {"text": "长" * 501}, "长" * 501, "longer than 500"),
    ("zh", {"number": "03"}, "我家卫生一直很好", "这户不在本次星级评定名单中"),
    ("en", {"group": "99999999999"}, "我家卫生一直很好", "Villager group"),
    ("en", {"number": "0\x001"}, "我家卫生一直很好", "must not contain control characters"),
    ("zh", {"text": "有\x00空字符"}, 'value="01"', "不能包含换行等控制字符"),
])
def test_a_refused_objection_is_named_and_kept(web, made, lang, field, typed, said):
    rating_id = start(web, made)
    page = web.get(f"/review/stars/{rating_id}")
    response = web.post(f"/review/stars/{rating_id}/objections?lang={lang}",
                        data=objection_form(page, made, **field))
    assert response.status_code in (400, 404, 409), response.status_code
    assert said in text(response) and typed in text(response)
    assert "data-objection=" not in text(web.get(f"/review/stars/{rating_id}"))


@pytest.mark.parametrize("lang, open_said, notice_said", [
    ("zh", "还有异议未处理", "公示期到"),
    ("en", "Some objections are not decided yet", "The public notice runs until")])
def test_objections_decided_then_finalize_and_revoke(app, web, made, township_clock, lang,
                                                     open_said, notice_said):
    rating_id = start(web, made)
    url = f"/review/stars/{rating_id}"
    page = web.get(url)
    assert web.post(f"{url}/objections", data=objection_form(page, made)).status_code == 303
    assert web.post(f"{url}/objections", data=objection_form(
        page, made, number="02", received_on="2026-01-05")).status_code == 303
    # before the notice is over
    refused = web.post(f"{url}/finalize?lang={lang}", data={"csrf_token": csrf_token(page)})
    assert refused.status_code == 409 and notice_said in text(refused)
    township_clock.advance(3)
    refused = web.post(f"{url}/finalize?lang={lang}", data={"csrf_token": csrf_token(page)})
    assert refused.status_code == 409 and open_said in text(refused)
    with app.app_context():
        first, second = [o.id for o in db.session.execute(
            db.select(Objection).order_by(Objection.id)).scalars()]
    # upheld without stars, then with them; dismissed with a level left chosen
    decide = f"/review/stars/objections/{first}/decide?lang={lang}"
    no_stars = web.post(decide, data={"csrf_token": csrf_token(page), "decision": "upheld",
                                      "stars": "", "reason": "复核属实"})
    assert no_stars.status_code == 400 and 'value="复核属实"' in text(no_stars)
    for odd in ("x", "９", "99999"):
        bad = web.post(decide, data={"csrf_token": csrf_token(page), "decision": "upheld",
                                     "stars": odd, "reason": "复核属实"})
        assert bad.status_code == 400, odd
    assert web.post(decide, data={"csrf_token": csrf_token(page), "decision": "upheld",
                                  "stars": "5", "reason": "复核属实"}).status_code == 303
    again = web.post(decide, data={"csrf_token": csrf_token(page), "decision": "dismissed",
                                   "reason": "再次"})
    assert again.status_code == 409
    assert web.post(f"/review/stars/objections/{second}/decide", data={
        "csrf_token": csrf_token(page), "decision": "dismissed", "stars": "3",
        "reason": "一票否决属实"}).status_code == 303
    assert web.post("/review/stars/objections/99999999999/decide", data={
        "csrf_token": csrf_token(page), "decision": "dismissed", "reason": "x"}
    ).status_code == 404
    assert web.post(f"{url}/finalize", data={"csrf_token": csrf_token(page)}).status_code == 303
    final = text(web.get(f"{url}?lang={lang}"))
    assert ("已定级" if lang == "zh" else "Final") in final and "v2" in final
    assert final.count("★★★★★") >= 2                      # 王建国's upheld 5 stars
    # revoking: a reason is needed, kept when refused, and a household is revoked once
    no_reason = web.post(f"{url}/revoke?lang={lang}", data={
        "csrf_token": csrf_token(page), "group": made.group_b, "number": "01", "reason": ""})
    assert no_reason.status_code == 400 and 'value="01"' in text(no_reason)
    revoke = {"csrf_token": csrf_token(page), "group": made.group_b, "number": "01",
              "reason": "乱堆乱放"}
    assert web.post(f"{url}/revoke", data=revoke).status_code == 303
    twice = web.post(f"{url}/revoke?lang={lang}", data=revoke)
    assert twice.status_code == 409
    assert ("已摘牌" if lang == "zh" else "revoked already") in text(twice)
    after = text(web.get(f"{url}?lang={lang}"))
    assert "v3" in after and ('class="revoked"' in after)
    # what the notice rated and why stars were revoked, for the supervisors
    assert ("公示时 4 星" if lang == "zh" else "4 stars in the notice") in after
    assert ("摘牌理由：乱堆乱放" if lang == "zh" else "Revoked: 乱堆乱放") in after


@pytest.fixture
def final_rating(app, web, made):
    set_township(app, notice_days=0)
    rating_id = start(web, made, name='../星级/"评定"=1;x', name_en="Stars: 2026/Q4")
    page = web.get(f"/review/stars/{rating_id}")
    assert web.post(f"/review/stars/{rating_id}/finalize",
                    data={"csrf_token": csrf_token(page)}).status_code == 303
    return rating_id


@pytest.mark.parametrize("lang, header, hung, file_name", [
    ("zh", ["村", "村民小组", "户号", "户主", "星级"], "挂牌", "星级_评定_1_x-挂牌名单-v2"),
    ("en", ["Village", "Villager group", "House no.", "Head of household", "Stars"], "Hung",
     "Stars_2026_Q4-Plaque_list-v2")])
def test_the_plaque_list_exports(app, web, made, final_rating, lang, header, hung,
                                 file_name):
    url = f"/review/stars/{final_rating}"
    page = text(web.get(f"{url}?lang={lang}"))
    assert ("挂牌名单" if lang == "zh" else "Plaque list") in page
    response = web.get(f"{url}/plaques.csv?lang={lang}")
    assert response.status_code == 200
    disposition = unquote(response.headers["Content-Disposition"])
    assert f"{file_name}.csv" in disposition
    assert not re.search(r'[/\\"]|\.\.', disposition.split("filename*=UTF-8''")[-1])
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:5] == header
    assert [r[2:5] for r in rows[1:]] == [["01", "王建国", "4"], ["05", "陈明", "5"],
                                          ["01", "杨丽", "3"]]
    assert all(r[-1] == hung for r in rows[1:])
    workbook = load_workbook(io.BytesIO(web.get(f"{url}/plaques.xlsx?lang={lang}").data))
    assert [c.value for c in workbook.active[1]][:5] == header
    assert web.get(f"{url}/plaques.pdf").status_code == 404
    assert web.get(f"{url}/plaques.csv?version=9").status_code == 404


def test_a_formula_typed_as_a_head_is_written_as_text(app, web):
    made = published_household_round(app)
    set_township(app, notice_days=0)
    with app.app_context():
        # the rating names households as the published round froze them
        from server.models import PublishedHouseholdResults
        frozen = db.session.execute(db.select(PublishedHouseholdResults)).scalar_one()
        result = dict(frozen.result)
        result["households"] = [{**h, "head": "=HYPERLINK(1)"} if h["number"] == "05" else h
                                for h in result["households"]]
        frozen.result = result
        db.session.commit()
    rating_id = start(web, made)
    page = web.get(f"/review/stars/{rating_id}")
    web.post(f"/review/stars/{rating_id}/finalize", data={"csrf_token": csrf_token(page)})
    rows = list(csv.reader(io.StringIO(
        web.get(f"/review/stars/{rating_id}/plaques.csv").data.decode("utf-8-sig"))))
    assert "'=HYPERLINK(1)" in [r[3] for r in rows]
    sheet = load_workbook(io.BytesIO(
        web.get(f"/review/stars/{rating_id}/plaques.xlsx").data)).active
    assert "'=HYPERLINK(1)" in [c.value for c in sheet["D"]]


def test_a_rating_in_notice_has_no_plaque_list_and_admins_see_the_pages(app, made):
    admin = app.test_client()
    login(admin, "admin")
    rating_id = start(admin, made)
    assert admin.get(f"/review/stars/{rating_id}").status_code == 200
    assert admin.get(f"/review/stars/{rating_id}/plaques.csv").status_code == 404
    inspector = app.test_client()
    login(inspector, "inspector1")
    assert inspector.get(f"/review/stars/{rating_id}").status_code == 403
    with app.app_context():
        assert db.session.get(StarRating, rating_id).state == "notice"


@pytest.mark.parametrize("lang, contact, no_last_day", [
    ("zh", "异议请联系：镇综治办", "公示截止"), ("en", "Objections to: 镇综治办", "notice until")])
def test_without_notice_days_there_is_no_last_day_but_the_contact(app, web, made, lang,
                                                                  contact, no_last_day):
    set_township(app, notice_days=0, objection_contact="镇综治办")
    rating_id = start(web, made)
    for page in (text(web.get(f"/review/stars/{rating_id}?lang={lang}")),
                 text(app.test_client().get(f"/board/?lang={lang}"))):
        assert contact in page and no_last_day not in page
