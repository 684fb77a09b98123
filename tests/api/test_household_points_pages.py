"""A household's points page (details, balance, checks, ledger, voids and corrections),
its passbook and a group's (积分存折), and the overdrafts, in both languages: roles,
another township's household, bad inputs, and a bounded number of queries."""
import re

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import Household, LedgerEntry
from server.points.statements import overdrafts_newest_first

from tests.support.household_rounds import household_round
from tests.support.ledger import add_households, deed, push_ledger, redeem
from tests.support.townships import other_township
from tests.support.web import csrf_token, login


@pytest.fixture
def made(app, phone):
    """The household round's households, with A01 given a deed and then a redemption
    beyond its balance (an overdraft) by inspector1's phone."""
    with app.app_context():
        made = household_round()
    a01 = made.households["A01"]
    pushed = push_ledger(phone, deed(a01, note="扫街"),
                         redeem(a01, ("大米", 2, 4), note="柜台"))
    assert [r["outcome"] for r in pushed] == ["applied", "applied"]
    assert pushed[1]["flags"] == ["overdraft"] and pushed[1]["balance"] == -3
    return made, [r["id"] for r in pushed]


def text(response) -> str:
    return response.get_data(as_text=True)


def signed_in(app, username):
    client = app.test_client()
    login(client, username)
    return client


@pytest.mark.parametrize("lang, words", [
    ("zh", ["农户积分", "王建国", "积分余额", "入户检查", "积分明细", "善行", "参加义务清扫",
            "兑换", "大米 × 2 (4)", "透支", "作废", "积分调整", "理由", "打印积分存折",
            "待审核", "已通过", "查看审核"]),
    ("en", ["Household points", "王建国", "Balance", "Checks", "Points ledger", "Deed",
            "Redemption", "大米 × 2 (4)", "Overdraft", "Void", "Correct the points", "Reason",
            "Print the passbook", "To review", "Approved", "Open the review"])])
def test_the_household_page_in_both_languages(web, made, lang, words):
    made, (deed_id, redeem_id) = made
    response = web.get(f"/review/households/{made.households['A01']}?lang={lang}")
    assert response.status_code == 200
    page = text(response)
    for word in words:
        assert word in page, word
    assert re.search(r'id="balance"[^>]*>-3<', page)
    assert page.count("<tr data-check=") == 2           # its two checks, with their scores
    assert "96.0" in page and "90.0" in page
    # newest first: the redemption, then the deed; each can be voided
    assert page.index(f'data-entry="{redeem_id}"') < page.index(f'data-entry="{deed_id}"')
    assert page.count('class="void"') == 2
    assert "<script>" not in page and " onclick=" not in page and " onsubmit=" not in page


def test_void_and_correct_from_the_page(app, web, made):
    made, (deed_id, redeem_id) = made
    url = f"/review/households/{made.households['A01']}"
    page = web.get(url)
    response = web.post(f"{url}/void", data={"csrf_token": csrf_token(page), "entry": deed_id,
                                             "reason": "不属实"})
    assert response.status_code == 303
    after = text(web.get(url + "?lang=zh"))
    assert "记录已作废" in after and "已由" in after and "不属实" in after
    assert re.search(r'id="balance"[^>]*>-8<', after)
    assert after.count('class="void"') == 1            # the deed is voided; the redeem is left
    response = web.post(f"{url}/adjust", data={"csrf_token": csrf_token(page),
                                               "points": "−2", "reason": "补记"})
    assert response.status_code == 303
    assert re.search(r'id="balance"[^>]*>-10<', text(web.get(url)))   # a typed "−" minus
    with app.app_context():
        kinds = db.session.execute(sa.select(LedgerEntry.kind, LedgerEntry.points, LedgerEntry.voids)
                                   .where(LedgerEntry.kind == "adjust")
                                   .order_by(LedgerEntry.recorded_at)).all()
    assert [tuple(k) for k in kinds] == [("adjust", -5, deed_id), ("adjust", -2, None)]
    again = web.post(f"{url}/void", data={"csrf_token": csrf_token(page), "entry": deed_id,
                                          "reason": "再作废"})
    assert again.status_code in (404, 409)


@pytest.mark.parametrize("lang, points, reason, shown", [
    ("zh", "0", "理由", ["积分: 请填写积分", "理由"]),
    ("en", "abc", "a reason kept", ["Points: Give the points", "a reason kept"]),
    ("en", "99999999999999999999", "big", ["Points: points: a whole number from", "big"]),
    ("zh", "5", "", ["理由: 请填写调整的理由"]),
    ("en", "5", "x" * 10_001, ["Reason: longer than 10000"]),
    ("en", "5", "bad\x00byte", ["Reason: must not contain control characters"]),
])
def test_a_refused_correction_reads_in_words_and_keeps_what_was_typed(app, web, made, lang,
                                                                      points, reason, shown):
    made, _ = made
    url = f"/review/households/{made.households['A01']}"
    page = web.get(f"{url}?lang={lang}")
    response = web.post(f"{url}/adjust", data={"csrf_token": csrf_token(page), "points": points,
                                               "reason": reason})
    assert response.status_code == 400
    body = text(response)
    for word in shown:
        assert word in body, (word, body[body.find('class="errors"'):][:400])
    if points.isdigit() and len(points) < 12:
        assert f'value="{points}"' in body
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(LedgerEntry).where(
            LedgerEntry.kind == "adjust")).scalar_one() == 0


@pytest.mark.parametrize("entry", ["", "x", "'; drop", "\x00", "0" * 36,
                                   "00000000-0000-0000-0000-000000000000"])
def test_voiding_a_bad_entry_is_a_404_never_a_500(web, made, entry):
    made, _ = made
    url = f"/review/households/{made.households['A01']}"
    page = web.get(url)
    response = web.post(f"{url}/void", data={"csrf_token": csrf_token(page), "entry": entry,
                                             "reason": "理由"})
    assert response.status_code == 404


def test_a_void_without_a_reason_keeps_the_page(web, made):
    made, (deed_id, _) = made
    url = f"/review/households/{made.households['A01']}"
    page = web.get(url + "?lang=en")
    response = web.post(f"{url}/void", data={"csrf_token": csrf_token(page), "entry": deed_id,
                                             "reason": " "})
    assert response.status_code == 400
    assert "Give a reason for the correction" in text(response)


def test_roles_and_another_townships_household(app, web, made):
    made, _ = made
    a01 = made.households["A01"]
    paths = [f"/review/households/{a01}", f"/review/households/{a01}/passbook",
             f"/review/groups/{made.group_a}/passbooks", "/review/overdrafts"]
    admin, inspector = signed_in(app, "admin"), signed_in(app, "inspector1")
    for path in paths:
        assert admin.get(path).status_code == 200, path
        assert inspector.get(path).status_code == 403, path
        assert app.test_client().get(path).status_code == 302, path      # to sign in
    elsewhere = other_township(app)
    [theirs] = add_households(app, 1, township_id=elsewhere.id)
    for path in (f"/review/households/{theirs}", f"/review/households/{theirs}/passbook",
                 f"/review/groups/{elsewhere.group_id}/passbooks",
                 "/review/households/99999999999", "/review/households/0"):
        assert web.get(path).status_code == 404, path
    theirs_boss = signed_in(app, elsewhere.usernames["supervisor"])
    assert theirs_boss.get(f"/review/households/{a01}").status_code == 404
    assert "大米" not in text(theirs_boss.get("/review/overdrafts"))


@pytest.mark.parametrize("query", ["?page=²", "?page=-1", "?page=99999999999", "?page=x",
                                   "?checks=0", "?checks=999999&page=3"])
def test_odd_page_numbers_show_a_page(web, made, query):
    made, _ = made
    assert web.get(f"/review/households/{made.households['A01']}{query}").status_code == 200
    assert web.get(f"/review/overdrafts{query}").status_code == 200


def test_the_ledger_is_paginated_in_the_database(app, web, boss, made):
    made, _ = made
    b02 = made.households["B02"]
    for n in range(55):
        assert boss.post("/ledger", json={"household_id": b02, "points": 1,
                                          "reason": f"第{n}次"}).status_code == 201
    url = f"/review/households/{b02}"
    first = text(web.get(url + "?lang=zh"))
    assert first.count("<tr data-entry=") == 50 and "第 1 / 2 页" in first
    assert "第54次" in first and "第0次" not in first
    second = text(web.get(url + "?page=2"))
    assert second.count("<tr data-entry=") == 5 and "第0次" in second
    assert re.search(r'id="balance"[^>]*>55<', second)


@pytest.mark.parametrize("lang, words", [
    ("zh", ["积分存折", "户主", "户号", "打印日期", "余额", "王建国", "善行", "兑换", "透支"]),
    ("en", ["Points passbook", "Head of household", "House no.", "Printed on", "Balance",
            "王建国", "Deed", "Redemption", "Overdraft"])])
def test_a_households_passbook(web, made, lang, words):
    made, _ = made
    page = text(web.get(f"/review/households/{made.households['A01']}/passbook?lang={lang}"))
    for word in words:
        assert word in page, word
    assert page.count('<section class="passbook"') == 1
    # oldest first, with the running balance: +5 → 5, then −8 → −3
    assert re.findall(r'class="num running">(-?\d+)<', page) == ["5", "-3"]
    assert "<script>" not in page and "data-print" in page


class Statements:
    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        self.count = 0

    def _seen(self, *args):
        self.count += 1

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)


def test_a_groups_passbooks_in_number_order_in_a_bounded_number_of_queries(app, web, boss,
                                                                           made):
    made, _ = made

    def statements(path):
        web.get(path)
        with Statements(app) as counted:
            response = web.get(path)
        assert response.status_code == 200
        return counted.count, text(response)

    path = f"/review/groups/{made.group_a}/passbooks?lang=zh"
    few, page = statements(path)
    heads = re.findall(r'<dd class="head">([^<]+)<', page)
    assert heads == ["王建国", "李秀英", "张伟", "刘芳", "陈明"]       # 户号 order, inactive too
    assert "@page" not in page and "passbook.css" in page
    with app.app_context():
        household = db.session.get(Household, made.households["A01"])
        db.session.add_all([Household(group_id=household.group_id,
                                      township_id=household.township_id,
                                      number=str(n), head=f"户主{n}") for n in range(10, 50)])
        db.session.commit()
        ids = db.session.execute(sa.select(Household.id).where(
            Household.group_id == household.group_id)).scalars().all()
    for household_id in ids:
        assert boss.post("/ledger", json={"household_id": household_id, "points": 2,
                                          "reason": "清扫"}).status_code == 201
    many, page = statements(path)
    assert page.count('<section class="passbook"') == 45
    assert many == few


def test_the_passbook_css_prints_one_household_a_sheet(client):
    css = client.get("/static/passbook.css").get_data(as_text=True)
    assert "size: A4" in css and "break-after: page" in css and ".no-print { display: none" in css


@pytest.mark.parametrize("lang, words", [
    ("zh", ["积分透支", "当前余额", "王建国", "大米 × 2 (4)", "记录人", "积分透支 (1)"]),
    ("en", ["Overdrafts", "Balance now", "王建国", "大米 × 2 (4)", "Recorded by",
            "Overdrafts (1)"])])
def test_the_overdrafts_page(web, made, lang, words):
    made, (_, redeem_id) = made
    page = text(web.get(f"/review/overdrafts?lang={lang}"))
    for word in words:
        assert word in page, word
    assert page.count("<tr data-entry=") == 1 and f'data-entry="{redeem_id}"' in page
    assert f'href="/review/households/{made.households["A01"]}"' in page
    queue = text(web.get(f"/review/?lang={lang}"))
    assert 'id="nav-overdrafts"' in queue and words[-1] in queue


def test_the_overdrafts_page_is_newest_first_and_paginated(app, phone, web, made):
    made, _ = made
    b01 = made.households["B01"]
    results = push_ledger(phone, *[redeem(b01, ("盐", 1, 1 + n),
                                          recorded_at=f"2026-01-{1 + n % 28:02d}T08:00:{n:02d}+00:00")
                                   for n in range(52)])
    assert all("overdraft" in r["flags"] for r in results)
    first = text(web.get("/review/overdrafts?lang=en"))
    assert first.count("<tr data-entry=") == 50 and "Page 1 of 2" in first
    assert text(web.get("/review/overdrafts?page=2")).count("<tr data-entry=") == 3


def test_the_results_and_admin_households_pages_link_to_a_household(app, web, made):
    made, _ = made
    link = f'href="/review/households/{made.households["A01"]}"'
    assert link in text(web.get(f"/review/rounds/{made.round_id}/results"))
    assert link in text(signed_in(app, "admin").get("/admin/households"))


def test_the_overdrafts_are_read_from_their_own_index(app, made):
    """The page's query can use the partial index of flagged entries (the planner told
    to avoid a full scan; the tables here are too small for it to choose on cost)."""
    with app.app_context():
        query = overdrafts_newest_first(1).limit(50)
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        with db.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SET enable_seqscan = off")
                plan = connection.exec_driver_sql(f"EXPLAIN {compiled}").scalars().all()
            else:
                plan = [row[-1] for row in connection.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN {compiled}")]
    assert any("ix_ledger_entries_overdraft" in line for line in plan), plan
