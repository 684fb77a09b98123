"""The blob store contract, run against the folder store and a real S3 server.

Every test taking `store` runs on both; what only one kind of store does (paths and
file locks of the folder, chunk objects of the bucket) is in the classes at the end."""

from __future__ import annotations

import hashlib
import io
import os
import threading

import pytest

from server.photos.store import (
    AlreadyComplete,
    BlobStore,
    ChunkTooLarge,
    HashMismatch,
    LocalBlobStore,
    OffsetMismatch,
    StoreUnavailable,
    validate_sha,
)
from server.photos.store.s3 import S3BlobStore

MiB = 1024 * 1024
DATA = os.urandom(300_000)
SHA = hashlib.sha256(DATA).hexdigest()
VARIANTS = {"display": b"display-jpeg", "thumb": b"thumb-jpeg"}


@pytest.fixture(params=["folder", "s3"])
def make_store(request, tmp_path):
    """Makes stores on one folder or one bucket: each is what another process would have."""
    if request.param == "folder":
        return lambda: LocalBlobStore(tmp_path / "blobs")
    server, bucket = request.getfixturevalue("s3_server"), request.getfixturevalue("s3_bucket")
    return lambda: S3BlobStore.from_url(f"s3://{bucket}/blobs", server.settings())


@pytest.fixture
def store(make_store):
    return make_store()


def partial_bytes(store, sha=SHA) -> bytes:
    with store.open_partial(sha) as fh:
        return fh.read()


def upload(store, data=DATA, sha=SHA, chunk=100_000):
    offset = 0
    while offset < len(data):
        offset = store.append(sha, offset, io.BytesIO(data[offset : offset + chunk]), MiB)
    return offset


class CountingStream(io.RawIOBase):
    """Records how much each read() asked for."""

    def __init__(self, data: bytes):
        self.inner = io.BytesIO(data)
        self.requests: list[int] = []

    def read(self, size=-1):
        self.requests.append(size)
        return self.inner.read(size)


def test_is_a_blobstore(store):
    assert isinstance(store, BlobStore)


def test_append_in_chunks_then_publish(store):
    assert store.partial_offset(SHA) is None
    assert not store.exists(SHA) and store.size(SHA) is None
    assert store.append(SHA, 0, io.BytesIO(DATA[:100_000]), MiB) == 100_000
    assert store.partial_offset(SHA) == 100_000
    assert store.append(SHA, 100_000, io.BytesIO(DATA[100_000:250_000]), MiB) == 250_000
    assert store.append(SHA, 250_000, io.BytesIO(DATA[250_000:]), MiB) == len(DATA)
    assert partial_bytes(store) == DATA
    assert store.hash_partial(SHA) == SHA
    assert not store.exists(SHA)

    store.publish(SHA)
    assert store.exists(SHA) and store.size(SHA) == len(DATA)
    assert store.partial_offset(SHA) is None
    store.put_variants(SHA, VARIANTS)
    with pytest.raises(FileNotFoundError):
        store.open_partial(SHA)
    with store.open(SHA) as fh:
        assert fh.read() == DATA
        fh.seek(0)  # seekable, as image libraries want
        assert fh.read(10) == DATA[:10]
    with store.open(SHA, "original") as fh:
        assert fh.read() == DATA
    for name, body in VARIANTS.items():
        with store.open(SHA, name) as fh:
            assert fh.read() == body
        assert store.has_variant(SHA, name)


def test_stream_is_read_in_pieces_of_at_most_256k(store):
    stream = CountingStream(DATA)
    store.append(SHA, 0, stream, MiB)
    assert max(stream.requests) <= 256 * 1024
    assert all(size > 0 for size in stream.requests)  # never read(-1)


def test_offset_mismatch(store):
    with pytest.raises(OffsetMismatch) as exc:
        store.append(SHA, 10, io.BytesIO(b"x"), MiB)
    assert exc.value.current_offset == 0
    assert exc.value.code == "offset_mismatch"
    assert store.partial_offset(SHA) is None

    store.append(SHA, 0, io.BytesIO(DATA[:1000]), MiB)
    for stale in (0, 500, 1001):
        with pytest.raises(OffsetMismatch) as exc:
            store.append(SHA, stale, io.BytesIO(DATA[stale : stale + 10]), MiB)
        assert exc.value.current_offset == 1000
    assert partial_bytes(store) == DATA[:1000]


def test_chunk_too_large_leaves_partial_unchanged(store):
    store.append(SHA, 0, io.BytesIO(DATA[:1000]), MiB)
    big = io.BytesIO(DATA[1000:1000 + 200_000])
    with pytest.raises(ChunkTooLarge) as exc:
        store.append(SHA, 1000, big, 150_000)
    assert exc.value.code == "too_large"
    assert store.partial_offset(SHA) == 1000
    assert partial_bytes(store) == DATA[:1000]
    # Exactly the limit is fine.
    assert store.append(SHA, 1000, io.BytesIO(DATA[1000:151_000]), 150_000) == 151_000


def test_chunk_too_large_on_first_chunk_leaves_no_partial(store):
    with pytest.raises(ChunkTooLarge):
        store.append(SHA, 0, io.BytesIO(DATA[:5000]), 4999)
    assert store.partial_offset(SHA) is None


def test_empty_append_creates_nothing(store):
    assert store.append(SHA, 0, io.BytesIO(b""), MiB) == 0
    assert store.partial_offset(SHA) is None


class Disconnecting(io.RawIOBase):
    """A request body whose client goes away after ``sent`` bytes."""

    def __init__(self, data: bytes):
        self.data = data

    def read(self, size=-1):
        if self.data:
            piece, self.data = self.data, b""
            return piece
        raise ConnectionResetError("client went away")


def test_a_cut_chunk_resumes_from_the_offset_the_store_reports(store):
    store.append(SHA, 0, io.BytesIO(DATA[:1000]), MiB)
    with pytest.raises(ConnectionResetError):
        store.append(SHA, 1000, Disconnecting(DATA[1000:5096]), MiB)
    offset = store.partial_offset(SHA)
    assert offset in (1000, 5096)  # the folder keeps what came, the bucket whole chunks only
    assert partial_bytes(store) == DATA[:offset]
    assert store.append(SHA, offset, io.BytesIO(DATA[offset:]), MiB) == len(DATA)
    assert store.hash_partial(SHA) == SHA


def test_a_chunk_whose_answer_was_lost_is_409_with_the_new_offset(store):
    """The process stored the chunk and died before answering: the phone sends the
    same chunk again and learns the offset the store holds."""
    store.append(SHA, 0, io.BytesIO(DATA[:1000]), MiB)
    with pytest.raises(OffsetMismatch) as exc:
        store.append(SHA, 0, io.BytesIO(DATA[:1000]), MiB)
    assert exc.value.current_offset == 1000
    assert partial_bytes(store) == DATA[:1000]


def test_resume_on_another_store_on_the_same_folder_or_bucket(make_store):
    """Chunks may land on different processes or machines: each has its own store."""
    first = make_store()
    first.append(SHA, 0, io.BytesIO(DATA[:123_456]), MiB)
    second = make_store()
    assert second.partial_offset(SHA) == 123_456
    assert second.append(SHA, 123_456, io.BytesIO(DATA[123_456:200_000]), MiB) == 200_000
    assert first.append(SHA, 200_000, io.BytesIO(DATA[200_000:]), MiB) == len(DATA)
    second.publish(SHA)
    assert make_store().size(SHA) == len(DATA)
    with pytest.raises(AlreadyComplete):
        first.append(SHA, len(DATA), io.BytesIO(b"x"), MiB)


def test_publish_is_idempotent(store):
    upload(store)
    store.publish(SHA)
    store.publish(SHA)  # nothing left to do
    assert store.partial_offset(SHA) is None
    with store.open(SHA) as fh:
        assert fh.read() == DATA


def test_two_processes_publishing_at_once_both_succeed(make_store):
    """Two phones sent the same photo's last byte to two machines at once."""
    upload(make_store())
    stores, errors = [make_store(), make_store()], []
    barrier = threading.Barrier(2)

    def publish(store):
        barrier.wait()
        try:
            store.publish(SHA)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=publish, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with stores[0].open(SHA) as fh:
        assert fh.read() == DATA
    assert stores[1].partial_offset(SHA) is None


def test_publish_without_any_upload(store):
    with pytest.raises(FileNotFoundError):
        store.publish(SHA)


def test_a_partial_under_the_wrong_name_is_discarded_unpublished(store):
    """What ingest does when the bytes do not hash to their name: nothing published."""
    wrong = "0" * 64
    upload(store, sha=wrong)
    assert store.hash_partial(wrong) == SHA
    assert not store.exists(wrong)
    with pytest.raises(FileNotFoundError):
        store.open(wrong, "thumb")
    assert store.partial_offset(wrong) == len(DATA)  # the caller decides
    assert store.discard_partial(wrong) is True
    assert store.discard_partial(wrong) is False
    assert store.partial_offset(wrong) is None


def test_append_to_complete_blob(store):
    upload(store)
    store.publish(SHA)
    with pytest.raises(AlreadyComplete) as exc:
        store.append(SHA, 0, io.BytesIO(DATA), MiB)
    assert isinstance(exc.value, OffsetMismatch)
    assert exc.value.current_offset == len(DATA)
    assert store.partial_offset(SHA) is None


def test_hash_partial_streams(store, monkeypatch):
    upload(store, DATA * 5, sha="a" * 64)  # 1.5 MB: more than one 1 MiB piece
    assert store.hash_partial("a" * 64) == hashlib.sha256(DATA * 5).hexdigest()
    with pytest.raises(FileNotFoundError):
        store.hash_partial("b" * 64)


def test_put_complete_from_bytes_and_path(store, tmp_path):
    store.put_complete(SHA, DATA)
    assert store.size(SHA) == len(DATA)
    store.put_complete(SHA, DATA)  # idempotent

    other = os.urandom(3 * MiB)
    other_sha = hashlib.sha256(other).hexdigest()
    src = tmp_path / "bundle-member"
    src.write_bytes(other)
    store.put_complete(other_sha, src)
    store.put_variants(other_sha, {"thumb": b"t"})
    with store.open(other_sha) as fh:
        assert fh.read() == other
    with store.open(other_sha, "thumb") as fh:
        assert fh.read() == b"t"
    with pytest.raises(FileNotFoundError):
        store.open(other_sha, "display")


def test_put_complete_rejects_wrong_bytes(store):
    with pytest.raises(HashMismatch) as exc:
        store.put_complete(SHA, b"not the data")
    assert exc.value.code == "hash_mismatch"
    assert exc.value.actual == hashlib.sha256(b"not the data").hexdigest()
    assert not store.exists(SHA)
    with pytest.raises(FileNotFoundError):
        store.open(SHA, "display")
    assert not store.has_variant(SHA, "display")


def test_put_complete_removes_stale_partial(store):
    store.append(SHA, 0, io.BytesIO(DATA[:10]), MiB)
    store.put_complete(SHA, DATA)
    assert store.partial_offset(SHA) is None and store.exists(SHA)


def test_delete_removes_everything(store):
    store.put_complete(SHA, DATA)
    store.put_variants(SHA, VARIANTS)
    store.append("c" * 64, 0, io.BytesIO(b"abc"), MiB)
    assert store.delete(SHA) is True
    assert not store.exists(SHA)
    for variant in ("original", *VARIANTS):
        with pytest.raises(FileNotFoundError):
            store.open(SHA, variant)
    assert store.delete(SHA) is False
    assert store.delete("c" * 64) is True
    assert store.partial_offset("c" * 64) is None


BAD_SHAS = [
    "",
    "../" + "a" * 61,
    "A" * 64,
    "a" * 63,
    "a" * 65,
    "g" * 64,
    "a" * 63 + "\n",
    "/" + "a" * 63,
    None,
    123,
]


@pytest.mark.parametrize("bad", BAD_SHAS)
def test_bad_sha_rejected_everywhere(store, bad):
    calls = [
        lambda: store.exists(bad),
        lambda: store.size(bad),
        lambda: store.partial_offset(bad),
        lambda: store.open_partial(bad),
        lambda: store.put_variants(bad, {"thumb": b"t"}),
        lambda: store.has_variant(bad, "thumb"),
        lambda: store.append(bad, 0, io.BytesIO(b"x"), MiB),
        lambda: store.hash_partial(bad),
        lambda: store.publish(bad),
        lambda: store.put_complete(bad, b"x"),
        lambda: store.discard_partial(bad),
        lambda: store.open(bad),
        lambda: store.delete(bad),
    ]
    for call in calls:
        with pytest.raises(ValueError):
            call()


@pytest.mark.parametrize("variant", ["../x", "Display", "", "a/b", "original"])
def test_bad_variant_names(store, variant):
    store.put_complete(SHA, DATA)
    if variant != "original":
        with pytest.raises(ValueError):
            store.open(SHA, variant)
    with pytest.raises(ValueError):
        store.put_variants(SHA, {variant: b"x"})
    if variant != "original":
        with pytest.raises(ValueError):
            store.has_variant(SHA, variant)


def test_validate_sha():
    assert validate_sha(SHA) == SHA
    with pytest.raises(ValueError):
        validate_sha(SHA.upper())


def test_bad_offsets_and_limits(store):
    for offset, limit in ((-1, MiB), (0, -1), (1.5, MiB), (True, MiB)):
        with pytest.raises(ValueError):
            store.append(SHA, offset, io.BytesIO(b"x"), limit)


def test_concurrent_appends_from_many_threads_never_interleave(store):
    """Many writers racing at the same offsets: the partial always stays a prefix."""
    barrier = threading.Barrier(8)
    errors = []

    def worker(index):
        barrier.wait()
        for _ in range(20):
            offset = store.partial_offset(SHA) or 0
            if offset >= len(DATA):
                return
            try:
                store.append(SHA, offset, io.BytesIO(DATA[offset : offset + 7_000]), MiB)
            except OffsetMismatch:
                pass
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    size = store.partial_offset(SHA)
    assert partial_bytes(store) == DATA[:size]


def test_open_partial_reads_the_bytes_received(store):
    with pytest.raises(FileNotFoundError):
        store.open_partial(SHA)
    upload(store, DATA[:250_000])
    with store.open_partial(SHA) as fh:
        assert fh.read() == DATA[:250_000]


def test_variants_stored_after_publishing(store):
    upload(store)
    store.publish(SHA)
    assert not store.has_variant(SHA, "thumb")
    with pytest.raises(FileNotFoundError):
        store.open(SHA, "thumb")
    store.put_variants(SHA, VARIANTS)
    store.put_variants(SHA, {"thumb": b"thumb-again"})  # made twice: the later one stays
    assert store.has_variant(SHA, "display") and store.has_variant(SHA, "thumb")
    with store.open(SHA, "thumb") as fh:
        assert fh.read() == b"thumb-again"
    assert store.delete(SHA) is True
    assert not store.has_variant(SHA, "display")


def test_a_working_store_passes_its_check(store):
    store.check()


def local_store(tmp_path):
    return LocalBlobStore(tmp_path / "blobs")


class TestFolderStore:
    """What only the folder store does: its paths, its files, its locks."""

    @pytest.fixture
    def store(self, tmp_path):
        return local_store(tmp_path)

    def test_layout(self, store):
        upload(store)
        assert store.partial_path(SHA).read_bytes() == DATA
        store.publish(SHA)
        store.put_variants(SHA, VARIANTS)
        assert not store.partial_path(SHA).exists()
        root = store.root
        assert (root / "complete" / SHA[:2] / SHA).is_file()
        assert (root / "variants" / "thumb" / SHA[:2] / f"{SHA}.jpg").is_file()
        assert list((root / "tmp").iterdir()) == []

    def test_bytes_received_before_a_cut_are_kept(self, store):
        with pytest.raises(ConnectionResetError):
            store.append(SHA, 0, Disconnecting(DATA[:4096]), MiB)
        assert store.partial_offset(SHA) == 4096

    def test_leftover_partial_of_a_complete_blob_is_removed_by_publish(self, store):
        store.put_complete(SHA, DATA)
        store.partial_path(SHA).write_bytes(b"junk")
        store.publish(SHA)
        assert store.partial_offset(SHA) is None
        with store.open(SHA) as fh:
            assert fh.read() == DATA

    def test_bad_sha_touches_no_file(self, store):
        for bad in BAD_SHAS:
            with pytest.raises(ValueError):
                store.partial_path(bad)
            with pytest.raises(ValueError):
                store.append(bad, 0, io.BytesIO(b"x"), MiB)
        assert sorted(p.name for p in store.root.iterdir()) == ["complete", "partial", "tmp", "variants"]
        assert not any(p.is_file() for p in store.root.rglob("*"))

    def test_put_complete_rejected_leaves_no_temp_file(self, store):
        with pytest.raises(HashMismatch):
            store.put_complete(SHA, b"not the data")
        assert list((store.root / "tmp").iterdir()) == []

    def test_torn_partial_is_just_shorter(self, store):
        """After a crash the on-disk size is the truth; the client re-asks and resumes."""
        upload(store, DATA[:50_000])
        with open(store.partial_path(SHA), "r+b") as fh:  # simulate a torn write
            fh.truncate(31_337)
        with pytest.raises(OffsetMismatch) as exc:
            store.append(SHA, 50_000, io.BytesIO(DATA[50_000:]), MiB)
        assert exc.value.current_offset == 31_337
        store.append(SHA, 31_337, io.BytesIO(DATA[31_337:]), MiB)
        assert store.hash_partial(SHA) == SHA


    def test_publish_is_atomic(self, store, monkeypatch):
        """The complete blob appears by one os.replace, never half-written."""
        upload(store)
        seen = []
        real_replace = os.replace

        def spy(src, dst):
            before = store.exists(SHA)
            real_replace(src, dst)  # a rename that fails (no folder yet) changes nothing
            seen.append((str(src), str(dst), before))

        monkeypatch.setattr(os, "replace", spy)
        store.publish(SHA)
        complete = str(store.root / "complete" / SHA[:2] / SHA)
        assert seen == [(str(store.partial_path(SHA)), complete, False)]


    def test_publish_failure_before_rename_leaves_partial(self, store, monkeypatch):
        upload(store)

        def broken(*args, **kwargs):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", broken)  # the partial's flush, before the rename
        with pytest.raises(OSError):
            store.publish(SHA)
        assert not store.exists(SHA)
        assert store.partial_offset(SHA) == len(DATA)


    def test_concurrent_appends_same_offset_one_wins(self, store):
        """Two writers at offset 1000: the first holds the lock mid-write, the second
        waits, rechecks the offset after taking the lock, and gets OffsetMismatch."""
        store.append(SHA, 0, io.BytesIO(DATA[:1000]), MiB)
        first_is_writing = threading.Event()
        let_first_finish = threading.Event()

        class SlowStream(io.RawIOBase):
            def __init__(self, data):
                self.inner = io.BytesIO(data)

            def read(self, size=-1):
                piece = self.inner.read(min(size, 1000))
                if piece and not first_is_writing.is_set():
                    first_is_writing.set()
                    assert let_first_finish.wait(10)
                return piece

        results = {}

        def run(name, stream):
            try:
                results[name] = store.append(SHA, 1000, stream, MiB)
            except OffsetMismatch as exc:
                results[name] = exc

        first = threading.Thread(target=run, args=("first", SlowStream(DATA[1000:5000])))
        first.start()
        assert first_is_writing.wait(10)
        second = threading.Thread(target=run, args=("second", io.BytesIO(b"Z" * 4000)))
        second.start()
        second.join(0.2)
        assert second.is_alive()  # blocked on the lock, not interleaving
        let_first_finish.set()
        first.join(10)
        second.join(10)

        assert results["first"] == 5000
        assert isinstance(results["second"], OffsetMismatch)
        assert results["second"].current_offset == 5000
        assert store.partial_path(SHA).read_bytes() == DATA[:5000]


    def test_append_waiting_on_publish_never_writes_into_the_complete_blob(self, store, monkeypatch):
        """An append that blocks on the lock while publish runs must not write into
        the file that publish renamed to complete/ (it rechecks after locking)."""
        upload(store)
        results = []

        def appender():
            try:
                results.append(store.append(SHA, len(DATA), io.BytesIO(b"extra"), MiB))
            except OffsetMismatch as exc:
                results.append(exc)

        thread = threading.Thread(target=appender)
        real_fsync = os.fsync

        def fsync_slowly(fd):
            if not thread.is_alive() and thread.ident is None:
                thread.start()  # publish holds the partial's lock right now
                thread.join(0.2)
                assert thread.is_alive()  # the append is waiting for the lock
            real_fsync(fd)

        monkeypatch.setattr(os, "fsync", fsync_slowly)
        store.publish(SHA)
        thread.join(10)
        assert len(results) == 1 and isinstance(results[0], AlreadyComplete)
        assert results[0].current_offset == len(DATA)
        with store.open(SHA) as fh:
            assert fh.read() == DATA
        assert store.partial_offset(SHA) is None


class TestBucketStore:
    """What only the S3 store does: chunk objects, credentials, a server that goes away."""

    @pytest.fixture
    def store(self, s3_server, s3_bucket):
        return S3BlobStore.from_url(f"s3://{s3_bucket}/blobs", s3_server.settings())

    def keys(self, store, under=""):
        listing = store.client.list_objects_v2(Bucket=store.bucket, Prefix=f"blobs/{under}")
        return sorted(o["Key"][len("blobs/"):] for o in listing.get("Contents", []))

    def test_each_chunk_is_an_object_named_by_its_offset(self, store):
        upload(store, DATA[:250_000])
        assert self.keys(store) == [f"partial/{SHA}/{offset:012d}"
                                    for offset in (0, 100_000, 200_000)]
        store.append(SHA, 250_000, io.BytesIO(DATA[250_000:]), MiB)
        store.publish(SHA)
        store.put_variants(SHA, VARIANTS)
        assert self.keys(store) == [f"complete/{SHA[:2]}/{SHA}",
                                    f"variants/display/{SHA[:2]}/{SHA}.jpg",
                                    f"variants/thumb/{SHA[:2]}/{SHA}.jpg"]

    def test_a_cut_chunk_stores_nothing(self, store):
        store.append(SHA, 0, io.BytesIO(DATA[:1000]), MiB)
        with pytest.raises(ConnectionResetError):
            store.append(SHA, 1000, Disconnecting(DATA[1000:5096]), MiB)
        assert store.partial_offset(SHA) == 1000
        assert self.keys(store, "partial/") == [f"partial/{SHA}/{0:012d}"]

    def test_chunks_alone_are_not_a_complete_blob(self, store):
        upload(store)
        assert not store.exists(SHA) and store.size(SHA) is None
        with pytest.raises(FileNotFoundError):
            store.open(SHA)

    def test_a_chunk_past_a_gap_does_not_count(self, store):
        store.append(SHA, 0, io.BytesIO(DATA[:1000]), MiB)
        store.client.put_object(Bucket=store.bucket, Key=f"blobs/partial/{SHA}/{5000:012d}",
                                Body=DATA[5000:6000])
        assert store.partial_offset(SHA) == 1000
        assert partial_bytes(store) == DATA[:1000]

    def test_a_late_request_rewriting_an_offset_keeps_the_partial_a_prefix(self, store):
        """A slow request for offset 0 finishes after the phone, cut off, had resent
        smaller chunks: its object replaces theirs at 0, and the offset is wherever
        the chunks still follow one another; the phone resends from there."""
        upload(store, DATA[:2000], chunk=1000)
        store.client.put_object(Bucket=store.bucket, Key=f"blobs/partial/{SHA}/{0:012d}",
                                Body=DATA[:1500])
        assert store.partial_offset(SHA) == 1500
        assert partial_bytes(store) == DATA[:1500]
        assert store.append(SHA, 1500, io.BytesIO(DATA[1500:]), MiB) == len(DATA)
        store.publish(SHA)
        assert self.keys(store, "partial/") == []
        with store.open(SHA) as fh:
            assert fh.read() == DATA

    def test_publish_after_a_crash_before_the_chunks_were_deleted(self, store):
        """The original was PUT, then the process died: the next publish (or a retried
        last chunk) finds the blob complete and removes the chunks."""
        upload(store)
        store.put_complete(SHA, DATA)  # what the crashed publish had written
        store.client.put_object(Bucket=store.bucket, Key=f"blobs/partial/{SHA}/{0:012d}",
                                Body=DATA[:100_000])
        store.publish(SHA)
        assert self.keys(store, "partial/") == []
        with store.open(SHA) as fh:
            assert fh.read() == DATA

    def test_a_wrong_secret_is_refused(self, s3_server, s3_bucket):
        store = S3BlobStore.from_url(f"s3://{s3_bucket}/blobs",
                                     s3_server.settings(secret="not-the-secret"))
        with pytest.raises(StoreUnavailable, match="refused"):
            store.check()
        with pytest.raises(StoreUnavailable):
            store.append(SHA, 0, io.BytesIO(DATA[:1000]), MiB)
        right = S3BlobStore.from_url(f"s3://{s3_bucket}/blobs", s3_server.settings())
        assert right.partial_offset(SHA) is None

    def test_a_missing_bucket_fails_the_check(self, s3_server):
        store = S3BlobStore.from_url("s3://no-such-bucket/blobs", s3_server.settings())
        with pytest.raises(StoreUnavailable, match="bucket"):
            store.check()

    def test_bad_settings(self):
        with pytest.raises(ValueError):
            S3BlobStore.from_url("s3:///prefix", {})
        with pytest.raises(ValueError):
            S3BlobStore.from_url("s3://bucket/prefix", {"S3_ADDRESSING": "sideways"})

    @pytest.mark.parametrize("addressing, url", [
        ("virtual", f"https://photos.cos.ap-guangzhou.myqcloud.com/town/complete/{SHA[:2]}/{SHA}"),
        ("path", f"https://cos.ap-guangzhou.myqcloud.com/photos/town/complete/{SHA[:2]}/{SHA}"),
    ])
    def test_addressing_styles(self, addressing, url):
        """Virtual-host addressing puts the bucket in the host name (Aliyun OSS, Tencent
        COS); path style puts it in the path (MinIO, Ceph, rclone)."""
        store = S3BlobStore.from_url("s3://photos/town", {
            "S3_ENDPOINT_URL": "https://cos.ap-guangzhou.myqcloud.com", "S3_ADDRESSING": addressing,
            "AWS_REGION": "ap-guangzhou", "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"})
        signed = store.client.generate_presigned_url(
            "get_object", Params={"Bucket": store.bucket, "Key": store._complete_key(SHA)})
        assert signed.split("?")[0] == url

    def test_a_store_that_went_away_and_came_back(self, s3_outage_server):
        server = s3_outage_server
        server.create_bucket("photos")
        store = S3BlobStore.from_url("s3://photos/blobs", server.settings())
        upload(store, DATA[:200_000])
        server.stop()
        calls = [
            store.check,
            lambda: store.exists(SHA),
            lambda: store.partial_offset(SHA),
            lambda: store.append(SHA, 200_000, io.BytesIO(DATA[200_000:]), MiB),
            lambda: store.hash_partial(SHA),
            lambda: store.publish(SHA),
            lambda: store.open(SHA),
            lambda: store.put_variants(SHA, VARIANTS),
            lambda: store.has_variant(SHA, "thumb"),
            lambda: store.discard_partial(SHA),
        ]
        for call in calls:
            with pytest.raises(StoreUnavailable):
                call()
        server.restart()
        store.check()
        assert store.partial_offset(SHA) == 200_000
        assert partial_bytes(store) == DATA[:200_000]
        assert store.append(SHA, 200_000, io.BytesIO(DATA[200_000:]), MiB) == len(DATA)
        store.publish(SHA)
        with store.open(SHA) as fh:
            assert fh.read() == DATA
