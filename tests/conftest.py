"""Fixtures shared by the API and unit tests: apps on SQLite and on PostgreSQL."""

import pytest

from server.extensions import db
from server.testing import make_app
from tests.support.apiclient import ApiClient
from tests.support.factories import reference
from tests.support.postgres import Cluster, database_params, pg_bin
from tests.support.web import login


@pytest.fixture(scope="session")
def postgres_cluster():
    bindir = pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    cluster = Cluster(bindir).start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=database_params())
def database_url(request):
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("postgres_cluster").create_database()


@pytest.fixture
def app(tmp_path, database_url):
    app = make_app(tmp_path, database_url, seed="bare")
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
