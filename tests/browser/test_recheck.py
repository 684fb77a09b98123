"""A Black List group's rectification reaches the phone with its "before" photo; the
recheck is done offline, survives a reload, syncs with its "after" photo, and the
supervisor's closing off comes back to the phone."""
import pytest
from playwright.sync_api import expect

from tests.support import server_state
from tests.support.apiclient import ApiClient
from tests.support.factories import close_round, make_rectification, recheck, reference, with_photos
from tests.support.phone import (add_photo, make_jpeg, page_of_size, sha256, sign_in, status, switch_language,
                                 sync, wait_ready, wait_synced)

LOCAL_RECHECKS = "async () => (await import('/app/records.js')).listRechecks()"
BEFORE_PHOTOS = """async () => {
    const { dbReady } = await import('/app/db.js');
    return (await (await dbReady).getAll('before_photos'))
        .map((p) => ({ sha256: p.sha256, type: p.type, size: p.bytes.byteLength }));
}"""
SENT_BACK = {"zh": "上次复查有项目被退回", "en": "Items of the last recheck were sent back"}
AFTER_PHOTO = {"zh": "需要整改后照片", "en": "A photo after the fix is needed"}
AGAIN = {"zh": "再次复查", "en": "Recheck again"}


@pytest.fixture
def narrow_phone(browser):
    yield from page_of_size(browser, 360, 740)


def publish_black_list(app) -> dict:
    """inspector2 found overflowing bins, with a photo, in one group; the round is closed
    and published, so that group is on its Black List. Answers the inspection pushed."""
    inspector = ApiClient(app.test_client()).as_user("inspector2")
    ref = reference(inspector)
    found = with_photos(inspector, ref, ref["assigned"][0], {"collection": {"bins": 3}})
    close_round(app, ref["round"]["id"])
    supervisor = ApiClient(app.test_client()).as_user("supervisor1")
    assert supervisor.post(f"/rounds/{ref['round']['id']}/publish", json={}).status_code == 201
    return found


def test_recheck_offline_then_closed_off_by_the_supervisor(phone, live_server):
    page, app = phone, live_server.app
    sign_in(page, live_server.url)
    found = publish_black_list(app)
    [before] = found["photos"]
    sync(page)

    rectification = page.locator("#open-rectifications a[data-rectification]")
    expect(rectification).to_have_count(1)
    expect(rectification.locator("[data-rectification-state]")).to_have_attribute("data-rectification-state", "open")
    [kept] = page.evaluate(BEFORE_PHOTOS)
    assert kept["sha256"] == before["sha256"] and kept["type"] == "image/jpeg" and kept["size"] > 0

    page.context.set_offline(True)
    rectification.click()
    item = page.locator("li.item[data-item='collection.bins']")
    expect(item.locator("figure[data-before] img")).to_have_count(1)   # from the phone, offline
    item.locator("button[data-fixed='true']").tap()
    expect(item).to_have_attribute("data-fixed", "true")
    page.fill("#note-collection\\.bins", "已换新垃圾桶")
    after = make_jpeg(2000, 1500, seed=11)
    add_photo(page, "collection.bins", after)

    page.reload()                                   # still offline: the draft is all there
    wait_ready(page)
    expect(page.locator("li.item[data-item='collection.bins']")).to_have_attribute("data-fixed", "true")
    expect(page.locator("#note-collection\\.bins")).to_have_value("已换新垃圾桶")
    [draft] = page.evaluate(LOCAL_RECHECKS)
    assert draft["items"] == {"collection.bins": {"fixed": True, "note": "已换新垃圾桶"}}
    [photo] = draft["photos"]
    assert (photo["criterion"], photo["item"], photo["width"]) == ("collection", "bins", 1600)
    page.click("#submit-button")
    page.wait_for_selector("#recheck-detail[data-state='waiting']")
    page.goto(page.url.split("#")[0] + "#/")
    assert (status(page)["rechecks"], status(page)["photos"]) == (1, 1)

    page.context.set_offline(False)                 # the `online` event starts a sync
    page.wait_for_function("document.querySelector('#status')?.dataset.rechecks === '0' && "
                           "document.querySelector('#status')?.dataset.photos === '0'", timeout=60000)
    wait_synced(page)
    on_server = server_state.rechecks(app)[draft["id"]]
    assert on_server["items"] == draft["items"] and on_server["review_state"] == "received"
    assert [p["sha256"] for p in on_server["photos"]] == [photo["sha256"]]
    data = server_state.blob_bytes(app, photo["sha256"])
    assert data and sha256(data) == photo["sha256"]

    supervisor = ApiClient(app.test_client()).as_user("supervisor1")
    reviewed = supervisor.post(f"/rechecks/{draft['id']}/review",
                               json={"items": {"collection.bins": "closed"}, "comment": "整改到位"})
    assert reviewed.status_code == 200, reviewed.get_json()
    sync(page)
    expect(page.locator("#open-rectifications a")).to_have_count(0)
    expect(page.locator(f"[data-recheck='{draft['id']}'] [data-rectification-state]")).to_have_attribute(
        "data-rectification-state", "closed")
    assert page.evaluate(BEFORE_PHOTOS) == []       # a closed rectification's photos are let go
    page.locator(f"[data-recheck='{draft['id']}']").click()
    page.wait_for_selector("#recheck-detail[data-state='approved']")
    expect(page.locator("li.item[data-item='collection.bins'] [data-item-state]")).to_have_attribute(
        "data-item-state", "closed")
    expect(page.locator("#recheck-comment")).to_contain_text("整改到位")


def test_a_recheck_sent_back_shows_why_and_the_rectification_stays_to_recheck(phone, live_server):
    page, app = phone, live_server.app
    inspector = ApiClient(app.test_client()).as_user("inspector1")
    rectification = make_rectification(app, inspector, reference(inspector), deductions={"collection": {"bins": 2}})
    sent = recheck(rectification, fixed=True)             # from another of the inspector's phones
    [result] = inspector.push_rechecks(sent)
    assert result["outcome"] == "applied", result
    supervisor = ApiClient(app.test_client()).as_user("supervisor1")
    reviewed = supervisor.post(f"/rechecks/{sent['id']}/review",
                               json={"items": {"collection.bins": "open"}, "comment": "垃圾桶仍然满溢"})
    assert reviewed.status_code == 200, reviewed.get_json()

    sign_in(page, live_server.url)
    mine = page.locator(f"[data-recheck='{sent['id']}']")
    expect(mine.locator(".badge[data-state]")).to_have_attribute("data-state", "has_issues")
    mine.click()
    page.wait_for_selector("#recheck-detail[data-state='has_issues']")
    expect(page.locator("li.item[data-item='collection.bins'] [data-item-state]")).to_have_attribute(
        "data-item-state", "open")
    expect(page.locator("#recheck-comment")).to_contain_text("垃圾桶仍然满溢")

    page.goto(page.url.split("#")[0] + "#/")             # the item is open again: a new recheck
    page.locator(f"#open-rectifications a[data-rectification='{rectification['id']}']").click()
    expect(page.locator("li.item[data-item='collection.bins']")).to_have_attribute("data-fixed", "null")
    assert len(page.evaluate(LOCAL_RECHECKS)) == 2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_recheck_sent_back_leads_on_to_a_new_one_that_asks_for_photos_after_the_fix(narrow_phone, live_server,
                                                                                      lang):
    page, app = narrow_phone, live_server.app
    inspector = ApiClient(app.test_client()).as_user("inspector1")
    rectification = make_rectification(app, inspector, reference(inspector), deductions={"collection": {"bins": 2}})
    sent = recheck(rectification, fixed=True)             # from another of the inspector's phones
    assert inspector.push_rechecks(sent)[0]["outcome"] == "applied"
    supervisor = ApiClient(app.test_client()).as_user("supervisor1")
    assert supervisor.post(f"/rechecks/{sent['id']}/review",
                           json={"items": {"collection.bins": "open"}, "comment": "垃圾桶仍然满溢"}).status_code == 200
    sign_in(page, live_server.url)
    switch_language(page, lang)

    # the red card opens a new recheck, which says what was sent back and why
    page.click(f"#attention a[data-attention='{sent['id']}']")
    page.wait_for_selector("#recheck #sent-back")
    expect(page.locator("#sent-back")).to_contain_text(SENT_BACK[lang])
    expect(page.locator("#sent-back-comment")).to_have_text("垃圾桶仍然满溢")
    item = page.locator("li.item[data-item='collection.bins']")
    item.locator("button[data-fixed='true']").click()
    expect(item).to_have_attribute("data-fixed", "true")
    expect(item.locator(".need-photo")).to_have_text(AFTER_PHOTO[lang])
    new_id = page.url.split("#/recheck/")[1]
    assert new_id != sent["id"] and len(page.evaluate(LOCAL_RECHECKS)) == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # the old recheck, read-only, leads on to the same new recheck rather than a dead end
    page.goto(page.url.split("#")[0] + f"#/recheck-view/{sent['id']}")
    page.wait_for_selector("#recheck-detail")
    expect(page.locator("#recheck-again")).to_have_text(AGAIN[lang])
    page.click("#recheck-again")
    page.wait_for_selector("#recheck #sent-back")
    assert page.url.endswith(f"#/recheck/{new_id}") and len(page.evaluate(LOCAL_RECHECKS)) == 2
    # until the new recheck is submitted, the red card still leads to it
    page.goto(page.url.split("#")[0] + "#/")
    page.click(f"#attention a[data-attention='{sent['id']}']")
    page.wait_for_selector("#recheck #sent-back")
    assert page.url.endswith(f"#/recheck/{new_id}")
