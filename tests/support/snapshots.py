"""A published snapshot as servers stored it before reasons were data: reasons only as
Chinese and English strings, no `reasons` list, no rubric version. Inside an app context."""
from datetime import datetime, timezone

from server.extensions import db
from server.models import PublishedRanking, Round, User, VillagerGroup

OLD_REASON = "露天焚烧垃圾 ×1，垃圾桶破损、未加盖或满溢 ×2"
OLD_REASON_EN = "Garbage burnt in the open ×1, Bin broken, uncovered or overflowing ×2"


def publish_old_snapshot(round_id: int, group_id: int, username: str = "supervisor1") -> dict:
    """Store version 1 of the round in the old shape, its one group black-listed with a
    veto; answers the stored result."""
    round_ = db.session.get(Round, round_id)
    group = db.session.get(VillagerGroup, group_id)
    user = db.session.execute(db.select(User).where(User.username == username)).scalar_one()
    published_at = datetime(2026, 10, 31, 9, 0, tzinfo=timezone.utc)
    result = {
        "m": 2.0, "mean_raw_score": 88.0, "red_size": 3, "black_size": 2,
        "computed_at": published_at.isoformat(),
        "groups": [{
            "group_id": group.id, "village": group.village.name, "name": group.name,
            "village_en": group.village.name_en, "name_en": group.name_en,
            "rank": 1, "score": 88.0, "raw_score": 88.0, "inspections": 1, "inspectors": 1,
            "low_confidence": True, "veto": True, "list": "black",
            "reason": OLD_REASON, "reason_en": OLD_REASON_EN, "change": None}],
        "not_inspected": [],
        "round": {"id": round_.id, "name": round_.name,
                  "starts_on": round_.starts_on.isoformat(),
                  "ends_on": round_.ends_on.isoformat(), "state": "published"},
        "published": {"version": 1, "published_at": published_at.isoformat(),
                      "published_by": user.id},
    }
    db.session.add(PublishedRanking(round_id=round_.id, version=1, published_at=published_at,
                                    published_by=user.id, result=result))
    round_.state = "published"
    db.session.commit()
    return result
