"""An admin changes the rubric for the next round alone, and the phone scores that round
with it: copy version 1, change a weight, a sum of 99 is refused, activate, a new round
uses the new version, and an inspection of it scores with its maxima and points."""
from datetime import datetime, timedelta

from playwright.sync_api import expect

from sync.clock import TOWNSHIP_TZ
from tests.support.phone import (add_photo, go_to_criterion, make_jpeg, sign_in, start_inspection,
                                 submit, tap_plus, wait_synced)
from tests.support.web import sign_in_page


def end_the_demo_round_yesterday(app):
    """The seeded round covers this month; the new one is to start today."""
    from server.extensions import db
    from server.models import Round
    today = datetime.now(TOWNSHIP_TZ).date()
    with app.app_context():
        round_ = db.session.execute(db.select(Round)).scalar_one()
        round_.starts_on, round_.ends_on = today - timedelta(days=30), today - timedelta(days=1)
        db.session.commit()
    return today


def rubric_state(app, version: int) -> str:
    from server.extensions import db
    from server.models import RubricVersion
    with app.app_context():
        return db.session.execute(db.select(RubricVersion.state).where(
            RubricVersion.version == version)).scalar_one()


def stored_rubric_version(app, inspection_id: str) -> int | None:
    from server.extensions import db
    from server.models import Inspection
    with app.app_context():
        found = db.session.get(Inspection, inspection_id)
        return found.rubric_version if found else None


def save(page):
    with page.expect_navigation():
        page.click("button[name=action][value=save]")


def test_a_new_rubric_version_reaches_the_next_round_and_the_phone(
        live_server, small_screen, phone):
    app, admin, base = live_server.app, small_screen, live_server.url
    today = end_the_demo_round_yesterday(app)
    sign_in_page(admin, base, "admin")

    # copy version 1 into a draft
    admin.goto(f"{base}/admin/rubrics?lang=en")
    with admin.expect_navigation():
        admin.locator("#rubric-1 button", has_text="Copy").click()
    assert admin.url.endswith("/admin/rubrics/2")

    # cleaning worth 9: the maxima add up to 99, saved as a draft but not activated
    admin.fill("input[name='c0.max']", "9")
    save(admin)
    expect(admin.locator("#max-sum")).to_contain_text("add up to 99")
    admin.once("dialog", lambda dialog: dialog.accept())
    with admin.expect_navigation():
        admin.locator("button", has_text="Activate this version").click()
    expect(admin.locator("[role=alert]")).to_contain_text("add up to 99")
    assert rubric_state(app, 2) == "draft"

    # collection worth 13 and a broken bin 3 points: 100 in all, activated
    admin.fill("input[name='c1.max']", "13")
    admin.fill("input[name='c1.i1.points']", "3")
    save(admin)
    expect(admin.locator("#max-sum")).to_contain_text("add up to 100")
    admin.once("dialog", lambda dialog: dialog.accept())
    with admin.expect_navigation():
        admin.locator("button", has_text="Activate this version").click()
    expect(admin.locator("p.rubric-state")).to_contain_text("Active")
    assert rubric_state(app, 2) == "active"

    # a new round starting today: version 2 is what the form offers first
    admin.goto(f"{base}/admin/rounds/new")
    expect(admin.locator("select[name=rubric_id] option:checked")).to_contain_text("2")
    admin.fill("input[name=name]", "十二月评比")
    admin.fill("input[name=starts_on]", today.isoformat())
    admin.fill("input[name=ends_on]", (today + timedelta(days=27)).isoformat())
    with admin.expect_navigation():
        admin.click("form.login button[type=submit]")
    with admin.expect_navigation():
        admin.locator("form[action$='/assignments/copy'] button").click()

    # the phone pulls version 2 and scores the new round's inspection with it
    sign_in(phone, base)
    inspection_id = start_inspection(phone)
    go_to_criterion(phone, inspection_id, "collection")
    tap_plus(phone, "collection.bins")
    add_photo(phone, "collection.bins", make_jpeg(1000, 750, seed=61))
    expect(phone.locator("#running-score")).to_contain_text("97.0")   # version 1: 99.0
    submit(phone, inspection_id)
    wait_synced(phone)
    expect(phone.locator("#detail-score")).to_contain_text("97.0")
    expect(phone.locator("#detail li.row", has_text="垃圾收集")).to_contain_text("10 / 13")
    assert stored_rubric_version(app, inspection_id) == 2
