"""Submitting an inspection on a 360-px phone: a summary of what it records is asked about
first (and "back to it" keeps the draft), deleting the draft sits well away from
submitting, and the submitted inspection shows each criterion's note."""
import pytest
from playwright.sync_api import expect

from tests.support.phone import (add_photo, go_to_criterion, local_inspections, make_jpeg, sign_in,
                                 start_inspection, switch_language, tap_plus)

TEXTS = {
    "zh": {"question": "确认提交这次检查？", "yes": "确认提交", "no": "返回检查", "found": "发现 1 项问题",
           "left_out": "不适用：", "photos": "照片 1 张", "delete": "删除草稿"},
    "en": {"question": "Submit this inspection?", "yes": "Submit", "no": "Back to it", "found": "1 problem found",
           "left_out": "Not applicable: ", "photos": "1 photo", "delete": "Delete draft"},
}
NOTE_STORED = """async ([id, key, text]) => {
    const r = await (await import('/app/records.js')).getInspection(id);
    return r.criteria[key].note === text;
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_submitting_asks_about_a_summary_and_deleting_is_far_from_it(phone, live_server, lang):
    page = phone
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server.url)
    switch_language(page, lang)
    # the page says its language before home is drawn again in it: wait for the names
    page.wait_for_function("""lang => {
        const name = document.querySelector('#assignments a.row b');
        return name && (lang === 'en' ? /^[\\x00-\\x7F]+$/ : /[\\u4e00-\\u9fff]/)
            .test(name.textContent);
    }""", arg=lang)
    group = page.locator("#assignments a.row b").first.inner_text()
    inspection_id = start_inspection(page)
    go_to_criterion(page, inspection_id, "collection")
    tap_plus(page, "collection.bins", times=2)
    add_photo(page, "collection.bins", make_jpeg(800, 600, seed=3))
    go_to_criterion(page, inspection_id, "roads")
    page.fill("#note-roads", "路面有积水 puddles")
    page.wait_for_function(NOTE_STORED, arg=[inspection_id, "roads", "路面有积水 puddles"])
    go_to_criterion(page, inspection_id, "toilets")
    page.locator("button.toggle[data-item='na']").tap()
    page.wait_for_selector("#criterion .items", state="detached")

    # on the summary, deleting the draft is a card of its own, far below submitting
    page.goto(page.url.split("#")[0] + f"#/inspect/{inspection_id}/99")
    page.wait_for_selector("#summary")
    expect(page.locator("#summary #delete-draft")).to_have_count(0)
    expect(page.locator("#draft-actions #delete-draft")).to_have_text(TEXTS[lang]["delete"])
    submit_box = page.locator("#submit-button").bounding_box()
    delete_box = page.locator("#delete-draft").bounding_box()
    assert delete_box["y"] - (submit_box["y"] + submit_box["height"]) >= 96

    # submitting first shows what is submitted; "back to it" keeps the draft
    page.click("#submit-button")
    dialog = page.locator("#confirm-dialog")
    expect(dialog.locator(".lead").first).to_have_text(TEXTS[lang]["question"])
    summary = dialog.locator("#submit-summary")
    expect(summary).to_contain_text(group)
    expect(summary.locator("#submit-findings")).to_contain_text(TEXTS[lang]["found"])
    expect(summary.locator(".findings li")).to_have_count(1)
    expect(summary.locator(".findings li")).to_contain_text("×2")
    expect(summary.locator("#submit-left-out")).to_contain_text(TEXTS[lang]["left_out"])
    expect(summary.locator("#submit-photos")).to_have_text(TEXTS[lang]["photos"])
    expect(dialog.locator("#confirm-yes")).to_have_text(TEXTS[lang]["yes"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    dialog.locator("#confirm-no").click()
    expect(dialog).to_have_count(0)
    assert local_inspections(page)[0]["local"]["state"] == "draft"
    expect(page.locator("#summary")).to_be_visible()

    page.click("#submit-button")
    page.click("#confirm-dialog #confirm-yes")
    page.wait_for_selector("#detail")
    assert local_inspections(page)[0]["local"]["state"] == "submitted"
    # the phone's own view of it shows the criterion's note
    expect(page.locator("#detail [data-criterion-note='roads']")).to_have_text("路面有积水 puddles")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
