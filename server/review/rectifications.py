"""Rectifications of Black List groups (domain.md, "Rectification and re-inspection").

Publishing a round opens one per Black List group, listing the deductions its counted
inspections hold and the photos that show them. A rectification's state follows from
its items and the township's date (sync/rectification.py) and is computed on every
read, never stored: a passing deadline needs no job to mark anything overdue.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from sync.clock import TOWNSHIP_TZ, township_today
from sync.ranking import BLACK
from sync.rectification import deadline_after, rectification_state
from sync.states import (ITEM_CLOSED, ITEM_OPEN, RECTIFICATION_CLOSED,
                         RECTIFICATION_OPEN, RECTIFICATION_OVERDUE)

from ..audit import record_audit
from ..changes import record_change
from ..extensions import db
from ..models import (Inspection, Photo, PublishedRanking, Rectification, RectificationItem,
                      Round, User, VillagerGroup)
from .scoring import ScoredInspection


def open_rectifications(round_: Round, published: PublishedRanking,
                        scored: list[ScoredInspection], publisher: User) -> list[Rectification]:
    """One rectification for each Black List group of this published snapshot that has
    none for the round yet (republishing adds only the newly listed groups), listing the
    deductions of `scored`, the inspections the snapshot counted. Every inspector's phone
    pulls them; the caller commits."""
    having = set(db.session.execute(db.select(Rectification.group_id).where(
        Rectification.round_id == round_.id)).scalars())
    listed = [g["group_id"] for g in published.result["groups"]
              if g["list"] == BLACK and g["group_id"] not in having]
    if not listed:
        return []
    deadline = deadline_after(published.published_at.astimezone(TOWNSHIP_TZ).date(),
                              round_.rectification_days)
    problems = _problems(scored, set(listed))
    opened = []
    for group_id in listed:
        rectification = Rectification(
            township_id=round_.township_id, round_id=round_.id, group_id=group_id,
            deadline=deadline, published_version=published.version,
            items=[RectificationItem(criterion=criterion, item=item, count=count,
                                     photo_ids=photo_ids)
                   for (criterion, item), (count, photo_ids) in problems[group_id].items()])
        db.session.add(rectification)
        opened.append(rectification)
    db.session.flush()
    for rectification in opened:
        record_change(db.session, "rectification", rectification.id, round_.township_id)
        record_audit("open_rectification", "rectification", rectification.id, user=publisher,
                     township_id=round_.township_id, detail={
                         "round_id": round_.id, "group_id": rectification.group_id,
                         "version": published.version, "deadline": deadline.isoformat(),
                         "items": len(rectification.items)})
    return opened


def _problems(scored: list[ScoredInspection], group_ids: set) -> dict[int, dict]:
    """{group_id: {(criterion, item): (count, [photo id, ...])}}: each deduction summed
    over the group's counted inspections, void ones left out as the ranking leaves
    them, with its photos that were not rejected."""
    counted = [s for s in scored if s.group_id in group_ids]
    counts = defaultdict(dict)
    for inspection in counted:
        found = counts[inspection.group_id]
        for d in inspection.score.deductions:
            found[(d.criterion, d.item)] = found.get((d.criterion, d.item), 0) + d.count
    photos = defaultdict(list)
    if counted:
        rows = db.session.execute(
            db.select(Inspection.group_id, Photo.criterion, Photo.item, Photo.id)
            .join(Inspection).where(Photo.inspection_id.in_([s.id for s in counted]),
                                    Photo.accepted.is_not(False))
            .order_by(Inspection.id, Photo.position, Photo.id)).all()
        for group_id, criterion, item, photo_id in rows:
            photos[(group_id, criterion, item)].append(photo_id)
    return {group_id: {key: (count, photos[(group_id, *key)])
                       for key, count in counts[group_id].items()}
            for group_id in group_ids}


def state_of(rectification: Rectification, today: date | None = None) -> str:
    return rectification_state([i.state for i in rectification.items], rectification.deadline,
                               today or township_today())


def open_items(rectification: Rectification) -> list[RectificationItem]:
    """The items not yet closed off (a recheck's "fixed" is not closed until accepted)."""
    return [i for i in rectification.items if i.state != ITEM_CLOSED]


def photo_shas(rectifications) -> dict[str, str]:
    """{photo id: sha256} of the "before" photos of these rectifications."""
    ids = {photo_id for r in rectifications for i in r.items for photo_id in i.photo_ids}
    if not ids:
        return {}
    return dict(db.session.execute(
        db.select(Photo.id, Photo.sha256).where(Photo.id.in_(ids))).all())


def rectification_data(rectification: Rectification, today: date | None = None,
                       shas: dict | None = None) -> dict:
    """A rectification as the pull sends it. `photos` names each photo's bytes too, so
    the phone can fetch the "before" photos while online and show them offline."""
    shas = photo_shas([rectification]) if shas is None else shas
    return {
        "id": rectification.id, "round_id": rectification.round_id,
        "group_id": rectification.group_id, "deadline": rectification.deadline.isoformat(),
        "state": state_of(rectification, today),
        "items": [{"criterion": i.criterion, "item": i.item, "count": i.count,
                   "photo_ids": list(i.photo_ids),
                   "photos": [{"id": p, "sha256": shas[p]} for p in i.photo_ids if p in shas],
                   "state": i.state} for i in rectification.items],
    }


def names_of(rectification: Rectification) -> dict:
    """The group's and round's names, as ranking entries carry them (for pages)."""
    group = rectification.group
    return {"round_name": rectification.round.name, "village": group.village.name,
            "village_en": group.village.name_en, "name": group.name, "name_en": group.name_en}


# What a list of rectifications shows of each, loaded with them (no query per row).
_NAMED = (selectinload(Rectification.group).selectinload(VillagerGroup.village),
          selectinload(Rectification.round))
_LOADED = (selectinload(Rectification.items), *_NAMED)



def not_closed():
    """A rectification with an item not closed off yet: open or overdue (state_of, in
    SQL). Years of closed ones are then never loaded to find the few still open."""
    return sa.exists().where(RectificationItem.rectification_id == Rectification.id,
                             RectificationItem.state != ITEM_CLOSED)


def in_state(state: str, today: date):
    """state_of as a condition: overdue once the deadline has passed with an item open."""
    if state == RECTIFICATION_CLOSED:
        return ~not_closed()
    if state == RECTIFICATION_OVERDUE:
        return sa.and_(not_closed(), Rectification.deadline < today)
    return sa.and_(not_closed(), Rectification.deadline >= today)


def _of_township(township_id: int, round_id: int | None, state: str | None, today: date):
    query = db.select(Rectification).where(Rectification.township_id == township_id)
    if round_id is not None:
        query = query.where(Rectification.round_id == round_id)
    if state is not None:
        query = query.where(in_state(state, today))
    return query


def township_rectifications(township_id: int, *, round_id: int | None = None,
                            state: str | None = None, limit: int | None = None,
                            offset: int = 0) -> list[tuple[Rectification, str]]:
    """The township's rectifications with their state today, the latest round first,
    then by group; only those of one round or in one state when asked, and a page of
    them with `limit` and `offset`."""
    today = township_today()
    query = _of_township(township_id, round_id, state, today).options(*_LOADED).join(
        Round, Rectification.round_id == Round.id)
    rows = db.session.execute(query.order_by(
        Round.starts_on.desc(), Round.id.desc(), Rectification.group_id)
        .limit(limit).offset(offset)).scalars().all()
    return [(r, state_of(r, today)) for r in rows]


def listed(township_id: int, state: str, *, round_id: int | None = None, limit: int,
           offset: int = 0) -> list[tuple[Rectification, int, int]]:
    """A page of the township's rectifications in one state, as a list shows them (the
    latest round first, then by group), each with its items not closed off and all its
    items counted in the database: a page of years of closed ones loads no item."""
    today = township_today()
    rows = db.session.execute(
        _of_township(township_id, round_id, state, today).options(*_NAMED)
        .join(Round, Rectification.round_id == Round.id)
        .order_by(Round.starts_on.desc(), Round.id.desc(), Rectification.group_id)
        .limit(limit).offset(offset)).scalars().all()
    counts = item_counts([r.id for r in rows])
    return [(r, *counts.get(r.id, (0, 0))) for r in rows]


def item_counts(rectification_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{rectification id: (items not closed off, all items)}, counted in the database:
    a list of rectifications loads none of their items (nor their photos' ids)."""
    if not rectification_ids:
        return {}
    return {rectification_id: (still_open, total) for rectification_id, still_open, total
            in db.session.execute(db.select(
                RectificationItem.rectification_id,
                sa.func.count().filter(RectificationItem.state != ITEM_CLOSED),
                sa.func.count())
                .where(RectificationItem.rectification_id.in_(rectification_ids))
                .group_by(RectificationItem.rectification_id))}


def count_by_state(township_id: int, round_id: int | None = None) -> dict[str, int]:
    """{state: how many} of the township's rectifications (of one round when asked)."""
    today = township_today()
    return {state: db.session.execute(
        _of_township(township_id, round_id, state, today).with_only_columns(
            sa.func.count(Rectification.id))).scalar()
        for state in (RECTIFICATION_OVERDUE, RECTIFICATION_OPEN, RECTIFICATION_CLOSED)}


def carried_over(round_: Round) -> list[dict]:
    """The rectifications of the township's earlier rounds (ending before this one
    starts) still open or overdue, oldest first, for the lists published beside them.

    Computed when a snapshot is read, not frozen at publishing: a problem stays on every
    later list until it is closed off, so it is never dropped without a supervisor
    closing it, and the state shown is today's (a deadline that passed since shows as
    overdue), while the snapshot's own lists stay frozen. Only those still open are
    loaded (not_closed): years of closed ones cost nothing."""
    rows = db.session.execute(
        db.select(Rectification).options(*_NAMED).join(Round, Rectification.round_id == Round.id).where(
            Rectification.township_id == round_.township_id,
            Round.ends_on < round_.starts_on, not_closed())
        .order_by(Round.starts_on, Round.id, Rectification.group_id)).scalars().all()
    today, counts = township_today(), item_counts([r.id for r in rows])
    # every one has an item still open (not_closed): its state needs only the deadline
    return [summary(r, rectification_state([ITEM_OPEN], r.deadline, today),
                    still_open=counts[r.id][0]) for r in rows]


def summary(rectification: Rectification, state: str, still_open: int | None = None) -> dict:
    """What a list of rectifications shows of each (carried_over, the board); its items
    are read to count those still open unless `still_open` says how many."""
    if still_open is None:
        still_open = len(open_items(rectification))
    return {"rectification_id": rectification.id, "group_id": rectification.group_id,
            "round_id": rectification.round_id, "state": state,
            "deadline": rectification.deadline.isoformat(),
            "open_items": still_open, **names_of(rectification)}
