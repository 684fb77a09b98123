"""Opened inside WeChat, QQ, Alipay or DingTalk (their built-in browsers lose offline
data), the phone app says before sign-in to open it in the phone's own browser, with the
steps and a copy-link button (the link shown to select when the clipboard is refused),
in both languages at 360 px, and stays usable once the notice is dismissed."""
import pytest
from playwright.sync_api import expect

from tests.support.phone import PASSWORD, TEST_CONTEXT, wait_ready

ANDROID = ("Mozilla/5.0 (Linux; Android 13; V2055A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
           "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36")
IN_APP = {
    "wechat": ANDROID + " XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64",
    "qq": ANDROID + " V1_AND_SQ_8.9.85_4766_YYB_D QQ/8.9.85.12820 NetType/WIFI WebP/0.3.0",
    "alipay": ANDROID + " UWS/3.22.2.52 AlipayDefined(nt:WIFI,ws:360|0|3.0) AliApp(AP/10.5.56.8000) AlipayClient/10.5.56.8000",
    "dingtalk": ANDROID + " AliApp(DingTalk/7.5.10) com.alibaba.android.rimet/37020617 Channel/700159 DingTalk(7.5.10)",
}
STEPS = {"zh": "在浏览器打开", "en": "Open in browser"}
APP_NAMES = {"zh": {"wechat": "微信", "qq": "QQ", "alipay": "支付宝", "dingtalk": "钉钉"},
             "en": {"wechat": "WeChat", "qq": "QQ", "alipay": "Alipay", "dingtalk": "DingTalk"}}

REFUSE_CLIPBOARD = """
Object.defineProperty(navigator, "clipboard", { configurable: true, value: {
  writeText: () => Promise.reject(new DOMException("refused", "NotAllowedError")) } });
"""


def open_app(browser, base_url: str, user_agent: str, *, refuse_clipboard=False):
    context = browser.new_context(**TEST_CONTEXT, viewport={"width": 360, "height": 740}, user_agent=user_agent,
                                  is_mobile=True, has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  permissions=["clipboard-read", "clipboard-write"])
    context.set_default_timeout(30000)
    if refuse_clipboard:
        context.add_init_script(REFUSE_CLIPBOARD)
    page = context.new_page()
    page.goto(f"{base_url}/app/")
    wait_ready(page)
    return context, page


def in_language(page, lang: str):
    if lang == "en":
        page.click("#lang-toggle")
        page.wait_for_selector("html[lang='en']")


def no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("app", list(IN_APP))
def test_an_in_app_browser_is_told_to_open_the_app_in_the_phone_browser(browser, live_server, app, lang):
    context, page = open_app(browser, live_server.url, IN_APP[app])
    try:
        in_language(page, lang)
        notice = page.locator("#in-app-notice")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text(APP_NAMES[lang][app])
        expect(page.locator("#in-app-steps")).to_contain_text("…")
        expect(page.locator("#in-app-steps")).to_contain_text(STEPS[lang])
        # before sign-in: the notice comes first, the form still below it
        assert page.evaluate("""() => document.querySelector('#in-app-notice')
            .compareDocumentPosition(document.querySelector('#signin-button')) & Node.DOCUMENT_POSITION_FOLLOWING""")
        no_horizontal_scroll(page)

        page.locator("#in-app-copy").tap()
        expect(page.locator("#in-app-copied")).to_be_visible()
        assert page.evaluate("navigator.clipboard.readText()") == f"{live_server.url}/app/"
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_refused_clipboard_shows_the_link_selected(browser, live_server, lang):
    context, page = open_app(browser, live_server.url, IN_APP["wechat"], refuse_clipboard=True)
    try:
        in_language(page, lang)
        page.locator("#in-app-copy").tap()
        link = page.locator("#in-app-link")
        expect(link).to_be_visible()
        expect(link).to_have_value(f"{live_server.url}/app/")
        expect(page.locator("#in-app-result")).to_contain_text(
            {"zh": "长按", "en": "Press and hold"}[lang])
        assert page.evaluate("""() => { const f = document.querySelector('#in-app-link');
            return document.activeElement === f && f.selectionStart === 0 && f.selectionEnd === f.value.length; }""")
        no_horizontal_scroll(page)
    finally:
        context.close()


def test_dismissed_the_app_stays_usable_and_the_notice_stays_away(browser, live_server):
    context, page = open_app(browser, live_server.url, IN_APP["wechat"])
    try:
        page.locator("#in-app-dismiss").tap()
        expect(page.locator("#in-app-notice")).to_have_count(0)
        in_language(page, "en")                       # the sign-in screen drawn again
        expect(page.locator("#signin-button")).to_have_text("Sign in")
        expect(page.locator("#in-app-notice")).to_have_count(0)
        page.fill("#username", "inspector1")
        page.fill("#password", PASSWORD)
        page.click("#signin-button")
        expect(page.locator("#assignment-summary")).to_be_visible()
    finally:
        context.close()


def test_the_phone_own_browser_gets_no_notice(phone, live_server):
    phone.goto(f"{live_server.url}/app/")
    wait_ready(phone)
    expect(phone.locator("#signin-button")).to_be_visible()
    expect(phone.locator("#in-app-notice")).to_have_count(0)
