"""The ledger as the supervisors' pages read it: a household's entries a page at a time
(newest first), the township's overdrafts, and passbooks (积分存折: a household's
entries oldest first with a running balance), one household's or a whole group's.

Every list is chosen in the database on an index, and what the entries name (their
recorders, points rules, rounds, voids) is read for the whole list at once: a page, or
a group's forty passbooks, costs the same few queries however long it is.
"""
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Household, LedgerEntry, PointsRule, Round, User, VillagerGroup
from ..models.points import OVERDRAFT_FLAGGED
from ..photos.access import received
from .ledger import balances_of

PAGE_SIZE = 50


@dataclass
class EntryRow:
    """An entry with what it names, ready to show."""
    entry: LedgerEntry
    who: str
    rule: PointsRule | None = None      # a deed's rule
    round: Round | None = None          # a check's (or a publishing adjust's) round
    voided_by: LedgerEntry | None = None     # the adjust that voids it
    voided_by_who: str = ""
    balance: int | None = None          # after this entry (passbooks)
    photos: list = field(default_factory=list)   # a deed's photos whose bytes arrived


@dataclass
class Page:
    rows: list
    total: int
    page: int
    pages: int


@dataclass
class Passbook:
    household: Household
    rows: list[EntryRow] = field(default_factory=list)
    balance: int = 0


@dataclass
class Overdraft:
    row: EntryRow
    household: Household
    balance: int


def page_of(total: int, page: int, page_size: int = PAGE_SIZE) -> tuple[int, int]:
    """(page, pages): a page past the end shows the last one."""
    pages = max(1, -(-total // page_size))
    return min(max(1, page), pages), pages


def described(entries: list[LedgerEntry], township_id: int, *,
              whole_ledgers: bool = False) -> list[EntryRow]:
    """The entries with their recorders, rules, rounds, voids and photos: five queries at most.
    whole_ledgers: the entries are their households' every entry, so the voids are among
    them (a void names an entry of its own household) and need no query of their own."""
    if not entries:
        return []
    voids = {e.voids: e for e in (entries if whole_ledgers else db.session.execute(
        db.select(LedgerEntry).where(LedgerEntry.voids.in_([e.id for e in entries]))
    ).scalars()) if e.voids}
    user_ids = {e.recorded_by for e in entries} | {e.recorded_by for e in voids.values()}
    users = dict(db.session.execute(
        sa.select(User.id, User.display_name).where(User.id.in_(user_ids))).all())
    rule_keys = {e.rule_key for e in entries if e.rule_key}
    rules = {r.key: r for r in db.session.execute(db.select(PointsRule).where(
        PointsRule.township_id == township_id, PointsRule.key.in_(rule_keys))).scalars()} \
        if rule_keys else {}
    round_ids = {e.round_id for e in entries if e.round_id}
    rounds = {r.id: r for r in db.session.execute(
        db.select(Round).where(Round.id.in_(round_ids))).scalars()} if round_ids else {}
    rows = [EntryRow(e, users.get(e.recorded_by, ""), rules.get(e.rule_key),
                     rounds.get(e.round_id), voids.get(e.id)) for e in entries]
    arrived = received((p["sha256"], e.recorded_by) for e in entries for p in e.photos or ())
    for row in rows:
        if row.voided_by:
            row.voided_by_who = users.get(row.voided_by.recorded_by, "")
        row.photos = [p for p in row.entry.photos or ()
                      if (p["sha256"], row.entry.recorded_by) in arrived]
    return rows


def entries_page(household: Household, page: int) -> Page:
    """The household's entries newest first, PAGE_SIZE a page, read from its index."""
    where = LedgerEntry.household_id == household.id
    total = db.session.execute(sa.select(sa.func.count()).where(where)).scalar_one()
    page, pages = page_of(total, page)
    entries = db.session.execute(
        db.select(LedgerEntry).where(where)
        .order_by(LedgerEntry.recorded_at.desc(), LedgerEntry.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).scalars().all()
    return Page(described(entries, household.township_id), total, page, pages)


def overdraft_count(township_id: int) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(LedgerEntry).where(
        LedgerEntry.township_id == township_id, OVERDRAFT_FLAGGED)).scalar_one()


def overdrafts_newest_first(township_id: int):
    return db.select(LedgerEntry).where(
        LedgerEntry.township_id == township_id, OVERDRAFT_FLAGGED).order_by(
        LedgerEntry.recorded_at.desc(), LedgerEntry.id.desc())


def overdrafts_page(township_id: int, page: int) -> Page:
    """The township's entries flagged overdraft, newest first (the partial index of
    flagged entries), each with its household and the household's balance now."""
    total = overdraft_count(township_id)
    page, pages = page_of(total, page)
    entries = db.session.execute(overdrafts_newest_first(township_id)
                                 .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).scalars().all()
    ids = {e.household_id for e in entries}
    households = {h.id: h for h in db.session.execute(
        db.select(Household).where(Household.id.in_(ids))
        .options(joinedload(Household.group).joinedload(VillagerGroup.village))).scalars()}
    balances = balances_of(ids)
    rows = [Overdraft(row, households[row.entry.household_id],
                      balances[row.entry.household_id])
            for row in described(entries, township_id)]
    return Page(rows, total, page, pages)


def passbooks(households: list[Household]) -> list[Passbook]:
    """Each household's passbook, in the order given: its entries oldest first with the
    balance after each. One query for every household's entries, whatever their number."""
    if not households:
        return []
    books = {h.id: Passbook(h) for h in households}
    entries = db.session.execute(
        db.select(LedgerEntry).where(LedgerEntry.household_id.in_(list(books)))
        .order_by(LedgerEntry.household_id, LedgerEntry.recorded_at, LedgerEntry.id)
    ).scalars().all()
    for row in described(entries, households[0].township_id, whole_ledgers=True):
        book = books[row.entry.household_id]
        book.balance += row.entry.points
        row.balance = book.balance
        book.rows.append(row)
    return list(books.values())


def group_households(group: VillagerGroup) -> list[Household]:
    """A group's households in 户号 order, inactive ones too (their points still count)."""
    return db.session.execute(db.select(Household).where(Household.group_id == group.id)
                              .order_by(Household.number_sort, Household.id)).scalars().all()

