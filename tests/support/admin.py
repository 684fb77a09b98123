"""Reading what admin rules wrote (or did not), inside an app context."""
from contextlib import nullcontext

from server.extensions import db
from server.models import AuditEntry, Change, Township


def township() -> Township:
    return db.session.execute(db.select(Township)).scalar_one()


def count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def audit_entries() -> list[AuditEntry]:
    return db.session.execute(db.select(AuditEntry).order_by(AuditEntry.id)).scalars().all()


def changes(entity_type: str) -> list[Change]:
    return db.session.execute(db.select(Change).where(Change.entity_type == entity_type)
                              .order_by(Change.seq)).scalars().all()


def problems_of(exc) -> list[tuple]:
    """A Problems' problems as (field or line, code, params) tuples, easy to compare."""
    return [(p.field if p.line is None else p.line, p.code, p.params) for p in exc.problems]


def other_township_admin(app=None, username: str = "admin_elsewhere") -> str:
    """An admin of a second township (demo password); returns the username. Without
    `app`, in the app context already open."""
    from server.demo.township import DEMO_PASSWORD
    from server.models import User

    with app.app_context() if app else nullcontext():
        other = Township(name="另一个乡", name_en="Elsewhere")
        user = User(township=other, username=username, display_name="别乡管理员", role="admin")
        user.set_password(DEMO_PASSWORD)
        db.session.add_all([other, user])
        db.session.commit()
    return username
