"""Pushed rechecks (contract, "Rechecks travel in the same push"): what is particular
to them in the push machinery; the outcomes, merge and idempotency are push.py's."""
from sync import flags as rules
from sync.merge import RECHECK
from sync.rectification import item_key
from sync.states import ITEM_FIXED, ITEM_OPEN, RECTIFICATION_CLOSED
from sync.validation import recheck_reasons

from ..changes import record_change
from ..extensions import db
from ..models import Recheck, RecheckPhoto, RecheckRevision, Rectification, RectificationItem, User
from ..review.rechecks import locked_rectification
from ..review.rectifications import state_of
from .content import content_from_row
from .kinds import Change, Kind, PushContext


def rectification_items(user: User) -> dict[int, list[str]]:
    """What rechecks are checked against: the township's rectifications, id → the keys
    of their items ("criterion.item"), in one query."""
    found = {}
    for rectification_id, criterion, item in db.session.execute(
            db.select(Rectification.id, RectificationItem.criterion, RectificationItem.item)
            .outerjoin(RectificationItem)
            .where(Rectification.township_id == user.township_id)):
        keys = found.setdefault(rectification_id, [])
        if criterion is not None:
            keys.append(item_key(criterion, item))
    return found


def settle_rechecks(ctx: PushContext, changes: list[Change], blobs: dict) -> None:
    """Items reported fixed await a supervisor's review; a recheck of a rectification
    closed already changes nothing of it and is flagged (it is kept all the same)."""
    for change in changes:
        recheck = change.row
        rectification = locked_rectification(recheck["rectification_id"])
        closed = state_of(rectification) == RECTIFICATION_CLOSED
        if not closed:
            for item in rectification.items:
                entry = recheck["items"].get(item_key(item.criterion, item.item)) or {}
                if entry.get("fixed") and item.state == ITEM_OPEN:
                    item.state = ITEM_FIXED
        recheck["flags"] = sorted(
            ([rules.CONFLICT] if recheck["has_conflict"] else [])
            + ([rules.RECTIFICATION_CLOSED] if closed else []))
        db.session.flush()


def announce_rechecks(ctx: PushContext, changes: list[Change]) -> None:
    """The inspector's phone gets the recheck back, every phone the rectification's
    item states."""
    for change in changes:
        record_change(db.session, "recheck", change.row["id"], ctx.user.township_id,
                      owner_id=ctx.user.id)
        record_change(db.session, "rectification", change.row["rectification_id"],
                      ctx.user.township_id)


RECHECKS = Kind(
    name="recheck", model=Recheck, revision=RecheckRevision, photo=RecheckPhoto,
    parent="recheck_id", shape=RECHECK,
    facts=rectification_items, reasons=lambda facts, payload: recheck_reasons(payload, facts),
    settle=settle_rechecks, announce=announce_rechecks,
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
