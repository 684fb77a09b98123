"""Screenshots of the phone's main screens and of the poster, from the demo township.

    python docs/make_screenshots.py [--chromium /usr/bin/chromium]

Starts the demo app on a free loopback port (in a temporary folder), signs in as
inspector1 in Chromium and saves home, a criterion, the summary and a recheck at 360 px
as docs/screenshots/phone-*.png; then the latest published poster, on a 360-px screen
and as printed on A4, as docs/screenshots/poster-*.png.
"""
import argparse
import io
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"
PHONE = {"viewport": {"width": 360, "height": 780}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
         "geolocation": {"latitude": 21.957, "longitude": 100.452, "accuracy": 12},
         "permissions": ["geolocation"]}


def serve_demo(folder: Path):
    from tests.support.apps import make_app
    app = make_app(folder, seed="demo")
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_port}"


def a_photo() -> bytes:
    image = Image.new("RGB", (1200, 900), (120, 140, 90))
    image.paste((70, 70, 60), (0, 600, 1200, 900))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def idle(page):
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_selector("html[data-sync='idle']", state="attached")


def shoot(page, name: str, full_page: bool = False):
    page.wait_for_timeout(300)          # let the last paint settle (a picture, not a test)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full_page)
    print("wrote", OUT / f"{name}.png")


def shoot_poster(browser, url: str) -> None:
    """The latest published round's poster: on a phone, and as an A4 sheet prints it."""
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{url}/board/")
    poster = phone.locator("a[href*='/poster'][href*='size=a4']").first.get_attribute("href")
    phone.goto(f"{url}{poster}")
    shoot(phone, "poster-360", full_page=True)
    # A4 at 96 dpi, as the print stylesheet lays it out
    sheet = browser.new_context(viewport={"width": 794, "height": 1123}).new_page()
    sheet.goto(f"{url}{poster}")
    sheet.emulate_media(media="print")
    shoot(sheet, "poster-a4")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        httpd, url = serve_demo(Path(folder))
        browser = p.chromium.launch(executable_path=args.chromium, headless=True, args=["--no-sandbox"])
        page = browser.new_context(**PHONE).new_page()
        page.goto(f"{url}/app/")
        page.wait_for_selector("#username")
        page.fill("#username", "inspector1")
        page.fill("#password", "demo1234")
        page.click("#signin-button")
        page.wait_for_selector("#assignment-summary")
        idle(page)
        page.goto(f"{url}/app/#/")
        page.wait_for_selector("#status[data-running='0']")
        shoot(page, "phone-home")

        # a new inspection of an assigned group: one finding with its photo
        page.click("#assignments a.row[href^='#/start/']")
        page.wait_for_selector("#criterion")
        inspection = page.url.split("#/inspect/")[1].split("/")[0]
        while not page.locator("button.toggle.finding").count():
            page.click("#next-button")
            page.wait_for_selector(f"#step-label")
        page.locator("button.toggle.finding").first.click()
        item = page.locator("li.item:has(.photos)").first
        item.locator("input[data-photo-input='camera']").set_input_files(
            {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": a_photo()})
        item.locator("figure.thumb img").wait_for()
        page.evaluate("scrollTo(0, 0)")
        shoot(page, "phone-criterion")

        page.goto(f"{url}/app/#/inspect/{inspection}/99")
        page.wait_for_selector("#summary")
        page.evaluate("scrollTo(0, document.body.scrollHeight)")     # down to the submit button
        shoot(page, "phone-summary")

        page.goto(f"{url}/app/#/")
        page.click("#open-rectifications a.row")
        page.wait_for_selector("#recheck")
        shoot(page, "phone-recheck")
        shoot_poster(browser, url)
        browser.close()
        httpd.shutdown()


if __name__ == "__main__":
    main()
