"""The pages and the phone app work under the Content-Security-Policy: no violation while
the round picker, the poster's print button and the phone app's start run."""
import re

import pytest

from tests.support.apiclient import ApiClient
from tests.support.factories import close_round, inspection, reference
from tests.support.phone import sign_in

# Runs before any page script; a violation is also reported on the console.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
window.__printed = 0;
window.print = () => { window.__printed += 1; };
"""


def watched(context) -> list[str]:
    context.add_init_script(WATCH)
    console = []
    context.on("console", lambda m: console.append(m.text)
               if "Content Security Policy" in m.text else None)
    return console


def violations(page) -> list[str]:
    return page.evaluate("window.__violations")


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    context.set_default_timeout(15000)
    console = watched(context)
    yield context.new_page(), console
    context.close()


@pytest.fixture
def published_round(live_server):
    api = ApiClient(live_server.app.test_client())
    phone = api.as_user("inspector1")
    ref = reference(phone)
    phone.push(inspection(ref["round"]["id"], ref["assigned"][0],
                          deductions={"roads": {"road_dirty": 2}}))
    round_id = ref["round"]["id"]
    close_round(live_server.app, round_id)          # only a closed round is published
    assert api.as_user("supervisor1").post(f"/rounds/{round_id}/publish").status_code == 201
    return round_id


def test_round_picker_and_print_button_work_under_the_policy(live_server, desk,
                                                             published_round):
    page, console = desk
    base = live_server.url
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "supervisor1")
    page.fill("input[name=password]", "demo1234")
    page.click("form.login button[type=submit]")
    page.wait_for_url(re.compile(r".*/review/$"))

    rankings = page.goto(f"{base}/review/rounds/{published_round}/rankings?lang=zh")
    assert "script-src 'self'" in rankings.headers["content-security-policy"]
    # The picker opens the chosen round's page itself; without its script the form
    # would be sent as ?round=<address> instead.
    page.click("form.filters button[type=submit]")
    page.wait_for_url(f"{base}/review/rounds/{published_round}/rankings")
    page.wait_for_selector("#computed-at")
    assert violations(page) == []

    page.goto(f"{base}/board/rounds/{published_round}/poster")
    page.click("footer button[data-print]")
    page.wait_for_function("window.__printed === 1")
    assert violations(page) == []
    assert console == []


def test_phone_app_starts_under_the_policy(live_server, phone):
    console = watched(phone.context)
    sign_in(phone, live_server.url)
    assert violations(phone) == []
    assert console == []
