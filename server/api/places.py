"""Villages and groups for admins: the CSV out and in (with a preview first), and a
group's reference point (rules: server/admin/places.py, server/admin/references.py)."""
from flask import request, send_file
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from ..admin import places as rules
from ..admin import references
from ..auth import authenticate, roles_required
from ..errors import Problem, Problems
from ..models import VillagerGroup
from ..scope import in_township

blp = Blueprint("api_places", __name__, description="Villages, groups and reference points")


class ImportQuery(Schema):
    dry_run = fields.Boolean(load_default=False, metadata={
        "description": "only say what the import would change"})


class ImportFile(Schema):
    file = Upload(metadata={"description": "the CSV (or send it as the whole body)"})


class LineChange(Schema):
    village = fields.String()
    group = fields.String()
    kind = fields.String(metadata={"description": "new_village, new_group, changed, unchanged"})
    changes = fields.Dict(keys=fields.String(), values=fields.List(fields.Raw()),
                          metadata={"description": "{column: [stored, imported]}"})


class ImportOut(Schema):
    dry_run = fields.Boolean()
    changes_anything = fields.Boolean()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    lines = fields.List(fields.Nested(LineChange))


class ReferenceIn(Schema):
    lat = fields.Float(required=True, allow_none=True, allow_nan=False)
    lon = fields.Float(required=True, allow_none=True, allow_nan=False)


class GroupOut(Schema):
    id = fields.Integer()
    village_id = fields.Integer()
    name = fields.String()
    name_en = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    inspections = fields.Integer(allow_none=True, metadata={
        "description": "how many GPS fixes it rests on; null for a point typed in"})


KINDS = ("new_village", "new_group", "changed", "unchanged")


def group_out(group: VillagerGroup, inspections: int | None = None) -> dict:
    return {"id": group.id, "village_id": group.village_id, "name": group.name,
            "name_en": group.name_en, "lat": group.lat, "lon": group.lon,
            "inspections": inspections}


def uploaded_csv(upload, too_large: str = "places_file_too_large") -> tuple[bytes, str | None]:
    """The file of a multipart upload (field `file`), or else the raw body; over
    rules.MAX_CSV_BYTES, 413 too_large in the words of `too_large` (which file it is)."""
    raw = upload.read(rules.MAX_CSV_BYTES + 1) if upload else request.get_data(cache=False)
    if len(raw) > rules.MAX_CSV_BYTES:
        raise rules.too_large_file(too_large)
    return raw, upload.filename if upload else None


def in_file(problems: Problems) -> Problems:
    """The import's problems, answered under the upload's field (`file`)."""
    return Problems(Problem(p.code, p.params, p.line, "file") for p in problems.problems)


def answer_import(query: dict, files: dict, preview, apply, kinds: tuple,
                  too_large: str = "places_file_too_large") -> dict:
    """An import's answer (ImportOut's shape): the upload previewed, and imported (all
    lines or nothing) unless it is a dry run; its problems answered under `file`.
    preview(township_id, raw) and apply(township_id, raw, filename) are the import's
    rules."""
    township_id = authenticate().township_id
    raw, filename = uploaded_csv(files.get("file"), too_large)
    try:
        found = preview(township_id, raw)
        if not query["dry_run"]:
            apply(township_id, raw, filename)
    except Problems as problems:
        raise in_file(problems) from None
    return {"dry_run": query["dry_run"], "changes_anything": found.changes_anything,
            "counts": {kind: found.count(kind) for kind in kinds}, "lines": found.lines}


@blp.route("/places.csv")
@roles_required("admin")
@blp.response(200, content_type="text/csv", description="the import's columns, one line a group")
def export_places():
    return send_file(rules.export_places(authenticate().township_id), mimetype="text/csv",
                     as_attachment=True, download_name="places.csv")


@blp.route("/places/import", methods=["POST"])
@roles_required("admin")
@blp.arguments(ImportQuery, location="query")
@blp.arguments(ImportFile, location="files")
@blp.response(200, ImportOut)
def import_places(query, files):
    """The CSV (multipart `file`, or the body): with dry_run, what it would change;
    without, imported (all lines or nothing)."""
    return answer_import(query, files, rules.preview_places, rules.import_places, KINDS)


@blp.route("/groups/<int:group_id>/reference", methods=["PUT"])
@roles_required("admin")
@blp.arguments(ReferenceIn)
@blp.response(200, GroupOut)
def set_reference(body, group_id):
    """Both numbers, or both null to clear the point."""
    group = in_township(VillagerGroup, group_id, authenticate())
    references.set_reference(group, body["lat"], body["lon"])
    return group_out(group)


@blp.route("/groups/<int:group_id>/reference/from-inspections", methods=["POST"])
@roles_required("admin")
@blp.response(200, GroupOut)
def reference_from_inspections(group_id):
    """The median GPS of the group's inspections (409 no_inspection_gps if none has one)."""
    group = in_township(VillagerGroup, group_id, authenticate())
    count = references.reference_from_inspections(group)
    return group_out(group, count)
