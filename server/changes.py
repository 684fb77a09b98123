"""The change log that pull cursors walk.

Changes are collected during a transaction and written just before it commits, with
sequence numbers from one counter row. Its row lock is held until commit, so on
PostgreSQL sequences become visible in the order they were handed out: a client paging
through the log can never step past a change that commits later with a smaller
number. (SQLite writes one transaction at a time anyway.)

The log also says when a round's ranking must be computed again (review/rankings.py
caches it under the latest sequence of its inputs), so a write to an inspection, a round
or a place records its change even where no phone would pull anything new.
"""
import sqlalchemy as sa
from flask_sqlalchemy.session import Session
from sqlalchemy import event

from .database import among
from .models import Change, SyncCounter

PENDING = "pending_changes"
# township_id of changes every township sees (rubric versions are shared).
GLOBAL = 0


def record_change(session, entity_type: str, entity_id, township_id: int,
                  owner_id: int | None = None, op: str = "put") -> None:
    pending = session.info.setdefault(PENDING, {})
    pending[(entity_type, str(entity_id))] = (op, township_id, owner_id)


def latest_seq(session, township_id: int, entity_types) -> int | None:
    """The sequence of the township's latest change of these types (0 if none), or None
    while this session holds such a change not yet written: it is numbered at commit.
    What a change of these types feeds can be cached under this number (the rankings)."""
    pending = session.info.get(PENDING) or {}
    if any(entity_type in entity_types and township == township_id
           for (entity_type, _), (_, township, _) in pending.items()):
        return None
    return session.execute(
        sa.select(sa.func.max(Change.seq)).where(Change.township_id == township_id,
                                                 Change.entity_type.in_(entity_types))
    ).scalar() or 0


def discard_pending(session) -> None:
    session.info.pop(PENDING, None)


def _write_pending(session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    last = session.execute(
        sa.update(SyncCounter).where(SyncCounter.id == 1)
        .values(value=SyncCounter.value + len(pending)).returning(SyncCounter.value)
    ).scalar_one()
    first = last - len(pending) + 1
    by_type: dict[str, list[str]] = {}
    for entity_type, entity_id in pending:
        by_type.setdefault(entity_type, []).append(entity_id)
    # Core statements on the table: the session holds no Change objects to keep in step,
    # and a push writes hundreds of rows here.
    log = Change.__table__
    for entity_type, ids in by_type.items():
        session.execute(sa.delete(log).where(
            log.c.entity_type == entity_type, among(log.c.entity_id, ids)))
    session.execute(sa.insert(log), [
        {"seq": first + n, "entity_type": entity_type, "entity_id": entity_id,
         "op": op, "township_id": township_id, "owner_id": owner_id}
        for n, ((entity_type, entity_id), (op, township_id, owner_id))
        in enumerate(pending.items())])


@event.listens_for(Session, "before_commit")
def _before_commit(session):
    _write_pending(session)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session):
    discard_pending(session)


def ensure_counter(session) -> None:
    if session.get(SyncCounter, 1) is None:
        session.add(SyncCounter(id=1, value=0))
