"""Households and points entries for the ledger's tests."""
import uuid
from datetime import datetime, timezone

from server.extensions import db
from server.models import Household, Township, VillagerGroup


def add_households(app, count: int = 2, township_id: int | None = None) -> list[int]:
    """`count` households in the first group of the township (the seeded one by
    default); their ids."""
    with app.app_context():
        if township_id is None:
            township_id = db.session.execute(
                db.select(Township.id).order_by(Township.id)).scalars().first()
        group = db.session.execute(
            db.select(VillagerGroup).join(VillagerGroup.village)
            .where(VillagerGroup.village.has(township_id=township_id))
            .order_by(VillagerGroup.id)).scalars().first()
        households = [Household(group_id=group.id, township_id=township_id,
                                number=f"{n + 1:02d}", head=f"户主{n + 1}")
                      for n in range(count)]
        db.session.add_all(households)
        db.session.commit()
        return [h.id for h in households]


def deed(household_id: int, rule_key: str = "cleanup_day", **overrides) -> dict:
    return {"id": str(uuid.uuid4()), "household_id": household_id, "kind": "deed",
            "recorded_at": datetime.now(timezone.utc).isoformat(), "rule_key": rule_key,
            "note": None, **overrides}


def redeem(household_id: int, *lines: tuple[str, int, int], **overrides) -> dict:
    """lines: (name, quantity, points per unit)."""
    return {"id": str(uuid.uuid4()), "household_id": household_id, "kind": "redeem",
            "recorded_at": datetime.now(timezone.utc).isoformat(),
            "goods": [{"goods_id": None, "name": name, "quantity": quantity, "points": points}
                      for name, quantity, points in lines], **overrides}


def push_ledger(session, *entries, client=None) -> list[dict]:
    """The ledger results of one push of these entries by this phone (through `client`,
    a Flask test client of its own, for pushes from several threads)."""
    body = {"client_id": session.client_id, "inspections": [], "ledger": list(entries)}
    response = session.post("/sync/push", json=body) if client is None else client.post(
        "/api/v1/sync/push", headers=session.headers, json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["ledger_results"]
