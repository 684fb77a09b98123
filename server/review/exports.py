"""Exports for supervisors: rankings and all scores as XLSX or CSV, photos as a ZIP.

CSV is UTF-8 with a BOM so Excel and WPS open Chinese correctly. Numbers are written
unrounded, exactly as the JSON rankings carry them. The photo ZIP is written to a
temporary file, one photo at a time, never held in memory whole.

Every cell goes through `cell()`: text that a spreadsheet would run as a formula is
written as text (CSV injection). Zip entry names are built from ids and cleaned names
only, so no place name can climb out of the archive's folder.
"""
from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import zipfile

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy.orm import joinedload

from sync.rubric import item_labels

from ..admin.rubrics import rubrics_by_version
from ..extensions import db
from ..i18n import t
from ..models import Blob, Inspection, Photo, User, Village, VillagerGroup
from ..photos.access import author_holds
from ..photos.ingest import blobstore
from .reasons import reason_in
from .scoring import scored_inspections

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
# What Excel and WPS read as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NAME_PART_MAX = 40


def cell(value):
    """The value as an export writes it: text that could start a formula gets a leading
    quote, so it is shown, never run. Numbers (negative ones too) stay numbers. Control
    characters no spreadsheet may hold are dropped (openpyxl would refuse the file)."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def name_part(text: str) -> str:
    """A piece of a zip entry name: letters and digits of any script, '-' and '_';
    slashes, dots, control characters and the like become '_'."""
    return re.sub(r"[^\w-]+", "_", text or "").strip("_")[:NAME_PART_MAX]


def _place(entry: dict, key: str, lang: str) -> str:
    return (lang == "en" and entry.get(f"{key}_en")) or entry[key]


def _yes(value: bool, lang: str) -> str:
    return t("ex.yes", lang) if value else ""


def _tie_break(g: dict, kind: str, precision: int, lang: str) -> str:
    """Which tie-break placed the group below one showing the same score, in words."""
    if not g.get("tie_break"):
        return ""
    return t(f"{kind}.tie_break.{g['tie_break']}", lang,
             score=f"{g['shown_score']:.{precision}f}")


def ranking_table(ranking: dict, lang: str) -> list[list]:
    """Header + one row per ranked group, then the groups not inspected. The shown
    score is the one ranked; the tie-break says why equal shown scores differ in rank."""
    header = [t(f"ex.{c}", lang) for c in (
        "rank", "village", "group", "shown_score", "score", "raw_score", "inspections",
        "inspectors", "list", "low_confidence", "veto", "change", "tie_break", "reason")]
    rows = [header]
    for g in ranking["groups"]:
        rows.append([
            g["rank"], _place(g, "village", lang), _place(g, "name", lang), g["shown_score"],
            g["score"], g["raw_score"], g["inspections"], g["inspectors"],
            t(f"list.{g['list']}", lang) if g["list"] else "",
            _yes(g["low_confidence"], lang), _yes(g["veto"], lang), g["change"],
            _tie_break(g, "rk", ranking["precision"], lang), reason_in(g, lang)])
    for g in ranking["not_inspected"]:
        rows.append(["", _place(g, "village", lang), _place(g, "name", lang), None, None, None,
                     0, 0, t("rk.not_inspected", lang), "", "", None, "", ""])
    return rows


def combined_table(result: dict, lang: str) -> list[list]:
    """Header + one row per group of a combined result, then the groups not ranked."""
    header = [t(f"ex.{c}", lang) for c in (
        "rank", "village", "group", "shown_score", "score", "rounds", "partial", "list", "veto",
        "tie_break", "reason")]
    rows = [header]
    for g in result["groups"]:
        rows.append([
            g["rank"], _place(g, "village", lang), _place(g, "name", lang), g["shown_score"],
            g["score"], g["rounds"], _yes(g["partial"], lang),
            t(f"list.{g['list']}", lang) if g["list"] else "", _yes(g["veto"], lang),
            _tie_break(g, "cb", result["precision"], lang), reason_in(g, lang)])
    for g in result["not_ranked"]:
        rows.append(["", _place(g, "village", lang), _place(g, "name", lang), None, None, 0, "",
                     t("cb.not_ranked", lang), "", "", ""])
    return rows


def scores_table(round_, lang: str) -> list[list]:
    """Every submitted inspection of the round (rejected ones too, marked not counted),
    with its total and each criterion's score as the ranking sees them."""
    rubrics = rubrics_by_version()
    rubric = rubrics[round_.rubric.version]
    keys = [c["key"] for c in rubric["criteria"]]
    label = "label_en" if lang == "en" else "label_zh"
    header = [t(f"ex.{c}", lang) for c in (
        "inspection", "village", "group", "inspector", "review_state", "counted", "total",
        "veto", "void")] + [c[label] for c in rubric["criteria"]]
    rows = [header]
    groups = {g.id: g for g in db.session.execute(
        db.select(VillagerGroup).join(Village).where(Village.township_id == round_.township_id)
        .options(joinedload(VillagerGroup.village))).scalars()}
    names = dict(db.session.execute(db.select(User.id, User.display_name)).all())
    for s in scored_inspections(round_, include_uncounted=True, rubrics=rubrics):
        group = groups[s.group_id]
        rows.append([
            s.id, _place({"v": group.village.name, "v_en": group.village.name_en}, "v", lang),
            _place({"g": group.name, "g_en": group.name_en}, "g", lang),
            names.get(s.inspector_id, ""), t(f"state.{s.review_state}", lang),
            _yes(s.counted, lang), s.score.total, _yes(s.score.veto, lang),
            ", ".join(f"{c}.{i}" for c, i in sorted(s.void)),
        ] + [s.score.criterion_scores.get(k) for k in keys])
    return rows


def to_csv(rows: list[list]) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    for row in rows:
        writer.writerow(["" if v is None else repr(v) if isinstance(v, float) else cell(v)
                         for v in row])
    return io.BytesIO(b"\xef\xbb\xbf" + text.getvalue().encode("utf-8"))


def to_xlsx(sheets: list[tuple[str, list[list]]]) -> io.BytesIO:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        for row in rows:
            sheet.append([cell(v) for v in row])
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


# The tables a round exports as a spreadsheet (besides the photos).
TABLES = ("rankings", "scores")


def spreadsheet(rows: list[list], fmt: str, sheet: str) -> tuple[io.BytesIO, str]:
    """Rows as CSV, or as an XLSX of one sheet; with its mimetype."""
    if fmt == "csv":
        return to_csv(rows), CSV
    return to_xlsx([(sheet, rows)]), XLSX


def photos_zip(round_, lang: str):
    """A temporary file (deleted when closed) holding the round's photos and index.csv."""
    rows = db.session.execute(
        db.select(Photo, Inspection, Blob.mime).join(Inspection)
        # only bytes the record's author holds (photos/access.py): others read as missing
        .outerjoin(Blob, sa.and_(Blob.sha256 == Photo.sha256,
                                 author_holds(Photo.sha256, Inspection.inspector_id)))
        .where(Inspection.round_id == round_.id)
        .options(joinedload(Inspection.group).joinedload(VillagerGroup.village),
                 joinedload(Inspection.inspector))
        .order_by(Inspection.group_id, Inspection.id, Photo.position)).all()
    labels = {(version, *key): label for version, rubric in rubrics_by_version().items()
              for key, label in item_labels(rubric, lang).items()}
    index = [[t(f"ex.{c}", lang) for c in (
        "file", "photo", "inspection", "village", "group", "inspector", "criterion", "item",
        "item_label", "captured_at", "lat", "lon", "accuracy_m", "source", "accepted",
        "review_reason", "flags", "sha256")]]
    out = tempfile.TemporaryFile()
    store = blobstore()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for photo, inspection, mime in rows:
            group = inspection.group
            name = ""
            if mime is not None:
                folder = "-".join([f"{group.id:04d}", name_part(group.village.name),
                                   name_part(group.name)])
                file = "-".join(name_part(part) for part in (
                    inspection.id[:8], photo.criterion, photo.item, photo.id[:8]))
                name = f"photos/{folder}/{file}.{EXTENSIONS.get(mime, 'bin')}"
                with store.open(photo.sha256) as source, archive.open(name, "w") as target:
                    shutil.copyfileobj(source, target, 256 * 1024)
            gps = photo.gps or {}
            accepted = {None: "", True: t("ex.yes", lang), False: t("ex.no", lang)}[photo.accepted]
            index.append([
                name or t("ex.missing", lang), photo.id, inspection.id, group.village.name,
                group.name, inspection.inspector.display_name, photo.criterion,
                photo.item or "", labels.get((inspection.rubric_version, photo.criterion,
                                              photo.item), ""),
                photo.captured_at or "", gps.get("lat"), gps.get("lon"), gps.get("accuracy_m"),
                photo.source, accepted, photo.review_reason or "", " ".join(photo.flags or []),
                photo.sha256])
        archive.writestr("index.csv", to_csv(index).getvalue(),
                         compress_type=zipfile.ZIP_DEFLATED)
    out.seek(0)
    return out
