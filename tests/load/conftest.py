"""Server processes start on a copy of the bare seed made once per test process, not on
a database each migrates and seeds itself (two flask processes and the demo users'
password hashes before every test)."""
import pytest

from tests.support.postgres import database_params


@pytest.fixture
def bare_sqlite_url(tmp_path, seeded_databases):
    """The URL of this test's own SQLite file holding the bare seed."""
    folder = tmp_path / "seeded"
    seeded_databases.sqlite_copy(folder)
    return f"sqlite:///{folder / 'test.db'}"


@pytest.fixture
def bare_postgres_url(request, seeded_databases):
    """The URL of this test's own PostgreSQL database holding the bare seed; dropped when
    the test ends."""
    if "postgresql" not in database_params():
        pytest.skip("PostgreSQL tests not selected (TEST_DATABASES)")
    cluster = request.getfixturevalue("postgres_cluster")
    url = seeded_databases.postgres_copy(cluster)[0]
    yield url
    cluster.drop_database(url)
