"""Rectifications: opened by publishing a round, pulled by every inspector, listed,
overdue after their deadline, carried over to the next round's lists, printed."""
from datetime import timedelta

import pytest

from server.extensions import db
from server.models import AuditEntry, Rectification, Round, User
from sync.clock import township_today
from tests.support.factories import close_round, inspection, published_black_list


@pytest.fixture
def listed(app, phone, boss, ref):
    return published_black_list(app, phone, boss, ref)


def rectifications_by_group(app) -> dict:
    with app.app_context():
        rows = db.session.execute(db.select(Rectification)).scalars().all()
        return {r.group_id: {"id": r.id, "deadline": r.deadline,
                             "version": r.published_version,
                             "items": {(i.criterion, i.item): (i.count, list(i.photo_ids))
                                       for i in r.items}} for r in rows}


def photo_ids(payload, criterion, item):
    return [p["id"] for p in payload["photos"] if (p["criterion"], p["item"]) == (criterion, item)]


def test_publishing_opens_one_per_black_list_group_with_its_deductions_and_photos(app, listed):
    black = {g["group_id"] for g in listed["published"]["groups"] if g["list"] == "black"}
    assert black == {listed["b"], listed["c"]}
    found = rectifications_by_group(app)
    assert set(found) == black
    b = listed["inspections"]["b"]
    assert found[listed["b"]]["items"] == {
        ("collection", "bins"): (2, photo_ids(b, "collection", "bins")),
        ("roads", "road_dirty"): (3, photo_ids(b, "roads", "road_dirty"))}
    assert found[listed["c"]]["items"] == {
        ("roads", "road_dirty"): (6, photo_ids(listed["inspections"]["c"], "roads", "road_dirty"))}
    assert found[listed["b"]]["deadline"] == township_today() + timedelta(days=15)
    assert found[listed["b"]]["version"] == 1
    with app.app_context():
        audited = db.session.execute(db.select(AuditEntry.entity_id, User.username).join(
            User, AuditEntry.user_id == User.id).where(
            AuditEntry.action == "open_rectification")).all()
    assert sorted(audited) == sorted((str(r["id"]), "supervisor1") for r in found.values())


def test_counted_deductions_summed_and_void_ones_left_out(app, phone, boss, ref):
    def second_look_and_a_rejected_photo(inspections):
        phone.push(inspection(ref["round"]["id"], ref["assigned"][1],
                              deductions={"collection": {"bins": 4}}))
        bad = photo_ids(inspections["b"], "roads", "road_dirty")[0]
        assert boss.post(f"/photos/{bad}/review",
                         json={"accepted": False, "reason": "看不清"}).status_code == 200

    listed = published_black_list(app, phone, boss, ref,
                                  before_publish=second_look_and_a_rejected_photo)
    items = rectifications_by_group(app)[listed["b"]]["items"]
    # bins: 2 + 4 over two counted inspections; road_dirty: its only photo was rejected
    assert items == {("collection", "bins"): (
        6, photo_ids(listed["inspections"]["b"], "collection", "bins"))}


def test_republishing_adds_only_newly_listed_groups(app, boss, listed):
    first = rectifications_by_group(app)
    # C's only photo rejected: C rises to the top and A joins B on the Black List
    photo = listed["inspections"]["c"]["photos"][0]["id"]
    boss.post(f"/photos/{photo}/review", json={"accepted": False, "reason": "不是本组"})
    second = boss.post(f"/rounds/{listed['round_id']}/publish").get_json()
    assert second["published"]["version"] == 2
    assert {g["group_id"] for g in second["groups"] if g["list"] == "black"} \
        == {listed["a"], listed["b"]}
    again = rectifications_by_group(app)
    assert {k: again[k] for k in first} == first   # C's stays: it was listed once
    assert set(again) == {listed["a"], listed["b"], listed["c"]}
    assert again[listed["a"]]["version"] == 2
    assert again[listed["a"]]["items"] == {("collection", "bins"): (
        1, photo_ids(listed["inspections"]["a"], "collection", "bins"))}


def test_every_inspector_pulls_them(api, listed):
    other = api.as_user("inspector2")
    changes, _ = other.pull_all()
    pulled = {c["data"]["group_id"]: c["data"] for c in changes if c["type"] == "rectification"}
    assert set(pulled) == {listed["b"], listed["c"]}
    c = pulled[listed["c"]]
    assert set(c) == {"id", "round_id", "group_id", "deadline", "state", "items"}
    assert c["state"] == "open" and c["round_id"] == listed["round_id"]
    photo = listed["inspections"]["c"]["photos"][0]
    assert c["items"] == [{"criterion": "roads", "item": "road_dirty", "count": 6,
                           "photo_ids": [photo["id"]],
                           "photos": [{"id": photo["id"], "sha256": photo["sha256"]}],
                           "state": "open"}]


def test_inspectors_see_the_before_photos_but_not_their_originals(api, phone, listed):
    other = api.as_user("inspector2")      # neither took nor uploaded them
    before = listed["inspections"]["c"]["photos"][0]["sha256"]
    for variant in ("thumb", "display"):
        response = other.get(f"/blobs/{before}?variant={variant}")
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert other.get(f"/blobs/{before}?variant=original").status_code == 404
    assert other.get(f"/blobs/{before}").status_code == 404
    # A is on no Black List: its photo stays its inspector's
    not_listed = listed["inspections"]["a"]["photos"][0]["sha256"]
    assert other.get(f"/blobs/{not_listed}?variant=thumb").status_code == 404
    assert phone.get(f"/blobs/{not_listed}?variant=original").status_code == 200


def set_deadline(app, rectification_id, deadline):
    with app.app_context():
        db.session.get(Rectification, rectification_id).deadline = deadline
        db.session.commit()


def close_off_items(app, rectification_id):
    with app.app_context():
        for item in db.session.get(Rectification, rectification_id).items:
            item.state = "closed"
        db.session.commit()


def test_list_for_supervisors_filtered_by_round_and_state(app, phone, boss, listed):
    assert phone.get("/rectifications").status_code == 403
    body = boss.get("/rectifications").get_json()
    assert {r["group_id"] for r in body["rectifications"]} == {listed["b"], listed["c"]}
    c = next(r for r in body["rectifications"] if r["group_id"] == listed["c"])
    assert {"id", "round_id", "group_id", "deadline", "state", "items", "village",
            "name"} <= set(c)
    ids = rectifications_by_group(app)
    set_deadline(app, ids[listed["c"]]["id"], township_today() - timedelta(days=1))
    close_off_items(app, ids[listed["b"]]["id"])

    def groups(query):
        response = boss.get(f"/rectifications?{query}")
        assert response.status_code == 200, response.get_json()
        return {r["group_id"]: r["state"] for r in response.get_json()["rectifications"]}

    assert groups(f"round_id={listed['round_id']}") == {listed["b"]: "closed",
                                                         listed["c"]: "overdue"}
    assert groups("state=overdue") == {listed["c"]: "overdue"}
    assert groups("state=closed") == {listed["b"]: "closed"}
    assert groups("state=open") == {}
    for bad in ("round_id=abc", "round_id=0", "round_id=99999999999", "round_id=999",
                "state=late", "state="):
        response = boss.get(f"/rectifications?{bad}")
        assert response.status_code == 400, bad
        assert response.get_json()["error"]["code"] == "invalid_request"


def test_overdue_once_the_deadline_has_passed(app, api, listed):
    c = rectifications_by_group(app)[listed["c"]]["id"]
    set_deadline(app, c, township_today())
    other = api.as_user("inspector2")

    def pulled_state():
        changes, _ = other.pull_all()
        return next(ch["data"]["state"] for ch in changes
                    if ch["type"] == "rectification" and ch["data"]["id"] == c)

    assert pulled_state() == "open"         # the deadline day itself is still in time
    set_deadline(app, c, township_today() - timedelta(days=1))
    assert pulled_state() == "overdue"


def next_round(app, round_id) -> int:
    """The township's following month, closed and published with no inspections."""
    with app.app_context():
        current = db.session.get(Round, round_id)
        later = Round(township_id=current.township_id, name="下月评比",
                      starts_on=current.ends_on + timedelta(days=1),
                      ends_on=current.ends_on + timedelta(days=30),
                      rubric_id=current.rubric_id, state="open")
        db.session.add(later)
        db.session.commit()
        return later.id


def test_carried_over_on_the_next_rounds_published_lists(app, phone, boss, listed):
    own = phone.get(f"/rounds/{listed['round_id']}/rankings/published").get_json()
    assert own["carried_over"] == []        # only earlier rounds' are carried over
    later = next_round(app, listed["round_id"])
    close_round(app, later)
    published = boss.post(f"/rounds/{later}/publish").get_json()
    ids = rectifications_by_group(app)
    carried = {c["group_id"]: c for c in published["carried_over"]}
    assert set(carried) == {listed["b"], listed["c"]}
    assert carried[listed["b"]] == {
        **carried[listed["b"]], "rectification_id": ids[listed["b"]]["id"],
        "round_id": listed["round_id"], "state": "open", "open_items": 2,
        "deadline": ids[listed["b"]]["deadline"].isoformat()}
    # read again later: states as of today, closed ones no longer carried
    close_off_items(app, ids[listed["b"]]["id"])
    set_deadline(app, ids[listed["c"]]["id"], township_today() - timedelta(days=3))
    body = phone.get(f"/rounds/{later}/rankings/published").get_json()
    assert [(c["group_id"], c["state"], c["open_items"]) for c in body["carried_over"]] \
        == [(listed["c"], "overdue", 1)]
    assert {"rectification_id", "group_id", "round_id", "state", "deadline",
            "open_items"} <= set(body["carried_over"][0])
    # the later round's own empty lists opened nothing
    assert set(rectifications_by_group(app)) == {listed["b"], listed["c"]}


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_supervisor_page_by_state_links_each_notice(app, web, listed):
    ids = rectifications_by_group(app)
    set_deadline(app, ids[listed["c"]]["id"], township_today() - timedelta(days=1))
    page = text(web.get("/review/rectifications"))
    assert 'href="/review/rectifications"' in page          # in the review navigation
    overdue = page.split('id="rectifications-overdue"')[1].split("</section>")[0]
    assert 'class="rectification-overdue"' in overdue and "逾期未整改" in overdue
    assert f"/review/rectifications/{ids[listed['c']]['id']}/notice" in overdue
    being_done = page.split('id="rectifications-open"')[1].split("</section>")[0]
    assert f"/review/rectifications/{ids[listed['b']]['id']}/notice" in being_done
    deadline = ids[listed["b"]]["deadline"]
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in being_done
    english = text(web.get("/review/rectifications?lang=en"))
    assert "Overdue" in english and "Rectification notice" in english
    assert text(web.get(f"/review/rectifications?round={listed['round_id']}")).count(
        "/notice") == 2
    assert web.get("/review/rectifications?round=99999999999").status_code == 404


NOTICE_WORDS = {"zh": ("整改通知书", "垃圾桶破损、未加盖或满溢", "路面积水、泥泞或有杂物", "整改期限：{d.year}年{d.month}月{d.day}日"),
                "en": ("Rectification notice", "Bin broken, uncovered or overflowing",
                       "Standing water, mud or debris on the road", "Deadline: {d.day} {d:%b} {d.year}")}


def test_notice_is_a4_in_the_readers_language_with_the_photos_and_the_deadline(app, web,
                                                                              listed):
    b = rectifications_by_group(app)[listed["b"]]
    for lang, other in (("zh", "en"), ("en", "zh")):
        notice = text(web.get(f"/review/rectifications/{b['id']}/notice?lang={lang}"))
        title, bins, road, deadline = NOTICE_WORDS[lang]
        assert title in notice and NOTICE_WORDS[other][0] not in notice
        assert bins in notice and road in notice
        assert deadline.format(d=b["deadline"]) in notice
        # the other language is offered, and asked for alone it does not change the reader's
        assert f"/review/rectifications/{b['id']}/notice?language={other}" in notice
        printed = web.get(f"/review/rectifications/{b['id']}/notice?language={other}")
        assert NOTICE_WORDS[other][0] in text(printed) and "Set-Cookie" not in printed.headers
        for photo in listed["inspections"]["b"]["photos"]:
            assert f'src="/review/blobs/{photo["sha256"]}/thumb"' in notice
        assert '<script src="/static/pages.js" defer></script>' in notice
        assert "onclick=" not in notice
    assert "size: A4" in text(web.get("/static/notice.css"))
    image = web.get(f"/review/blobs/{listed['inspections']['b']['photos'][0]['sha256']}/thumb")
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert web.get("/review/rectifications/999/notice").status_code == 404


def test_pages_need_a_supervisor_and_change_nothing_without_csrf(app, client, web, phone, ref):
    from tests.support.web import login
    assert client.get("/review/rectifications").status_code == 302
    login(client, "inspector1")
    assert client.get("/review/rectifications").status_code == 403
    assert client.get("/review/rectifications/1/notice").status_code == 403
    assert web.post("/review/rectifications").status_code == 405
    # publishing from the page opens rectifications only with the form's CSRF token
    phone.push(*(inspection(ref["round"]["id"], g, deductions={"roads": {"road_dirty": n}})
                 for n, g in enumerate(ref["assigned"][:3])))
    close_round(app, ref["round"]["id"])
    url = f"/review/rounds/{ref['round']['id']}/publish"
    assert web.post(url).status_code == 400
    assert rectifications_by_group(app) == {}
    from tests.support.web import csrf_token
    token = csrf_token(web.get(f"/review/rounds/{ref['round']['id']}/rankings"))
    assert web.post(url, data={"csrf_token": token}).status_code == 303
    assert len(rectifications_by_group(app)) == 2


def test_carried_over_on_rankings_page_poster_and_board(app, client, web, boss, listed):
    later = next_round(app, listed["round_id"])
    close_round(app, later)
    boss.post(f"/rounds/{later}/publish")
    ids = rectifications_by_group(app)
    set_deadline(app, ids[listed["c"]]["id"], township_today() - timedelta(days=1))
    rankings = text(web.get(f"/review/rounds/{later}/rankings"))
    carried = rankings.split('class="carried-over"')[1].split("</section>")[0]
    assert "往期黑榜未整改 (2)" in carried and "逾期未整改" in carried
    assert f"/review/rectifications/{ids[listed['c']]['id']}/notice" in carried
    poster = text(client.get(f"/board/rounds/{later}/poster"))
    assert "往期黑榜未整改" in poster and "逾期未整改" in poster and "整改中" in poster
    board = text(client.get("/board/"))
    first_round = board.split(f'id="round-{listed["round_id"]}"')[1]
    assert "黑榜整改情况 (2)" in first_round and "逾期未整改" in first_round
    next_board = board.split(f'id="round-{later}"')[1].split("</article>")[0]
    assert "往期黑榜未整改 (2)" in next_board
    assert "/review/" not in board and "/blobs/" not in board   # no notices, no photos
    english = text(client.get("/board/?lang=en"))
    assert "Earlier Black Lists, not yet rectified" in english and "Overdue" in english


def test_carried_over_counts_open_items_without_loading_them(app, listed):
    """Beside years of rectifications the lists count each one's open items in the
    database: no item (nor its photos' ids) is read to say how many are open."""
    import sqlalchemy as sa

    from server.review.rectifications import carried_over

    later = next_round(app, listed["round_id"])
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", seen)
        try:
            carried = carried_over(db.session.get(Round, later))
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", seen)
    assert sorted((c["group_id"], c["state"], c["open_items"]) for c in carried) == sorted(
        [(listed["b"], "open", 2), (listed["c"], "open", 1)])
    assert not [s for s in statements if "photo_ids" in s]
