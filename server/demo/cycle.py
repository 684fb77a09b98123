"""The competition's cycle in the demo: the three months before this one inspected and
published (a quarter to combine), and their Black Lists' rectifications in every state:
closed off after a recheck, overdue with an item sent back, overdue untouched, open with
a recheck waiting for review, open untouched."""
import random
import tempfile
from datetime import datetime, time, timedelta
from pathlib import Path

from sync.clock import TOWNSHIP_TZ, township_today
from sync.rectification import deadline_after, item_key
from sync.states import ITEM_CLOSED, ITEM_OPEN

from ..extensions import db
from ..models import Recheck, Rectification, Round, VillagerGroup
from ..phones.push import push_records
from ..photos.ingest import record_uploader
from ..review.snapshots import ROUND_LISTS, snapshot
from ..review.rechecks import review_recheck
from .inspections import DEMO_CLIENT_ID, add_earlier_round, demo_photo_record, new_id


def add_earlier_rounds(current: Round, groups: list[VillagerGroup], users: dict,
                       rng: random.Random) -> list[Round]:
    """Three published months before `current`, oldest first, each deduction with its
    photo (a deduction without one is flagged, and flags must stay the exception)."""
    with tempfile.TemporaryDirectory() as workdir:
        last = add_earlier_round(current, groups, users, rng, Path(workdir))
        middle = add_earlier_round(last, groups, users, rng, Path(workdir))
        first = add_earlier_round(middle, groups, users, rng, Path(workdir))
        for round_ in (first, middle, last):
            published_the_day_after(round_)
        for round_, fixed, decide in ((first, True, ITEM_CLOSED), (middle, None, ITEM_OPEN),
                                      (last, True, None)):
            # one with two items or more, so one can be fixed and another not
            chosen = next((r for r in rectifications_of(round_) if len(r.items) > 1), None)
            if chosen is not None:
                recheck(chosen, users, rng, Path(workdir), fixed=fixed, decide=decide)
    return [first, middle, last]


def published_the_day_after(round_: Round) -> None:
    """As if the supervisor had published the lists the morning after the round ended:
    the deadlines of the older months have passed."""
    published_on = round_.ends_on + timedelta(days=1)
    moment = datetime.combine(published_on, time(10), TOWNSHIP_TZ)
    published = snapshot(ROUND_LISTS, round_.id)
    published.published_at = moment
    published.result = {**published.result, "published": {
        **published.result["published"], "published_at": moment.isoformat()}}
    for rectification in rectifications_of(round_):
        rectification.deadline = deadline_after(published_on, round_.rectification_days)
        rectification.created_at = moment


def rectifications_of(round_: Round) -> list[Rectification]:
    return db.session.execute(db.select(Rectification).where(
        Rectification.round_id == round_.id).order_by(Rectification.id)).scalars().all()


def recheck(rectification: Rectification, users: dict, rng: random.Random, workdir: Path,
            fixed: bool | None, decide: str | None) -> None:
    """inspector1 rechecks every item (fixed=None: all fixed but the last) with an after
    photo of each fixed one; the supervisor then closes them all off (decide=closed),
    sends the unfixed one back (decide=open), or has not reviewed it yet (None)."""
    inspector, group = users["inspector1"], rectification.group
    rechecked_on = min(rectification.deadline, township_today()) - timedelta(days=2)
    started = datetime.combine(rechecked_on, time(9, 30), TOWNSHIP_TZ)
    keys = [item_key(i.criterion, i.item) for i in rectification.items]
    is_fixed = {key: fixed if fixed is not None else key != keys[-1] for key in keys}
    photos = [demo_photo_record(rng, group, i.criterion, i.item, started, workdir)
              for i in rectification.items if is_fixed[item_key(i.criterion, i.item)]]
    payload = {
        "id": new_id(rng), "client_rev": 1, "base_version": None,
        "rectification_id": rectification.id, "started_at": started.isoformat(),
        "finished_at": (started + timedelta(minutes=40)).isoformat(),
        "gps": {"lat": group.lat, "lon": group.lon, "accuracy_m": 10, "at": started.isoformat()},
        "items": {key: {"fixed": is_fixed[key],
                        "note": "已整改" if is_fixed[key] else "尚未整改，村里说下周处理"}
                  for key in keys},
        "note": "示例复查", "photos": photos}
    push_records(inspector, DEMO_CLIENT_ID, [], [payload])
    for photo in photos:
        record_uploader(photo["sha256"], inspector.id)
    if decide is None:
        return
    decisions = {key: ITEM_CLOSED if is_fixed[key] else ITEM_OPEN for key in keys}
    review_recheck(db.session.get(Recheck, payload["id"]), decisions,
                   None if decide == ITEM_CLOSED else "这一项还没有整改，请督促", users["supervisor1"])
