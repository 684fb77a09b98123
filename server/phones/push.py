"""Applying pushed records: the five outcomes of the contract, each record atomic.
Inspections and rechecks (and whatever kind comes next) go through this one machinery;
their `Kind` (kinds.py, built in each kind's module) says what differs.

A push is taken in slices of records with distinct ids, in the request's order (a
record pushed twice in one request waits for the next slice, which finds it stored).
A slice is one pass, in one savepoint:

    retries answered → the rest validated → what they refer to loaded (stored rows
    locked) → each applied (created, or merged into what is stored) → flags of what
    changed → written → announced

If another request stored one of its records (or photo ids) after it was loaded, the
savepoint fails on the primary key, and each record of the slice goes again alone, in
a savepoint of its own, now finding the other's row (once more if it loses again): two
pushes racing never both apply the same revision.
"""
from dataclasses import dataclass
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from sync.merge import content_of, merge_revisions
from sync.reasons import Reason, as_data, english
from sync.states import (APPLIED, CHANGED_OUTCOMES, CONFLICT, DUPLICATE, MERGED, RECEIVED,
                         REJECTED_PUSH)

from ..database import among
from ..extensions import db
from ..models import User, utcnow
from .content import PHOTO_RECORD, content_from_columns
from .evidence import blobs_present
from .inspections import INSPECTIONS
from .kinds import Change, Kind, PushContext
from .rechecks import RECHECKS

# Every kind a push carries, in the order they are applied (push_records' arguments).
KINDS = (INSPECTIONS, RECHECKS)
# Records per savepoint: a push of 200 inspections is one; it also bounds every
# IN (...) list of a bundle's thousands.
SLICE = 200


def push_records(user: User, client_id: str, inspections: list,
                 rechecks: list = ()) -> tuple[list[dict], list[dict]]:
    """Applies each payload; the caller commits. Returns one result per inspection and
    one per recheck."""
    ctx = PushContext(user=user, client_id=client_id)
    return tuple(push_kind(ctx, kind, list(payloads))
                 for kind, payloads in zip(KINDS, (inspections, rechecks)))


def push_kind(ctx: PushContext, kind: Kind, payloads: list) -> list[dict]:
    results = []
    for items in slices(payloads):
        blobs = blobs_present(set().union(*(photo_shas(p) for p in items)))
        results += [answer(change, blobs) for change in store(ctx, kind, items, blobs)]
    return results


def slices(payloads: list) -> Iterator[list]:
    """The payloads in request order, cut where an id comes again or a slice is full."""
    items, ids = [], set()
    for payload in payloads:
        record_id = payload.get("id") if isinstance(payload, dict) else None
        if len(items) == SLICE or (isinstance(record_id, str) and record_id in ids):
            yield items
            items, ids = [], set()
        items.append(payload)
        if isinstance(record_id, str):
            ids.add(record_id)
    if items:
        yield items


def store(ctx: PushContext, kind: Kind, items: list, blobs: dict,
          attempts: int = 2) -> list[Change]:
    try:
        with db.session.begin_nested():
            changes = apply_slice(ctx, kind, items, blobs)
    except IntegrityError:
        # Another request stored one of these records (or photo ids) first.
        if len(items) > 1:
            return [change for item in items for change in store(ctx, kind, [item], blobs)]
        if attempts == 1:
            raise
        return store(ctx, kind, items, blobs, attempts - 1)
    kind.announce(ctx, [change for change in changes if change.written])
    return changes


def apply_slice(ctx: PushContext, kind: Kind, items: list, blobs: dict) -> list[Change]:
    changes = [Change(payload) for payload in items]
    held = answer_retries(ctx, kind, changes)
    for change in changes:
        if change.outcome != DUPLICATE:
            change.reasons = kind.reasons(ctx.facts(kind), change.payload)
    valid = [c for c in changes if c.outcome != DUPLICATE and not c.reasons]
    stored = Stored.load(ctx, kind, [c.payload for c in valid], held)
    claimed, now = {}, utcnow()   # claimed: photo id → the record of this slice taking it
    for change in valid:
        apply(ctx, kind, change, stored, claimed, now)
    written = [change for change in valid if change.written]
    if written:
        kind.settle(ctx, written, blobs)
        write(kind, written)
    return changes


def is_retry(payload) -> bool:
    """Shaped like a revision the server may hold (a retry is not validated again)."""
    return (isinstance(payload, dict) and isinstance(payload.get("id"), str)
            and type(payload.get("client_rev")) is int)


def answer_retries(ctx: PushContext, kind: Kind, changes: list[Change]) -> set[str]:
    """Retries of revisions already stored, answered with two queries for the slice and
    before anything else: they were validated when first stored. Returns the ids of
    the slice's records the server holds."""
    retries = [change for change in changes if is_retry(change.payload)]
    ids = {change.payload["id"] for change in retries}
    if not ids:
        return set()
    model, revision = kind.model, kind.revision
    owners = dict(db.session.execute(
        db.select(model.id, model.inspector_id).where(among(model.id, ids))).all())
    received = {}  # record id → {client_rev: version} from this device
    for record_id, client_rev, version in db.session.execute(
            db.select(kind.parent_of(revision), revision.client_rev, revision.version)
            .where(among(kind.parent_of(revision), ids), revision.client_id == ctx.client_id)):
        received.setdefault(record_id, {})[client_rev] = version
    for change in retries:
        if owners.get(change.payload["id"]) == ctx.user.id:
            received_already(change, received.get(change.payload["id"], {}))
    return set(owners)


def received_already(change: Change, received: dict[int, int]) -> bool:
    """This revision, or a later one from the same device, is stored already: the
    answer is `duplicate` with the version it had, and nothing changes."""
    client_rev = change.payload["client_rev"]
    later = [rev for rev in received if rev > client_rev]
    if client_rev not in received and not later:
        return False
    change.outcome = DUPLICATE
    change.version = received[client_rev if client_rev in received else max(later)]
    return True


@dataclass
class Stored:
    """What a slice's valid records refer to, loaded at once: their rows (locked) and
    photos as columns, their revisions, the content each edit started from, and which
    stored record holds each of their photo ids."""
    rows: dict          # record id → columns
    photos: dict        # record id → [photo columns], in order
    revisions: dict     # record id → [revision (id, client_id, client_rev, version, outcome)]
    bases: dict         # record id → the content its edit started from, or None
    photo_owners: dict  # photo id → record id

    @classmethod
    def load(cls, ctx: PushContext, kind: Kind, payloads: list[dict],
             held: set[str]) -> "Stored":
        """held: which of them the server held a moment ago (a record stored since
        makes the insert fail, and the slice go again record by record)."""
        table, photos_table = kind.model.__table__, kind.photo.__table__
        ids = {p["id"] for p in payloads} & held
        photo_ids = {photo["id"] for p in payloads for photo in p.get("photos") or []}
        rows = {row["id"]: dict(row) for row in db.session.execute(
            sa.select(table).where(among(table.c.id, ids)).order_by(table.c.id)
            .with_for_update()).mappings()} if ids else {}
        owners = dict(db.session.execute(
            sa.select(photos_table.c.id, photos_table.c[kind.parent])
            .where(among(photos_table.c.id, photo_ids))).all()) if photo_ids else {}
        photos, revisions, bases = {}, {}, {}
        if rows:
            for photo in db.session.execute(
                    sa.select(photos_table).where(among(photos_table.c[kind.parent], rows))
                    .order_by(photos_table.c.position)).mappings():
                photos.setdefault(photo[kind.parent], []).append(dict(photo))
            revisions = stored_revisions(kind, rows)
            bases = base_contents(ctx, kind, [p for p in payloads if p["id"] in rows],
                                  revisions)
        return cls(rows, photos, revisions, bases, owners)


def stored_revisions(kind: Kind, rows) -> dict[str, list]:
    revision = kind.revision.__table__
    found = {}
    for rev in db.session.execute(
            sa.select(revision.c.id, revision.c[kind.parent].label("record_id"),
                      revision.c.client_id, revision.c.client_rev, revision.c.version,
                      revision.c.outcome)
            .where(among(revision.c[kind.parent], rows)).order_by(revision.c.id)):
        found.setdefault(rev.record_id, []).append(rev)
    return found


def base_revision(client_id: str, revisions: list, base_version) -> tuple[int, bool] | None:
    """The revision a phone's edit started from, and whether from what that phone pushed
    then (True) or from what the record held after it: its own latest push if the phone
    never saw a later server version (a lost reply leaves base_version behind); else
    the record at base_version."""
    own = max((r for r in revisions if r.client_id == client_id),
              key=lambda r: r.client_rev, default=None)
    if own is not None and (base_version is None or base_version < own.version):
        return own.id, True
    if base_version is None:
        return None
    at_base = max((r for r in revisions
                   if r.version <= base_version and r.outcome in CHANGED_OUTCOMES),
                  key=lambda r: (r.version, r.id), default=None)
    return (at_base.id, False) if at_base else None


def base_contents(ctx: PushContext, kind: Kind, payloads: list[dict],
                  revisions: dict) -> dict[str, dict | None]:
    """record id → the content its edit started from, in one query."""
    wanted = {p["id"]: base_revision(ctx.client_id, revisions.get(p["id"], []),
                                     p.get("base_version")) for p in payloads}
    ids = {base[0] for base in wanted.values() if base is not None}
    revision = kind.revision.__table__
    found = {rev_id: (payload, content) for rev_id, payload, content in db.session.execute(
        sa.select(revision.c.id, revision.c.payload, revision.c.content)
        .where(among(revision.c.id, ids)))} if ids else {}
    bases = {}
    for record_id, base in wanted.items():
        if base is not None:
            (payload, content), pushed = found[base[0]], base[1]
            # A revision's content is None where it is exactly its payload's.
            bases[record_id] = content_of(payload if pushed or content is None else content,
                                          kind.shape)
    return bases


def apply(ctx: PushContext, kind: Kind, change: Change, stored: Stored, claimed: dict,
          now) -> None:
    """Decides one record's outcome and what is written of it."""
    payload = change.payload
    row = stored.rows.get(payload["id"])
    if row is not None:
        if row["inspector_id"] != ctx.user.id:
            change.reject({"id": [Reason(kind.not_owner)]})
            return
        # Under the row's lock: the same revision from a request that raced this one.
        if received_already(change, {r.client_rev: r.version for r in stored.revisions.get(
                row["id"], ()) if r.client_id == ctx.client_id}):
            return
    theirs = content_of(payload, kind.shape, deep=False)
    taken = [n for n, photo in enumerate(theirs["photos"])
             if claimed.get(photo["id"], stored.photo_owners.get(photo["id"]))
             not in (None, payload["id"])]
    if taken:
        change.reject({f"photos.{n}.id": [Reason(kind.photo_taken)] for n in taken})
        return
    if row is None:
        create(ctx, kind, change, theirs, now)
    else:
        update(ctx, kind, change, theirs, stored, now)
    claimed.update((photo["id"], payload["id"]) for photo in theirs["photos"])


def create(ctx: PushContext, kind: Kind, change: Change, content: dict, now) -> None:
    record_id = change.payload["id"]
    change.row = {
        **{name: content[name] for name in kind.shape.fields if name != "photos"},
        **kind.columns, "id": record_id, "township_id": ctx.user.township_id,
        "inspector_id": ctx.user.id, "version": 1, "review_state": RECEIVED, "flags": [],
        "has_conflict": False, "received_at": now, "updated_at": now}
    change.photos = [photo_columns(kind, record_id, position, photo)
                     for position, photo in enumerate(content["photos"])]
    answered(ctx, kind, change, APPLIED, 1, None, [], now)


def update(ctx: PushContext, kind: Kind, change: Change, theirs: dict, stored: Stored,
           now) -> None:
    """A three-way merge with what the server holds; photos are a grow-only set."""
    row = change.stored = stored.rows[change.payload["id"]]
    photos = stored.photos.get(row["id"], [])
    shape = kind.shape
    base = stored.bases.get(row["id"])
    ours = content_from_columns(row, photos, shape)
    merge = merge_revisions(base, ours, theirs, shape)
    if merge.conflicts:
        outcome = CONFLICT
    elif base is not None and not merge_revisions(base, base, ours, shape).changed:
        outcome = APPLIED  # nothing happened on the server since this edit's base
    else:
        outcome = MERGED
    change.row = {
        **row, **{name: merge.merged[name] for name in shape.fields if name != "photos"},
        "version": row["version"] + 1, "updated_at": now,
        "has_conflict": row["has_conflict"] or bool(merge.conflicts),
        "review_state": kind.after_edit(row["review_state"],
                                        merge.changed or bool(merge.conflicts))}
    change.stored_photos = {photo["id"]: photo["flags"] for photo in photos}
    change.photos = [dict(photo) for photo in photos] + [
        photo_columns(kind, row["id"], position, photo)
        for position, photo in enumerate(merge.merged["photos"])
        if photo["id"] not in change.stored_photos]
    answered(ctx, kind, change, outcome, row["version"] + 1, merge.merged, merge.conflicts,
             now)


def photo_columns(kind: Kind, record_id: str, position: int, photo: dict) -> dict:
    return {**{name: photo.get(name) for name in PHOTO_RECORD}, kind.parent: record_id,
            "position": position, "flags": []}


def answered(ctx: PushContext, kind: Kind, change: Change, outcome: str, version: int,
             content: dict | None, conflicts: list, now) -> None:
    """The outcome, and the revision kept in full. content: what the record holds after
    this revision, None if the payload's (most revisions: no need to store it twice)."""
    payload = change.payload
    change.outcome, change.version = outcome, version
    change.revision = {
        kind.parent: payload["id"], "client_id": ctx.client_id,
        "client_rev": payload["client_rev"], "base_version": payload.get("base_version"),
        "user_id": ctx.user.id, "outcome": outcome, "version": version, "payload": payload,
        "content": content, "conflicts": conflicts, "received_at": now}


def write(kind: Kind, changes: list[Change]) -> None:
    """A few Core statements for the slice, whatever its size: the ORM adds nothing here.
    Of a stored record, only the columns that changed."""
    table, photos_table = kind.model.__table__, kind.photo.__table__
    created = [change.row for change in changes if change.stored is None]
    if created:
        db.session.execute(sa.insert(table), created)
    for change in changes:
        if change.stored is not None:
            db.session.execute(sa.update(table).where(table.c.id == change.row["id"]).values(
                {k: v for k, v in change.row.items() if v != change.stored[k]}))
    new_photos = [photo for change in changes for photo in change.photos
                  if photo["id"] not in change.stored_photos]
    if new_photos:
        db.session.execute(sa.insert(photos_table), new_photos)
    reflagged = [{"photo_id": photo["id"], "flags": photo["flags"]}
                 for change in changes for photo in change.photos
                 if change.stored_photos.get(photo["id"], photo["flags"]) != photo["flags"]]
    if reflagged:
        db.session.execute(sa.update(photos_table).where(
            photos_table.c.id == sa.bindparam("photo_id")), reflagged)
    db.session.execute(sa.insert(kind.revision.__table__), [c.revision for c in changes])
    forget_held(kind, changes)


def forget_held(kind: Kind, changes: list[Change]) -> None:
    """Records (and photos) the session loaded earlier in this push, say as another's
    duplicate, must not go on showing what they were before these statements."""
    held = db.session.identity_map
    if not held:
        return
    # The session holds a few objects, the slice hundreds of rows: walk the former.
    written = {kind.model: {change.row["id"] for change in changes},
               kind.photo: {photo["id"] for change in changes for photo in change.photos}}
    for (model, key, *_), instance in list(held.items()):
        if len(key) == 1 and key[0] in written.get(model, ()):
            db.session.expire(instance)


def answer(change: Change, blobs: dict) -> dict:
    """The record's result as the contract has it; `errors` in English and `reasons` as
    codes with parameters, which the phone translates."""
    payload = change.payload
    result = {"id": None, "client_rev": None, "outcome": change.outcome,
              "version": change.version, "errors": english(change.reasons),
              "reasons": as_data(change.reasons), "missing_blobs": []}
    if isinstance(payload, dict):
        result["id"], result["client_rev"] = payload.get("id"), payload.get("client_rev")
    if change.outcome != REJECTED_PUSH:
        result["missing_blobs"] = sorted(photo_shas(payload) - blobs.keys())
    return result


def photo_shas(payload) -> set[str]:
    """The photos' SHA-256s (a retry answered as duplicate was not validated again)."""
    photos = payload.get("photos") if isinstance(payload, dict) else None
    return {p["sha256"] for p in photos if isinstance(p, dict) and isinstance(
        p.get("sha256"), str)} if isinstance(photos, list) else set()
