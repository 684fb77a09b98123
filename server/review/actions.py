"""What a supervisor does: review inspections and photos, resolve conflicts.

Each action is audited and records what it changed (record_change: what the phone must
pull again, and what the ranking's cache is keyed by). The caller commits. The API and
the web pages both call these functions, so both behave alike.
"""
from __future__ import annotations

import copy

import sqlalchemy as sa

from sync.merge import content_of
from sync.reasons import Reason
from sync.states import CONFLICT, REJECTED, RESOLVED, REVIEW_DECISIONS

from ..audit import record_audit
from ..changes import record_change
from ..errors import Problem, from_reasons
from ..phones.evidence import refresh_flags
from ..extensions import db
from ..phones.content import apply_content, content_from_row
from ..models import Comment, Inspection, InspectionRevision, Photo, User, utcnow
from .scoring import void_of

MAX_TEXT = 10_000


def required_text(value, field: str, code: str) -> str:
    """The stripped text; `code` says why when there is none."""
    text = (value or "").strip()
    if not text:
        raise from_reasons({field: [Reason(code)]})
    if len(text) > MAX_TEXT:
        raise from_reasons({field: [Reason("too_long", {"max": MAX_TEXT})]})
    return text


def comment_data(comment: Comment) -> dict:
    return {"id": comment.id, "inspection_id": comment.inspection_id,
            "author": comment.author.display_name, "body": comment.body,
            "created_at": comment.created_at.isoformat()}


def review_inspection(inspection: Inspection, user: User, state: str,
                      comment: str | None) -> dict:
    """approved | rejected | has_issues; a comment is required unless approving."""
    if state not in REVIEW_DECISIONS:
        raise from_reasons({"state": [Reason("unknown_state",
                                           {"allowed": ", ".join(REVIEW_DECISIONS)})]})
    if state == "approved" and not (comment or "").strip():
        comment = None
    else:
        comment = required_text(comment, "comment", "comment_required")
    previous = inspection.review_state
    inspection.review_state = state
    inspection.version += 1
    inspection.updated_at = utcnow()
    saved = None
    if comment:
        saved = Comment(inspection_id=inspection.id, author_id=user.id, body=comment,
                        created_at=utcnow())
        db.session.add(saved)
        db.session.flush()
        record_change(db.session, "comment", saved.id, inspection.township_id,
                      owner_id=inspection.inspector_id)
    record_audit("review_inspection", "inspection", inspection.id, reason=comment, user=user,
                 detail={"from": previous, "to": state, "version": inspection.version})
    record_change(db.session, "inspection", inspection.id, inspection.township_id,
                  owner_id=inspection.inspector_id)
    return {"id": inspection.id, "review_state": state, "version": inspection.version,
            "comment": comment_data(saved) if saved else None}


def admit_inspection(inspection: Inspection, user: User, reason: str | None) -> dict:
    """A late inspection (pushed once its round was closed) is counted from now on: the
    round's live ranking changes, a published snapshot never does. A reason is required."""
    reason = required_text(reason, "reason", "reason_required")
    if not inspection.late or inspection.admitted_at is not None:
        raise from_reasons({"id": [Reason("not_late")]})
    inspection.admitted_at, inspection.admitted_by = utcnow(), user.id
    record_audit("admit_inspection", "inspection", inspection.id, reason=reason, user=user,
                 detail={"round_id": inspection.round_id, "version": inspection.version})
    record_change(db.session, "inspection", inspection.id, inspection.township_id,
                  owner_id=inspection.inspector_id)
    return {"id": inspection.id, "late": True,
            "admitted_at": inspection.admitted_at.isoformat(), "admitted_by": user.id}


def deduction_void(photo: Photo) -> bool:
    """True if every photo supporting this photo's deduction has been rejected."""
    return (photo.criterion, photo.item) in void_of(photo.inspection)


def photo_review_data(photo: Photo) -> dict:
    return {"photo_id": photo.id, "inspection_id": photo.inspection_id,
            "accepted": photo.accepted, "reason": photo.review_reason,
            "reviewed_at": photo.reviewed_at.isoformat() if photo.reviewed_at else None,
            "criterion": photo.criterion, "item": photo.item,
            "deduction_void": deduction_void(photo)}


def review_photo(photo: Photo, user: User, accepted: bool, reason: str | None) -> dict:
    """Accept or reject one photo; a reason is required when rejecting. The same decision
    with the same reason again changes nothing and writes no audit entry (a second
    click, a resent form)."""
    if accepted:
        reason = (reason or "").strip()[:MAX_TEXT] or None
    else:
        reason = required_text(reason, "reason", "photo_reason_required")
    inspection = photo.inspection
    if photo.accepted is bool(accepted) and photo.review_reason == reason:
        return photo_review_data(photo)
    photo.accepted, photo.review_reason = bool(accepted), reason
    photo.reviewed_at, photo.reviewed_by = utcnow(), user.id
    db.session.flush()
    data = photo_review_data(photo)
    record_audit("review_photo", "photo", photo.id, reason=reason, user=user,
                 detail={"inspection_id": inspection.id, "accepted": bool(accepted),
                         "criterion": photo.criterion, "item": photo.item,
                         "deduction_void": data["deduction_void"]})
    record_change(db.session, "photo_review", photo.id, inspection.township_id,
                  owner_id=inspection.inspector_id)
    record_change(db.session, "inspection", inspection.id, inspection.township_id,
                  owner_id=inspection.inspector_id)
    return data


# ---- conflicts -----------------------------------------------------------------------

def open_conflicts(inspection: Inspection) -> list[InspectionRevision]:
    """Conflicting revisions received since the last resolution."""
    found = []
    for revision in inspection.revisions:
        if revision.outcome == RESOLVED:
            found = []
        elif revision.outcome == CONFLICT:
            found.append(revision)
    return found


def leaf_value(content: dict, path: str):
    """The value of a merge leaf ("note", "criteria.toilets.deductions.open_pit", ...)."""
    parts = path.split(".")
    if parts[0] != "criteria":
        value = content.get(parts[0])
        return (value or "") if parts[0] == "note" else value
    entry = (content.get("criteria") or {}).get(parts[1]) or {}
    if parts[2] == "deductions":
        return (entry.get("deductions") or {}).get(parts[3], 0) or 0
    if parts[2] == "na":
        return bool(entry.get("na", False))
    return entry.get("note") or ""


def set_leaf(content: dict, path: str, value) -> None:
    parts = path.split(".")
    if parts[0] != "criteria":
        content[parts[0]] = copy.deepcopy(value)
        return
    entry = content.setdefault("criteria", {}).setdefault(
        parts[1], {"na": False, "deductions": {}, "note": ""})
    if parts[2] == "deductions":
        entry.setdefault("deductions", {})[parts[3]] = value
    else:
        entry[parts[2]] = value


def conflict_choices(inspection: Inspection) -> list[dict]:
    """[{path, options: [{key, label, value, revision}]}]: the server value and each
    conflicting revision's value, per conflicting leaf."""
    current = content_from_row(inspection)
    revisions = open_conflicts(inspection)
    paths = []
    for revision in revisions:
        paths.extend(p for p in revision.conflicts if p not in paths)
    out = []
    for path in paths:
        options = [{"key": "server", "value": leaf_value(current, path), "revision": None}]
        for revision in revisions:
            if path in revision.conflicts:
                options.append({"key": str(revision.id), "revision": revision,
                                "value": leaf_value(content_of(revision.payload), path)})
        out.append({"path": path, "options": options})
    return out


def resolve_conflict(inspection: Inspection, user: User, choices: dict, reason: str) -> dict:
    """Pick one option per conflicting leaf ({path: "server" | revision id}), with a
    reason. Stored as a new revision "resolved" from client "server:<user id>"."""
    reason = required_text(reason, "reason", "reason_required")
    available = conflict_choices(inspection)
    if not available:
        raise Problem("conflict", status=409, message="this inspection has no open conflict")
    # A deep copy: the JSON columns track reassignment, not changes made in place.
    content = copy.deepcopy(content_from_row(inspection))
    picked, errors = {}, {}
    for leaf in available:
        wanted = str(choices.get(leaf["path"], "")).strip()
        option = next((o for o in leaf["options"] if o["key"] == wanted), None)
        if option is None:
            errors[f"choices.{leaf['path']}"] = [Reason("choice_required")]
            continue
        set_leaf(content, leaf["path"], option["value"])
        picked[leaf["path"]] = {"from": wanted, "value": option["value"]}
    if errors:
        raise from_reasons(errors)
    base_version = inspection.version
    apply_content(inspection, content)
    inspection.version += 1
    inspection.updated_at = utcnow()
    inspection.has_conflict = False
    db.session.add(InspectionRevision(
        inspection_id=inspection.id, client_id=f"server:{user.id}",
        client_rev=inspection.version, base_version=base_version, user_id=user.id,
        outcome=RESOLVED, version=inspection.version,
        payload={"choices": picked, "reason": reason}, content=content, conflicts=[]))
    db.session.flush()
    refresh_flags(inspection)
    record_audit("resolve_conflict", "inspection", inspection.id, reason=reason, user=user,
                 detail={"choices": picked, "version": inspection.version})
    record_change(db.session, "inspection", inspection.id, inspection.township_id,
                  owner_id=inspection.inspector_id)
    return {"id": inspection.id, "version": inspection.version, "has_conflict": False,
            "resolved": picked}


def duplicate_assessments(township_id: int, round_id: int | None = None) -> list[list[Inspection]]:
    """Groups of two or more not-rejected inspections of the same group and round by
    the same inspector (both count, averaged per inspector; a supervisor may reject one)."""
    keys = db.select(Inspection.round_id, Inspection.group_id, Inspection.inspector_id).where(
        Inspection.township_id == township_id, Inspection.review_state != REJECTED)
    if round_id is not None:
        keys = keys.where(Inspection.round_id == round_id)
    keys = keys.group_by(Inspection.round_id, Inspection.group_id, Inspection.inspector_id) \
        .having(sa.func.count() > 1)
    out = []
    for round_id_, group_id, inspector_id in db.session.execute(keys).all():
        out.append(db.session.execute(db.select(Inspection).where(
            Inspection.round_id == round_id_, Inspection.group_id == group_id,
            Inspection.inspector_id == inspector_id, Inspection.review_state != REJECTED)
            .order_by(Inspection.received_at)).scalars().all())
    return out
