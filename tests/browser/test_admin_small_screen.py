"""The admin page on a 360-px screen, in both languages: destructive actions ask first,
and a phone is known by its model, which the admin can rename."""
import pytest
from playwright.sync_api import expect

from tests.support.apiclient import ApiClient
from tests.support.phone import PASSWORD, wait_ready
from tests.support.web import answer_next_dialog, audit_actions, sign_in_page

WORDS = {"zh": {"revoke": "停用此设备", "deactivate": "停用", "close": "关闭",
                "reopen": "重新开放", "rename": "重命名", "asks": "确定"},
         "en": {"revoke": "Revoke", "deactivate": "Deactivate", "close": "Close",
                "reopen": "Reopen", "rename": "Rename", "asks": "?"}}


def devices_of(app, username: str) -> list:
    from server.extensions import db
    from server.models import DeviceToken, User
    with app.app_context():
        return [(d.device_name, d.revoked_at is not None) for d in db.session.execute(
            db.select(DeviceToken).join(User).where(User.username == username)
            .order_by(DeviceToken.id)).scalars()]


def round_state(app) -> str:
    from server.extensions import db
    from server.models import Round
    with app.app_context():
        return db.session.execute(db.select(Round.state)).scalar_one()


def test_a_phone_signs_in_with_its_model(live_server, phone):
    phone.goto(f"{live_server.url}/app/")
    wait_ready(phone)
    phone.fill("#username", "inspector1")
    phone.fill("#password", PASSWORD)
    phone.click("#signin-button")
    phone.wait_for_selector("#assignment-summary")
    assert devices_of(live_server.app, "inspector1") == [("Pixel 7 · Chrome", False)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_destructive_admin_actions_ask_first(live_server, small_screen, lang):
    app, page, words = live_server.app, small_screen, WORDS[lang]
    ApiClient(app.test_client()).as_user("inspector1")          # a signed-in phone
    sign_in_page(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/admin/?lang={lang}")
    device = page.locator("div.device").first

    # rename the phone: a thumb-sized field and button
    rename = device.locator("form.rename-device")
    for target in (rename.locator("input[name=device_name]"), rename.locator("button")):
        box = target.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 48
    rename.locator("input[name=device_name]").fill("李明的工作手机")
    with page.expect_navigation():
        rename.locator("button", has_text=words["rename"]).click()
    expect(page.locator("div.device .device-name").first).to_have_text("李明的工作手机")

    # revoke: dismissing the question changes nothing, accepting revokes
    asked = answer_next_dialog(page, accept=False)
    page.locator("div.device button", has_text=words["revoke"]).first.click()
    expect(page.locator("div.device button", has_text=words["revoke"]).first).to_be_visible()
    assert len(asked) == 1 and "李明的工作手机" in asked[0] and words["asks"] in asked[0]
    assert devices_of(app, "inspector1") == [("李明的工作手机", False)]
    answer_next_dialog(page, accept=True)
    with page.expect_navigation():
        page.locator("div.device button", has_text=words["revoke"]).first.click()
    assert devices_of(app, "inspector1") == [("李明的工作手机", True)]

    # deactivate a user, close the round: each asks; a dismissed question does nothing
    asked = answer_next_dialog(page, accept=False)
    page.locator("form[action$='/deactivate'] button").first.click()
    expect(page.locator("form[action$='/deactivate'] button").first).to_be_visible()
    assert len(asked) == 1 and words["deactivate"] in asked[0]
    asked = answer_next_dialog(page, accept=True)
    with page.expect_navigation():
        page.locator("form[action$='/close'] button").click()
    assert len(asked) == 1 and words["close"] in asked[0] and round_state(app) == "closed"
    asked = answer_next_dialog(page, accept=False)
    page.fill("form[action$='/reopen'] input[name=reason]", "补录一组")
    page.locator("form[action$='/reopen'] button").click()
    expect(page.locator("form[action$='/reopen'] button")).to_be_visible()
    assert len(asked) == 1 and words["reopen"] in asked[0] and round_state(app) == "closed"
    assert [a[0] for a in audit_actions(app)] == ["rename_device", "revoke_device",
                                                  "close_round"]
