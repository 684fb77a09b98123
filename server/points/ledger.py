"""The households' ledger (domain.md, "Points"): balances as one SUM of the entries,
the entries as the API and the phones see them, and the corrections and voids of
supervisors and admins (`adjust` entries, audited).

Entries are only ever inserted (server/models/points.py says how that is enforced).
Whoever writes entries for a household first locks its row (`lock_households`), so
two requests applying entries at once are serialised per household and each reads the
balance the other left: the balance answered and flagged is always the sum.
"""
import uuid

import sqlalchemy as sa

from sync.ids import is_uuid
from sync.ledger import ADJUST

from ..audit import record_audit
from ..changes import record_change
from ..errors import TEXT_CONTROL_CHARACTERS, Problem
from ..extensions import db
from ..models import Household, LedgerEntry, User, utcnow


def balance_of(household_id: int) -> int:
    """The household's balance: the sum of its entries (0 with none)."""
    return db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.points), 0))
        .where(LedgerEntry.household_id == household_id)).scalar_one()


def balances_of(household_ids) -> dict[int, int]:
    """household id → balance, in one query, for lists of thousands."""
    ids = list(household_ids)
    if not ids:
        return {}
    found = dict(db.session.execute(
        sa.select(LedgerEntry.household_id, sa.func.sum(LedgerEntry.points))
        .where(LedgerEntry.household_id.in_(ids)).group_by(LedgerEntry.household_id)).all())
    return {household_id: int(found.get(household_id) or 0) for household_id in ids}


def lock_households(household_ids) -> None:
    """Row locks on these households (PostgreSQL's FOR UPDATE; SQLite writes one
    transaction at a time anyway), taken in id order so two writers never deadlock."""
    ids = sorted(set(household_ids))
    if ids:
        db.session.execute(sa.select(Household.id).where(Household.id.in_(ids))
                           .order_by(Household.id).with_for_update()).all()


def entry_data(entry: LedgerEntry) -> dict:
    """An entry as the API answers it and the phones pull it (type `ledger_entry`)."""
    return {"id": entry.id, "household_id": entry.household_id, "kind": entry.kind,
            "points": entry.points, "rule_key": entry.rule_key, "goods": entry.goods,
            "note": entry.note, "photos": entry.photos or [],
            "recorded_by": entry.recorded_by, "recorded_at": entry.recorded_at.isoformat(),
            "voids": entry.voids, "flags": list(entry.flags or []), "round_id": entry.round_id}


def announce_entry(entry: LedgerEntry, owner_id: int) -> None:
    """The entry for the phones of its owner (and every reviewer), and its household
    again for every phone of the township: its balance changed."""
    record_change(db.session, "ledger_entry", entry.id, entry.township_id, owner_id=owner_id)
    record_change(db.session, "household", entry.household_id, entry.township_id)


def household_in_township(household_id: int, user: User) -> Household:
    household = db.session.get(Household, household_id) \
        if isinstance(household_id, int) and 0 < household_id < 2**63 else None
    if household is None or household.township_id != user.township_id:
        raise Problem("not_found", status=404, message="no such household")
    return household


def household_ledger(household_id: int, user: User) -> dict:
    """`GET /households/<id>/ledger`: the balance and every entry, newest first."""
    household_in_township(household_id, user)
    entries = db.session.execute(
        db.select(LedgerEntry).where(LedgerEntry.household_id == household_id)
        .order_by(LedgerEntry.recorded_at.desc(), LedgerEntry.id)).scalars().all()
    return {"balance": sum(e.points for e in entries),
            "entries": [entry_data(entry) for entry in entries]}


def _voided(voids: str, household_id: int, points: int, user: User) -> LedgerEntry:
    """The entry a void names: of the same household, its opposite points, not voided
    before (the unique constraint on `voids` says so too, under any race)."""
    entry = db.session.get(LedgerEntry, voids) if is_uuid(voids) else None
    if entry is None or entry.township_id != user.township_id:
        raise Problem("not_found", status=404, field="voids", message="no such entry")
    if entry.household_id != household_id:
        raise Problem("void_other_household", field="voids")
    if points != -entry.points:
        raise Problem("void_points", {"points": -entry.points}, field="points")
    already = db.session.execute(sa.select(LedgerEntry.id).where(
        LedgerEntry.voids == entry.id)).first()
    if already:
        raise Problem("already_voided", status=409, field="voids")
    return entry


def record_adjust(user: User, household_id: int, points: int, reason: str,
                  voids: str | None = None) -> LedgerEntry:
    """A supervisor's or admin's correction, or the void of an entry (an adjust of the
    opposite points naming it); audited. Never flagged overdraft."""
    household = household_in_township(household_id, user)
    if not isinstance(points, int) or points == 0:
        raise Problem("zero_points", field="points")
    reason = (reason or "").strip()
    if not reason:
        raise Problem("adjust_reason_required", field="reason")
    if not TEXT_CONTROL_CHARACTERS.isdisjoint(reason):
        # a NUL (which PostgreSQL cannot store) and the like are typing accidents
        raise Problem("control_character", field="reason")
    lock_households([household.id])
    voided = _voided(voids, household.id, points, user) if voids is not None else None
    now = utcnow()
    entry = LedgerEntry(id=str(uuid.uuid4()), household_id=household.id,
                        township_id=household.township_id, kind=ADJUST, points=points,
                        note=reason, recorded_by=user.id, recorded_at=now, received_at=now,
                        voids=voided.id if voided else None, flags=[])
    db.session.add(entry)
    db.session.flush()
    # The phone that recorded a voided entry pulls its void.
    announce_entry(entry, voided.recorded_by if voided else user.id)
    record_audit("void_entry" if voided else "adjust_points", "ledger_entry", entry.id,
                 reason=reason, user=user,
                 detail={"household_id": household.id, "points": points,
                         "voids": entry.voids})
    return entry
