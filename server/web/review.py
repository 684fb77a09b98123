"""Supervisor pages: the review queue, an inspection with its evidence, the actions,
conflicts and duplicates. Rankings, publishing and exports: review_rankings.py."""
from collections import defaultdict

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from sync.flags import INSPECTION_FLAGS, PHOTO_FLAGS
from sync.geo import distance_m
from sync.ids import is_sha256
from sync.shapes import parse_time

from ..auth import roles_required
from ..photos.access import may_read, received
from ..photos.serving import VARIANTS, serve_variant
from ..errors import Problem, Problems
from ..extensions import db
from ..i18n import format_datetime
from ..models import (REVIEW_STATES, AuditEntry, Comment, Inspection, Photo, Round, User,
                      Village, VillagerGroup)
from ..review.actions import (admit_inspection, conflict_choices, duplicate_assessments,
                              resolve_conflict, review_inspection, review_photo)
from ..review.resubmissions import changes_since_review, resubmitted_ids
from ..review.scoring import rubrics_for, scored
from ..scope import id_arg, in_township
from .blueprints import review as bp
from .flashes import flash_problems, problems_text

SUPERVISORS = ("supervisor", "admin")
PAGE_SIZE = 100


@bp.app_template_filter("rv_time")
def format_time_text(value: str | None) -> str:
    """An ISO 8601 time as the phone sent it, shown in township time."""
    parsed = parse_time(value) if value else None
    return format_datetime(parsed) if parsed else "—"


def _json_contains(column, code: str):
    # Flags are short JSON lists of known codes: a text match works on SQLite and PostgreSQL.
    return sa.cast(column, sa.Text).like(f'%"{code}"%')


def queue_filters() -> dict:
    state = request.args.get("state")
    flag = request.args.get("flag")
    return {"round": id_arg("round"), "village": id_arg("village"),
            "group": id_arg("group"), "inspector": id_arg("inspector"),
            "state": state if state in REVIEW_STATES else None,
            "flag": flag if flag in INSPECTION_FLAGS + PHOTO_FLAGS else None}


def filtered(query, filters: dict, with_state: bool = True):
    query = query.where(Inspection.township_id == current_user.township_id)
    if filters["round"]:
        query = query.where(Inspection.round_id == filters["round"])
    if filters["group"]:
        query = query.where(Inspection.group_id == filters["group"])
    if filters["village"]:
        query = query.where(Inspection.group_id.in_(
            db.select(VillagerGroup.id).where(VillagerGroup.village_id == filters["village"])))
    if filters["inspector"]:
        query = query.where(Inspection.inspector_id == filters["inspector"])
    if with_state and filters["state"]:
        query = query.where(Inspection.review_state == filters["state"])
    flag = filters["flag"]
    if flag in INSPECTION_FLAGS:
        query = query.where(_json_contains(Inspection.flags, flag))
    elif flag:
        query = query.where(sa.exists().where(Photo.inspection_id == Inspection.id,
                                              _json_contains(Photo.flags, flag)))
    return query


@bp.route("/")
@roles_required(*SUPERVISORS)
def queue():
    filters = queue_filters()
    page = request.args.get("page", "")
    counts = dict(db.session.execute(filtered(
        db.select(Inspection.review_state, sa.func.count()), filters, with_state=False)
        .group_by(Inspection.review_state)).all())
    total = counts.get(filters["state"], 0) if filters["state"] else sum(counts.values())
    pages = max(1, -(-total // PAGE_SIZE))
    # A page past the end (however far) shows the last one.
    page = min(int(page), pages) if page.isdigit() and int(page) > 0 else 1
    inspections = queue_page(filters, page)
    township_id = current_user.township_id
    choices = {
        "rounds": db.session.execute(db.select(Round).where(Round.township_id == township_id)
                                     .order_by(Round.starts_on.desc())).scalars().all(),
        "villages": db.session.execute(db.select(Village).where(
            Village.township_id == township_id).order_by(Village.id)).scalars().all(),
        "inspectors": db.session.execute(db.select(User).where(
            User.township_id == township_id, User.role == "inspector")
            .order_by(User.username)).scalars().all(),
        "states": REVIEW_STATES, "flags": INSPECTION_FLAGS + tuple(
            f for f in PHOTO_FLAGS if f not in INSPECTION_FLAGS),
    }
    group = db.session.get(VillagerGroup, filters["group"]) if filters["group"] else None

    def queue_url(**changes):
        args = {k: v for k, v in {**filters, "page": page, **changes}.items() if v}
        return url_for("review.queue", **args)

    return render_template(
        "web/review_queue.html", inspections=inspections, filters=filters, counts=counts,
        resubmitted=resubmitted_ids(inspections),
        total=total, page=page, pages=pages, choices=choices,
        group=group if group and group.village.township_id == township_id else None,
        queue_url=queue_url)


def queue_page(filters: dict, page: int) -> list[Inspection]:
    """One page of the queue, newest first. The page's ids are found first, read in the
    order of an index (township, [state,] received_at, id), and only those rows are
    loaded whole: sorting every row of years of inspections to skip to page 30 would
    read them all."""
    ids = db.session.execute(
        filtered(db.select(Inspection.id), filters)      # ties newest id first: one direction
        .order_by(Inspection.received_at.desc(), Inspection.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).scalars().all()
    rows = db.session.execute(
        db.select(Inspection).where(Inspection.id.in_(ids))
        .options(joinedload(Inspection.group).joinedload(VillagerGroup.village),
                 joinedload(Inspection.inspector), joinedload(Inspection.round))).scalars().all()
    order = {inspection_id: n for n, inspection_id in enumerate(ids)}
    return sorted(rows, key=lambda inspection: order[inspection.id])


# ---- one inspection ------------------------------------------------------------------

def photo_facts(photo: Photo, group: VillagerGroup, present: set) -> dict:
    gps = photo.gps or {}
    distance = None
    if gps.get("lat") is not None and group.lat is not None:
        distance = distance_m(gps["lat"], gps["lon"], group.lat, group.lon)
    return {"photo": photo, "captured_at": parse_time(photo.captured_at), "gps": gps,
            "distance_m": distance, "present": photo.sha256 in present}


def inspection_view(inspection: Inspection) -> dict:
    others = db.session.execute(db.select(Inspection).where(
        Inspection.round_id == inspection.round_id, Inspection.group_id == inspection.group_id,
        Inspection.id != inspection.id).order_by(Inspection.received_at)
        .options(joinedload(Inspection.inspector), selectinload(Inspection.photos))
    ).scalars().all()
    rubrics = rubrics_for([inspection, *others])
    rubric = rubrics[inspection.rubric_version]
    mine = scored(inspection, rubrics)
    score, void = mine.score, mine.void
    present = {sha for sha, _ in received(
        (p.sha256, inspection.inspector_id) for p in inspection.photos)}
    by_key = defaultdict(list)
    for photo in inspection.photos:
        by_key[(photo.criterion, photo.item)].append(photo_facts(photo, inspection.group, present))
    criteria = []
    for c in rubric["criteria"]:
        entry = (inspection.criteria or {}).get(c["key"]) or {}
        counts = entry.get("deductions") or {}
        items = [{"item": i, "count": counts[i["key"]],
                  "points": i["points"] * (counts[i["key"]] if i["kind"] == "each" else 1),
                  "void": (c["key"], i["key"]) in void,
                  "photos": by_key.pop((c["key"], i["key"]), [])}
                 for i in c["items"] if counts.get(i["key"])]
        criteria.append({"criterion": c, "na": bool(entry.get("na")), "note": entry.get("note"),
                         "score": score.criterion_scores.get(c["key"]), "items": items,
                         "photos": by_key.pop((c["key"], None), [])})
    photo_ids = [p.id for p in inspection.photos]
    history = db.session.execute(db.select(AuditEntry).where(
        ((AuditEntry.entity_type == "inspection") & (AuditEntry.entity_id == inspection.id))
        | ((AuditEntry.entity_type == "photo") & AuditEntry.entity_id.in_(photo_ids or [""])))
        .order_by(AuditEntry.id)).scalars().all()
    return {
        "inspection": inspection, "rubric": rubric, "score": score, "criteria": criteria,
        "leftover_photos": [p for photos in by_key.values() for p in photos],
        "others": [(other, scored(other, rubrics).score) for other in others],
        "comments": db.session.execute(db.select(Comment).where(
            Comment.inspection_id == inspection.id).order_by(Comment.id)).scalars().all(),
        "history": history, "photo_flags": PHOTO_FLAGS,
        "resubmission": changes_since_review(inspection),
        "gps": inspection.gps or {},
        "gps_distance": distance_m(inspection.gps["lat"], inspection.gps["lon"],
                                   inspection.group.lat, inspection.group.lon)
        if (inspection.gps or {}).get("lat") is not None and inspection.group.lat is not None
        else None,
    }


@bp.route("/inspections/<inspection_id>")
@roles_required(*SUPERVISORS)
def inspection(inspection_id: str):
    found = in_township(Inspection, inspection_id, current_user)
    return render_template("web/review_inspection.html", **inspection_view(found))


@bp.route("/inspections/<inspection_id>/review", methods=["POST"])
@roles_required(*SUPERVISORS)
def review_an_inspection(inspection_id: str):
    found = in_township(Inspection, inspection_id, current_user, lock=True)
    try:
        review_inspection(found, current_user, request.form.get("state", ""),
                          request.form.get("comment"))
    except Problems as exc:
        flash_problems(exc)
        return redirect(url_for("review.inspection", inspection_id=inspection_id), 303)
    flash("rv.saved")
    return redirect(request.form.get("next") if request.form.get("next", "").startswith(
        "/review/") else url_for("review.inspection", inspection_id=inspection_id), 303)


@bp.route("/inspections/<inspection_id>/admit", methods=["POST"])
@roles_required(*SUPERVISORS)
def admit(inspection_id: str):
    """A late inspection counts from now on."""
    found = in_township(Inspection, inspection_id, current_user, lock=True)
    try:
        admit_inspection(found, current_user, request.form.get("reason"))
    except Problems as exc:
        flash_problems(exc)
    else:
        flash("rv.admitted_now")
    return redirect(url_for("review.inspection", inspection_id=inspection_id), 303)


@bp.route("/photos/<photo_id>/review", methods=["POST"])
@roles_required(*SUPERVISORS)
def review_a_photo(photo_id: str):
    photo = in_township(Photo, photo_id, current_user, lock=True)
    inspection_id = photo.inspection_id
    try:
        review_photo(photo, current_user, request.form.get("accepted") == "1",
                     request.form.get("reason"))
    except Problems as exc:
        flash_problems(exc)
        return redirect(url_for("review.inspection", inspection_id=inspection_id), 303)
    flash("rv.saved")
    return redirect(url_for("review.inspection", inspection_id=inspection_id,
                            _anchor=f"photo-{photo_id}"), 303)


@bp.route("/blobs/<sha>/<variant>")
@roles_required(*SUPERVISORS)
def blob(sha: str, variant: str):
    """Photo bytes for signed-in supervisors (the API's GET /blobs takes a bearer token):
    the same rule, the photos of inspections and rechecks of their township."""
    allowed = variant in VARIANTS and is_sha256(sha) and may_read(current_user, sha, variant)
    return serve_variant(sha, variant, allowed)


# ---- conflicts and duplicates --------------------------------------------------------

@bp.route("/conflicts")
@roles_required(*SUPERVISORS)
def conflicts():
    township_id = current_user.township_id
    round_id = id_arg("round")
    query = db.select(Inspection).where(Inspection.township_id == township_id,
                                        Inspection.has_conflict.is_(True))
    if round_id:
        query = query.where(Inspection.round_id == round_id)
    conflicted = db.session.execute(query.order_by(Inspection.updated_at.desc())).scalars().all()
    found = duplicate_assessments(township_id, round_id)
    rubrics = rubrics_for(i for same in found for i in same)
    duplicates = [[(i, scored(i, rubrics).score) for i in same] for same in found]
    return render_template("web/review_conflicts.html", conflicted=conflicted,
                           duplicates=duplicates)


@bp.route("/inspections/<inspection_id>/conflict", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def conflict(inspection_id: str):
    found = in_township(Inspection, inspection_id, current_user,
                                lock=request.method == "POST")
    error, status = None, 200
    if request.method == "POST":
        choices = {key[len("choice:"):]: value for key, value in request.form.items()
                   if key.startswith("choice:")}
        try:
            resolve_conflict(found, current_user, choices, request.form.get("reason", ""))
            flash("rv.conflict_resolved")
            return redirect(url_for("review.inspection", inspection_id=inspection_id), 303)
        except Problems as exc:
            error, status = problems_text(exc), 400
        except Problem as exc:
            if exc.status != 409:
                raise
            status = 409  # resolved meanwhile: the page says there is no open conflict
        db.session.rollback()  # before reading the inspection again, as it is stored
        found = in_township(Inspection, inspection_id, current_user)
    users = {u.id: u for u in db.session.execute(db.select(User).where(
        User.township_id == current_user.township_id)).scalars()}
    return render_template("web/review_conflict.html", inspection=found,
                           leaves=conflict_choices(found), users=users,
                           error=error), status

