"""Villages and villager groups from a UTF-8 CSV: all lines or nothing; and the same
CSV out (the export reads back as "no changes").

Columns (header required): village, village_en, group, group_en, lat, lon.
Only `village` and `group` must be filled. Every line is checked before anything is
written, so a refused file leaves the database (and the phones' change log) untouched.
A preview says what an import would change before anything is written.
"""
import csv
import io
from dataclasses import dataclass, field

from ..audit import record_audit
from ..changes import record_change
from ..extensions import db
from ..models import Village, VillagerGroup
from ..errors import Problem, Problems, name_problem
from ..review.exports import FORMULA_STARTS, to_csv

# One line per group, in this order, for the import and the export alike.
COLUMNS = ("village", "village_en", "group", "group_en", "lat", "lon")
# Where each name of a line is stored: the columns' sizes are the length rule.
NAME_COLUMNS = {
    "village": Village.__table__.c.name, "village_en": Village.__table__.c.name_en,
    "group": VillagerGroup.__table__.c.name, "group_en": VillagerGroup.__table__.c.name_en,
}
RANGES = {"lat": (-90, 90), "lon": (-180, 180)}
MIB = 1024 * 1024
# An upload larger than this is not a township's list of places, nor of households.
MAX_CSV_BYTES = 2 * MIB
# The most bad lines one check lists: a file of thousands of them (the wrong file, say)
# is told by its first ones, and listing every one would outlast the request.
MAX_LINE_PROBLEMS = 100


@dataclass
class ImportResult:
    villages: int = 0
    groups: int = 0


@dataclass
class PlaceChange:
    """What importing one line does: kind is new_village, new_group, changed or
    unchanged; `changes` is {column: (stored, imported)} of a changed group."""
    village: str
    group: str
    kind: str
    changes: dict = field(default_factory=dict)


@dataclass
class Preview:
    lines: list[PlaceChange]

    def count(self, kind: str) -> int:
        return sum(1 for line in self.lines if line.kind == kind)

    @property
    def changes_anything(self) -> bool:
        return any(line.kind != "unchanged" for line in self.lines)


def _number(row: dict, name: str, line: int, problems: list[Problem]) -> float | None:
    text = (row.get(name) or "").strip()
    if not text:
        return None
    low, high = RANGES[name]
    try:
        value = float(text)
    except ValueError:
        problems.append(Problem("not_number", {"name": name, "value": text}, line))
        return None
    if not low <= value <= high:  # NaN included: it compares false
        problems.append(Problem("out_of_range", {"name": name, "value": value,
                                                 "low": low, "high": high}, line))
    return value


def unquoted(text: str) -> str:
    """The export's quote before text a spreadsheet would run as a formula, taken off
    again (server/review/exports.cell), so an exported file reads back unchanged."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def place_row(group: VillagerGroup) -> dict:
    """A stored group as a parsed line has it (COLUMNS' keys)."""
    return {"village": group.village.name, "village_en": group.village.name_en,
            "group": group.name, "group_en": group.name_en, "lat": group.lat, "lon": group.lon}


def township_places(township_id: int) -> list[VillagerGroup]:
    return db.session.execute(
        db.select(VillagerGroup).join(Village).where(Village.township_id == township_id)
        .order_by(Village.id, VillagerGroup.id)).scalars().all()


def export_places(township_id: int) -> io.BytesIO:
    """The township's villages and groups as the import reads them (formulas neutralised
    as in every export)."""
    rows = [list(COLUMNS)] + [[place_row(g)[c] for c in COLUMNS]
                              for g in township_places(township_id)]
    return to_csv(rows)


def _row(row: dict, line: int, seen: set, problems: list[Problem]) -> dict | None:
    """One line as the names and numbers to store; its problems go to `problems`."""
    if None in row:
        problems.append(Problem("extra_values", line=line))
        return None
    names = {name: unquoted((row.get(name) or "").strip()) for name in NAME_COLUMNS}
    if not names["village"] or not names["group"]:
        problems.append(Problem("empty", line=line))
        return None
    problems.extend(p for p in (name_problem(value, NAME_COLUMNS[name], line=line,
                                             params={"column": name})
                                for name, value in names.items()) if p)
    if (names["village"], names["group"]) in seen:
        problems.append(Problem("twice", {"village": names["village"],
                                          "group": names["group"]}, line))
    seen.add((names["village"], names["group"]))
    return {**{name: value or None for name, value in names.items()},
            "lat": _number(row, "lat", line, problems), "lon": _number(row, "lon", line, problems)}


def read_csv(raw: bytes, required: tuple[str, ...], read_row) -> list:
    """The rows of an uploaded CSV (UTF-8, a BOM allowed; a header naming `required`),
    each as read_row(row, line, problems) makes it: None for a bad line, whose problems it
    adds. Raises Problems listing every bad line, or for a file without rows. The places
    and the households imports both read their files this way."""
    try:
        text = raw.decode("utf-8-sig")  # Excel and WPS write a BOM
    except UnicodeDecodeError:
        raise Problems([Problem("not_utf8")]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        missing = [c for c in required if c not in (reader.fieldnames or [])]
    except csv.Error:
        raise Problems([Problem("unreadable", line=1)]) from None
    if missing:
        raise Problems([Problem("missing_columns", {"columns": ", ".join(missing)})])
    problems, rows = [], []
    try:
        for row in reader:
            # A quoted value may span lines: a row is named by the line it ends on.
            parsed = read_row(row, reader.line_num, problems)
            if parsed:
                rows.append(parsed)
            if len(problems) >= MAX_LINE_PROBLEMS:
                problems.append(Problem("too_many_line_problems", {"max": MAX_LINE_PROBLEMS}))
                break
    except csv.Error:  # e.g. a value larger than the csv module's field limit
        # line_num counts the lines read whole: the bad record starts on the next one.
        problems.append(Problem("unreadable", line=reader.line_num + 1))
    if problems:
        raise Problems(problems)
    if not rows:
        raise Problems([Problem("no_rows")])
    return rows


def too_large_file(code: str) -> Problems:
    """An upload over MAX_CSV_BYTES: the contract's 413 too_large, worded for the file
    it is (`code`: places_file_too_large or households_file_too_large) on `file`."""
    problem = Problem(code, {"max": MAX_CSV_BYTES // MIB}, field="file", status=413)
    return Problems([problem], code="too_large", message=problem.text("en"))


def parse_places(raw: bytes) -> list[dict]:
    """The CSV's rows as dicts, or Problems listing every bad line."""
    seen: set = set()
    return read_csv(raw, ("village", "group"),
                    lambda row, line, problems: _row(row, line, seen, problems))


def _stored(township_id: int) -> dict[str, Village]:
    return {v.name: v for v in db.session.execute(
        db.select(Village).where(Village.township_id == township_id)).scalars()}


def _line_change(village: Village | None, row: dict) -> PlaceChange:
    change = PlaceChange(row["village"], row["group"], "new_village")
    if village is None:
        return change
    group = next((g for g in village.groups if g.name == row["group"]), None)
    if group is None:
        change.kind = "new_group"
        return change
    stored = place_row(group)
    # An empty English village name keeps the stored one (see import_places).
    wanted = {**row, "village_en": row["village_en"] or stored["village_en"]}
    change.changes = {c: (stored[c], wanted[c]) for c in COLUMNS if stored[c] != wanted[c]}
    change.kind = "changed" if change.changes else "unchanged"
    return change


def preview_places(township_id: int, raw: bytes) -> Preview:
    """What import_places would do with this file, line by line; writes nothing.
    Problems as the import would."""
    rows = parse_places(raw)
    villages = _stored(township_id)
    lines, new_villages = [], set()
    for row in rows:
        line = _line_change(villages.get(row["village"]), row)
        if line.kind == "new_village" and row["village"] in new_villages:
            line.kind = "new_group"  # the village is new with an earlier line
        new_villages.add(row["village"])
        lines.append(line)
    return Preview(lines)


def import_places(township_id: int, raw: bytes, filename: str | None = None) -> ImportResult:
    """Adds new villages and groups; existing ones (same name) are updated in place.

    Raises Problems before writing anything. Records the changes for the phones
    and the audit entry; does not commit (the caller does)."""
    rows = parse_places(raw)
    result = ImportResult()
    villages = _stored(township_id)
    for row in rows:
        village = villages.get(row["village"])
        if village is None:
            village = villages[row["village"]] = Village(
                township_id=township_id, name=row["village"], name_en=row["village_en"])
            db.session.add(village)
            result.villages += 1
        elif row["village_en"]:
            village.name_en = row["village_en"]
        group = next((g for g in village.groups if g.name == row["group"]), None)
        if group is None:
            group = VillagerGroup(name=row["group"])
            village.groups.append(group)
            result.groups += 1
        group.name_en, group.lat, group.lon = row["group_en"], row["lat"], row["lon"]
        db.session.flush()  # ids for the change log
        record_change(db.session, "village", village.id, township_id)
        record_change(db.session, "group", group.id, township_id)
    record_audit("import_places", "township", township_id, township_id=township_id,
                 detail={"file": filename, "villages": result.villages, "groups": result.groups})
    return result
