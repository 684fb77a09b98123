"""A township's points rules (积分细则) and goods (积分超市), edited by admins
(sync-protocol.md, "PUT /points-rules", "PUT /goods"): a PUT inserts or updates what it
names and leaves the rest untouched; nothing is ever deleted, since entries name rules
and goods (deactivating is `active: false`). Each change is audited and recorded so
phones pull it (types `points_rule` and `goods`).
"""
import re

from ..audit import record_audit
from ..changes import record_change
from ..errors import Problem, Problems, name_problem
from ..extensions import db
from ..models import Goods, PointsRule, User

KEY = re.compile(r"[a-z][a-z0-9_]*\Z")
KEY_MAX = PointsRule.__table__.c.key.type.length
# A deed's points and a good's price: far beyond any village's, still an INTEGER's.
MAX_POINTS = 10_000


def rule_data(rule: PointsRule) -> dict:
    return {"key": rule.key, "label_zh": rule.label_zh, "label_en": rule.label_en,
            "points": rule.points, "active": rule.active}


def goods_data(goods: Goods) -> dict:
    return {"id": goods.id, "name": goods.name, "name_en": goods.name_en,
            "points": goods.points, "active": goods.active}


def rules_of(township_id: int) -> list[PointsRule]:
    return db.session.execute(db.select(PointsRule).where(
        PointsRule.township_id == township_id).order_by(PointsRule.id)).scalars().all()


def goods_of(township_id: int) -> list[Goods]:
    return db.session.execute(db.select(Goods).where(
        Goods.township_id == township_id).order_by(Goods.id)).scalars().all()


def _names(item: dict, path: str, columns: dict, required: str, problems: list) -> None:
    for name, column in columns.items():
        value = (item.get(name) or "").strip()
        item[name] = value or None
        if name == required and not value:
            problems.append(Problem("label_required", field=f"{path}.{name}"))
        elif value:
            problem = name_problem(value, column, field=f"{path}.{name}")
            if problem:
                problems.append(problem)


def _rule_problems(rules: list[dict]) -> list[Problem]:
    problems, seen = [], set()
    for n, rule in enumerate(rules):
        path, key = f"rules.{n}", rule["key"]
        if not KEY.match(key) or len(key) > KEY_MAX:
            problems.append(Problem("key_invalid", {"name": key, "max": KEY_MAX},
                                    field=f"{path}.key"))
        elif key in seen:
            problems.append(Problem("key_duplicate", {"name": key}, field=f"{path}.key"))
        seen.add(key)
        if rule["points"] == 0 or abs(rule["points"]) > MAX_POINTS:
            problems.append(Problem("rule_points", {"max": MAX_POINTS}, field=f"{path}.points"))
        _names(rule, path, {"label_zh": PointsRule.__table__.c.label_zh,
                            "label_en": PointsRule.__table__.c.label_en}, "label_zh", problems)
    return problems


def _store(user: User, wanted: list[dict], stored: dict, key: str, make, columns: tuple,
           entity_type: str, action: str, data) -> None:
    """Inserts or updates each wanted row (found in `stored` by its `key`); records and
    audits those that changed."""
    changed = []
    for item in wanted:
        row = stored.get(item.get(key))
        if row is None:
            row = make(item)
            db.session.add(row)
        elif all(getattr(row, column) == item[column] for column in columns):
            continue
        for column in columns:
            setattr(row, column, item[column])
        changed.append(row)
    db.session.flush()
    for row in changed:
        record_change(db.session, entity_type, row.id, user.township_id)
    if changed:
        record_audit(action, "township", user.township_id, user=user,
                     detail={entity_type: [data(row) for row in changed]})


def put_rules(user: User, rules: list[dict]) -> list[PointsRule]:
    """Inserts or updates each rule by key; the township's whole list after it."""
    problems = _rule_problems(rules)
    if problems:
        raise Problems(problems)
    _store(user, rules, {rule.key: rule for rule in rules_of(user.township_id)}, "key",
           lambda item: PointsRule(township_id=user.township_id, key=item["key"]),
           ("label_zh", "label_en", "points", "active"), "points_rule", "edit_points_rules",
           rule_data)
    return rules_of(user.township_id)


def put_goods(user: User, goods: list[dict]) -> list[Goods]:
    """Inserts each good without an id (the server makes it) and updates each with
    one of the township's ids; the township's whole list after it."""
    stored = {g.id: g for g in goods_of(user.township_id)}
    problems, seen = [], set()
    for n, item in enumerate(goods):
        path = f"goods.{n}"
        goods_id = item.get("id")
        if goods_id is not None and goods_id not in stored:
            problems.append(Problem("unknown_goods", field=f"{path}.id"))
        elif goods_id is not None and goods_id in seen:
            # Which of the two was meant? Storing the last would drop the first unseen.
            problems.append(Problem("goods_twice", field=f"{path}.id"))
        seen.add(goods_id)
        if not 0 < item["points"] <= MAX_POINTS:
            problems.append(Problem("goods_points", {"max": MAX_POINTS}, field=f"{path}.points"))
        _names(item, path, {"name": Goods.__table__.c.name,
                            "name_en": Goods.__table__.c.name_en}, "name", problems)
    if problems:
        raise Problems(problems)
    _store(user, goods, stored, "id", lambda item: Goods(township_id=user.township_id),
           ("name", "name_en", "points", "active"), "goods", "edit_goods", goods_data)
    return goods_of(user.township_id)
