"""Pushed rechecks (contract, "Rechecks travel in the same push"): what differs from an
inspection; the outcomes, merge and idempotency are push.py's."""
from sync import flags as rules
from sync.merge import RECHECK
from sync.rectification import item_key
from sync.states import ITEM_FIXED, ITEM_OPEN, RECTIFICATION_CLOSED
from sync.validation import recheck_reasons

from ..changes import record_change
from ..extensions import db
from ..models import Recheck, RecheckPhoto, RecheckRevision
from ..review.rechecks import locked_rectification
from ..review.rectifications import state_of
from .content import content_from_row
from .push import Kind, PushContext


def refresh_recheck(ctx: PushContext, recheck: Recheck) -> None:
    """Items reported fixed await a supervisor's review; a recheck of a rectification
    closed already changes nothing of it and is flagged (it is kept all the same)."""
    rectification = locked_rectification(recheck.rectification_id)
    closed = state_of(rectification) == RECTIFICATION_CLOSED
    if not closed:
        for item in rectification.items:
            entry = recheck.items.get(item_key(item.criterion, item.item)) or {}
            if entry.get("fixed") and item.state == ITEM_OPEN:
                item.state = ITEM_FIXED
    recheck.flags = sorted(
        ([rules.CONFLICT] if recheck.has_conflict else [])
        + ([rules.RECTIFICATION_CLOSED] if closed else []))
    db.session.flush()


def recheck_stored(ctx: PushContext, recheck: Recheck) -> None:
    """The inspector's phone gets the recheck back, every phone the rectification's
    item states."""
    record_change(db.session, "recheck", recheck.id, recheck.township_id,
                  owner_id=recheck.inspector_id)
    record_change(db.session, "rectification", recheck.rectification_id, recheck.township_id)


RECHECKS = Kind(
    model=Recheck, revision=RecheckRevision, photo=RecheckPhoto,
    parent="recheck_id", shape=RECHECK,
    reasons=lambda ctx, payload: recheck_reasons(payload, ctx.rectification_items),
    refresh=refresh_recheck, announce=recheck_stored,
    not_owner="not_recheck_owner", photo_taken="recheck_photo_id_taken")


def recheck_data(recheck: Recheck) -> dict:
    """The recheck as pull sends it: the pushed fields as the server holds them, plus
    the review beside them."""
    data = content_from_row(recheck, RECHECK)
    data.update(
        id=recheck.id, version=recheck.version, review_state=recheck.review_state,
        item_states=recheck.item_states or {}, review_comment=recheck.review_comment,
        reviewed_at=recheck.reviewed_at.isoformat() if recheck.reviewed_at else None,
        flags=recheck.flags, inspector_id=recheck.inspector_id,
        has_conflict=recheck.has_conflict, received_at=recheck.received_at.isoformat())
    return data
