"""Users, roles and device tokens."""
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Optional

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .types import UTCDateTime, one_of, utcnow

# A shopkeeper (积分超市) works on the phone only: households, balances, goods and the
# redemptions they record, nothing else (server/auth.py keeps them to that).
SHOPKEEPER = "shopkeeper"
ROLES = ("inspector", "supervisor", "admin", SHOPKEEPER)
# Everyone who works on the pages and the inspection API: every role but the shopkeeper.
STAFF = ("inspector", "supervisor", "admin")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        one_of("role", ROLES, name="user_role"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("townships.id"), index=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100))
    role: Mapped[str] = mapped_column(sa.String(12))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Part of every session cookie (get_id): raising it ends the user's web sessions.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set by an admin's password reset: the user must choose a new password before
    # anything else (the pages redirect, POST /auth/token answers 403).
    password_change_required: Mapped[bool] = mapped_column(default=False,
                                                           server_default=sa.false())

    township: Mapped["Township"] = relationship()  # noqa: F821
    tokens: Mapped[list["DeviceToken"]] = relationship(back_populates="user",
                                                       order_by="DeviceToken.id")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.end_sessions()  # a new password signs out whoever knew the old one

    def end_sessions(self) -> None:
        """Every saved session cookie of this user stops working (they sign in again)."""
        self.session_version = (self.session_version or 0) + 1

    def get_id(self) -> str:  # Flask-Login stores this in the session
        return f"{self.id}:{self.session_version}"

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def can_review(self) -> bool:
        return self.role in ("supervisor", "admin")


def hash_token(token: str) -> str:
    # Tokens are long random strings, so one fast hash is enough (no salt needed).
    return hashlib.sha256(token.encode()).hexdigest()


class DeviceToken(db.Model):
    """One signed-in device: the API token is stored only as its hash."""
    __tablename__ = "device_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    client_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    device_name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # What the phone said with its last push (contract: push `device`), for the admins'
    # device list: which app it runs and what it still holds that the server has not.
    last_sync_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    app_version: Mapped[Optional[str]] = mapped_column(sa.String(40))
    unsynced_inspections: Mapped[Optional[int]] = mapped_column()
    unsynced_rechecks: Mapped[Optional[int]] = mapped_column()
    unsynced_ledger: Mapped[Optional[int]] = mapped_column()
    unsynced_photos: Mapped[Optional[int]] = mapped_column()
    unsynced_bytes: Mapped[Optional[int]] = mapped_column(sa.BigInteger)
    # How far in the change log this device has pulled (None: nothing yet). A first pull
    # carries an old round's inspection only while its review is newer than this
    # (phones/first_pull.py).
    pulled_seq: Mapped[Optional[int]] = mapped_column(sa.BigInteger)

    user: Mapped[User] = relationship(back_populates="tokens")

    @classmethod
    def issue(cls, user: User, device_name: str, client_id: str,
              lifetime: timedelta) -> tuple["DeviceToken", str]:
        """A new device registration and its plain token (shown once, never stored)."""
        token = secrets.token_urlsafe(32)
        device = cls(user=user, device_name=device_name, client_id=client_id,
                     token_hash=hash_token(token), expires_at=utcnow() + lifetime)
        return device, token

    @property
    def township_id(self) -> int:
        return self.user.township_id
