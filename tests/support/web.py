"""The server-rendered pages as a browser uses them: signing in (with the CSRF token),
answering their confirmation dialogs."""
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


def sign_in_page(page, base_url: str, username: str = "supervisor1"):
    """Signs a browser page in through the login form and waits for the page it lands on."""
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo1234")
    with page.expect_navigation():
        page.click("form.login button[type=submit]")


def answer_next_dialog(page, accept: bool) -> list:
    """Answers the page's next confirmation; the list gets its question."""
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()
    page.once("dialog", answer)
    return asked
