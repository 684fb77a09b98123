"""Several server processes on PostgreSQL, several phones pushing the same batch at
once: each inspection is applied exactly once, and pull sees every one of them."""
import threading

import pytest

from tests.support.factories import inspection
from tests.support.httpclient import Phone
from tests.support.liveserver import ServerProcess


@pytest.fixture
def pg_server(tmp_path, bare_postgres_url):
    process = ServerProcess(tmp_path, bare_postgres_url, workers=3).start()
    yield process
    process.stop()


def test_racing_pushes_across_processes(pg_server):
    phones = [Phone(pg_server.url, "inspector1") for _ in range(4)]
    changes = phones[0].pull_all()
    round_id = next(c["data"]["id"] for c in changes if c["type"] == "round")
    groups = [c["data"]["group_id"] for c in changes if c["type"] == "assignment"]
    batch = [inspection(round_id, groups[n % len(groups)], deductions={"roads": {"road_dirty": 1}})
             for n in range(60)]
    # the same device's batch sent over four connections at once
    outcomes, failures = [], []
    start = threading.Barrier(len(phones))

    def push(phone):
        phone.client_id, phone.token = phones[0].client_id, phones[0].token
        start.wait()
        response, body = phone.push(batch)
        if response.status != 200:
            failures.append((response.status, body))
        else:
            outcomes.append([r["outcome"] for r in body["results"]])

    threads = [threading.Thread(target=push, args=(p,)) for p in phones]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    for per_inspection in zip(*outcomes):
        assert sorted(per_inspection) == ["applied"] + ["duplicate"] * (len(phones) - 1)
    held = {c["id"]: c["data"] for c in Phone(pg_server.url, "supervisor1").pull_all()
            if c["type"] == "inspection"}
    assert set(held) == {b["id"] for b in batch}
    assert {d["version"] for d in held.values()} == {1}
