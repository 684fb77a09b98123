"""The admin's teams reaching a member's phone, and the places CSV going out and back in
unchanged, in real Chromium."""
from playwright.sync_api import expect

from tests.support.phone import sign_in, sync
from tests.support.web import sign_in_page


def first_group_of(app, username: str) -> tuple[int, int]:
    """(round id, the first group assigned to `username` in it)."""
    from server.extensions import db
    from server.models import Assignment, User
    with app.app_context():
        return db.session.execute(
            db.select(Assignment.round_id, Assignment.group_id).join(
                User, User.id == Assignment.user_id).where(User.username == username)
            .order_by(Assignment.group_id)).first()


def test_a_group_assigned_to_a_team_reaches_the_members_phone(live_server, phone, small_screen):
    round_id, group_id = first_group_of(live_server.app, "inspector1")
    sign_in(phone, live_server.url, "inspector2")
    mine = phone.locator(f"#assignments a.row[data-group='{group_id}']")
    expect(mine).to_have_count(0)

    admin = small_screen
    sign_in_page(admin, live_server.url, "admin")
    admin.goto(f"{live_server.url}/admin/rounds/{round_id}/teams?lang=zh")
    new_team = admin.locator("form.new-team")
    new_team.locator("input[name=name]").fill("联合检查组")
    new_team.get_by_label("检查员 王芳 (inspector2)").check()
    with admin.expect_navigation():
        new_team.locator("button[type=submit]").click()
    expect(admin.locator("section.team h2", has_text="联合检查组")).to_be_visible()

    admin.goto(f"{live_server.url}/admin/rounds/{round_id}/assignments")
    admin.select_option(f"select[name='team-{group_id}']", label="联合检查组")
    with admin.expect_navigation():
        admin.locator("form:has(table) button[type=submit]").click()
    expect(admin.locator(f"select[name='team-{group_id}'] option:checked")).to_have_text("联合检查组")

    sync(phone)
    expect(mine).to_have_count(1)


def test_the_exported_places_read_back_as_no_changes(live_server, small_screen, tmp_path):
    admin = small_screen
    sign_in_page(admin, live_server.url, "admin")
    admin.goto(f"{live_server.url}/admin/places/import?lang=zh")
    with admin.expect_download() as download:
        admin.get_by_role("link", name="导出村和村民小组").click()
    exported = tmp_path / "places.csv"
    download.value.save_as(exported)

    admin.set_input_files("input[name=file]", str(exported))
    with admin.expect_navigation():
        admin.get_by_role("button", name="检查文件").click()
    expect(admin.locator(".preview-summary")).to_contain_text("没有变化")
    expect(admin.get_by_role("button", name="确认导入")).to_have_count(0)
