"""Rubric versions: the plain dicts that sync/ computes with, and their drafts.

An admin copies a version into a draft of their township, edits it, and activates it
once sync.rubric.rubric_problems finds nothing; activating puts it into the change log,
so phones get it on their next pull, and makes it what new rounds of the township are
scored with. An active version never changes again (rounds and phones rest on it):
changing the rubric means copying it once more. Drafts never reach the phones.
Problems use the catalogue keys problem.<code>. The functions never commit.
"""
from typing import Iterable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from sync.household_rubric import DEFAULT_HOUSEHOLD_RUBRIC
from sync.rubric import rubric_problems
from sync.states import GROUP_SUBJECT, HOUSEHOLD_SUBJECT, SUBJECTS

from ..audit import acting_user, record_audit
from ..changes import GLOBAL, record_change
from ..errors import Problem, Problems
from ..extensions import db
from ..models import (ACTIVE, DRAFT, Criterion, Round, RubricVersion, User, criteria_from_dict,
                      rubric_from_dict, utcnow)
from ..scope import MAX_ID

# While drafting, the maxima may add up to anything: activating checks the sum.
DRAFT_ALLOWS = ("max_sum",)


def rubrics_by_version(versions: Iterable[int] | None = None,
                       township_id: int | None = None) -> dict[int, dict]:
    """Every active rubric version, or only the given ones, or only those the township may
    use (three queries, however many). Drafts are left out: no round, inspection or phone
    may use one."""
    query = db.select(RubricVersion).where(RubricVersion.state == ACTIVE).options(
        selectinload(RubricVersion.criteria).selectinload(Criterion.items))
    if versions is not None:
        query = query.where(RubricVersion.version.in_(set(versions)))
    if township_id is not None:
        query = query.where(_visible(township_id))
    return {r.version: r.to_dict() for r in db.session.execute(query).scalars()}


def _visible(township_id: int):
    return (RubricVersion.township_id == township_id) | RubricVersion.township_id.is_(None)


def township_rubrics(township_id: int) -> list[RubricVersion]:
    """The township's own versions and the shared ones, newest first."""
    return db.session.execute(db.select(RubricVersion).where(_visible(township_id))
                              .order_by(RubricVersion.version.desc())).scalars().all()


def active_rubrics(township_id: int, subject: str | None = None) -> list[RubricVersion]:
    """What a round of the township (of that subject, if given) may be scored with,
    newest first."""
    return [r for r in township_rubrics(township_id) if r.state == ACTIVE
            and (subject is None or r.subject == subject)]


def current_rubric(township_id: int, subject: str = GROUP_SUBJECT) -> RubricVersion | None:
    """What new rounds of the subject are scored with unless the admin chooses otherwise:
    the township's newest active version of that subject, else the newest shared one."""
    active = active_rubrics(township_id, subject)
    own = [r for r in active if r.township_id == township_id]
    return (own or active or [None])[0]


def township_rubric(township_id: int, version: int, *, lock: bool = False) -> RubricVersion:
    """The version if the township may see it (its own or a shared one), else a 404."""
    if not 0 < version <= MAX_ID:
        raise Problem("not_found", status=404, message="no such rubric version")
    query = db.select(RubricVersion).where(RubricVersion.version == version,
                                           _visible(township_id))
    if lock:
        query = query.with_for_update()
    rubric = db.session.execute(query).scalar_one_or_none()
    if rubric is None:
        raise Problem("not_found", status=404, message="no such rubric version")
    return rubric


def rounds_using(rubric: RubricVersion) -> list[Round]:
    return db.session.execute(db.select(Round).where(Round.rubric_id == rubric.id)
                              .order_by(Round.starts_on, Round.id)).scalars().all()


def rubric_data(rubric: RubricVersion, township_id: int) -> dict:
    """A version as the API answers and the pages show it: the pulled form, with its
    state, whether new rounds use it, and the township's rounds scored with it."""
    current = current_rubric(township_id, rubric.subject)
    return {
        **rubric.to_dict(), "title": rubric.title, "state": rubric.state,
        "shared": rubric.township_id is None,
        "current": current is not None and current.id == rubric.id,
        "rounds": [{"id": r.id, "name": r.name} for r in rounds_using(rubric)
                   if r.township_id == township_id],
        "created_at": rubric.created_at.isoformat() if rubric.created_at else None,
        "activated_at": rubric.activated_at.isoformat() if rubric.activated_at else None,
        "max_sum": sum(c.max_points for c in rubric.criteria),
    }


def _problems(found) -> list[Problem]:
    return [Problem(p.code, p.params, field=p.field) for p in found]


def _refuse_unless_draft(rubric: RubricVersion) -> None:
    used = rounds_using(rubric)
    if used:
        raise Problems([Problem("rubric_in_use", status=409, params={
            "version": rubric.version, "round": used[0].name})])
    if rubric.state != DRAFT:
        raise Problems([Problem("rubric_not_draft", {"version": rubric.version}, status=409)])


def _actor_id() -> int | None:
    user: User | None = acting_user()
    return user.id if user else None


def copy_rubric(source: RubricVersion, township_id: int,
                subject: str | None = None) -> RubricVersion:
    """A new draft of the township with the source's title, criteria and items, under the
    next free version number, scoring `subject` (by default the source's: a household
    rubric may start from a group one, and the other way round); audit entry
    copy_rubric. Flushes for the id. Raises Problems for an unknown subject."""
    subject = subject or source.subject
    if subject not in SUBJECTS:
        raise Problems([Problem("choice", field="subject")])
    for _ in range(5):
        # Version numbers are shared by every township: two admins copying at once may
        # both pick the same one; the second then takes the next.
        last = db.session.execute(db.select(db.func.max(RubricVersion.version))).scalar_one()
        draft = RubricVersion(version=(last or 0) + 1, title=source.title, state=DRAFT,
                              subject=subject, township_id=township_id,
                              created_at=utcnow(), created_by=_actor_id())
        draft.criteria.extend(criteria_from_dict(source.to_dict()))
        try:
            with db.session.begin_nested():
                db.session.add(draft)
        except IntegrityError:
            continue
        break
    else:
        raise Problem("busy", status=409, message="another admin copied a rubric at the same "
                      "moment; try again")
    record_audit("copy_rubric", "rubric", draft.version, township_id=township_id,
                 detail={"from": source.version, "subject": subject})
    return draft


def install_household_rubric() -> RubricVersion:
    """The default household rubric, shared and active, as migration 0013 installs it:
    the first shared version with subject household, else a new one numbered after every
    version there is (never 1, the default group rubric's number). For databases made
    from the models (the demo, the tests); phones pull it."""
    found = db.session.execute(db.select(RubricVersion).where(
        RubricVersion.subject == HOUSEHOLD_SUBJECT, RubricVersion.township_id.is_(None))
        .order_by(RubricVersion.version).limit(1)).scalar_one_or_none()
    if found is not None:
        return found
    last = db.session.execute(db.select(db.func.max(RubricVersion.version))).scalar_one()
    rubric = rubric_from_dict({**DEFAULT_HOUSEHOLD_RUBRIC, "version": max(last or 0, 1) + 1})
    db.session.add(rubric)
    db.session.flush()
    record_change(db.session, "rubric", rubric.version, GLOBAL)
    return rubric


def save_draft(rubric: RubricVersion, *, title: str | None, criteria: list[dict],
               subject: str | None = None) -> None:
    """The draft's title, criteria and items (and subject, if given) become these
    (criteria in the plain dict form, in order; adding and removing is sending more or
    fewer). Every rule of sync.rubric.rubric_problems holds except the sum of the maxima.
    Audit entry edit_rubric. Raises Problems."""
    _refuse_unless_draft(rubric)
    title = (title or "").strip() or None
    problems = [p for p in _problems(rubric_problems({"criteria": criteria}))
                if p.code not in DRAFT_ALLOWS]
    if subject is not None and subject not in SUBJECTS:
        problems.insert(0, Problem("choice", field="subject"))
    if title and len(title) > RubricVersion.__table__.c.title.type.length:
        problems.insert(0, Problem("too_long", {
            "max": RubricVersion.__table__.c.title.type.length}, field="title"))
    if problems:
        raise Problems(problems)
    rubric.title = title
    rubric.subject = subject or rubric.subject
    rubric.criteria.clear()
    db.session.flush()  # the old keys go before the new ones arrive (unique per rubric)
    rubric.criteria.extend(criteria_from_dict({"criteria": criteria}))
    db.session.flush()
    record_audit("edit_rubric", "rubric", rubric.version, township_id=rubric.township_id,
                 detail={"criteria": len(criteria), "subject": rubric.subject,
                         "max_sum": sum(c["max"] for c in criteria)})


def activate_rubric(rubric: RubricVersion) -> None:
    """The draft becomes active when sync.rubric.rubric_problems finds nothing (the maxima
    add up to 100, every key is valid, ...): phones get it on their next pull and new
    rounds of the township use it. Audit entry activate_rubric. Raises Problems."""
    _refuse_unless_draft(rubric)
    problems = _problems(rubric_problems(rubric.to_dict()))
    if problems:  # the request was fine, the draft is not ready: 409, per field
        raise Problems(problems, code="rubric_invalid", status=409)
    rubric.state = ACTIVE
    rubric.activated_at = utcnow()
    rubric.activated_by = _actor_id()
    record_change(db.session, "rubric", rubric.version,
                  rubric.township_id if rubric.township_id is not None else GLOBAL)
    record_audit("activate_rubric", "rubric", rubric.version, township_id=rubric.township_id,
                 detail={"title": rubric.title})
