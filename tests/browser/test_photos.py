"""Photos and notes on a 360-px phone: delete asks first and can be undone, a photo opens
full screen, uploaded photos still show offline, notes stop at the server's limit."""
from playwright.sync_api import expect

from tests.support.phone import (add_photo, confirm_submit, go_to_criterion, local_blobs, make_jpeg,
                                 record_simple_inspection, sign_in, start_inspection, sync,
                                 tap_plus, wait_ready)

ITEM = "collection.bins"
STRIP = f"li.item[data-item='{ITEM}']"
SMALL_PHONE = {"width": 360, "height": 740}


def box(page, selector: str) -> dict:
    return page.locator(selector).bounding_box()


def font_px(page, selector: str) -> float:
    return page.eval_on_selector(selector, "(el) => parseFloat(getComputedStyle(el).fontSize)")


def assert_target(page, selector: str):
    b = box(page, selector)
    assert b["width"] >= 48 and b["height"] >= 48, (selector, b)
    assert font_px(page, selector) >= 14, selector


def switch_to_english(page):
    page.evaluate("async () => (await import('/app/session.js')).setMeta('lang', 'en')")
    page.reload()
    wait_ready(page)
    page.wait_for_selector("html[lang='en']")


def photos_on_phone(page, inspection_id: str) -> int:
    return page.evaluate("async (id) => (await (await import('/app/records.js')).getInspection(id)).photos.length",
                         inspection_id)


def delete_photo(page, question: str, yes: str):
    page.locator(f"{STRIP} figure.thumb button.remove").first.tap()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("p")).to_have_text(question)
    expect(page.locator("#confirm-yes")).to_have_text(yes)
    assert_target(page, "#confirm-yes")
    assert_target(page, "#confirm-no")


def test_deleting_a_photo_asks_first_and_can_be_undone_and_a_photo_opens_full_screen(phone, live_server):
    page = phone
    page.set_viewport_size(SMALL_PHONE)
    sign_in(page, live_server.url)
    inspection_id = start_inspection(page)
    go_to_criterion(page, inspection_id, "collection")
    tap_plus(page, ITEM)
    add_photo(page, ITEM, make_jpeg(1200, 900, seed=41))
    thumb = f"{STRIP} figure.thumb"

    # the delete button is its own target below the picture, not a corner of it
    picture, delete = box(page, f"{thumb} button.enlarge"), box(page, f"{thumb} button.remove")
    assert delete["y"] >= picture["y"] + picture["height"]
    assert_target(page, f"{thumb} button.remove")
    expect(page.locator(f"{thumb} button.remove")).to_have_text("删除")

    # a tap on the picture fills the screen; the close button or back closes it
    page.locator(f"{thumb} button.enlarge").tap()
    viewer = page.locator("#photo-viewer")
    expect(viewer).to_be_visible()
    assert box(page, "#photo-viewer img")["width"] >= 350
    expect(page.locator("#viewer-close")).to_have_text("关闭")
    assert_target(page, "#viewer-close")
    page.locator("#viewer-close").tap()
    expect(viewer).to_have_count(0)
    page.locator(f"{thumb} button.enlarge").tap()
    expect(viewer).to_be_visible()
    page.go_back()
    expect(viewer).to_have_count(0)
    expect(page.locator(f"#criterion[data-criterion='collection'] {thumb}")).to_have_count(1)

    # cancel keeps the photo; delete removes it, and undo brings it back with its bytes
    delete_photo(page, "删除这张照片？", "删除照片")
    page.locator("#confirm-no").tap()
    expect(page.locator("#confirm-dialog")).to_have_count(0)
    expect(page.locator(thumb)).to_have_count(1)
    delete_photo(page, "删除这张照片？", "删除照片")
    page.locator("#confirm-yes").tap()
    expect(page.locator(thumb)).to_have_count(0)
    assert photos_on_phone(page, inspection_id) == 0 and local_blobs(page) == {}
    expect(page.locator("#undo-bar")).to_contain_text("照片已删除")
    assert_target(page, "#undo-button")
    page.locator("#undo-button").tap()
    expect(page.locator(thumb)).to_have_count(1)
    expect(page.locator("#undo-bar")).to_have_count(0)
    assert photos_on_phone(page, inspection_id) == 1 and len(local_blobs(page)) == 1

    switch_to_english(page)
    go_to_criterion(page, inspection_id, "collection")
    expect(page.locator(f"{thumb} button.remove")).to_have_text("Delete")
    delete_photo(page, "Delete this photo?", "Delete photo")
    expect(page.locator("#confirm-no")).to_have_text("Cancel")
    page.locator("#confirm-yes").tap()
    expect(page.locator("#undo-bar")).to_contain_text("Photo deleted")
    expect(page.locator("#undo-button")).to_have_text("Undo")
    assert photos_on_phone(page, inspection_id) == 0


KEEP_AND_TRIM = """async () => {
    const thumbnails = await import('/app/thumbnails.js');
    for (const sha of ['a', 'b', 'c']) await thumbnails.keepThumb(sha, new ArrayBuffer(1000), 'image/jpeg');
    await thumbnails.keepThumbsWithin(2500);
    const { dbReady } = await import('/app/db.js');
    return (await (await dbReady).getAllKeys('thumbs')).sort();
}"""


def test_an_uploaded_photo_still_shows_offline_and_the_oldest_thumbnails_make_room(phone, live_server):
    page = phone
    page.set_viewport_size(SMALL_PHONE)
    sign_in(page, live_server.url)
    inspection_id = record_simple_inspection(page, make_jpeg(2000, 1500, seed=42))
    sync(page)
    assert local_blobs(page) == {}                 # the full photo is on the server only

    page.context.set_offline(True)
    live_server.stop()
    page.goto(page.url.split("#")[0] + f"#/view/{inspection_id}")
    page.wait_for_selector("#detail")
    image = page.locator("#detail figure.thumb img")
    expect(image).to_have_count(1)
    expect(page.locator("#detail figure.thumb .uploaded")).to_have_count(0)
    width = page.wait_for_function("""() => {
        const img = document.querySelector('#detail figure.thumb img');
        return img?.complete && img.naturalWidth;
    }""").json_value()
    assert 0 < width <= 320

    # offline, the full-screen view shows the kept copy too
    page.locator("#detail figure.thumb button.enlarge").tap()
    expect(page.locator("#photo-viewer img")).to_be_visible()
    page.locator("#viewer-close").tap()

    # beyond the budget the oldest go first: here the photo's own, then 'a'
    assert page.evaluate(KEEP_AND_TRIM) == ["b", "c"]


def test_a_note_counts_near_the_limit_stops_there_and_wraps(phone, live_server):
    page = phone
    page.set_viewport_size(SMALL_PHONE)
    sign_in(page, live_server.url)
    inspection_id = start_inspection(page)
    go_to_criterion(page, inspection_id, "collection")
    note, counter = "#note-collection", "#note-collection-count"

    page.fill(note, "短" * 8999)
    expect(page.locator(counter)).to_be_hidden()
    page.fill(note, "x" * 10050)               # one unbroken string, longer than the server takes
    assert page.eval_on_selector(note, "(el) => el.value.length") == 10000
    expect(page.locator(counter)).to_have_text("10,000 / 10,000 字，已到上限")
    assert font_px(page, counter) >= 14
    page.wait_for_function("""async (id) => {
        const r = await (await import('/app/records.js')).getInspection(id);
        return r.criteria.collection.note.length === 10000;
    }""", arg=inspection_id)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    switch_to_english(page)
    go_to_criterion(page, inspection_id, "collection")
    expect(page.locator(counter)).to_have_text("10,000 / 10,000 characters: the limit")
    page.fill(note, "x" * 9500)
    expect(page.locator(counter)).to_have_text("9,500 / 10,000 characters")

    # the overall note too, and it wraps where it is shown after submitting
    page.goto(page.url.split("#")[0] + f"#/inspect/{inspection_id}/99")
    page.fill("#note-overall", "y" * 10050)
    expect(page.locator("#note-overall-count")).to_have_text("10,000 / 10,000 characters: the limit")
    page.wait_for_function("async (id) => (await (await import('/app/records.js')).getInspection(id)).note.length === 10000",
                           arg=inspection_id)
    confirm_submit(page)
    expect(page.locator("#detail .comment-body")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
