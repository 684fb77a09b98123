"""Inspections as the server holds them, every revision received, and their photos."""
from datetime import datetime
from typing import ClassVar, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sync.merge import INSPECTION, Shape, content_of
from sync.states import RECEIVED, REVIEW_STATES, SUBMITTED

from ..extensions import db
from .types import UTCDateTime, one_of, utcnow


class Inspection(db.Model):
    __tablename__ = "inspections"
    __table_args__ = (
        one_of("review_state", REVIEW_STATES, name="review_state"),
        sa.Index("ix_inspections_round_group", "round_id", "group_id"),
        # The review queue, newest first, a page at a time, with or without its state
        # filter: read in index order instead of sorting years of inspections.
        sa.Index("ix_inspections_township_received", "township_id", "received_at", "id"),
        sa.Index("ix_inspections_township_state_received", "township_id", "review_state",
                 "received_at", "id"),
    )
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)  # made on the phone
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("townships.id"), index=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"))
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("villager_groups.id"))
    # The household checked, in a household round (one of group_id's); None otherwise.
    household_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("households.id"),
                                                        index=True)
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    rubric_version: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(12), default=SUBMITTED)
    started_at: Mapped[Optional[str]] = mapped_column(sa.String(40))
    finished_at: Mapped[Optional[str]] = mapped_column(sa.String(40))
    gps: Mapped[Optional[dict]] = mapped_column(sa.JSON)
    criteria: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    note: Mapped[Optional[str]] = mapped_column(sa.Text)
    # One counter: changes with the fields or the review state (contract, "Push").
    version: Mapped[int] = mapped_column(default=1)
    review_state: Mapped[str] = mapped_column(sa.String(12), default=RECEIVED)
    flags: Mapped[list] = mapped_column(sa.JSON, default=list)
    has_conflict: Mapped[bool] = mapped_column(default=False)
    # Pushed for a round already closed or published: stored, but counted only once a
    # supervisor admits it (domain.md, "Round lifecycle").
    late: Mapped[bool] = mapped_column(default=False)
    admitted_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    admitted_by: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    inspector: Mapped["User"] = relationship(foreign_keys=[inspector_id])  # noqa: F821
    group: Mapped["VillagerGroup"] = relationship()  # noqa: F821
    round: Mapped["Round"] = relationship()  # noqa: F821
    photos: Mapped[list["Photo"]] = relationship(
        back_populates="inspection", order_by="Photo.position")
    revisions: Mapped[list["InspectionRevision"]] = relationship(
        back_populates="inspection", order_by="InspectionRevision.id")


class RevisionFields:
    """A revision a device pushed (an inspection's or a recheck's), kept in full,
    conflicting ones included. The subclass names its record's column and `shape`."""
    shape: ClassVar[Shape] = INSPECTION
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.String(36))
    client_rev: Mapped[int]
    base_version: Mapped[Optional[int]]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(sa.String(10))
    # The server version after this revision was applied (or the one it conflicted with).
    version: Mapped[int]
    payload: Mapped[dict] = mapped_column(sa.JSON)
    # What the record's content was after this revision: the base of later merges.
    # None when it is exactly the payload's content (most revisions: no need to store
    # the same JSON twice).
    content: Mapped[Optional[dict]] = mapped_column(sa.JSON)
    conflicts: Mapped[list] = mapped_column(sa.JSON, default=list)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def resulting_content(self) -> dict:
        return self.content if self.content is not None \
            else content_of(self.payload, self.shape)


class InspectionRevision(RevisionFields, db.Model):
    __tablename__ = "inspection_revisions"
    __table_args__ = (
        # The idempotency key of a push: a retry finds its first result here.
        sa.UniqueConstraint("inspection_id", "client_id", "client_rev"),
    )
    # No index of its own: the unique constraint above starts with it.
    inspection_id: Mapped[str] = mapped_column(sa.ForeignKey("inspections.id"))

    inspection: Mapped[Inspection] = relationship(back_populates="revisions")


class PhotoFields:
    """What the phone says about a photo it took (an inspection's or a recheck's); its
    bytes are a Blob, shared by content."""
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)  # made on the phone
    position: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int]
    mime: Mapped[str] = mapped_column(sa.String(20))
    width: Mapped[int]
    height: Mapped[int]
    criterion: Mapped[str] = mapped_column(sa.String(40))
    item: Mapped[Optional[str]] = mapped_column(sa.String(40))
    captured_at: Mapped[Optional[str]] = mapped_column(sa.String(40))
    gps: Mapped[Optional[dict]] = mapped_column(sa.JSON)
    source: Mapped[str] = mapped_column(sa.String(10))
    flags: Mapped[list] = mapped_column(sa.JSON, default=list)

    def to_record(self) -> dict:
        """The photo as the phone pushed it."""
        return {
            "id": self.id, "sha256": self.sha256, "size": self.size, "mime": self.mime,
            "width": self.width, "height": self.height, "criterion": self.criterion,
            "item": self.item, "captured_at": self.captured_at, "gps": self.gps,
            "source": self.source,
        }


class Photo(PhotoFields, db.Model):
    """A photo record of an inspection."""
    __tablename__ = "photos"
    inspection_id: Mapped[str] = mapped_column(sa.ForeignKey("inspections.id"), index=True)
    # Supervisor's decision: None = not reviewed yet.
    accepted: Mapped[Optional[bool]]
    review_reason: Mapped[Optional[str]] = mapped_column(sa.Text)
    reviewed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))

    inspection: Mapped[Inspection] = relationship(back_populates="photos")


class Blob(db.Model):
    """A complete, verified image in the blob store, with what it says about itself."""
    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    mime: Mapped[str] = mapped_column(sa.String(20))
    width: Mapped[int]
    height: Mapped[int]
    exif_captured_at: Mapped[Optional[str]] = mapped_column(sa.String(40))
    exif_gps: Mapped[Optional[dict]] = mapped_column(sa.JSON)
    phash: Mapped[Optional[str]] = mapped_column(sa.String(32), index=True)
    # The header and the ending were sound, but the full decode later failed.
    unreadable: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


PHOTO_JOB_STATES = ("pending", "done", "failed")


class PhotoJob(db.Model):
    """The work on a photo after its upload (full decode, derivatives, EXIF, perceptual
    hash), kept in the database so that a crash loses none of it. A pending job is
    taken when `run_after` has passed: a claim pushes it one lease ahead, so a claim
    whose process died is taken again once its lease ran out."""
    __tablename__ = "photo_jobs"
    __table_args__ = (one_of("state", PHOTO_JOB_STATES, name="photo_job_state"),
                      sa.Index("ix_photo_jobs_state_run_after", "state", "run_after"))
    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    state: Mapped[str] = mapped_column(sa.String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[Optional[str]] = mapped_column(sa.String(100))
    claimed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    error: Mapped[Optional[str]] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BlobUploader(db.Model):
    """Who sent a blob's bytes. An inspector reads back only photos they uploaded
    themselves: knowing a SHA-256 is no proof of holding the photo."""
    __tablename__ = "blob_uploaders"
    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BlobUpload(db.Model):
    """A resumable upload in progress: the total length the client announced."""
    __tablename__ = "blob_uploads"
    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    length: Mapped[int] = mapped_column(sa.BigInteger)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
