"""An admin resets a forgotten password and cuts off a lost phone, as the township runs
it: the temporary password must be changed at the next sign-in; a revoked phone's next
sync is a 401, its data stays and syncs after signing in again; the device list shows
what each phone reported."""
import re

from playwright.sync_api import expect

from tests.support import server_state
from tests.support.phone import (PASSWORD, TEST_CONTEXT, local_inspections, make_jpeg,
                                 record_simple_inspection, sign_in, status, sync, wait_synced)
from tests.support.shell import shell_version
from tests.support.web import answer_next_dialog, audit_actions, sign_in_page


def user_id(app, username: str) -> int:
    from server.extensions import db
    from server.models import User
    with app.app_context():
        return db.session.execute(db.select(User.id).where(User.username == username)).scalar_one()


def test_a_reset_password_must_be_changed_at_the_next_sign_in(live_server, small_screen, browser):
    app, admin = live_server.app, small_screen
    sign_in_page(admin, live_server.url, "admin")
    admin.goto(f"{live_server.url}/admin/users/{user_id(app, 'supervisor1')}?lang=en")
    answer_next_dialog(admin, accept=True)
    admin.click("#reset-password button[type=submit]")
    temporary = admin.locator("#temporary-password").inner_text()
    assert len(temporary) >= 8
    admin.goto(f"{live_server.url}/admin/users/{user_id(app, 'supervisor1')}")  # shown once
    expect(admin.locator("#temporary-password")).to_have_count(0)

    context = browser.new_context(**TEST_CONTEXT, locale="en-GB")
    context.set_default_timeout(30000)
    user = context.new_page()
    user.goto(f"{live_server.url}/login?lang=en")
    user.fill("input[name=username]", "supervisor1")
    user.fill("input[name=password]", temporary)
    with user.expect_navigation():
        user.click("form.login button[type=submit]")
    expect(user.locator("#password-reset-notice")).to_be_visible()
    user.goto(f"{live_server.url}/review/")                  # nothing else is open yet
    expect(user).to_have_url(re.compile(r"/password\?next="))
    user.fill("input[name=new_password]", "my-own-secret")
    user.fill("input[name=confirm_password]", "not-the-same")
    with user.expect_navigation():
        user.click("#change-password button[type=submit]")
    expect(user.locator(".error")).to_contain_text("the two new passwords differ")
    user.fill("input[name=new_password]", "my-own-secret")
    user.fill("input[name=confirm_password]", "my-own-secret")
    with user.expect_navigation():
        user.click("#change-password button[type=submit]")
    expect(user).to_have_url(re.compile(r"/review/"))
    expect(user.locator(".flash")).to_contain_text("Password changed.")
    user.goto(f"{live_server.url}/review/")
    expect(user).to_have_url(re.compile(r"/review/$"))
    context.close()
    assert [a for a, _, _ in audit_actions(app)] == ["reset_password", "change_password"]


def test_the_phone_chooses_a_new_password_after_a_reset(live_server, phone):
    from tests.support.apiclient import ApiClient
    admin = ApiClient(live_server.app.test_client()).as_user("admin")
    temporary = admin.post(f"/users/{user_id(live_server.app, 'inspector1')}/password-reset",
                           json={}).get_json()["temporary_password"]
    phone.goto(f"{live_server.url}/app/")
    phone.fill("#username", "inspector1")
    phone.fill("#password", temporary)
    phone.click("#signin-button")
    phone.wait_for_selector("#new-password-form")
    phone.fill("#new-password", temporary)
    phone.fill("#new-password-again", temporary)
    phone.click("#new-password-button")
    expect(phone.locator("#signin-error")).not_to_be_empty()   # the same one is refused
    phone.fill("#new-password", "mine-alone-1")
    phone.fill("#new-password-again", "mine-alone-1")
    phone.click("#new-password-button")
    phone.wait_for_selector("#assignment-summary")
    assert ApiClient(live_server.app.test_client()).as_user("inspector1", "mine-alone-1")


def device_row(page, base_url: str, number: int):
    """The device list's row of the phone's `number`th device registration (1 = first)."""
    page.goto(f"{base_url}/admin/devices?lang=en")
    return page.locator("#devices tbody tr").nth(number - 1)


def test_a_revoked_phone_keeps_its_data_and_the_list_shows_what_it_holds(live_server, phone,
                                                                         small_screen):
    app, admin = live_server.app, small_screen
    sign_in(phone, live_server.url)
    # the photo upload fails (a 500: a 503 would make the phone wait out its Retry-After):
    # the inspection goes up, its photo waits on the phone
    phone.route("**/api/v1/blobs/*", lambda route: route.fulfill(status=500)
                if route.request.method == "PATCH" else route.continue_())
    first = record_simple_inspection(phone, make_jpeg(800, 600, seed=7))
    sync(phone)
    assert status(phone)["photos"] == 1

    sign_in_page(admin, live_server.url, "admin")
    row = device_row(admin, live_server.url, 1)
    expect(row.locator(".app-version")).to_have_text(shell_version())
    expect(row.locator(".unsynced")).to_contain_text("0 inspections, 0 rechecks, 1 photos")
    expect(row.locator(".last-sync")).not_to_have_text("—")
    answer_next_dialog(admin, accept=True)
    row.locator("button[type=submit]").click()
    expect(device_row(admin, live_server.url, 1)).to_contain_text("revoked")

    phone.unroute("**/api/v1/blobs/*")
    second = record_simple_inspection(phone, make_jpeg(640, 480, seed=8), assigned_index=1)
    wait_synced(phone)
    phone.wait_for_selector("#auth-banner:not([hidden])")    # the sync was a 401
    phone.goto(phone.url.split("#")[0] + "#/")
    card = status(phone)
    assert card["inspections"] == 1 and card["photos"] == 2 and card["error"]
    assert {r["id"] for r in local_inspections(phone)} == {first, second}
    assert second not in server_state.inspections(app)

    phone.click("#auth-banner a")
    phone.wait_for_selector("#password")
    phone.fill("#password", PASSWORD)
    phone.click("#signin-button")
    phone.wait_for_selector("#assignment-summary")
    wait_synced(phone)
    assert (status(phone)["inspections"], status(phone)["photos"]) == (0, 0)
    held = server_state.inspections(app)
    assert second in held and all(server_state.blob_bytes(app, p["sha256"])
                                  for i in (first, second) for p in held[i]["photos"])
    again = device_row(admin, live_server.url, 2)
    expect(again.locator(".unsynced")).to_have_text("everything sent")
    expect(device_row(admin, live_server.url, 1)).to_contain_text("revoked")
