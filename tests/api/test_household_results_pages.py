"""The supervisors' results page of a household round, publishing from it, and its CSV
and XLSX exports, in both languages (the round of tests/support/household_rounds.py)."""
import csv
import io

import pytest
from openpyxl import load_workbook

from server.extensions import db
from server.models import Household
from tests.support.factories import close_round
from tests.support.household_rounds import household_round
from tests.support.web import csrf_token


@pytest.fixture
def made(app):
    with app.app_context():
        return household_round()


def text(response) -> str:
    return response.get_data(as_text=True)


def rows_of(page: str) -> int:
    return page.count("<tr data-household=")


@pytest.mark.parametrize("lang, words", [
    ("zh", ["入户检查结果", "户号", "户主", "积分", "未检查", "平均分", "本轮关闭后才能发布结果"]),
    ("en", ["Household results", "House no.", "Head of household", "Points", "Not checked",
            "the mean of its counted checks", "once the round is closed"])])
def test_the_page_lists_households_by_group_with_the_not_checked(web, made, lang, words):
    response = web.get(f"/review/rounds/{made.round_id}/results?lang={lang}")
    assert response.status_code == 200
    page = text(response)
    for word in words:
        assert word in page, word
    assert rows_of(page) == 6                 # the inactive, unchecked 04 is not listed
    assert page.count('class="not-checked"') == 2
    assert "王建国" in page and "93.0" in page and "+10" in page and "-10" in page
    assert 'id="checked-count">4<' in page and 'id="not-checked-count">2<' in page


def test_search_by_number_or_head_and_filter_by_group_and_status(web, made):
    url = f"/review/rounds/{made.round_id}/results"
    found = text(web.get(f"{url}?q=李"))
    assert rows_of(found) == 1 and "李秀英" in found
    assert rows_of(text(web.get(f"{url}?q=01"))) == 2
    assert rows_of(text(web.get(f"{url}?q=%25"))) == 0          # a wildcard taken literally
    by_group = text(web.get(f"{url}?group={made.group_b}"))
    assert rows_of(by_group) == 2 and "杨丽" in by_group and "王建国" not in by_group
    not_checked = text(web.get(f"{url}?status=not_checked"))
    assert rows_of(not_checked) == 2 and "张伟" in not_checked and "赵强" in not_checked
    for odd in ("?page=²", "?page=-1", "?page=99999999999", "?status=x", "?group=x",
                "?q=" + "长" * 500):
        assert web.get(url + odd).status_code == 200, odd
    assert web.get(f"{url}?group=99999999999").status_code == 404


def test_the_page_is_paginated(app, web, made):
    with app.app_context():
        group = db.session.get(Household, made.households["B02"]).group_id
        township = db.session.get(Household, made.households["B02"]).township_id
        db.session.add_all([Household(group_id=group, township_id=township,
                                      number=f"{n:03d}", head=f"户主{n}")
                            for n in range(100, 160)])
        db.session.commit()
    url = f"/review/rounds/{made.round_id}/results"
    first = text(web.get(url))
    assert rows_of(first) == 50 and "第 1 / 2 页" in first and "page=2" in first
    assert rows_of(text(web.get(f"{url}?page=2"))) == 16


def test_the_navigation_leads_to_the_latest_household_round(web, made):
    queue = text(web.get("/review/"))
    assert 'href="/review/results"' in queue
    response = web.get("/review/results")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/review/rounds/{made.round_id}/results")


@pytest.mark.parametrize("lang, words", [("zh", "还没有入户检查轮次"),
                                          ("en", "There is no household round yet")])
def test_no_household_round_yet(web, lang, words):
    page = text(web.get(f"/review/results?lang={lang}"))
    assert words in page


def test_a_group_round_leads_to_its_rankings(web, ref):
    response = web.get(f"/review/rounds/{ref['round']['id']}/results")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/review/rounds/{ref['round']['id']}/rankings")
    assert web.get(f"/review/rounds/{ref['round']['id']}/results.csv").status_code == 302


@pytest.mark.parametrize("lang, flashed", [("zh", "入户检查结果已发布"),
                                            ("en", "The household results are published")])
def test_publish_from_the_page(app, web, made, lang, flashed):
    url = f"/review/rounds/{made.round_id}/results"
    close_round(app, made.round_id)
    page = web.get(f"{url}?lang={lang}")
    assert 'id="publish-results"' in text(page)
    response = web.post(f"{url}/publish", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 303
    after = text(web.get(url))
    assert flashed in after and 'id="published-versions"' in after and "v1" in after
    assert web.get(f"{url}.csv?version=1").status_code == 200
    assert web.get(f"{url}.csv?version=2").status_code == 404


@pytest.mark.parametrize("lang, header, not_checked", [
    ("zh", ["村", "村民小组", "户号", "户主", "得分"], "未检查"),
    ("en", ["Village", "Villager group", "House no.", "Head of household", "Score"],
     "Not checked")])
def test_the_exports_are_formula_safe_in_both_languages(app, web, made, lang, header,
                                                         not_checked):
    with app.app_context():
        db.session.get(Household, made.households["B02"]).head = "=HYPERLINK(1)"
        db.session.commit()
    url = f"/review/rounds/{made.round_id}/results"
    data = web.get(f"{url}.csv?lang={lang}").data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:5] == header
    assert [r[2:5] for r in rows[1:5]] == [["01", "王建国", "93.0"], ["02", "李秀英", "88.0"],
                                           ["05", "陈明", "100.0"], ["01", "杨丽", "86.0"]]
    assert [r[2:4] + r[-1:] for r in rows[5:]] == [["03", "张伟", not_checked],
                                                   ["02", "'=HYPERLINK(1)", not_checked]]
    workbook = load_workbook(io.BytesIO(web.get(f"{url}.xlsx?lang={lang}").data))
    sheet = workbook.active
    assert [c.value for c in sheet[1]][:5] == header
    assert sheet.cell(row=7, column=4).value == "'=HYPERLINK(1)"
    assert web.get(f"{url}.pdf").status_code == 404
