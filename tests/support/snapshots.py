"""A published snapshot as servers stored it before reasons were data: reasons only as
Chinese and English strings, no `reasons` list, no rubric version. Inside an app context."""
from datetime import datetime, timezone

from server.extensions import db
from server.models import PublishedRanking, Round, User, VillagerGroup

OLD_REASON = "露天焚烧垃圾 ×1，垃圾桶破损、未加盖或满溢 ×2"
OLD_REASON_EN = "Garbage burnt in the open ×1, Bin broken, uncovered or overflowing ×2"
PUBLISHED_AT = datetime(2026, 10, 31, 9, 0, tzinfo=timezone.utc)


def store_version_1(round_: Round, username: str, ranking: dict) -> dict:
    """Stores `ranking` (groups and rule) as the round's published version 1, by
    `username` at PUBLISHED_AT, with its round and publication info; answers the result."""
    user = db.session.execute(db.select(User).where(User.username == username)).scalar_one()
    result = {**ranking,
              "round": {"id": round_.id, "name": round_.name,
                        "starts_on": round_.starts_on.isoformat(),
                        "ends_on": round_.ends_on.isoformat(), "state": "published"},
              "published": {"version": 1, "published_at": PUBLISHED_AT.isoformat(),
                            "published_by": user.id}}
    db.session.add(PublishedRanking(round_id=round_.id, version=1, published_at=PUBLISHED_AT,
                                    published_by=user.id, result=result))
    round_.state = "published"
    db.session.commit()
    return result


def publish_old_snapshot(round_id: int, group_id: int, username: str = "supervisor1") -> dict:
    """Store version 1 of the round in the old shape, its one group black-listed with a
    veto; answers the stored result."""
    round_ = db.session.get(Round, round_id)
    group = db.session.get(VillagerGroup, group_id)
    result = {
        "m": 2.0, "mean_raw_score": 88.0, "red_size": 3, "black_size": 2,
        "computed_at": PUBLISHED_AT.isoformat(),
        "groups": [{
            "group_id": group.id, "village": group.village.name, "name": group.name,
            "village_en": group.village.name_en, "name_en": group.name_en,
            "rank": 1, "score": 88.0, "raw_score": 88.0, "inspections": 1, "inspectors": 1,
            "low_confidence": True, "veto": True, "list": "black",
            "reason": OLD_REASON, "reason_en": OLD_REASON_EN, "change": None}],
        "not_inspected": [],
    }
    return store_version_1(round_, username, result)


LONG_REASON = "露天焚烧垃圾 ×1，垃圾桶破损、未加盖或满溢 ×2，道路、沟渠有垃圾杂物 ×3"


def publish_full_round(round_id: int, n_groups: int = 40, red: int = 6, black: int = 6,
                       carried: int = 6, username: str = "supervisor1") -> dict:
    """A township as big as a real one: `n_groups` groups with long village and group
    names, the round published with both lists full (every Black List group with a
    long reason) and `carried` open rectifications of the month before carried over.
    Inside an app context; answers the stored result."""
    from datetime import timedelta

    from server.models import Rectification, RectificationItem, Village

    round_ = db.session.get(Round, round_id)
    villages = db.session.execute(db.select(Village).where(
        Village.township_id == round_.township_id).order_by(Village.id)).scalars().all()
    for village in villages:                 # 曼贺村 → 曼贺村民委员会, 曼贺老寨第一村民小组
        village.name = f"{village.name}民委员会"
    groups = [g for v in villages for g in v.groups]
    while len(groups) < n_groups:
        extra = VillagerGroup(village=villages[-1], name=f"+{len(groups)}", lat=21.96, lon=100.45)
        db.session.add(extra)
        groups.append(extra)
    for n, group in enumerate(groups, 1):
        group.name = f"{group.village.name[:2]}老寨第{n}村民小组"
    earlier = Round(township_id=round_.township_id, name="上月评比", rubric_id=round_.rubric_id,
                    starts_on=round_.starts_on - timedelta(days=30),
                    ends_on=round_.starts_on - timedelta(days=1), state="published")
    db.session.add(earlier)
    db.session.flush()
    for group in groups[:carried]:
        db.session.add(Rectification(
            township_id=round_.township_id, round_id=earlier.id, group_id=group.id,
            deadline=round_.starts_on + timedelta(days=5), published_version=1,
            items=[RectificationItem(criterion="collection", item=item, count=1, photo_ids=[])
                   for item in ("bins", "open_burning")]))
    entries = []
    for rank, group in enumerate(groups, 1):
        which = "red" if rank <= red else "black" if rank > n_groups - black else None
        entries.append({
            "group_id": group.id, "village": group.village.name, "name": group.name,
            "village_en": group.village.name_en, "name_en": group.name_en,
            "rank": rank, "score": 99.5 - rank / 2, "raw_score": 99.5 - rank / 2,
            "inspections": 2, "inspectors": 2, "low_confidence": False, "veto": False,
            "list": which, "reason": LONG_REASON if which == "black" else "",
            "reason_en": "", "change": None})
    result = {
        "m": 2.0, "mean_raw_score": 90.0, "red_size": red, "black_size": black,
        "computed_at": PUBLISHED_AT.isoformat(), "groups": entries, "not_inspected": [],
    }
    return store_version_1(round_, username, result)
