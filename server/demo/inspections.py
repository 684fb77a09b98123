"""Sample submitted inspections with generated photos, so review and rankings have
something to show on a fresh demo."""
import hashlib
import io
import random
import tempfile
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

from sync.flags import CLOCK_IMPLAUSIBLE
from sync.rubric import DEFAULT_RUBRIC

from ..photos.ingest import put_verified_file, record_uploader
from ..extensions import db
from sync.clock import TOWNSHIP_TZ
from ..models import Assignment, Inspection, Round, VillagerGroup, utcnow
from ..admin.rounds import close_round
from ..phones.evidence import refresh_flags
from ..phones.push import push_records
from ..review.publishing import publish

DEMO_CLIENT_ID = "00000000-0000-4000-8000-00000000de70"
ITEMS = [(c["key"], i["key"], i["kind"]) for c in DEFAULT_RUBRIC["criteria"] for i in c["items"]]


def demo_photo(rng: random.Random, label: str) -> bytes:
    """A 480×360 JPEG with shapes and the deduction's name: clearly not a real scene."""
    image = Image.new("RGB", (480, 360), tuple(rng.randrange(120, 230) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(440), rng.randrange(320)
        draw.rectangle([x, y, x + rng.randrange(20, 200), y + rng.randrange(20, 160)],
                       fill=tuple(rng.randrange(256) for _ in range(3)))
    draw.text((20, 20), f"DEMO {label}", fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def sample_deductions(rng: random.Random, severity: float) -> dict:
    criteria = {}
    for criterion, item, kind in ITEMS:
        if kind == "veto":
            count = 1 if rng.random() < 0.02 * severity else 0
        elif kind == "once":
            count = 1 if rng.random() < 0.15 * severity else 0
        else:
            count = rng.choices([0, 1, 2, 3], weights=[8 / severity, 3, 1, severity / 2])[0]
        if count:
            criteria.setdefault(criterion, {"na": False, "deductions": {}, "note": ""})
            criteria[criterion]["deductions"][item] = count
    return criteria


def add_sample_inspections(round_: Round, groups: list[VillagerGroup], users: dict,
                           rng: random.Random) -> None:
    """Most assigned groups get one inspection; some get a second from the other inspector."""
    assignments = {a.group_id: a.user_id for a in round_and_assignments(round_)}
    by_user = {}
    # this morning's rounds of visits, already over (not later today: a photo taken in the
    # future is flagged), within the round
    started = max(datetime.now(TOWNSHIP_TZ).replace(second=0, microsecond=0) - timedelta(hours=3),
                  datetime.combine(round_.starts_on, datetime.min.time(), TOWNSHIP_TZ))
    with tempfile.TemporaryDirectory() as workdir:
        for index, group in enumerate(groups):
            if index % 7 == 6:
                continue  # leave some groups not inspected
            inspectors = [assignments[group.id]]
            if index % 5 == 0:
                other = users["inspector2"] if inspectors[0] == users["inspector1"].id \
                    else users["inspector1"]
                inspectors.append(other.id)
            severity = 0.15 + (index % 9) / 8  # most groups tidy, a few far from it
            for user_id in inspectors:
                payload = make_inspection(rng, round_, group, started + timedelta(minutes=index),
                                          severity, Path(workdir))
                if index % 11 == 3:
                    doubtful(payload)
                by_user.setdefault(user_id, []).append(payload)
    push_as_their_inspectors(users, by_user)


def doubtful(payload: dict) -> None:
    """A few inspections are flagged on purpose, so a reviewer sees what a flag is for:
    the first photo picked from the gallery, taken 5 km from the group."""
    if payload["photos"]:
        photo = payload["photos"][0]
        photo["source"] = "gallery"
        photo["gps"] = {**photo["gps"], "lat": photo["gps"]["lat"] + 0.045}


def push_as_their_inspectors(users: dict, by_user: dict) -> None:
    """Each inspector's inspections pushed, their photos uploaded by them, each as if it
    had reached the server soon after the visit (not all today, which would flag every
    older photo's clock)."""
    for user in users.values():
        if user.id in by_user:
            push_records(user, DEMO_CLIENT_ID, by_user[user.id])
            for photo in (p for payload in by_user[user.id] for p in payload["photos"]):
                record_uploader(photo["sha256"], user.id)
            for payload in by_user[user.id]:
                inspection = db.session.get(Inspection, payload["id"])
                inspection.received_at = min(
                    utcnow(), datetime.fromisoformat(payload["finished_at"]) + timedelta(minutes=30))
                if any(CLOCK_IMPLAUSIBLE in photo.flags for photo in inspection.photos):
                    refresh_flags(inspection)       # only the clock depends on received_at


def round_and_assignments(round_: Round):
    return db.session.execute(db.select(Assignment).where(
        Assignment.round_id == round_.id)).scalars()


def demo_photo_record(rng, group, criterion: str, item: str, taken, workdir: Path) -> dict:
    """A demo photo stored as a verified blob, and its record as a phone would push it."""
    data = demo_photo(rng, f"{criterion}/{item}")
    sha = hashlib.sha256(data).hexdigest()
    path = workdir / sha
    path.write_bytes(data)
    put_verified_file(sha, path)
    near = (group.lat + rng.uniform(-0.002, 0.002), group.lon + rng.uniform(-0.002, 0.002))
    return {
        "id": new_id(rng), "sha256": sha, "size": len(data), "mime": "image/jpeg",
        "width": 480, "height": 360, "criterion": criterion, "item": item,
        "captured_at": taken.isoformat(),
        "gps": {"lat": near[0], "lon": near[1], "accuracy_m": rng.choice([8, 15, 30]),
                "at": taken.isoformat()},
        "source": "camera"}


def new_id(rng: random.Random) -> str:
    """A UUID from the demo's seeded generator: the same demo every time."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def make_inspection(rng, round_, group, started, severity, workdir: Path | None) -> dict:
    """With no workdir, no photos (older demo rounds keep the demo quick to load)."""
    criteria = sample_deductions(rng, severity)
    photos = [demo_photo_record(rng, group, criterion, item, started + timedelta(minutes=5),
                                workdir)
              for criterion, entry in (criteria.items() if workdir else ())
              for item in entry["deductions"]]
    return {
        "id": new_id(rng), "client_rev": 1,
        "base_version": None, "round_id": round_.id, "group_id": group.id,
        "rubric_version": round_.rubric.version, "status": "submitted",
        "started_at": started.isoformat(),
        "finished_at": (started + timedelta(minutes=25)).isoformat(),
        "gps": {"lat": group.lat, "lon": group.lon, "accuracy_m": 12, "at": started.isoformat()},
        "criteria": criteria, "note": "示例数据", "photos": photos,
    }


def add_earlier_round(later: Round, groups: list[VillagerGroup], users: dict,
                      rng: random.Random, workdir: Path | None = None) -> Round:
    """The month before `later`, inspected while open (photos only with a workdir), then
    closed and published, so trends, changes and rectifications show."""
    ends_on = later.starts_on - timedelta(days=1)
    earlier = Round(township_id=later.township_id,
                    name=f"{ends_on.year}年{ends_on.month}月评比",
                    name_en=f"{ends_on:%B %Y} round", starts_on=ends_on.replace(day=1),
                    ends_on=ends_on, rubric_id=later.rubric_id, state="open")
    db.session.add(earlier)
    db.session.flush()
    by_user = {}
    started = datetime.combine(earlier.starts_on + timedelta(days=14), datetime.min.time(),
                               TOWNSHIP_TZ) + timedelta(hours=9)
    for index, assignment in enumerate(round_and_assignments(later)):
        db.session.add(Assignment(round_id=earlier.id, group_id=assignment.group_id,
                                  user_id=assignment.user_id))  # teams are the later round's
        group = next(g for g in groups if g.id == assignment.group_id)
        payload = make_inspection(rng, earlier, group, started + timedelta(minutes=index),
                                  0.15 + rng.random(), workdir)
        by_user.setdefault(assignment.user_id, []).append(payload)
    db.session.flush()
    push_as_their_inspectors(users, by_user)
    close_round(earlier)
    publish(earlier, users["supervisor1"])
    return earlier
