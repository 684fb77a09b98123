"""The blob store's own errors: a code and the data a caller needs, nothing about HTTP.

Whoever answers a request turns them into its error shape in one place
(server/errors.py); nothing here knows which status a code becomes.
"""


class BlobStoreError(Exception):
    """Base class of the store's own errors; ``code`` names what went wrong."""

    code = "blob_store_error"


class OffsetMismatch(BlobStoreError):
    """The client's offset is not the number of bytes the store holds.

    ``current_offset`` is the store's offset (0 when there is no partial), which the
    client resumes from.
    """

    code = "offset_mismatch"

    def __init__(self, current_offset: int):
        super().__init__(f"Upload offset mismatch; the server holds {current_offset} bytes.")
        self.current_offset = current_offset


class AlreadyComplete(OffsetMismatch):
    """``append`` to a blob that is already complete.

    ``current_offset`` is the complete size: a caller that does not care treats it as
    any other stale offset, and a client resuming from there learns that it is done.
    """

    def __init__(self, size: int):
        super().__init__(size)
        self.args = (f"The blob is already complete ({size} bytes).",)


class ChunkTooLarge(BlobStoreError):
    """More than ``length_limit`` bytes arrived in one append; the partial is left
    exactly as it was before the call."""

    code = "too_large"

    def __init__(self, limit: int):
        super().__init__(f"The chunk is larger than the {limit} bytes allowed here.")
        self.limit = limit


class HashMismatch(BlobStoreError):
    """The bytes do not hash to the blob's name; nothing was published."""

    code = "hash_mismatch"

    def __init__(self, expected: str, actual: str):
        super().__init__(f"SHA-256 mismatch: expected {expected}, got {actual}.")
        self.expected = expected
        self.actual = actual


class StoreUnavailable(BlobStoreError):
    """The store cannot be reached or refused to work; try again later.

    Nothing was written by the failed call; the caller keeps what it has.
    """

    code = "store_unavailable"
