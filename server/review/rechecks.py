"""A supervisor's review of a recheck (domain.md, "Rectification and re-inspection"):
per item, the fix is accepted (the item is closed off, 销号) or the item is sent back.

Audited, and recorded for pull: the recheck for its inspector, the rectification for
every phone of the township. The caller commits; the API and the pages both call this.
"""
from __future__ import annotations

from sync.reasons import Reason
from sync.rectification import item_key
from sync.states import (APPROVED, HAS_ISSUES, ITEM_CLOSED, ITEM_OPEN, RECEIVED,
                         RECHECK_DECISIONS)

from ..audit import record_audit
from ..changes import record_change
from ..errors import from_reasons
from ..extensions import db
from ..models import Recheck, Rectification, RectificationItem, User, utcnow
from .actions import MAX_TEXT, required_text
from .rectifications import state_of


def locked_rectification(rectification_id: int) -> Rectification:
    """The rectification with its row locked and its items read afresh, so that a push
    marking items fixed and a review closing them off never interleave."""
    fresh = {"populate_existing": True}
    rectification = db.session.execute(
        db.select(Rectification).where(Rectification.id == rectification_id)
        .with_for_update().execution_options(**fresh)).scalar_one()
    db.session.execute(db.select(RectificationItem).where(
        RectificationItem.rectification_id == rectification_id)
        .execution_options(**fresh)).scalars().all()
    return rectification


def checked_decisions(rectification: Rectification, decisions) -> dict[str, str]:
    """{"criterion.item": "closed"|"open"} naming items of this rectification."""
    known = {item_key(i.criterion, i.item) for i in rectification.items}
    if not isinstance(decisions, dict) or not decisions:
        raise from_reasons({"items": [Reason("decision_required")]})
    errors = {}
    for key, decision in decisions.items():
        if key not in known:
            errors[f"items.{key}"] = [Reason("unknown_item")]
        elif decision not in RECHECK_DECISIONS:
            errors[f"items.{key}"] = [Reason("unknown_state", {
                "allowed": ", ".join(RECHECK_DECISIONS)})]
    if errors:
        raise from_reasons(errors)
    return dict(decisions)


def review_state_of(recheck: Recheck, item_states: dict) -> str:
    """approved once every item it reports on is closed off, has_issues while one is
    sent back, else (items not decided yet) still received."""
    keys = set(recheck.items or {}) | set(item_states)
    if all(item_states.get(key) == ITEM_CLOSED for key in keys):
        return APPROVED
    return HAS_ISSUES if ITEM_OPEN in item_states.values() else RECEIVED


def review_recheck(recheck: Recheck, decisions, comment: str | None, user: User) -> dict:
    """Closes off or sends back each item named in `decisions`; a comment is required
    when any is sent back. Sending back reopens an item even if it was closed before."""
    rectification = locked_rectification(recheck.rectification_id)
    decisions = checked_decisions(rectification, decisions)
    if ITEM_OPEN in decisions.values():
        comment = required_text(comment, "comment", "recheck_comment_required")
    else:
        comment = (comment or "").strip()[:MAX_TEXT] or None
    now = utcnow()
    for item in rectification.items:
        decision = decisions.get(item_key(item.criterion, item.item))
        if decision:
            item.state, item.decided_at, item.decided_by = decision, now, user.id
    previous = recheck.review_state
    # A new dict: JSON columns notice reassignment, not changes made in place.
    recheck.item_states = {**(recheck.item_states or {}), **decisions}
    recheck.review_state = review_state_of(recheck, recheck.item_states)
    recheck.review_comment, recheck.reviewed_at, recheck.reviewed_by = comment, now, user.id
    recheck.version += 1
    recheck.updated_at = now
    db.session.flush()
    state = state_of(rectification)
    record_audit("review_recheck", "recheck", recheck.id, reason=comment, user=user,
                 detail={"items": decisions, "from": previous, "to": recheck.review_state,
                         "version": recheck.version, "rectification_id": rectification.id,
                         "rectification_state": state})
    record_change(db.session, "recheck", recheck.id, recheck.township_id,
                  owner_id=recheck.inspector_id)
    record_change(db.session, "rectification", rectification.id, rectification.township_id)
    return {"id": recheck.id, "review_state": recheck.review_state,
            "version": recheck.version, "item_states": recheck.item_states,
            "rectification": {"id": rectification.id, "state": state}}
