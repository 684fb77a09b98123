"""The tests' own PostgreSQL cluster keeps only the databases in use: each test's copy is
dropped when it ends, even with a connection still open to it, so the cluster (in
memory where the machine has a tmpfs) stays small and stops at once."""
import psycopg
import pytest

from tests.support.postgres import memory_folder


def names(cluster) -> set[str]:
    return {name for (name,) in cluster.admin.execute("SELECT datname FROM pg_database")}


def test_a_dropped_database_is_gone_though_a_connection_was_left_open(postgres_cluster):
    url = postgres_cluster.create_database()
    name = url.rsplit("/", 1)[1]
    left_open = psycopg.connect(host="127.0.0.1", port=postgres_cluster.port,
                                user="postgres", dbname=name)
    assert name in names(postgres_cluster)
    postgres_cluster.drop_database(url)
    assert name not in names(postgres_cluster)
    left_open.close()


def test_a_copy_holds_its_templates_rows(postgres_cluster):
    template = postgres_cluster.create_database()
    with psycopg.connect(template.replace("postgresql+psycopg", "postgresql"),
                         autocommit=True) as conn:
        conn.execute("CREATE TABLE village (name text)")
        conn.execute("INSERT INTO village VALUES ('Mengzhe')")
    copy = postgres_cluster.create_database(template=template.rsplit("/", 1)[1])
    with psycopg.connect(copy.replace("postgresql+psycopg", "postgresql")) as conn:
        assert conn.execute("SELECT name FROM village").fetchall() == [("Mengzhe",)]
    postgres_cluster.drop_database(copy)
    postgres_cluster.drop_database(template)


def test_the_cluster_lives_in_memory_where_there_is_a_tmpfs(postgres_cluster):
    if memory_folder() is None:
        pytest.skip("this machine has no writable /dev/shm")
    assert postgres_cluster.root.parent == memory_folder()

