"""A new phone's first pull fetches the snapshot's later pages side by side (the first
page's `ahead`) and applies them in order: it ends holding what a page-by-page pull
gives, and a pull cut after its second page resumes from there and completes."""
import math
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from tests.support.httpclient import Phone
from tests.support.phone import submit_sign_in, sync

PULL = "**/api/v1/sync/pull*"
IN_FLIGHT = 3        # the phone's PULL_PAGES_IN_FLIGHT
PAGES = 6            # the seed's first pull cut into about this many pages

# what the phone holds of pulled records, as "type:id"
HELD = """async () => {
    const { dbReady } = await import('/app/db.js');
    const db = await dbReady;
    const ref = (await db.getAllKeys('ref')).map(([type, id]) => `${type}:${id}`);
    const records = [['inspection', 'inspections'], ['recheck', 'rechecks'],
                     ['comment', 'comments'], ['photo_review', 'photo_reviews']];
    for (const [type, store] of records) {
        for (const id of await db.getAllKeys(store)) ref.push(`${type}:${id}`);
    }
    return ref.sort();
}"""
# Playwright's predicates cannot be awaited: each poll starts a read of IndexedDB and
# judges by the one before it.
READ_AND = """(judge) => (arg) => {
    import('/app/session.js').then(({ getMeta }) => getMeta('cursor')).then((cursor) => { window.__cursor = cursor; });
    import('/app/session.js').then(({ getMeta }) => getMeta('last_error')).then((error) => { window.__error = error; });
    (%s)().then((held) => { window.__held = held.length; });
    return document.documentElement.dataset.sync !== 'running' && judge(arg);
}""" % HELD
# the phone holds this many pulled records and no sync runs
PULLED = f"({READ_AND})((count) => window.__held === count)"
# the first sync ended with the error of a cut, its cursor stored
CUT_ENDED = f"({READ_AND})(() => Boolean(window.__error) && window.__cursor)"


def _held_by_a_sequential_pull(base_url):
    """What a page-by-page pull of another new device carries, as the phone keeps it."""
    changes = Phone(base_url, "inspector1").pull_all()
    puts = {f"{c['type']}:{c['id']}" for c in changes if c["op"] == "put"}
    return sorted(puts), len(changes)


def with_limit(url, limit):
    parts = urlsplit(url)
    query = dict(parse_qs(parts.query), limit=[str(limit)])
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))


class Pulls:
    """Serves the phone's pulls in pages of `limit` (the phone asks for 1000; the seed is
    smaller). The first pull's pages ahead are held until IN_FLIGHT of them are asked for
    at once, then all let go; `cut` ones are refused as a lost link refuses them."""

    def __init__(self, context, limit, cut=()):
        self.limit, self.cut = limit, set(cut)
        self.ahead, self.held, self.most_at_once, self.cursors = None, [], 0, []
        self.answers = {}
        context.route(PULL, self.handle)

    def handle(self, route):
        url = with_limit(route.request.url, self.limit)
        cursor = parse_qs(urlsplit(url).query).get("cursor", [None])[0]
        self.cursors.append(cursor)
        if cursor is None or cursor in self.answers_wanted():
            answer = route.fetch(url=url)
            body = answer.json()
            if cursor is None and self.ahead is None:
                self.ahead = body["ahead"]
            self.answers[cursor] = body
            return route.fulfill(response=answer)
        if self.ahead and cursor in [c for i, c in enumerate(self.ahead) if i in self.cut]:
            return route.abort("internetdisconnected")
        if self.held is None or not self.ahead or cursor not in self.ahead:
            return route.continue_(url=url)
        self.held.append((route, url))
        self.most_at_once = max(self.most_at_once, len(self.held))
        if len(self.held) == min(IN_FLIGHT, len(self.ahead)):
            held, self.held = self.held, None
            for each, its_url in held:
                each.continue_(url=its_url)

    def answers_wanted(self):
        return self.ahead[:1] if self.ahead and self.cut else []


def test_the_first_pull_has_its_pages_in_flight_together(small_screen, live_server):
    page = small_screen      # the phone at 360 px
    expected, count = _held_by_a_sequential_pull(live_server.url)
    pulls = Pulls(page.context, math.ceil(count / PAGES))
    submit_sign_in(page, live_server.url)
    page.wait_for_function(PULLED, arg=len(expected))
    assert len(pulls.ahead) >= IN_FLIGHT
    assert pulls.most_at_once == IN_FLIGHT and pulls.held is None
    assert page.evaluate(HELD) == expected
    progress = page.evaluate("async () => (await import('/app/app.js')).sync.progress")
    assert progress["error"] is None


def test_a_first_pull_cut_after_its_second_page_resumes_and_completes(small_screen, live_server):
    page = small_screen      # the phone at 360 px
    expected, count = _held_by_a_sequential_pull(live_server.url)
    # the link goes after the second page: the third and later pages ahead are refused
    pulls = Pulls(page.context, math.ceil(count / PAGES), cut=range(1, PAGES))
    pulls.held = None            # nothing held: the pages go as they are asked for
    submit_sign_in(page, live_server.url)
    stored = page.wait_for_function(CUT_ENDED).json_value()
    second = pulls.answers[pulls.ahead[0]]
    assert stored == second["cursor"] and second["has_more"]
    assert len(page.evaluate(HELD)) < len(expected)

    pulls.cut = set()            # the link is back
    asked = len(pulls.cursors)
    sync(page)
    assert pulls.cursors[asked] == second["cursor"]      # on from the second page
    assert None not in pulls.cursors[asked:]             # not a new first pull
    assert page.evaluate(HELD) == expected
