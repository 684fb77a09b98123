"""Opaque pull cursors: the server's change sequence number, signed so that a client
cannot forge or edit one (a cursor the server did not issue is a 400)."""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re

_MAC_BYTES = 12          # 96 bits: plenty against guessing, and keeps the token short
_DOMAIN = b"sync.cursor.v1:"   # so a MAC made for something else never passes as a cursor
_MAX_SEQ = 2**63 - 1     # a BIGINT sequence
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


class InvalidCursor(ValueError):
    """The token was not issued by encode_cursor with this key."""


def _mac(payload: bytes, key: bytes) -> bytes:
    return hmac.new(key, _DOMAIN + payload, hashlib.sha256).digest()[:_MAC_BYTES]


def _seq_bytes(seq: int) -> bytes:
    return seq.to_bytes(max(1, (seq.bit_length() + 7) // 8), "big")


def encode_cursor(seq: int, key: bytes) -> str:
    """A short urlsafe token for change sequence `seq` (≥ 0)."""
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= _MAX_SEQ:
        raise ValueError("seq must be an integer in 0..2**63-1")
    payload = _seq_bytes(seq)
    return base64.urlsafe_b64encode(payload + _mac(payload, key)).rstrip(b"=").decode("ascii")


def decode_cursor(token, key: bytes) -> int:
    """The sequence number inside `token`; InvalidCursor for anything else."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise InvalidCursor("malformed cursor")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise InvalidCursor("malformed cursor") from None
    payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
    if not payload or not hmac.compare_digest(mac, _mac(payload, key)):
        raise InvalidCursor("cursor not issued by this server")
    seq = int.from_bytes(payload, "big")
    # Only the exact token we issue is accepted, not another spelling of the same bytes.
    if seq > _MAX_SEQ or not hmac.compare_digest(encode_cursor(seq, key), token):
        raise InvalidCursor("cursor not issued by this server")
    return seq
