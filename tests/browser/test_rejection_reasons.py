"""Why the server refused an inspection, in the phone's language (the server sends codes)."""
from tests.support import server_state
from tests.support.phone import (confirm_submit, local_inspections, sign_in, start_inspection,
                                 store_overall_note, wait_synced)


def submit_a_too_long_note(page, live_server) -> str:
    """An inspection the server refuses: it allows notes of at most 10,000 characters."""
    sign_in(page, live_server.url)
    inspection_id = start_inspection(page)
    store_overall_note(page, inspection_id, "长" * 10_001)
    confirm_submit(page)
    wait_synced(page)
    assert inspection_id not in server_state.inspections(live_server.app)
    return inspection_id


def reasons_on_screen(page) -> str:
    page.reload()
    page.wait_for_selector("#push-errors")
    return page.inner_text("#push-errors")


def test_a_rejected_inspections_reason_is_shown_in_chinese_then_english(phone, live_server):
    page = phone
    submit_a_too_long_note(page, live_server)
    [kept] = local_inspections(page)
    assert kept["local"]["push_error"]["reasons"] == {
        "note": [{"code": "too_long", "params": {"max": 10000}}]}
    shown = reasons_on_screen(page)
    assert "note: 最多 10000 个字符" in shown and "must be" not in shown
    page.click("#lang-toggle")
    page.wait_for_selector("html[lang='en']")
    page.wait_for_function("document.querySelector('#push-errors')?.textContent"
                           ".includes('note: must be at most 10000 characters')")


def test_a_reason_this_app_does_not_know_is_shown_in_the_servers_english(phone, live_server):
    page = phone
    inspection_id = submit_a_too_long_note(page, live_server)
    # as a newer server would answer: a code this version of the app has no text for
    page.evaluate("""async (id) => {
        const db = await (await import('/app/db.js')).dbReady;
        const record = await db.get('inspections', id);
        record.local.push_error.errors = { note: ['must be shorter under the new rules'] };
        record.local.push_error.reasons = { note: [{ code: 'newer_rule', params: {} }] };
        await db.put('inspections', record);
    }""", inspection_id)
    assert "note: must be shorter under the new rules" in reasons_on_screen(page)
