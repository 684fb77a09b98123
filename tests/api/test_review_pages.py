"""The supervisor pages (server-rendered), the public board and the poster."""
import re

import pytest

from server.extensions import db
from server.models import Comment, Inspection, Photo
from tests.support.web import csrf_token, login
from tests.support.factories import (close_round, inspection, make_conflict, open_conflict,
                                     with_photos)


@pytest.fixture
def pushed(phone, ref):
    return with_photos(phone, ref, ref["assigned"][0],
                       {"collection": {"bins": 2}, "toilets": {"open_pit": 1}},
                       note="<script>alert('x')</script> 垃圾桶满了",
                       gps={"lat": 21.95, "lon": 100.45, "accuracy_m": 12,
                            "at": "2026-11-05T09:00:00+08:00"})


def text(response) -> str:
    return response.get_data(as_text=True)


def test_queue_filters_and_counts(web, phone, ref, pushed):
    phone.push(inspection(ref["round"]["id"], ref["assigned"][1],
                          deductions={"roads": {"road_dirty": 1}}))
    page = text(web.get("/review/"))
    assert 'data-state="received">2<' in page
    assert page.count("/review/inspections/") == 2
    only_flagged = text(web.get("/review/?flag=no_evidence"))
    assert only_flagged.count("/review/inspections/") == 1   # roads came without a photo
    group = text(web.get(f"/review/?group={ref['assigned'][0]}&round={ref['round']['id']}"))
    assert f"/review/inspections/{pushed['id']}" in group and group.count("/review/inspections/") == 1
    assert text(web.get("/review/?state=approved")).count("/review/inspections/") == 0
    english = text(web.get("/review/?lang=en"))
    assert "Inspections to review" in english and "To review" in english


def test_inspection_page_shows_evidence_escaped(web, pushed):
    page = text(web.get(f"/review/inspections/{pushed['id']}"))
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "垃圾桶破损、未加盖或满溢" in page and "粪坑露天敞口" in page   # deductions
    thumbs = re.findall(r'src="(/review/blobs/[0-9a-f]{64}/thumb)"', page)
    assert len(thumbs) == 2
    image = web.get(thumbs[0])
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert image.data[:2] == b"\xff\xd8"
    assert "21.95000, 100.45000 ± 12 m" in page
    assert "无定位" in page            # the photos themselves carry no GPS: a readable flag
    assert 'id="total-score">95.0<' in page    # 100 − 2 (bins) − 3 (open pit)


def test_pages_and_photos_need_a_supervisor(app, client, pushed):
    sha = pushed["photos"][0]["sha256"]
    assert client.get(f"/review/blobs/{sha}/thumb").status_code == 302   # sign in first
    login(client, "inspector1")
    assert client.get(f"/review/blobs/{sha}/thumb").status_code == 403
    for path in ("/review/conflicts", f"/review/inspections/{pushed['id']}",
                 "/review/rounds/1/rankings", "/review/rounds/1/export/rankings.csv"):
        assert client.get(path).status_code == 403, path
    other = app.test_client()
    login(other, "supervisor1")
    assert other.get(f"/review/blobs/{'0' * 64}/thumb").status_code == 404
    assert other.get(f"/review/blobs/{sha}/huge").status_code == 404


def test_review_forms(app, web, pushed):
    url = f"/review/inspections/{pushed['id']}"
    page = web.get(url)
    token = csrf_token(page)
    assert web.post(f"{url}/review", data={"state": "approved"}).status_code == 400  # no CSRF
    response = web.post(f"{url}/review", data={"state": "has_issues", "comment": "",
                                               "csrf_token": token})
    assert response.status_code == 303
    assert "必须填写审核意见" in text(web.get(url))
    response = web.post(f"{url}/review", data={"state": "has_issues", "csrf_token": token,
                                               "comment": "<b>请补拍</b>"})
    assert response.status_code == 303
    page = text(web.get(url))
    assert "&lt;b&gt;请补拍&lt;/b&gt;" in page and 'id="review-state">有问题<' in page
    photo_id = pushed["photos"][0]["id"]
    response = web.post(f"/review/photos/{photo_id}/review",
                        data={"accepted": "0", "reason": "", "csrf_token": token})
    assert response.status_code == 303
    response = web.post(f"/review/photos/{photo_id}/review",
                        data={"accepted": "0", "reason": "不是垃圾桶", "csrf_token": token})
    assert response.status_code == 303
    page = text(web.get(url))
    assert "照片均被驳回，此项扣分作废" in page and 'id="total-score">97.0<' in page
    with app.app_context():
        assert db.session.get(Inspection, pushed["id"]).review_state == "has_issues"
        assert db.session.get(Photo, photo_id).accepted is False
        assert db.session.execute(db.select(Comment.body)).scalars().all() == ["<b>请补拍</b>"]


def test_conflict_page_resolves_by_choosing(app, api, web, phone, ref):
    payload = make_conflict(phone, ref)
    second = api.as_user("inspector1")
    second.push(dict(payload, client_rev=1, base_version=1, note="device B",
                     criteria={"collection": {"na": False, "deductions": {"bins": 5},
                                              "note": ""}}))
    listing = text(web.get("/review/conflicts"))
    assert f"/review/inspections/{payload['id']}/conflict" in listing
    url = f"/review/inspections/{payload['id']}/conflict"
    page = web.get(url)
    radios = re.findall(r'name="choice:([^"]+)" value="([^"]+)"', text(page))
    assert {path for path, _ in radios} == {"note", "criteria.collection.deductions.bins"}
    revision = next(v for p, v in radios if v != "server")
    assert web.post(url, data={"csrf_token": csrf_token(page), "reason": "",
                               "choice:note": "server"}).status_code == 400
    response = web.post(url, data={
        "csrf_token": csrf_token(page), "reason": "照片显示5个",
        "choice:note": revision, "choice:criteria.collection.deductions.bins": revision})
    assert response.status_code == 303
    with app.app_context():
        row = db.session.get(Inspection, payload["id"])
        assert (row.note, row.has_conflict) == ("device B", False)
        assert row.criteria["collection"]["deductions"]["bins"] == 5


def test_refused_review_input_is_explained_in_the_pages_language(app, api, web, phone, ref,
                                                                 pushed):
    url = f"/review/inspections/{pushed['id']}"
    token = csrf_token(web.get(url))
    web.post(f"{url}/review", data={"state": "rejected", "comment": "长" * 10_001,
                                    "csrf_token": token})
    assert "内容太长：最多 10000 个字符。" in text(web.get(url))
    web.post(f"{url}/review", data={"state": "done", "comment": "x", "csrf_token": token})
    assert "请选择通过、退回修改或不予采用。" in text(web.get(url))
    web.post(f"/review/photos/{pushed['photos'][0]['id']}/review",
             data={"accepted": "0", "reason": " ", "csrf_token": token})
    assert "驳回照片时请填写理由。" in text(web.get(url))

    payload = open_conflict(api, phone, ref)
    url = f"/review/inspections/{payload['id']}/conflict"
    token = csrf_token(web.get(url))
    response = web.post(url, data={"csrf_token": token, "reason": "  ", "choice:note": "server"})
    assert response.status_code == 400 and "请填写理由。" in text(response)
    response = web.post(f"{url}?lang=en", data={"csrf_token": token, "reason": "照片",
                                                "choice:note": "server"})
    assert response.status_code == 400
    assert "Choose a value for every conflicting field." in text(response)
    with app.app_context():
        assert db.session.get(Inspection, pushed["id"]).review_state == "received"
        assert db.session.get(Inspection, payload["id"]).has_conflict
        assert db.session.execute(db.select(Comment)).first() is None


def test_resolving_a_conflict_resolved_meanwhile_is_409(web, api, phone, ref):
    payload = open_conflict(api, phone, ref)
    url = f"/review/inspections/{payload['id']}/conflict"
    page = web.get(url)
    choices = dict(re.findall(r'name="(choice:[^"]+)" value="(server)"', text(page)))
    form = {"csrf_token": csrf_token(page), "reason": "照片为准", **choices}
    assert web.post(url, data=form).status_code == 303
    response = web.post(url, data=form)       # a second supervisor's tab, sent later
    assert response.status_code == 409 and "此检查没有待处理的冲突。" in text(response)


def test_duplicates_listed_and_rejected_from_the_page(app, web, phone, ref):
    group = ref["assigned"][0]
    first, second = (inspection(ref["round"]["id"], group) for _ in range(2))
    phone.push(first, second)
    page = web.get("/review/conflicts")
    assert text(page).count("作为重复驳回") == 2
    response = web.post(f"/review/inspections/{second['id']}/review", data={
        "csrf_token": csrf_token(page), "state": "rejected", "comment": "重复",
        "next": "/review/conflicts"})
    assert response.status_code == 303 and response.location.endswith("/review/conflicts")
    assert "作为重复驳回" not in text(web.get("/review/conflicts"))


def test_rankings_page_publish_board_and_poster(app, client, web, phone, ref, pushed):
    round_id = ref["round"]["id"]
    page = web.get(f"/review/rounds/{round_id}/rankings")
    assert page.status_code == 200
    body = text(page)
    assert '<svg class="trend"' in body
    assert f"/review/?round={round_id}&amp;group={ref['assigned'][0]}" in body
    assert ">95.0<" in body    # one group: WR = R
    assert client.get("/board/").status_code == 200 and "还没有发布" in text(client.get("/board/"))
    assert client.get(f"/board/rounds/{round_id}/poster").status_code == 404
    close_round(app, round_id)
    response = web.post(f"/review/rounds/{round_id}/publish", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 303
    board = text(client.get("/board/"))      # anonymous
    assert "红榜" in board and "黑榜" in board and "曼贺一组" in board
    poster = client.get(f"/board/rounds/{round_id}/poster?size=a3&lang=en")
    assert poster.status_code == 200
    html = text(poster)
    assert "size: A3" in html and "Red and Black Lists" in html   # the reader's language,
    assert "language=zh" in html                                   # Chinese offered
    assert "农村人居环境整治红黑榜" in text(
        client.get(f"/board/rounds/{round_id}/poster?size=a3&language=zh"))
    assert "<img" not in html and "21.95" not in html and "100.45" not in html


def test_rankings_trends_are_drawn_once_until_what_they_read_changes(web, phone, ref,
                                                                     monkeypatch):
    """The table of every group with its trend is most of the rankings page: drawn once
    per ranking and language and kept. Asked again it is not drawn again; the other
    language, or a new inspection, draws it anew with what changed."""
    from server.web import review_rankings

    drawn, trend = [], review_rankings.trend
    monkeypatch.setattr(review_rankings, "trend",
                        lambda *args, **kw: drawn.append(1) or trend(*args, **kw))
    round_id, group = ref["round"]["id"], ref["assigned"][0]
    path = f"/review/rounds/{round_id}/rankings"

    def all_groups(query="?lang=zh"):
        body = text(web.get(path + query))
        return body.split('<table class="grid rankings">')[-1].split("</table>")[0]

    phone.push(inspection(round_id, group, deductions={"collection": {"bins": 2}}))
    first = all_groups()
    assert all_groups() == first and len(drawn) == 1
    english = all_groups("?lang=en")
    assert len(drawn) == 2 and all_groups("?lang=en") == english and len(drawn) == 2
    phone.push(inspection(round_id, group, deductions={"roads": {"road_dirty": 6}}))
    again = all_groups()
    assert len(drawn) == 3 and again != first
    row = again.split(f'data-group="{group}"')[1].split("</tr>")[0]
    assert ">2</a>" in row                   # its inspections: both counted now
