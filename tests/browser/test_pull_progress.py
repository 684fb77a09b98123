"""While a first pull runs, the status card counts its pages ("1 of 4 pages"): the pages
ahead are known from the first one, so the phone says how far the download is."""
import math
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_first_pull_ahead import PULL, with_limit
from tests.support.httpclient import Phone
from tests.support.phone import submit_sign_in, wait_synced

PAGES = 4  # the seed's first pull cut into about this many pages


class HeldPages:
    """Serves the phone's pulls in pages of `limit` (the phone asks for 1000; the seed is
    smaller) and holds the pages ahead of the first until released."""

    def __init__(self, context, limit):
        self.limit, self.ahead, self.held = limit, None, []
        context.route(PULL, self.handle)

    def handle(self, route):
        url = with_limit(route.request.url, self.limit)
        if self.ahead is None:
            answer = route.fetch(url=url)
            self.ahead = answer.json()["ahead"]
            return route.fulfill(response=answer)
        if self.held is None:
            return route.continue_(url=url)
        self.held.append((route, url))

    def release(self):
        held, self.held = self.held, None
        for route, url in held:
            route.continue_(url=url)


@pytest.mark.parametrize("lang, pattern", [("zh", r"已下载 1/(\d+) 页"),
                                           ("en", r"1 of (\d+) pages")])
def test_a_first_pull_counts_its_pages_on_the_status_card(small_screen, live_server, lang,
                                                           pattern):
    page = small_screen      # the phone at 360 px
    count = len(Phone(live_server.url, "inspector1").pull_all())
    pages = HeldPages(page.context, math.ceil(count / PAGES))
    submit_sign_in(page, live_server.url, lang=lang)

    progress = page.locator("#sync-progress-text")
    expect(progress).to_have_text(re.compile(pattern))   # the first page in, the rest held
    total = int(re.search(pattern, progress.inner_text()).group(1))
    assert total == len(pages.ahead) + 1 >= 3
    pages.release()
    wait_synced(page)
    assert page.evaluate("async () => (await import('/app/app.js')).sync.progress")["error"] is None
