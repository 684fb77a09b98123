"""Supervisor pages for rechecks (复查): those awaiting review, and one recheck with each
rectification item's "before" and "after" photos side by side and a decision per item."""
from collections import defaultdict

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from sync.rectification import item_key
from sync.states import ITEM_CLOSED, RECEIVED, REVIEW_STATES

from ..auth import roles_required
from ..errors import Problems
from ..extensions import db
from ..models import Photo, Recheck, Rectification, VillagerGroup
from ..photos.access import received
from ..review.rechecks import review_recheck
from ..review.rectifications import state_of
from ..scope import in_township
from .blueprints import review as bp
from .flashes import flash_problems
from .review import SUPERVISORS

# The review form names each item's decision "decision:<criterion>.<item>".
DECISION = "decision:"


@bp.route("/rechecks")
@roles_required(*SUPERVISORS)
def rechecks():
    """Awaiting review (received) unless another state, or every state ("all"), is asked."""
    state = request.args.get("state", RECEIVED)
    query = db.select(Recheck).where(Recheck.township_id == current_user.township_id)
    if state in REVIEW_STATES:
        query = query.where(Recheck.review_state == state)
    else:
        state = "all"
    found = db.session.execute(query.options(
        joinedload(Recheck.rectification).joinedload(Rectification.group)
        .joinedload(VillagerGroup.village),
        joinedload(Recheck.rectification).joinedload(Rectification.round),
        joinedload(Recheck.inspector))
        .order_by(Recheck.received_at.desc(), Recheck.id)).unique().scalars().all()
    return render_template("web/review_rechecks.html", rechecks=found, state=state,
                           states=REVIEW_STATES)


def recheck_view(recheck: Recheck) -> dict:
    rectification = recheck.rectification
    labels = {(c["key"], i["key"]): (c, i) for c in rectification.round.rubric.to_dict()["criteria"]
              for i in c["items"]}
    before_ids = [photo_id for item in rectification.items for photo_id in item.photo_ids or []]
    before = {p.id: p for p in db.session.execute(db.select(Photo).where(
        Photo.id.in_(before_ids)).options(joinedload(Photo.inspection))).scalars()} \
        if before_ids else {}
    after = defaultdict(list)
    for photo in recheck.photos:
        after[item_key(photo.criterion, photo.item or "")].append(photo)
    present = {sha for sha, _ in received(
        [(p.sha256, p.inspection.inspector_id) for p in before.values()]
        + [(p.sha256, recheck.inspector_id) for p in recheck.photos])}
    items = []
    for item in rectification.items:
        key = item_key(item.criterion, item.item)
        criterion, rubric_item = labels.get((item.criterion, item.item), (None, None))
        items.append({
            "key": key, "item": item, "criterion_label": criterion, "item_label": rubric_item,
            "before": [before[i] for i in item.photo_ids or [] if i in before],
            "after": after.get(key, []), "reported": (recheck.items or {}).get(key),
            "decision": (recheck.item_states or {}).get(key)})
    # What is still to decide comes first, what this recheck reports on before the rest;
    # items closed off already (销号) wait folded: a long rectification's closed items
    # would otherwise bury the one this recheck is about.
    items.sort(key=lambda it: it["reported"] is None)
    return {"recheck": recheck, "rectification": rectification, "present": present,
            "items": [it for it in items if it["item"].state != ITEM_CLOSED],
            "closed_items": [it for it in items if it["item"].state == ITEM_CLOSED],
            "rectification_state": state_of(rectification)}


@bp.route("/rechecks/<recheck_id>")
@roles_required(*SUPERVISORS)
def recheck(recheck_id: str):
    found = in_township(Recheck, recheck_id, current_user)
    return render_template("web/review_recheck.html", **recheck_view(found))


@bp.route("/rechecks/<recheck_id>/review", methods=["POST"])
@roles_required(*SUPERVISORS)
def review_a_recheck(recheck_id: str):
    found = in_township(Recheck, recheck_id, current_user, lock=True)
    decisions = {name[len(DECISION):]: value for name, value in request.form.items()
                 if name.startswith(DECISION) and value}
    try:
        review_recheck(found, decisions, request.form.get("comment"), current_user)
    except Problems as exc:
        flash_problems(exc)
        return redirect(url_for("review.recheck", recheck_id=recheck_id), 303)
    flash("rv.saved")
    return redirect(url_for("review.recheck", recheck_id=recheck_id), 303)
