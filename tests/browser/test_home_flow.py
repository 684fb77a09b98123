"""The home screen and the inspection flow on a 360-px phone: a done group opens its
inspection, a draft can be deleted (asked first, undone for a while) and is counted,
what was sent back comes first, the summary is one tap away, and every target and text
is large enough."""
import pytest
from playwright.sync_api import expect

from tests.support import server_state
from tests.support.apiclient import ApiClient
from tests.support.factories import make_rectification, recheck, reference, with_photos
from tests.support.phone import (add_photo, confirm_submit, go_to_criterion, local_inspections,
                                 make_jpeg, record_simple_inspection, sign_in, status, sync,
                                 tap_plus, toggle, wait_synced)

SMALL_PHONE = {"width": 360, "height": 740}


def home(page):
    page.goto(page.url.split("#")[0] + "#/")
    page.wait_for_selector("#status")


def switch_language(page, lang: str):
    if page.get_attribute("html", "lang") != {"zh": "zh-CN", "en": "en"}[lang]:
        page.click("#lang-toggle")
        page.wait_for_selector(f"html[lang='{'zh-CN' if lang == 'zh' else 'en'}']")


def test_a_done_group_opens_its_inspection_and_a_draft_is_counted_deleted_and_undone(phone, live_server):
    page = phone
    page.set_viewport_size(SMALL_PHONE)
    sign_in(page, live_server.url)
    done_id = record_simple_inspection(page, make_jpeg(800, 600, seed=1))
    wait_synced(page)

    # the group marked done opens its inspection; a second one is an explicit action there
    home(page)
    row = page.locator("#assignments a.row").first
    expect(row).to_contain_text("已完成")
    row.click()
    page.wait_for_selector("#detail")
    assert page.url.endswith(f"#/view/{done_id}")
    assert len(local_inspections(page)) == 1
    page.click("#another-inspection")
    page.wait_for_selector("#criterion")
    draft_id = page.url.split("#/inspect/")[1].split("/")[0]
    assert draft_id != done_id

    # the draft, with its photo, is counted on the status card
    go_to_criterion(page, draft_id, "cleaning")
    toggle(page, "cleaning.no_cleaner")
    add_photo(page, "cleaning.no_cleaner", make_jpeg(800, 600, seed=2))
    home(page)
    expect(page.locator("#status-drafts")).to_have_text("1 份草稿（含1 张照片）只在这台手机上：提交后才会上传")
    assert status(page)["line"] == "已提交的都已上传"

    # deleting asks first, in the app; "keep" keeps it
    page.goto(page.url.split("#")[0] + f"#/inspect/{draft_id}/0")
    page.click("#summary-button")
    page.wait_for_selector("#summary")
    page.click("#delete-draft")
    expect(page.locator("#confirm-dialog")).to_contain_text("删除")
    page.click("#confirm-no")
    expect(page.locator("#confirm-dialog")).to_have_count(0)
    assert len(local_inspections(page)) == 2

    # deleted: gone from the phone at once, and back with "undo"
    page.click("#delete-draft")
    page.click("#confirm-yes")
    expect(page.locator("#undo-bar")).to_contain_text("草稿已删除")
    page.wait_for_selector("#status")
    assert [r["id"] for r in local_inspections(page)] == [done_id]
    page.click("#undo-button")
    expect(page.locator(f"#my-inspections a[data-inspection='{draft_id}']")).to_have_count(1)
    [restored] = [r for r in local_inspections(page) if r["id"] == draft_id]
    assert len(restored["photos"]) == 1
    page.goto(page.url.split("#")[0] + f"#/inspect/{draft_id}/0")
    page.wait_for_selector("li.item[data-item='cleaning.no_cleaner'] figure.thumb img")

    # the same in English; deleted for good, it is never sent
    switch_language(page, "en")
    page.click("#summary-button")
    page.wait_for_selector("#summary")
    page.click("#delete-draft")
    expect(page.locator("#confirm-yes")).to_have_text("Delete draft")
    page.click("#confirm-yes")
    expect(page.locator("#undo-bar")).to_contain_text("Draft deleted")
    expect(page.locator("#status-drafts")).to_have_count(0)
    sync(page)
    assert set(server_state.inspections(live_server.app)) == {done_id}
    assert status(page)["line"] == "Everything is sent: nothing waiting"


def test_what_the_supervisor_sent_back_is_at_the_top_of_home_until_answered(phone, live_server):
    page, app = phone, live_server.app
    page.set_viewport_size(SMALL_PHONE)
    inspector = ApiClient(app.test_client()).as_user("inspector1")
    supervisor = ApiClient(app.test_client()).as_user("supervisor1")
    ref = reference(inspector)
    # a recheck with its item sent back, a photo to re-shoot, an inspection sent back
    rectification = make_rectification(app, inspector, ref, deductions={"collection": {"bins": 2}})
    sent = recheck(rectification, fixed=True)
    assert inspector.push_rechecks(sent)[0]["outcome"] == "applied"
    assert supervisor.post(f"/rechecks/{sent['id']}/review",
                           json={"items": {"collection.bins": "open"}, "comment": "仍然满溢"}).status_code == 200
    blurred = with_photos(inspector, ref, ref["assigned"][1], {"collection": {"bins": 1}}, seed=3)
    assert supervisor.post(f"/photos/{blurred['photos'][0]['id']}/review",
                           json={"accepted": False, "reason": "模糊"}).status_code == 200
    wrong = with_photos(inspector, ref, ref["assigned"][2], {"collection": {"bins": 1}}, seed=4)
    assert supervisor.post(f"/inspections/{wrong['id']}/review",
                           json={"state": "rejected", "comment": "请重新检查"}).status_code == 200

    sign_in(page, live_server.url)
    first = page.locator("#main > section").first
    expect(first).to_have_attribute("id", "attention")
    expect(first.locator(f"a[data-attention='{blurred['id']}']")).to_contain_text("有照片被退回：请补拍")
    expect(first.locator(f"a[data-attention='{wrong['id']}']")).to_contain_text("检查未通过：请查看审核意见")
    expect(first.locator(f"a[data-attention='{sent['id']}']")).to_contain_text("复查有项目被退回")
    switch_language(page, "en")
    expect(page.locator("#attention h2")).to_have_text("To deal with")
    expect(page.locator(f"#attention a[data-attention='{blurred['id']}']")).to_contain_text(
        "Photos sent back: take them again")
    expect(page.locator(f"#attention a[data-attention='{sent['id']}']")).to_contain_text("Recheck items sent back")

    # each links to what it names; once the photo is taken again, it leaves the card
    # a recheck sent back leads on to a new recheck, which says what was sent back and why
    page.click(f"#attention a[data-attention='{sent['id']}']")
    page.wait_for_selector("#recheck #sent-back")
    expect(page.locator("#sent-back-comment")).to_contain_text("仍然满溢")
    expect(page.locator("#sent-back")).to_contain_text("Items of the last recheck were sent back")
    expect(page.locator("#recheck li.item[data-item='collection.bins']")).to_have_attribute("data-fixed", "null")
    home(page)
    page.click(f"#attention a[data-attention='{blurred['id']}']")
    page.wait_for_selector("#reshoots")
    assert page.url.endswith(f"#/view/{blurred['id']}")
    page.locator("#reshoots [data-reshoot]").click()
    page.wait_for_selector("#criterion[data-criterion='collection']")
    add_photo(page, "collection.bins", make_jpeg(800, 600, seed=5))
    page.click("#summary-button")
    confirm_submit(page)
    home(page)
    expect(page.locator(f"#attention a[data-attention='{wrong['id']}']")).to_have_count(1)
    expect(page.locator(f"#attention a[data-attention='{blurred['id']}']")).to_have_count(0)
    # a rejection, the supervisor's last word, is dealt with once read
    page.click(f"#attention a[data-attention='{wrong['id']}']")
    expect(page.locator("#comments")).to_contain_text("请重新检查")
    home(page)
    expect(page.locator(f"#attention a[data-attention='{sent['id']}']")).to_have_count(1)
    expect(page.locator(f"#attention a[data-attention='{wrong['id']}']")).to_have_count(0)


# every visible target, and every piece of text, on the screen now
MEASURE = """() => {
    const shown = (el) => el.offsetParent !== null || getComputedStyle(el).position === 'fixed';
    const small = [...document.querySelectorAll('button, a, label.button, input:not(.hidden-input), textarea')]
        .filter(shown)
        .map((el) => [el.textContent.trim().slice(0, 24) || el.id || el.tagName, el.getBoundingClientRect()])
        .filter(([, r]) => r.height < 47.5 || r.width < 47.5)
        .map(([text, r]) => `${text} ${Math.round(r.width)}x${Math.round(r.height)}`);
    const tiny = [...document.querySelectorAll('body *')].filter(shown)
        .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
        .map((el) => [el.textContent.trim().slice(0, 24), parseFloat(getComputedStyle(el).fontSize)])
        .filter(([, size]) => size < 14)
        .map(([text, size]) => `${text} ${size}px`);
    return { small, tiny, wide: document.documentElement.scrollWidth };
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_target_and_text_on_the_main_screens_is_large_enough(phone, live_server, lang):
    page = phone
    page.set_viewport_size(SMALL_PHONE)
    sign_in(page, live_server.url)
    switch_language(page, lang)
    submitted = record_simple_inspection(page, make_jpeg(800, 600, seed=4))
    wait_synced(page)
    page.click("#another-inspection")
    page.wait_for_selector("#criterion")
    draft = page.url.split("#/inspect/")[1].split("/")[0]
    go_to_criterion(page, draft, "cleaning")
    finding = page.locator(".finding-choice[data-item='cleaning.no_cleaner'] [aria-checked='true']")
    expect(finding).to_have_text({"zh": "无此问题", "en": "No such problem"}[lang])
    toggle(page, "cleaning.no_cleaner")
    expect(finding).to_have_text({"zh": "有此问题", "en": "Problem found"}[lang])
    add_photo(page, "cleaning.no_cleaner", make_jpeg(800, 600, seed=5), source="gallery")
    go_to_criterion(page, draft, "collection")
    tap_plus(page, "collection.bins")              # no photo: the summary links to it

    # each screen, and what shows it is drawn
    screens = {"criterion with counters": (None, "#criterion[data-criterion='collection']"),
               "criterion with a gallery photo": ("cleaning", "li.item[data-item='cleaning.no_cleaner'] figure.thumb img"),
               "summary": (f"#/inspect/{draft}/99", "#missing a"),
               "detail": (f"#/view/{submitted}", "#detail #another-inspection"),
               "pick": ("#/pick", "#pick"), "home": ("#/", "#status #sync-button")}
    for name, (where, drawn) in screens.items():
        if where and where.startswith("#"):
            page.goto(page.url.split("#")[0] + where)
        elif where:
            go_to_criterion(page, draft, where)
        page.wait_for_selector(drawn)
        if name == "home":
            status(page)
        found = page.evaluate(MEASURE)
        assert found["small"] == [], (name, found["small"])
        assert found["tiny"] == [], (name, found["tiny"])
        assert found["wide"] <= SMALL_PHONE["width"], (name, found["wide"])
