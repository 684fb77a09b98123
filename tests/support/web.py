"""Signing in to the server-rendered pages, as a browser would (with the CSRF token)."""
import re

from server.extensions import db
from server.models import AuditEntry


def csrf_token(page) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                     page.get_data(as_text=True)).group(1)


def login(client, username, password="demo1234"):
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token(page)})


def audit_actions(app):
    with app.app_context():
        return [(a.action, a.entity_id, a.reason) for a in db.session.execute(
            db.select(AuditEntry).order_by(AuditEntry.id)).scalars()]
