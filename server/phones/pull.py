"""Pull: the change log turned into the pages a phone applies."""
from collections import defaultdict

import sqlalchemy as sa

from ..admin.households import Household, household_data
from ..admin.rounds import round_data
from ..changes import GLOBAL
from ..extensions import db
from .content import inspection_data
from ..models import (SHOPKEEPER, Assignment, Change, Comment, Goods, Inspection, Photo,
                      PointsRule, Recheck, Rectification, Round, RubricVersion, StarRating, User,
                      Village, VillagerGroup)
from ..points.catalogue import goods_data, rule_data
from ..points.ledger import LedgerEntry, balances_of, entry_data
from ..points.stars import pulled_ratings
from ..review.rectifications import rectification_data

# What a shopkeeper's phone works with at the counter: the places and households to find
# one, their balances, the goods and rules, and (owner_id, in changes_after) their own
# entries.
SHOPKEEPER_TYPES = ("village", "group", "household", "goods", "points_rule", "ledger_entry")


def _in_scope(user: User, after: int, carried=None):
    """The user's change rows after `after`; `carried` bounds a first pull's snapshot
    (first_pull.carried)."""
    query = db.select(Change).where(
        Change.seq > after, Change.township_id.in_((user.township_id, GLOBAL)))
    if carried is not None:
        query = query.where(carried)
    if not user.can_review:
        # Inspectors see their own inspections, comments, photo reviews, assignments.
        query = query.where((Change.owner_id.is_(None)) | (Change.owner_id == user.id))
    if user.role == SHOPKEEPER:
        query = query.where(Change.entity_type.in_(SHOPKEEPER_TYPES))
    return query


def changes_after(user: User, after: int, limit: int,
                  carried=None) -> tuple[list[Change], bool]:
    """The next page of changes in the user's scope, and whether there are more."""
    query = _in_scope(user, after, carried)
    rows = db.session.execute(query.order_by(Change.seq).limit(limit + 1)).scalars().all()
    return rows[:limit], len(rows) > limit


def changes_between(user: User, after: int, upto: int, carried) -> list[Change]:
    """A first pull's page fetched ahead: every change of its slice (after, upto]. The
    slice held `limit` changes when the first page was served and can only lose some
    since (a change moves its row past the snapshot, into the last page), so it is read
    whole: a slice cut short would leave a gap before the next page."""
    query = _in_scope(user, after, carried).where(Change.seq <= upto)
    return db.session.execute(query.order_by(Change.seq)).scalars().all()


def page_starts(user: User, after: int, snapshot_end: int, limit: int, carried) -> list[int]:
    """Where the snapshot's pages after a first page that ended at `after` begin, `limit`
    changes apart: `after` itself, then every limit-th change the snapshot carries past
    it but for the last one's (one query, however many pages); none if the snapshot
    carries nothing past `after`. Each page ends where the next begins."""
    ranked = _in_scope(user, after, carried).where(Change.seq <= snapshot_end) \
        .with_only_columns(Change.seq,
                           sa.func.row_number().over(order_by=Change.seq).label("n"),
                           sa.func.count().over().label("total")).subquery()
    rows = db.session.execute(
        sa.select(ranked.c.seq, ranked.c.n, ranked.c.total)
        .where((ranked.c.n == 1) | ((ranked.c.n % limit == 0) & (ranked.c.n < ranked.c.total)))
        .order_by(ranked.c.seq)).all()
    if not rows:
        return []
    return [after] + [seq for seq, n, total in rows if n % limit == 0 and n < total]


def _rubric(r: RubricVersion) -> dict:
    return r.to_dict()


def _village(v: Village) -> dict:
    return {"id": v.id, "name": v.name, "name_en": v.name_en}


def _group(g: VillagerGroup) -> dict:
    return {"id": g.id, "village_id": g.village_id, "name": g.name, "name_en": g.name_en,
            "lat": g.lat, "lon": g.lon}


def _assignment(a: Assignment) -> dict:
    return {"id": a.id, "round_id": a.round_id, "group_id": a.group_id, "user_id": a.user_id,
            "team_id": a.team_id}


def _comment(c: Comment) -> dict:
    return {"id": c.id, "inspection_id": c.inspection_id, "author": c.author.display_name,
            "body": c.body, "created_at": c.created_at.isoformat()}


def _photo_review(p: Photo) -> dict:
    # criterion/item name the deduction; deduction_void asks the phone for a re-shoot.
    from ..review.actions import photo_review_data

    return photo_review_data(p)


def _recheck(r: Recheck) -> dict:
    from .rechecks import recheck_data

    return recheck_data(r)


def _households(households: list[Household]) -> list[dict]:
    # A first pull carries thousands: their balances in one query, not one each.
    balances = balances_of(h.id for h in households)
    return [household_data(h, balances[h.id]) for h in households]


# type → (model, the column its entity_id names, that column's type, serializer); a
# serializer of a whole page's entities of the type where one by one would cost a query each
ENTITIES = {
    "rubric": (RubricVersion, RubricVersion.version, int, _rubric),
    "village": (Village, Village.id, int, _village),
    "group": (VillagerGroup, VillagerGroup.id, int, _group),
    "round": (Round, Round.id, int, round_data),
    "assignment": (Assignment, Assignment.id, int, _assignment),
    "inspection": (Inspection, Inspection.id, str, inspection_data),
    "comment": (Comment, Comment.id, int, _comment),
    "photo_review": (Photo, Photo.id, str, _photo_review),
    "rectification": (Rectification, Rectification.id, int, rectification_data),
    "recheck": (Recheck, Recheck.id, str, _recheck),
    "household": (Household, Household.id, int, _households),
    "ledger_entry": (LedgerEntry, LedgerEntry.id, str, entry_data),
    "points_rule": (PointsRule, PointsRule.id, int, rule_data),
    "goods": (Goods, Goods.id, int, goods_data),
    # the township's ratings in notice or final, each as its latest version
    "star_rating": (StarRating, StarRating.id, int, pulled_ratings),
}
# Types whose version is their own counter (the one push answers); the rest use the seq.
OWN_VERSIONS = ("inspection", "recheck")
SERIALIZED_TOGETHER = ("household", "star_rating")


def render_changes(rows: list[Change]) -> list[dict]:
    """Each change with the entity's current data (deleted ones as tombstones)."""
    wanted = defaultdict(list)
    for row in rows:
        if row.op == "put":
            wanted[row.entity_type].append(row.entity_id)
    found = {}
    for entity_type, ids in wanted.items():
        model, column, cast, serialize = ENTITIES[entity_type]
        objs = db.session.execute(db.select(model).where(
            column.in_([cast(i) for i in ids]))).scalars().all()
        datas = (serialize(objs) if entity_type in SERIALIZED_TOGETHER
                 else [serialize(obj) for obj in objs])
        for obj, data in zip(objs, datas):
            found[(entity_type, str(getattr(obj, column.key)))] = data
    out = []
    for row in rows:
        data = found.get((row.entity_type, row.entity_id))
        op = "put" if row.op == "put" and data is not None else "delete"
        version = data["version"] if row.entity_type in OWN_VERSIONS and data else row.seq
        out.append({"type": row.entity_type, "id": row.entity_id, "op": op,
                    "version": version, "data": data if op == "put" else None})
    return out
