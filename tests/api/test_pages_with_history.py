"""The supervisor's pages with months of history (bench/years.py, a small township):
lists paged in the database, no query per round, closed rectifications never loaded to
draw the ones still open."""
import re

import pytest
import sqlalchemy as sa

from bench.years import PASSWORD, seed_years
from server.extensions import db
from server.models import Rectification
from server.web import review_rectifications
from tests.support.postgres import database_params
from tests.support.seeded import Layer
from tests.support.web import login

HISTORY = Layer("history", lambda: seed_years(months=4, groups=12))


@pytest.fixture(params=database_params())
def seeded_history(request, seeded_databases):
    """(database URL, the history in it): every test's own copy of a database that holds
    four months of history, seeded once per engine and test process (seeding takes
    longer than the tests)."""
    if request.param == "sqlite":
        yield None, seeded_databases.sqlite_copy(request.getfixturevalue("tmp_path"), HISTORY)
        return
    cluster = request.getfixturevalue("postgres_cluster")
    url, history = seeded_databases.postgres_copy(cluster, HISTORY)
    yield url, history
    cluster.drop_database(url)


@pytest.fixture
def database_url(seeded_history):
    return seeded_history[0]


@pytest.fixture
def history(app, seeded_history):
    return seeded_history[1]


@pytest.fixture
def boss(app, history):
    client = app.test_client()
    login(client, history.supervisor, PASSWORD)
    return client


class Counted:
    """The statements the app runs inside the block, and the rectifications it loads."""

    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        self.statements, self.rectifications = 0, 0

    def _statement(self, *args):
        self.statements += 1

    def _loaded(self, target, context):
        self.rectifications += 1

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._statement)
        sa.event.listen(Rectification, "load", self._loaded)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._statement)
        sa.event.remove(Rectification, "load", self._loaded)


def rows_of(html: str, state: str) -> list[str]:
    section = html.split(f'id="rectifications-{state}"')[1].split("</section>")[0]
    return re.findall(r'rectifications/(\d+)/notice', section)


@pytest.mark.parametrize("lang, pager", [("zh", ("第 1 / 2 页", "下一页", "第 2 / 2 页", "上一页")),
                                         ("en", ("Page 1 of 2", "Next", "Page 2 of 2",
                                                 "Previous"))])
def test_closed_rectifications_come_a_page_at_a_time(app, boss, history, monkeypatch, lang,
                                                     pager):
    with app.app_context():
        closed = db.session.execute(sa.text(
            "select count(*) from rectifications r where township_id = :t and not exists "
            "(select 1 from rectification_items i where i.rectification_id = r.id "
            "and i.state != 'closed')"), {"t": history.township_id}).scalar()
    assert closed >= 3
    monkeypatch.setattr(review_rectifications, "PAGE_SIZE", closed - 1)
    first = boss.get(f"/review/rectifications?lang={lang}").get_data(as_text=True)
    assert f"({closed})" in first                      # the count is of them all
    assert len(rows_of(first, "closed")) == closed - 1
    assert pager[0] in first and pager[1] in first
    second = boss.get(f"/review/rectifications?closed_page=2&lang={lang}").get_data(as_text=True)
    assert pager[2] in second and pager[3] in second
    rest = rows_of(second, "closed")
    assert len(rest) == 1 and rest[0] not in rows_of(first, "closed")
    # the other states are not paged along with it
    assert rows_of(second, "open") + rows_of(second, "overdue") \
        == rows_of(first, "open") + rows_of(first, "overdue")
    far = boss.get(f"/review/rectifications?closed_page=99&lang={lang}").get_data(as_text=True)
    assert rows_of(far, "closed") == rest              # past the end: the last page


def test_rankings_page_loads_only_the_rectifications_still_open(app, boss, history):
    latest = history.rounds[-1]
    boss.get(f"/review/rounds/{latest}/rankings")
    with Counted(app) as counted:
        page = boss.get(f"/review/rounds/{latest}/rankings")
    assert page.status_code == 200
    section = page.get_data(as_text=True).split('class="carried-over"')[1].split("</section>")[0]
    with app.app_context():
        open_earlier = sum(1 for r in db.session.execute(sa.select(Rectification).where(
            Rectification.township_id == history.township_id,
            Rectification.round_id != latest)).scalars()
            if any(i.state != "closed" for i in r.items))
    assert open_earlier and section.count('<tr class="rectification-') == open_earlier
    assert counted.rectifications == open_earlier       # closed ones are never loaded


def test_a_combined_result_asks_the_same_queries_for_a_quarter_as_for_a_year(app, boss,
                                                                              history):
    def statements(round_ids):
        path = "/review/combined?" + "&".join(f"rounds={r}" for r in round_ids)
        boss.get(path)
        with Counted(app) as counted:
            assert boss.get(path).status_code == 200
        return counted.statements

    assert statements(history.rounds[:2]) == statements(history.rounds)


@pytest.mark.parametrize("query", ["", "&state=approved"])
def test_the_queue_reads_a_page_in_index_order(app, boss, history, query):
    """On SQLite (as on PostgreSQL) the page is read from the index, never sorted whole."""
    statements = []

    def seen(conn, cursor, statement, params, context, many):
        if statement.lstrip().startswith("SELECT inspections.id") and "LIMIT" in statement:
            statements.append((statement, params))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        assert boss.get(f"/review/?page=2{query}").status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    [(statement, params)] = statements
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", tuple(params)))
    assert "ix_inspections_township" in plan and "TEMP B-TREE" not in plan, plan


def test_the_history_is_made_by_the_rules(app, history):
    """bench/years.py goes through the domain functions: every month published with its
    Black List's rectifications, reviews in every state, rechecks closing items off."""
    from server.models import Inspection, Recheck, Round

    with app.app_context():
        rounds = db.session.execute(sa.select(Round).where(
            Round.township_id == history.township_id, Round.subject == "group")
            .order_by(Round.starts_on)).scalars().all()
        assert [r.state for r in rounds] == ["published"] * 4 + ["open"]
        states = set(db.session.execute(sa.select(Inspection.review_state).where(
            Inspection.township_id == history.township_id)).scalars())
        assert states == {"received", "approved", "rejected", "has_issues"}
        items = set(db.session.execute(sa.text(
            "select i.state from rectification_items i join rectifications r "
            "on r.id = i.rectification_id where r.township_id = :t"),
            {"t": history.township_id}).scalars())
        assert {"open", "closed"} <= items
        assert db.session.execute(sa.select(sa.func.count()).select_from(Recheck).where(
            Recheck.township_id == history.township_id)).scalar() > 0
    assert history.counts["heavy_inspections"] > history.counts["inspections"] / 3


def test_the_household_history_is_made_by_the_rules(app, history):
    """bench/years.py's household months go through the domain functions too: each round
    published, its checked households credited their band's points by publishing, and
    the month's deeds and redemptions pushed as phones push them."""
    from server.models import LedgerEntry, Round

    with app.app_context():
        rounds = db.session.execute(sa.select(Round).where(
            Round.township_id == history.township_id, Round.subject == "household")
            .order_by(Round.starts_on)).scalars().all()
        assert [r.id for r in rounds] == history.household_rounds
        assert [r.state for r in rounds] == ["published"] * 4
        kinds = dict(db.session.execute(sa.select(LedgerEntry.kind, sa.func.count()).where(
            LedgerEntry.township_id == history.township_id).group_by(LedgerEntry.kind)).all())
        assert set(kinds) == {"check", "deed", "redeem"} and min(kinds.values()) > 0
        credited = set(db.session.execute(sa.select(LedgerEntry.round_id).where(
            LedgerEntry.kind == "check")).scalars())
        assert credited == set(history.household_rounds)
        flags = db.session.execute(sa.select(LedgerEntry.flags).where(
            LedgerEntry.kind == "redeem")).scalars().all()
        assert not [f for f in flags if "overdraft" in f]   # each spent what it held



def test_household_results_ask_as_many_queries_on_any_page(app, boss, history):
    """A page of a household round's results reads its page of households and their
    checks: the same statements on a later page, a search or a status as on the first."""
    def statements(query):
        url = f"/review/rounds/{history.household_rounds[-1]}/results?{query}"
        boss.get(url)
        with Counted(app) as counted:
            assert boss.get(url).status_code == 200
        return counted.statements

    first = statements("page=1")
    assert [statements(q) for q in ("page=3", "q=1", "status=not_checked")] == [first] * 3
