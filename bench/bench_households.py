"""P11: the phone at household scale, in headless Chromium at 4x CPU throttle (targets.md).

With 2,500 households held offline (50 in each of the township's groups, as a pull leaves
them): a group's household list opens, and a search by 户号 or by 户主 answers, each
measured from the tap or keystroke to the painted result (<= 100 ms); and IndexedDB still
holds all 2,500 after reloads.

Run: python -m bench.bench_households   (figures merge into bench/results/latest.json)
"""
import os
import statistics
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_pwa import ARGS, Server, find_chromium, quiet_werkzeug, say, signed_in_phone  # noqa: E402
from bench.results import report  # noqa: E402
from tests.support.households import held_households, hold_households  # noqa: E402

TOWNSHIP = 2500

# from the hash change (a tap on a group) to the group's households painted
OPEN_LIST = """async (groupId) => {
    const selector = `#household-list[data-group='${groupId}'] #households li`;
    const main = document.getElementById('main');
    const t0 = performance.now();
    await new Promise((shown) => {
        const seen = new MutationObserver(() => { if (main.querySelector(selector)) { seen.disconnect(); shown(); } });
        seen.observe(main, { childList: true, subtree: true });
        location.hash = `#/households/${groupId}`;
    });
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
    return performance.now() - t0;
}"""

# one keystroke: from the input event to its answer painted; answers the rows shown
KEYSTROKE = """async (text) => {
    const box = document.getElementById('household-search');
    const t0 = performance.now();
    box.value = text;
    box.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
    const ms = performance.now() - t0;
    return [ms, document.querySelectorAll('#households li:not([hidden])').length];
}"""


LISTED = """() => [...document.querySelectorAll('#households li')].map((li) =>
    [li.querySelector('.hh-number').textContent, li.querySelector('.grow').textContent])
    .reduce(([n, h], [a, b]) => [[...n, a], [...h, b]], [[], []])"""


# a frame painted after the last change: the screen as the inspector sees it before a tap
PAINTED = "() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))"


def go_home(page):
    """Home, painted: a tap on a group comes after the screen it is on has been drawn."""
    page.evaluate("location.hash = '#/'")
    page.wait_for_selector("#assignment-summary")
    page.evaluate(PAINTED)


def open_lists(page, groups) -> list[float]:
    times = []
    for g in groups:
        go_home(page)
        times.append(page.evaluate(OPEN_LIST, g))
    return times


def type_search(page, words: list[str]) -> list[float]:
    """Types each word a character at a time (the box cleared between words)."""
    times = []
    for word in words:
        for i in range(1, len(word) + 1):
            ms, shown = page.evaluate(KEYSTROKE, word[:i])
            if not shown:
                raise RuntimeError(f"search {word[:i]!r} found nothing")
            times.append(ms)
        page.evaluate(KEYSTROKE, "")
    return times


@contextmanager
def signed_in_at_scale():
    """A signed-in phone (its page) on a server of its own, in headless Chromium."""
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), headless=True, args=ARGS)
        server = Server(tmp)
        try:
            context, page = signed_in_phone(pw, browser, server)
            yield page
            context.close()
        finally:
            server.stop()
            browser.close()


def main():
    quiet_werkzeug()
    if find_chromium() is None:
        say("bench_households: no Chromium found (apt-get install chromium); skipped")
        return
    with signed_in_at_scale() as page:
        groups = page.evaluate("async () => (await (await import('/app/reference.js')).refList('group')).length")
        per_group = -(-TOWNSHIP // groups)
        held = hold_households(page, per_group)
        say(f"P11 {held['households']} households held ({per_group} in each of {groups} groups)")
        page.context.set_offline(True)
        page.reload()
        page.wait_for_selector("#assignment-summary")
        cdp = page.context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        sample = held["groups"][:: max(1, len(held["groups"]) // 10)][:10]
        lists = open_lists(page, sample)
        say(f"  list opened: {', '.join(f'{t:.0f}' for t in lists)} ms")
        # words of the open group's own households, typed as an inspector would
        page.wait_for_selector("#households[data-drawn='all']", state="attached")
        numbers, heads = page.evaluate(LISTED)
        by_number = type_search(page, [numbers[i] for i in (12, 26, 3)])
        by_head = type_search(page, [heads[i] for i in (0, 17, 40)])
        say(f"  search by 户号: {', '.join(f'{t:.0f}' for t in by_number)} ms")
        say(f"  search by 户主: {', '.join(f'{t:.0f}' for t in by_head)} ms")
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        go_home(page)
        for _ in range(3):
            page.reload()
            page.wait_for_selector("#assignment-summary")
        kept = held_households(page)
        figures = {"households": held["households"], "groups": groups, "per_group": per_group,
                   "cpu_throttle": 4, "load_average": round(os.getloadavg()[0], 2)}
        for name, times, count in (("P11 household list opens (4x CPU)", lists, "runs"),
                                   ("P11 search by 户号 (4x CPU)", by_number, "keystrokes"),
                                   ("P11 search by 户主 (4x CPU)", by_head, "keystrokes")):
            report(name, statistics.median(times), "ms", "<= 100 (median)",
                   {**figures, "max_ms": round(max(times), 1), count: len(times)})
        report("P11 households held across reloads", kept, "households", f"= {held['households']}", figures)


if __name__ == "__main__":
    main()
