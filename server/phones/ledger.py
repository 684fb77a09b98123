"""Pushed points entries (contract, "Points travel in the same push"): deeds and
redemptions recorded offline, applied in request order.

Entries are append-only and idempotent by id: the same id again is `duplicate`,
whatever its body, and answers the stored flags and the current balance, so a retry,
a second tab or a bundle never spends twice. There is no merge and no conflict, so the
inspections' machinery (push.py: revisions, three-way merges) has nothing to add here;
each entry is applied in a savepoint of its own, under its household's row lock
(points/ledger.py), so pushes from two phones at once keep every balance the sum of
its entries and flag an overdraft against the balance that really was.
"""
from sqlalchemy.exc import IntegrityError

from sync.ids import is_uuid
from sync.ledger import LedgerFacts, KINDS_BY_ROLE, computed, entry_reasons
from sync.reasons import Reason, as_data, english
from sync.states import APPLIED, DUPLICATE, REJECTED_PUSH
from sync.shapes import parse_time

from ..audit import record_audit
from ..errors import Problem
from ..extensions import db
from ..models import SHOPKEEPER, Goods, Household, LedgerEntry, PointsRule, User, utcnow
from ..points.ledger import announce_entry, balance_of, lock_households


def ledger_facts(user: User) -> LedgerFacts:
    """What entries are checked against: the township's households, rules and goods."""
    township = user.township_id
    households = db.session.execute(
        db.select(Household.id).where(Household.township_id == township)).scalars()
    rules = db.session.execute(db.select(PointsRule.key, PointsRule.points, PointsRule.active)
                               .where(PointsRule.township_id == township)).all()
    goods = db.session.execute(
        db.select(Goods.id).where(Goods.township_id == township)).scalars()
    return LedgerFacts(households=frozenset(households),
                       rules={key: (points, active) for key, points, active in rules},
                       goods=frozenset(goods), kinds=KINDS_BY_ROLE.get(user.role, ()))


def refuse_records_of_a_shopkeeper(user: User, inspections: list, rechecks: list) -> None:
    """A shopkeeper's phone pulls no rounds, rubrics or rectifications, so it cannot have
    made an inspection or a recheck: a push or bundle carrying one is refused whole (403)
    before anything in it is applied, rather than rejected record by record as if the
    records were merely invalid. Their ledger entries are checked entry by entry
    (a deed → `forbidden`)."""
    if user.role == SHOPKEEPER and (inspections or rechecks):
        raise Problem("forbidden", status=403,
                      message="a shopkeeper records redemptions only, not inspections or rechecks")


def result(payload, outcome: str, reasons=None, flags=(), balance=None) -> dict:
    """An entry's result as the contract has it (`reasons` as codes for the phone)."""
    reasons = reasons or {}
    return {"id": payload.get("id") if isinstance(payload, dict) else None,
            "outcome": outcome, "errors": english(reasons), "reasons": as_data(reasons),
            "flags": list(flags), "balance": balance}


def stored_answer(user: User, payload, entry: LedgerEntry) -> dict:
    if entry.township_id != user.township_id:  # a UUID another township made: never shown
        return result(payload, REJECTED_PUSH, {"id": [Reason("entry_id_taken")]})
    return result(payload, DUPLICATE, flags=entry.flags or [],
                  balance=balance_of(entry.household_id))


def push_ledger(user: User, payloads: list) -> list[dict]:
    """One result per entry, in request order; the caller commits."""
    facts, results = None, []
    for payload in payloads:
        record_id = payload.get("id") if isinstance(payload, dict) else None
        # Only an id an entry can have is looked up (a NUL would be PostgreSQL's error).
        stored = db.session.get(LedgerEntry, record_id) if is_uuid(record_id) else None
        if stored is not None:
            results.append(stored_answer(user, payload, stored))
            continue
        facts = facts or ledger_facts(user)
        reasons = entry_reasons(payload, facts)
        if reasons:
            results.append(result(payload, REJECTED_PUSH, reasons))
            continue
        results.append(apply_entry(user, payload, facts))
    return results


def apply_entry(user: User, payload: dict, facts: LedgerFacts) -> dict:
    try:
        with db.session.begin_nested():
            lock_households([payload["household_id"]])
            # Under the lock: the same entry from a request that raced this one.
            stored = db.session.execute(db.select(LedgerEntry).where(
                LedgerEntry.id == payload["id"])).scalar_one_or_none()
            if stored is not None:
                return stored_answer(user, payload, stored)
            before = balance_of(payload["household_id"])
            points = computed(payload, facts, before)
            entry = LedgerEntry(
                id=payload["id"], household_id=payload["household_id"],
                township_id=user.township_id, kind=payload["kind"], points=points.points,
                rule_key=payload.get("rule_key"), goods=payload.get("goods") or None,
                note=payload.get("note") or None, photos=payload.get("photos") or None,
                recorded_by=user.id, recorded_at=parse_time(payload["recorded_at"]),
                received_at=utcnow(), flags=points.flags)
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:
        # Another request stored this id after the look-up (SQLite: no row lock waited).
        db.session.expire_all()
        return stored_answer(user, payload, db.session.get(LedgerEntry, payload["id"]))
    announce_entry(entry, owner_id=user.id)
    record_audit(f"record_{entry.kind}", "ledger_entry", entry.id, user=user,
                 detail={"household_id": entry.household_id, "points": entry.points,
                         "flags": entry.flags})
    return result(payload, APPLIED, flags=entry.flags, balance=before + entry.points)
