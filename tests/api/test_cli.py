"""The Flask CLI: seed-demo, create-user, import-places."""
import pytest

from server.extensions import db
from server.models import Inspection, Township, User, Village, VillagerGroup

from tests.support.admin import audit_entries, township


def count(app, model):
    with app.app_context():
        return db.session.execute(db.select(db.func.count()).select_from(model)).scalar()


def test_seed_demo_if_empty_does_not_seed_twice(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "not loaded again" in result.output and "inspector1" in result.output
    assert count(app, Township) == 1


def test_seed_demo_shape(app):
    with app.app_context():
        township = db.session.execute(db.select(Township)).scalar_one()
        assert township.is_demo
        sizes = [len(v.groups) for v in township.villages]
        assert len(sizes) == 6 and all(5 <= n <= 8 for n in sizes)
        roles = sorted({u.role for u in db.session.execute(db.select(User)).scalars()})
        assert roles == ["admin", "inspector", "supervisor"]
    assert count(app, Inspection) == 0  # the fixture seeds --bare


def test_create_user_with_password_stdin(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "zhao", "--role", "inspector",
                                 "--password-stdin"], input="long-enough-pw\n")
    assert result.exit_code == 0, result.output
    response = client.post("/api/v1/auth/token", json={
        "username": "zhao", "password": "long-enough-pw", "device_name": "x"})
    assert response.status_code == 201


def test_create_user_refuses_duplicates_and_short_passwords(app):
    runner = app.test_cli_runner()
    dup = runner.invoke(args=["create-user", "inspector1", "--role", "inspector",
                              "--password-stdin"], input="long-enough-pw\n")
    assert dup.exit_code != 0 and "exists" in dup.output
    short = runner.invoke(args=["create-user", "li", "--role", "admin", "--password-stdin"],
                          input="short\n")
    assert short.exit_code != 0 and "8 characters" in short.output
    bad_role = runner.invoke(args=["create-user", "li", "--role", "boss", "--password-stdin"],
                             input="long-enough-pw\n")
    assert bad_role.exit_code != 0


def test_import_places_good_csv(app, tmp_path):
    csv_file = tmp_path / "places.csv"
    csv_file.write_text("\ufeffvillage,village_en,group,group_en,lat,lon\n"
                        "新村,Xincun,新村一组,Xincun Group 1,21.9,100.4\n"
                        "新村,Xincun,新村二组,,21.91,100.41\n"
                        "曼贺村,,曼贺一组,,21.8,100.5\n", encoding="utf-8")
    before_v, before_g = count(app, Village), count(app, VillagerGroup)
    result = app.test_cli_runner().invoke(args=["import-places", str(csv_file)])
    assert result.exit_code == 0, result.output
    assert "1 new village(s) and 2 new group(s)" in result.output
    assert (count(app, Village), count(app, VillagerGroup)) == (before_v + 1, before_g + 2)


def test_import_places_bad_csv_writes_nothing(app, tmp_path):
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("village,group,lat,lon\n"
                        "新村,新村一组,91,100\n"
                        ",新村二组,,\n"
                        "新村,新村三组,abc,100\n"
                        "新村,新村四组,21.9,100.4\n", encoding="utf-8")
    before = (count(app, Village), count(app, VillagerGroup))
    result = app.test_cli_runner().invoke(args=["import-places", str(csv_file)])
    assert result.exit_code != 0
    assert "line 2" in result.output and "line 3" in result.output and "line 4" in result.output
    assert "nothing was imported" in result.output
    assert (count(app, Village), count(app, VillagerGroup)) == before


def test_import_places_not_utf8(app, tmp_path):
    csv_file = tmp_path / "gbk.csv"
    csv_file.write_bytes("village,group\n新村,一组\n".encode("gbk"))
    result = app.test_cli_runner().invoke(args=["import-places", str(csv_file)])
    assert result.exit_code != 0 and "not UTF-8" in result.output


def test_import_places_missing_columns(app, tmp_path):
    csv_file = tmp_path / "cols.csv"
    csv_file.write_text("name,lat\nx,1\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-places", str(csv_file)])
    assert result.exit_code != 0 and "missing column" in result.output


def test_full_demo_has_something_to_review_and_rank(tmp_path, seeded_databases):
    """What `make run` shows: inspections with photos, both lists, three earlier months
    published (a quarter to combine), rectifications in every state, rechecks. The demo
    is seeded once per test process (tests/support/seeded.py) and copied here."""
    from server.models import Blob, PublishedRanking, Round
    from tests.support.apiclient import ApiClient
    from tests.support.seeded import demo_app

    app = demo_app(seeded_databases, tmp_path)
    assert count(app, Inspection) > 30 and count(app, Blob) > 30
    assert count(app, PublishedRanking) == 3
    supervisor = ApiClient(app.test_client()).as_user("supervisor1")
    rectifications = supervisor.get("/rectifications").get_json()["rectifications"]
    assert {r["state"] for r in rectifications} == {"open", "overdue", "closed"}
    assert any(i["state"] == "fixed" for r in rectifications for i in r["items"])
    # the published group rounds (the demo's household round is published too, and rated)
    published = [r["id"] for r in supervisor.get("/rounds").get_json()
                 if r["state"] == "published" and r["subject"] == "group"]
    combined = supervisor.get(f"/combined?rounds={','.join(map(str, published))}")
    assert combined.status_code == 200 and combined.get_json()["groups"]
    with app.app_context():
        current = db.session.execute(db.select(Round).where(Round.state == "open")).scalar_one()
    ranking = supervisor.get(f"/rounds/{current.id}/rankings").get_json()
    lists = {g["list"] for g in ranking["groups"]}
    assert {"red", "black"} <= lists
    assert any(g["change"] is not None for g in ranking["groups"])
    assert ranking["not_inspected"]
    # flags stand out: most inspections carry none, a few are flagged on purpose
    with app.app_context():
        flags = [i.flags for i in db.session.execute(db.select(Inspection)).scalars()]
    flagged = sum(1 for f in flags if f)
    assert 0 < flagged <= len(flags) // 5, (flagged, len(flags))


# ---- the admin rules, as on the admin pages ------------------------------------------------

def audit(app) -> list[tuple]:
    with app.app_context():
        return [(e.action, e.township_id, e.user_id, e.detail) for e in audit_entries()]


def create_user(runner, username, password="long-enough-pw", *args):
    return runner.invoke(
        args=["create-user", username, "--role", "inspector", "--password-stdin", *args],
        input=password + "\n")


def test_import_places_150_character_village_writes_nothing(app, runner, tmp_path):
    csv_file = tmp_path / "long.csv"
    csv_file.write_text("village,group\n新村,新村一组\n" + "村" * 150 + ",一组\n", encoding="utf-8")
    before = (count(app, Village), count(app, VillagerGroup))
    result = runner.invoke(args=["import-places", str(csv_file)])
    assert result.exit_code != 0
    assert "line 3: village is longer than 100 characters" in result.output
    assert "1 error(s); nothing was imported" in result.output
    assert (count(app, Village), count(app, VillagerGroup)) == before and audit(app) == []


def test_import_places_is_audited(app, runner, tmp_path):
    csv_file = tmp_path / "places.csv"
    csv_file.write_text("village,group\n新村,新村一组\n", encoding="utf-8")
    assert runner.invoke(args=["import-places", str(csv_file)]).exit_code == 0
    with app.app_context():
        township_id = township().id
    assert audit(app) == [("import_places", township_id, None,
                           {"file": "places.csv", "villages": 1, "groups": 1})]


def test_create_user_is_audited(app, runner):
    result = create_user(runner, "zhao", "long-enough-pw", "--display-name", "赵六")
    assert result.exit_code == 0, result.output
    with app.app_context():
        township_id = township().id
        assert db.session.execute(db.select(User.display_name).where(
            User.username == "zhao")).scalar_one() == "赵六"
    assert audit(app) == [("create_user", township_id, None,
                           {"username": "zhao", "role": "inspector"})]


@pytest.mark.parametrize("username,password,args,message", [
    ("u" * 81, "long-enough-pw", (), "Username: longer than 80 characters"),
    ("zhao", "long-enough-pw", ("--display-name", "名" * 101), "Name: longer than 100 characters"),
    ("zhao", "short", (), "the password must have 8 to 200 characters"),
    ("zhao", "x" * 201, (), "this one has more than 200"),
    ("inspector1", "long-enough-pw", (), "this username is already taken"),
])
def test_create_user_refusals_match_the_admin_page(app, runner, username, password, args,
                                                  message):
    users = count(app, User)
    result = create_user(runner, username, password, *args)
    assert result.exit_code != 0 and message in result.output, result.output
    assert "the user was not created" in result.output
    assert count(app, User) == users and audit(app) == []
