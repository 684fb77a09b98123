"""The admin households page: by village and group, paged, searched by 户号 or 户主, the
CSV out and in with a preview first; in Chinese and in English."""
import io
import re

import pytest

from server.admin.households import import_households
from server.extensions import db
from server.models import Household, Township

from tests.support.web import csrf_token, login

HEADER = "village,group,number,head,members,active\n"


@pytest.fixture
def admin(client):
    login(client, "admin")
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def seed(app, lines: list[str]) -> None:
    with app.app_context():
        township = db.session.execute(db.select(Township)).scalar_one()
        import_households(township.id, (HEADER + "".join(f"{line}\n" for line in lines)).encode())
        db.session.commit()


def check(client, raw: bytes):
    page = client.get("/admin/households")
    return client.post("/admin/households/import", data={
        "file": (io.BytesIO(raw), "households.csv"), "csrf_token": csrf_token(page)},
        content_type="multipart/form-data")


def confirm(client, preview):
    body = text(preview)
    return client.post("/admin/households/import/confirm", data={
        "file_data": re.search(r'name="file_data" value="([^"]*)"', body).group(1),
        "filename": re.search(r'name="filename" value="([^"]*)"', body).group(1),
        "csrf_token": csrf_token(preview)})


def heads(response) -> list[str]:
    return re.findall(r"<tr data-household=\"\d+\"[^>]*><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td>",
                      text(response))


@pytest.mark.parametrize("lang, words", [
    ("zh", ["农户", "户号", "户主", "人口", "全部村", "户号或户主", "查找", "共 2 户", "导入农户",
            "导出农户（CSV）", "在册", "停用", "曼贺村 · 曼贺一组"]),
    ("en", ["Households", "No.", "Head", "Members", "All villages", "Household number or head",
            "Find", "2 households", "Import households", "Export households (CSV)", "active",
            "inactive", "Manhe · Manhe Group 1"])])
def test_the_page_in_both_languages(app, admin, lang, words):
    seed(app, ["曼贺村,曼贺一组,01,玉香,3,1", "曼贺村,曼贺一组,02,岩温,,0"])
    admin.get(f"/lang/{lang}")
    menu = text(admin.get("/admin/"))
    assert 'id="households-link"' in menu and words[0] in menu
    page = admin.get("/admin/households")
    assert page.status_code == 200
    body = text(page)
    missing = [w for w in words if w not in body]
    assert missing == []
    assert heads(page) == ["玉香", "岩温"]


def test_paged_in_the_database_and_searched_by_number_or_head(app, admin):
    seed(app, [f"曼贺村,曼贺一组,{n:02d},岩温{n:02d},," for n in range(1, 61)]
         + ["曼短村,曼短一组,01,李建国,4,1"])
    admin.get("/lang/en")
    first = admin.get("/admin/households")
    assert len(heads(first)) == 50 and "Page 1 of 2" in text(first)
    second = admin.get("/admin/households?page=2")
    assert heads(second) == [f"岩温{n}" for n in range(51, 61)] + ["李建国"]
    assert heads(admin.get("/admin/households?q=建国")) == ["李建国"]
    assert heads(admin.get("/admin/households?q=07")) == ["岩温07"]
    with app.app_context():
        village = db.session.execute(db.select(Household)).scalars().all()[-1].group.village_id
    assert heads(admin.get(f"/admin/households?village={village}")) == ["李建国"]
    # Anything typed in the address is a page, never a 500.
    for query in ("page=abc", "page=99999999999", "village=x", "group=99999999999999",
                  "q=" + "%" * 300):
        assert admin.get(f"/admin/households?{query}").status_code in (200, 404), query


def test_the_import_previews_then_confirms(app, api, admin):
    seed(app, ["曼贺村,曼贺一组,01,玉香,3,1"])
    phone = api.as_user("inspector1")
    _, cursor = phone.pull_all()
    admin.get("/lang/zh")
    raw = (HEADER + "曼贺村,曼贺一组,01,玉香,4,0\n曼贺村,曼贺一组,02,岩温,,\n").encode()
    preview = check(admin, raw)
    body = text(preview)
    assert preview.status_code == 200
    assert "新增 1 户，修改 1 户，不变 0 户。尚未写入，请确认。" in body
    assert "人口: 3 → 4" in body and "状态: 在册 → 停用" in body and "新农户" in body
    assert phone.pull_all(cursor)[0] == []
    done = confirm(admin, preview)
    assert done.status_code == 303
    assert "农户已导入：新增 1 户，修改 1 户。" in text(admin.get("/admin/households"))
    assert {c["data"]["number"] for c in phone.pull_all(cursor)[0]
            if c["type"] == "household"} == {"01", "02"}
    admin.get("/lang/en")
    exported = admin.get("/admin/households.csv").get_data()
    assert "No changes: the file&#39;s 2 households are as stored" in text(check(admin, exported))


@pytest.mark.parametrize("lang, expected", [
    ("zh", ["第 2 行：head 超过 50 个字", "第 3 行：没有村民小组 曼贺村 / 无此组（请先导入村和村民小组）",
            "第 4 行：members 的值“-2”不是 0 或更大的整数", "第 6 行：曼贺村 / 曼贺一组 的户号 05 重复出现",
            "第 7 行：active 的值“yes”应为 1 或 0"]),
    ("en", ["line 2: head is longer than 50 characters",
            "line 3: there is no group 曼贺村 / 无此组 (import the places first)",
            "line 4: members &#39;-2&#39; is not a whole number of 0 or more",
            "line 6: household 05 of 曼贺村 / 曼贺一组 appears twice",
            "line 7: active &#39;yes&#39; must be 1 or 0"])])
def test_every_bad_line_in_both_languages_and_nothing_written(app, admin, lang, expected):
    admin.get(f"/lang/{lang}")
    raw = (HEADER + "曼贺村,曼贺一组,01," + "玉" * 51 + ",,\n"
           "曼贺村,无此组,02,玉香,,\n"
           "曼贺村,曼贺一组,03,玉香,-2,\n"
           "曼贺村,曼贺一组,05,玉香,,\n"
           "曼贺村,曼贺一组,05,岩温,,\n"
           "曼贺村,曼贺一组,06,岩温,,yes\n").encode()
    response = check(admin, raw)
    assert response.status_code == 400
    body = text(response)
    assert [line for line in expected if line not in body] == []
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Household)).scalar() == 0


def test_upload_without_a_file_is_refused(admin):
    admin.get("/lang/en")
    page = admin.get("/admin/households")
    response = admin.post("/admin/households/import", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 400 and "choose a file" in text(response)


def test_a_head_is_never_on_the_public_board(app, client):
    seed(app, ["曼贺村,曼贺一组,01,玉香南,3,1"])
    board = client.get("/board/")
    assert board.status_code == 200 and "玉香南" not in text(board)
    assert client.get("/admin/households").status_code == 302  # the page asks to sign in
