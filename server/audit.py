"""The audit log: who did what, when and why."""
from flask import has_request_context

from .auth import authenticate
from .extensions import db
from .models import AuditEntry


def acting_user():
    """The user behind the request, if any: the command line acts as no one."""
    return authenticate() if has_request_context() else None


def record_audit(action: str, entity_type: str, entity_id, *, reason: str | None = None,
                 detail: dict | None = None, user=None,
                 township_id: int | None = None) -> AuditEntry:
    """township_id: the acting user's unless given (the command line acts as no one)."""
    user = user or acting_user()
    if township_id is None and user:
        township_id = user.township_id
    entry = AuditEntry(action=action, entity_type=entity_type, entity_id=str(entity_id),
                       reason=reason, detail=detail,
                       user_id=user.id if user else None, township_id=township_id)
    db.session.add(entry)
    return entry
