"""Points from publishing a household round (domain.md "Points": `check`; contract
"Details"): a household's first credit in a round is a `check` entry of its band's points
(a band of 0 credits nothing); every later published version adds one `adjust` of the
difference where its band changed; publishing the same result again adds nothing.

What was credited is read from the ledger itself (this round's check and adjust entries
per household), never remembered elsewhere, so the credit is whatever makes the sum equal
the band: a retry, or a second supervisor publishing at once, finds the first one's
entries and writes nothing. Publishing holds the round's row lock (publishing.py) while
this runs, so two publishes of one round read and credit in turn, never both at once.
"""
import uuid

import sqlalchemy as sa

from sync.ledger import ADJUST, CHECK

from ..audit import record_audit
from ..extensions import db
from ..models import LedgerEntry, Round, User, utcnow
from .ledger import announce_entry, lock_households


def credited_in_round(round_id: int) -> dict[int, int]:
    """household id → the points this round's check and adjust entries gave it."""
    return {household_id: int(points) for household_id, points in db.session.execute(
        sa.select(LedgerEntry.household_id, sa.func.sum(LedgerEntry.points))
        .where(LedgerEntry.round_id == round_id, LedgerEntry.kind.in_((CHECK, ADJUST)))
        .group_by(LedgerEntry.household_id)).all()}


def credit_round(round_: Round, result: dict, version: int, user: User) -> list[LedgerEntry]:
    """Brings each household's credit from this round to its band in `result` (a frozen
    household results snapshot): the entries written, one per household that moved. A
    household credited before and missing now (its checks no longer count) is taken
    back to nothing."""
    bands = {h["household_id"]: h["points"] for h in result["households"]}
    credited = credited_in_round(round_.id)
    moves = {household_id: bands.get(household_id, 0) - credited.get(household_id, 0)
             for household_id in bands.keys() | credited.keys()}
    moves = {household_id: points for household_id, points in moves.items() if points}
    # As every writer of a household's entries does (ledger.py), so that a redeem pushed
    # meanwhile reads the balance with these credits in it.
    lock_households(moves)
    now = utcnow()
    entries = []
    for household_id in sorted(moves):
        entry = LedgerEntry(
            id=str(uuid.uuid4()), household_id=household_id, township_id=round_.township_id,
            kind=ADJUST if household_id in credited else CHECK, points=moves[household_id],
            recorded_by=user.id, recorded_at=now, received_at=now, flags=[],
            round_id=round_.id)
        db.session.add(entry)
        entries.append(entry)
    db.session.flush()
    for entry in entries:
        announce_entry(entry, user.id)
        record_audit("credit_check_points", "ledger_entry", entry.id, user=user, detail={
            "household_id": entry.household_id, "round_id": round_.id, "version": version,
            "kind": entry.kind, "points": entry.points})
    return entries
