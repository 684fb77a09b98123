"""Households (户) of a township: listed by group, out and in as a CSV with the places
import's preview-then-confirm flow, and as the phones pull them.

Columns (header required): village, group, number, head, members, active.
`village`, `group`, `number` and `head` must be filled; the village and group must
exist already (places come from the places import). `members` is an optional whole
number ≥ 0; `active` an optional 1 or 0 (a new household without it is active, a stored
one keeps what it had). Every line is checked before anything is written; an import
adds and updates, never deletes; an unedited export reads back as no changes.
"""
import io
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..audit import record_audit
from ..changes import record_change
from ..errors import Problem, name_problem
from ..extensions import db
from ..models import Household, Village, VillagerGroup
from ..points.ledger import balance_of as ledger_balance
from ..review.exports import to_csv
from .places import Preview, read_csv, unquoted  # a Preview of HouseholdChanges here

# One line per household, in this order, for the import and the export alike.
COLUMNS = ("village", "group", "number", "head", "members", "active")
REQUIRED = ("village", "group", "number", "head")
# Where each text of a line is stored: the columns' sizes are the length rule.
TEXT_COLUMNS = {
    "village": Village.__table__.c.name, "group": VillagerGroup.__table__.c.name,
    "number": Household.__table__.c.number, "head": Household.__table__.c.head,
}
# No household has more members; a larger number is a typing slip.
MEMBERS_MAX = 999
FLAGS = {"1": True, "0": False}
# The most lines a page shows at once.
PAGE_SIZE = 50


def balance_of(household: Household) -> int:
    """The household's points balance: the sum of its ledger entries."""
    return ledger_balance(household.id)


def household_data(household: Household, balance: int | None = None) -> dict:
    """A household as the API answers it and the phones pull it (type `household`);
    `balance` if read already (balances_of, for a list)."""
    return {"id": household.id, "group_id": household.group_id, "number": household.number,
            "head": household.head, "members": household.members,
            "active": household.active,
            "balance": balance_of(household) if balance is None else balance}


# Listing --------------------------------------------------------------------------------

def households_of(township_id: int, group_id: int | None = None) -> list[Household]:
    """The township's households (or one group's), by group and number."""
    query = db.select(Household).where(Household.township_id == township_id)
    if group_id is not None:
        query = query.where(Household.group_id == group_id)
    return db.session.execute(
        query.order_by(Household.group_id, Household.number_sort, Household.id)).scalars().all()


@dataclass
class Listing:
    rows: list[tuple[Household, VillagerGroup, Village]]
    total: int
    page: int
    pages: int


def contains_pattern(text: str) -> str:
    """`text` as a LIKE pattern matching it anywhere, its wildcards taken literally (with
    escape="\\"). A NUL, which no name holds and PostgreSQL refuses in a query, is
    dropped."""
    escaped = text.replace("\x00", "").replace("\\", "\\\\").replace("%", "\\%") \
        .replace("_", "\\_")
    return f"%{escaped}%"


def list_households(township_id: int, *, village_id: int | None = None,
                    group_id: int | None = None, search: str = "",
                    page: int = 1, page_size: int = PAGE_SIZE) -> Listing:
    """One page of the township's households by village, group and number; `search`
    finds a 户号 or a 户主 containing it. Paged in the database: a township holds
    thousands of households."""
    query = (db.select(Household, VillagerGroup, Village)
             .join(VillagerGroup, Household.group_id == VillagerGroup.id)
             .join(Village, VillagerGroup.village_id == Village.id)
             .where(Household.township_id == township_id))
    if village_id is not None:
        query = query.where(VillagerGroup.village_id == village_id)
    if group_id is not None:
        query = query.where(Household.group_id == group_id)
    search = search.strip()
    if search:
        pattern = contains_pattern(search)
        query = query.where(sa.or_(Household.number.like(pattern, escape="\\"),
                                   Household.head.like(pattern, escape="\\")))
    total = db.session.execute(
        db.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    rows = db.session.execute(
        query.order_by(Village.id, VillagerGroup.id, Household.number_sort, Household.id)
        .limit(page_size).offset((page - 1) * page_size)).all()
    return Listing([tuple(row) for row in rows], total, page, pages)


# The CSV out -----------------------------------------------------------------------------

def household_row(household: Household, group: VillagerGroup, village: Village) -> dict:
    """A stored household as a parsed line has it (COLUMNS' keys)."""
    return {"village": village.name, "group": group.name, "number": household.number,
            "head": household.head, "members": household.members,
            "active": household.active}


def export_households(township_id: int) -> io.BytesIO:
    """The township's households as the import reads them (formulas neutralised as in
    every export; `active` as 1 or 0)."""
    rows = db.session.execute(
        db.select(Household, VillagerGroup, Village)
        .join(VillagerGroup, Household.group_id == VillagerGroup.id)
        .join(Village, VillagerGroup.village_id == Village.id)
        .where(Household.township_id == township_id)
        .order_by(Village.id, VillagerGroup.id, Household.number_sort, Household.id)).all()
    lines = [list(COLUMNS)]
    for household, group, village in rows:
        row = household_row(household, group, village)
        row["active"] = 1 if row["active"] else 0
        lines.append([row[c] for c in COLUMNS])
    return to_csv(lines)


# The CSV in ------------------------------------------------------------------------------

@dataclass
class HouseholdChange:
    """What importing one line does: kind is new, changed or unchanged; `changes` is
    {column: (stored, imported)} of a changed household."""
    village: str
    group: str
    number: str
    kind: str
    changes: dict = field(default_factory=dict)


@dataclass
class ImportResult:
    added: int = 0
    changed: int = 0


def _members(text: str, line: int, problems: list[Problem]) -> int | None:
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):
        problems.append(Problem("not_a_count", {"column": "members", "value": text}, line))
        return None
    value = int(text[:6])  # a longer run of digits is out of range anyway
    if len(text) > 6 or value > MEMBERS_MAX:
        problems.append(Problem("out_of_range", {"name": "members", "value": text,
                                                 "low": 0, "high": MEMBERS_MAX}, line))
        return None
    return value


def _active(text: str, line: int, problems: list[Problem]) -> bool | None:
    if not text:
        return None
    if text not in FLAGS:
        problems.append(Problem("not_a_flag", {"column": "active", "value": text}, line))
        return None
    return FLAGS[text]


def _row(row: dict, line: int, groups: dict, seen: set, problems: list[Problem]) -> dict | None:
    """One line as the household to store; its problems go to `problems`."""
    if None in row:
        problems.append(Problem("extra_values", line=line))
        return None
    texts = {name: unquoted((row.get(name) or "").strip()) for name in TEXT_COLUMNS}
    blank = [name for name in REQUIRED if not texts[name]]
    if blank:
        problems.append(Problem("blank", {"columns": ", ".join(blank)}, line))
        return None
    found = [p for p in (name_problem(value, TEXT_COLUMNS[name], line=line,
                                      params={"column": name})
                         for name, value in texts.items()) if p]
    members = _members((row.get("members") or "").strip(), line, found)
    active = _active((row.get("active") or "").strip(), line, found)
    group = groups.get((texts["village"], texts["group"]))
    names_fine = not any(p.params.get("column") in ("village", "group") for p in found)
    if group is None and names_fine:
        found.append(Problem("unknown_group", {"village": texts["village"],
                                               "group": texts["group"]}, line))
    key = (texts["village"], texts["group"], texts["number"])
    if key in seen:
        found.append(Problem("household_twice", dict(zip(("village", "group", "number"), key)),
                             line))
    seen.add(key)
    problems.extend(found)
    if found:
        return None
    return {**texts, "group_id": group.id, "members": members, "active": active}


def _groups(township_id: int) -> dict[tuple[str, str], VillagerGroup]:
    return {(village.name, group.name): group for group, village in db.session.execute(
        db.select(VillagerGroup, Village).join(Village)
        .where(Village.township_id == township_id)).all()}


def parse_households(township_id: int, raw: bytes) -> list[dict]:
    """The CSV's rows as dicts, or Problems listing every bad line."""
    groups, seen = _groups(township_id), set()
    return read_csv(raw, REQUIRED,
                    lambda row, line, problems: _row(row, line, groups, seen, problems))


def _stored(township_id: int) -> dict[tuple[int, str], Household]:
    return {(h.group_id, h.number): h for h in db.session.execute(
        db.select(Household).where(Household.township_id == township_id)).scalars()}


def _wanted(row: dict, household: Household | None) -> dict:
    """The line's values, with an empty `active` keeping what is stored."""
    active = row["active"]
    if active is None:
        active = household.active if household else True
    return {"members": row["members"], "active": active, "head": row["head"]}


def _line_change(row: dict, household: Household | None) -> HouseholdChange:
    change = HouseholdChange(row["village"], row["group"], row["number"], "new")
    if household is None:
        return change
    wanted = _wanted(row, household)
    stored = {"head": household.head, "members": household.members,
              "active": household.active}
    change.changes = {c: (stored[c], wanted[c]) for c in ("head", "members", "active")
                      if stored[c] != wanted[c]}
    change.kind = "changed" if change.changes else "unchanged"
    return change


def preview_households(township_id: int, raw: bytes) -> Preview:
    """What import_households would do with this file, line by line; writes nothing.
    Problems as the import would."""
    rows = parse_households(township_id, raw)
    stored = _stored(township_id)
    return Preview([_line_change(row, stored.get((row["group_id"], row["number"])))
                    for row in rows])


def import_households(township_id: int, raw: bytes, filename: str | None = None) -> ImportResult:
    """Adds new households and updates stored ones (same group and number); deletes none.

    Raises Problems before writing anything. Records the changes for the phones and the
    audit entry; does not commit (the caller does)."""
    rows = parse_households(township_id, raw)
    stored = _stored(township_id)
    result, touched = ImportResult(), []
    for row in rows:
        household = stored.get((row["group_id"], row["number"]))
        change = _line_change(row, household)
        if change.kind == "unchanged":
            continue  # the phones have it already: nothing to pull again
        if household is None:
            household = Household(group_id=row["group_id"], township_id=township_id,
                                  number=row["number"])
            db.session.add(household)
            result.added += 1
        else:
            result.changed += 1
        for column, value in _wanted(row, household).items():
            setattr(household, column, value)
        touched.append(household)
    db.session.flush()  # ids for the change log
    for household in touched:
        record_change(db.session, "household", household.id, township_id)
    record_audit("import_households", "township", township_id, township_id=township_id,
                 detail={"file": filename, "added": result.added, "changed": result.changed})
    return result
