"""The phone's choice of its current round (pwa/rounds.js), run in Chromium: before,
inside and between rounds, and never a later round while an earlier one is open."""
import pytest

DEC = {"id": 1, "name": "12月", "starts_on": "2026-12-01", "ends_on": "2026-12-31", "state": "open"}
JAN = {"id": 2, "name": "1月", "starts_on": "2027-01-01", "ends_on": "2027-01-31", "state": "open"}
FEB = {"id": 3, "name": "2月", "starts_on": "2027-02-10", "ends_on": "2027-02-28", "state": "open"}

CASES = [
    # (rounds, today, expected id)
    ([JAN, DEC], "2026-11-20", 1),                       # before the first: the next to start
    ([JAN, DEC], "2026-12-02", 1),                       # inside December, January created
    ([DEC, JAN], "2027-01-05", 2),                       # inside January
    ([{**DEC, "state": "closed"}, JAN], "2026-12-20", 2),  # December closed early
    ([{**DEC, "state": "published"}, JAN, FEB], "2027-02-03", 2),  # between Jan and Feb
    ([{**DEC, "state": "closed"}, {**JAN, "state": "closed"}, FEB], "2027-02-03", 3),
    ([DEC, JAN], "2027-03-01", 1),                       # after all: the earliest still open
    ([{**DEC, "state": "closed"}], "2026-12-02", None),  # nothing open
    ([], "2026-12-02", None),
]


@pytest.fixture
def app_page(live_server, phone):
    phone.goto(f"{live_server.url}/app/")
    return phone


def test_current_round(app_page):
    chosen = app_page.evaluate("""async (cases) => {
        const { currentRound } = await import("/app/rounds.js");
        return cases.map(([rounds, today]) => currentRound(rounds, today)?.id ?? null);
    }""", [[rounds, today] for rounds, today, _ in CASES])
    assert chosen == [expected for _, _, expected in CASES]


def test_township_today_is_utc_plus_eight(app_page):
    days = app_page.evaluate("""async (moments) => {
        const { townshipToday } = await import("/app/rounds.js");
        return moments.map((m) => townshipToday(new Date(m)));
    }""", ["2026-12-01T15:59:00Z", "2026-12-01T16:00:00Z"])
    assert days == ["2026-12-01", "2026-12-02"]
