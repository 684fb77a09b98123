"""Unit tests for server.photos.store.LocalBlobStore."""

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
    validate_sha,
)

MiB = 1024 * 1024
DATA = os.urandom(300_000)
SHA = hashlib.sha256(DATA).hexdigest()
VARIANTS = {"display": b"display-jpeg", "thumb": b"thumb-jpeg"}


@pytest.fixture
def store(tmp_path):
    return LocalBlobStore(tmp_path / "blobs")


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
    assert store.partial_path(SHA).read_bytes() == DATA
    assert store.hash_partial(SHA) == SHA
    assert not store.exists(SHA)

    store.publish(SHA, VARIANTS)
    assert store.exists(SHA) and store.size(SHA) == len(DATA)
    assert store.partial_offset(SHA) is None
    assert not store.partial_path(SHA).exists()
    with store.open(SHA) as fh:
        assert fh.read() == DATA
    with store.open(SHA, "original") as fh:
        assert fh.read() == DATA
    for name, body in VARIANTS.items():
        with store.open(SHA, name) as fh:
            assert fh.read() == body
    root = store.root
    assert (root / "complete" / SHA[:2] / SHA).is_file()
    assert (root / "variants" / "thumb" / SHA[:2] / f"{SHA}.jpg").is_file()
    assert list((root / "tmp").iterdir()) == []


def test_stream_is_read_in_64k_pieces(store):
    stream = CountingStream(DATA)
    store.append(SHA, 0, stream, MiB)
    assert max(stream.requests) <= 64 * 1024
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
    assert store.partial_path(SHA).read_bytes() == DATA[:1000]


def test_chunk_too_large_leaves_partial_unchanged(store):
    store.append(SHA, 0, io.BytesIO(DATA[:1000]), MiB)
    big = io.BytesIO(DATA[1000:1000 + 200_000])
    with pytest.raises(ChunkTooLarge) as exc:
        store.append(SHA, 1000, big, 150_000)
    assert exc.value.code == "too_large"
    assert store.partial_offset(SHA) == 1000
    assert store.partial_path(SHA).read_bytes() == DATA[:1000]
    # Exactly the limit is fine.
    assert store.append(SHA, 1000, io.BytesIO(DATA[1000:151_000]), 150_000) == 151_000


def test_chunk_too_large_on_first_chunk_leaves_no_partial(store):
    with pytest.raises(ChunkTooLarge):
        store.append(SHA, 0, io.BytesIO(DATA[:5000]), 4999)
    assert store.partial_offset(SHA) is None


def test_empty_append_creates_nothing(store):
    assert store.append(SHA, 0, io.BytesIO(b""), MiB) == 0
    assert store.partial_offset(SHA) is None


def test_bytes_received_before_a_cut_are_kept(store):
    class Disconnecting(io.RawIOBase):
        def __init__(self):
            self.sent = False

        def read(self, size=-1):
            if not self.sent:
                self.sent = True
                return DATA[:4096]
            raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        store.append(SHA, 0, Disconnecting(), MiB)
    assert store.partial_offset(SHA) == 4096
    assert store.append(SHA, 4096, io.BytesIO(DATA[4096:]), MiB) == len(DATA)
    assert store.hash_partial(SHA) == SHA


def test_resume_after_reinstantiating_the_store(tmp_path):
    first = LocalBlobStore(tmp_path / "blobs")
    first.append(SHA, 0, io.BytesIO(DATA[:123_456]), MiB)
    del first
    second = LocalBlobStore(tmp_path / "blobs")
    assert second.partial_offset(SHA) == 123_456
    assert second.append(SHA, 123_456, io.BytesIO(DATA[123_456:]), MiB) == len(DATA)
    second.publish(SHA, VARIANTS)
    assert LocalBlobStore(tmp_path / "blobs").size(SHA) == len(DATA)


def test_torn_partial_is_just_shorter(store):
    """After a crash the on-disk size is the truth; the client re-asks and resumes."""
    upload(store, DATA[:50_000])
    with open(store.partial_path(SHA), "r+b") as fh:  # simulate a torn write
        fh.truncate(31_337)
    with pytest.raises(OffsetMismatch) as exc:
        store.append(SHA, 50_000, io.BytesIO(DATA[50_000:]), MiB)
    assert exc.value.current_offset == 31_337
    store.append(SHA, 31_337, io.BytesIO(DATA[31_337:]), MiB)
    assert store.hash_partial(SHA) == SHA


def test_publish_is_idempotent(store):
    upload(store)
    store.publish(SHA, VARIANTS)
    store.publish(SHA, VARIANTS)  # nothing left to do
    # A leftover partial for a complete blob is just removed.
    store.partial_path(SHA).write_bytes(b"junk")
    store.publish(SHA, {})
    assert store.partial_offset(SHA) is None
    with store.open(SHA) as fh:
        assert fh.read() == DATA


def test_publish_without_any_upload(store):
    with pytest.raises(FileNotFoundError):
        store.publish(SHA, VARIANTS)


def test_publish_verifies_the_hash_and_publishes_nothing_on_mismatch(store):
    wrong = "0" * 64
    upload(store, sha=wrong)
    with pytest.raises(HashMismatch) as exc:
        store.publish(wrong, VARIANTS)
    assert exc.value.code == "hash_mismatch" and exc.value.actual == SHA
    assert not store.exists(wrong)
    with pytest.raises(FileNotFoundError):
        store.open(wrong, "thumb")
    assert store.partial_offset(wrong) == len(DATA)  # caller decides
    assert store.discard_partial(wrong) is True
    assert store.discard_partial(wrong) is False
    assert store.partial_offset(wrong) is None


def test_publish_is_atomic(store, monkeypatch):
    """The complete blob appears by one os.replace, after the variants, never half-written."""
    upload(store)
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append((str(src), str(dst), store.exists(SHA)))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    store.publish(SHA, VARIANTS)
    complete = str(store.root / "complete" / SHA[:2] / SHA)
    assert seen[-1] == (str(store.partial_path(SHA)), complete, False)
    assert [dst for _, dst, _ in seen[:-1]] == [
        str(store.root / "variants" / name / SHA[:2] / f"{SHA}.jpg") for name in VARIANTS
    ]


def test_publish_failure_before_rename_leaves_partial(store, monkeypatch):
    upload(store)

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(LocalBlobStore, "_write_variants", broken)
    with pytest.raises(OSError):
        store.publish(SHA, VARIANTS)
    assert not store.exists(SHA)
    assert store.partial_offset(SHA) == len(DATA)


def test_append_to_complete_blob(store):
    upload(store)
    store.publish(SHA, VARIANTS)
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
    store.put_complete(SHA, DATA, VARIANTS)
    assert store.size(SHA) == len(DATA)
    store.put_complete(SHA, DATA, VARIANTS)  # idempotent

    other = os.urandom(3 * MiB)
    other_sha = hashlib.sha256(other).hexdigest()
    src = tmp_path / "bundle-member"
    src.write_bytes(other)
    store.put_complete(other_sha, src, {"thumb": b"t"})
    with store.open(other_sha) as fh:
        assert fh.read() == other
    with store.open(other_sha, "thumb") as fh:
        assert fh.read() == b"t"
    with pytest.raises(FileNotFoundError):
        store.open(other_sha, "display")


def test_put_complete_rejects_wrong_bytes(store):
    with pytest.raises(HashMismatch):
        store.put_complete(SHA, b"not the data", VARIANTS)
    assert not store.exists(SHA)
    assert list((store.root / "tmp").iterdir()) == []
    with pytest.raises(FileNotFoundError):
        store.open(SHA, "display")


def test_put_complete_removes_stale_partial(store):
    store.append(SHA, 0, io.BytesIO(DATA[:10]), MiB)
    store.put_complete(SHA, DATA, {})
    assert store.partial_offset(SHA) is None and store.exists(SHA)


def test_delete_removes_everything(store):
    store.put_complete(SHA, DATA, VARIANTS)
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
        lambda: store.partial_path(bad),
        lambda: store.append(bad, 0, io.BytesIO(b"x"), MiB),
        lambda: store.hash_partial(bad),
        lambda: store.publish(bad, {}),
        lambda: store.put_complete(bad, b"x", {}),
        lambda: store.discard_partial(bad),
        lambda: store.open(bad),
        lambda: store.delete(bad),
    ]
    for call in calls:
        with pytest.raises(ValueError):
            call()
    assert sorted(p.name for p in store.root.iterdir()) == ["complete", "partial", "tmp", "variants"]
    assert not any(p.is_file() for p in store.root.rglob("*"))


@pytest.mark.parametrize("variant", ["../x", "Display", "", "a/b", "original"])
def test_bad_variant_names(store, variant):
    store.put_complete(SHA, DATA, {})
    if variant != "original":
        with pytest.raises(ValueError):
            store.open(SHA, variant)
    with pytest.raises(ValueError):
        store.publish(SHA, {variant: b"x"})


def test_validate_sha():
    assert validate_sha(SHA) == SHA
    with pytest.raises(ValueError):
        validate_sha(SHA.upper())


def test_bad_offsets_and_limits(store):
    for offset, limit in ((-1, MiB), (0, -1), (1.5, MiB), (True, MiB)):
        with pytest.raises(ValueError):
            store.append(SHA, offset, io.BytesIO(b"x"), limit)


def test_concurrent_appends_same_offset_one_wins(store):
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
    assert store.partial_path(SHA).read_bytes() == DATA[:size]


def test_append_waiting_on_publish_never_writes_into_the_complete_blob(store, monkeypatch):
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
    real_write_variants = LocalBlobStore._write_variants

    def write_variants_slowly(self, sha, variants):
        thread.start()  # publish holds the partial's lock right now
        thread.join(0.2)
        assert thread.is_alive()  # the append is waiting for the lock
        real_write_variants(self, sha, variants)

    monkeypatch.setattr(LocalBlobStore, "_write_variants", write_variants_slowly)
    store.publish(SHA, VARIANTS)
    thread.join(10)
    assert len(results) == 1 and isinstance(results[0], AlreadyComplete)
    assert results[0].current_offset == len(DATA)
    with store.open(SHA) as fh:
        assert fh.read() == DATA
    assert store.partial_offset(SHA) is None


def test_publish_catches_bytes_appended_after_the_callers_hash_check(store):
    upload(store)
    assert store.hash_partial(SHA) == SHA
    store.append(SHA, len(DATA), io.BytesIO(b"extra"), MiB)  # e.g. a racing request
    with pytest.raises(HashMismatch):
        store.publish(SHA, VARIANTS)
    assert not store.exists(SHA)
