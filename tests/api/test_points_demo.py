"""The demo township's points (`make run`): goods at the points supermarket, deeds,
redemptions, one overdraft flagged for the supervisors and one deed voided, all of it on
the supervisors' pages."""
import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import Goods, LedgerEntry
from server.points.ledger import balances_of

from tests.support.seeded import demo_app
from tests.support.web import login


@pytest.fixture(scope="module")
def demo(tmp_path_factory, seeded_databases):
    app = demo_app(seeded_databases, tmp_path_factory.mktemp("points-demo"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_demo_has_goods_deeds_redemptions_an_overdraft_and_a_void(demo):
    with demo.app_context():
        ledger_as_seeded()


def ledger_as_seeded():
    goods = db.session.execute(db.select(Goods)).scalars().all()
    assert len(goods) >= 4 and all(g.active and g.points > 0 for g in goods)
    entries = db.session.execute(db.select(LedgerEntry)).scalars().all()
    kinds = {kind: [e for e in entries if e.kind == kind] for kind in ("deed", "redeem")}
    assert len(kinds["deed"]) >= 5 and len(kinds["redeem"]) >= 3
    overdrafts = [e for e in entries if "overdraft" in (e.flags or [])]
    assert len(overdrafts) == 1 and overdrafts[0].kind == "redeem"
    assert balances_of([overdrafts[0].household_id])[overdrafts[0].household_id] < 0
    # every other redemption was within what the household held
    assert all(not e.flags for e in kinds["redeem"] if e is not overdrafts[0])
    [void] = [e for e in entries if e.voids]
    voided = db.session.get(LedgerEntry, void.voids)
    assert (voided.kind, void.kind, void.points) == ("deed", "adjust", -voided.points)
    assert db.session.execute(sa.select(sa.func.count()).select_from(LedgerEntry).where(
        LedgerEntry.kind == "check")).scalar_one() > 0


@pytest.mark.parametrize("lang, words", [("zh", ["积分透支 (1)", "香皂 × 2 (3)"]),
                                          ("en", ["Overdrafts (1)", "香皂 × 2 (3)"])])
def test_the_demo_overdraft_is_on_the_supervisors_page(demo, lang, words):
    client = demo.test_client()
    login(client, "supervisor1")
    page = client.get(f"/review/overdrafts?lang={lang}").get_data(as_text=True)
    for word in words:
        assert word in page, word
    with demo.app_context():
        [household_id] = [e.household_id for e in db.session.execute(
            db.select(LedgerEntry)).scalars() if "overdraft" in (e.flags or [])]
    household = client.get(f"/review/households/{household_id}?lang={lang}")
    assert household.status_code == 200 and "香皂" in household.get_data(as_text=True)
