"""Opaque pull cursors: the server's change sequence number, signed so that a client
cannot forge or edit one (a cursor the server did not issue is a 400).

A cursor inside a first pull also carries the sequence its snapshot started at: up to
there the pages are the bounded snapshot, past it every change in scope (contract, Pull).
A cursor the first page hands out `ahead` carries a page's upper bound too, so pages
fetched side by side each stop where the next begins.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re

_MAC_BYTES = 12          # 96 bits: plenty against guessing, and keeps the token short
_DOMAIN = b"sync.cursor.v1:"   # so a MAC made for something else never passes as a cursor
_SNAPSHOT_DOMAIN = b"sync.cursor.snapshot.v1:"
_SNAPSHOT_PAYLOAD = 16   # two 8-byte sequences; a plain cursor's payload is at most 8 bytes
_AHEAD_DOMAIN = b"sync.cursor.ahead.v1:"
_AHEAD_PAYLOAD = 24      # three: from, the snapshot's end, the page's last (0: no bound)
_MAX_SEQ = 2**63 - 1     # a BIGINT sequence
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


class InvalidCursor(ValueError):
    """The token was not issued by encode_cursor with this key."""


def _mac(payload: bytes, key: bytes, domain: bytes = _DOMAIN) -> bytes:
    return hmac.new(key, domain + payload, hashlib.sha256).digest()[:_MAC_BYTES]


def _seq_bytes(seq: int) -> bytes:
    return seq.to_bytes(max(1, (seq.bit_length() + 7) // 8), "big")


def _check_seq(seq) -> None:
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= _MAX_SEQ:
        raise ValueError("seq must be an integer in 0..2**63-1")


def encode_cursor(seq: int, key: bytes, snapshot_end: int | None = None) -> str:
    """A short urlsafe token for change sequence `seq` (≥ 0); within a first pull that has
    not reached `snapshot_end` yet, a token that carries it too."""
    _check_seq(seq)
    if snapshot_end is not None and snapshot_end > seq:
        _check_seq(snapshot_end)
        payload = seq.to_bytes(8, "big") + snapshot_end.to_bytes(8, "big")
        mac = _mac(payload, key, _SNAPSHOT_DOMAIN)
    else:
        payload = _seq_bytes(seq)
        mac = _mac(payload, key)
    return base64.urlsafe_b64encode(payload + mac).rstrip(b"=").decode("ascii")


def decode_position(token, key: bytes) -> tuple[int, int | None]:
    """(sequence, the first pull's snapshot end or None) inside `token`; InvalidCursor
    for anything else."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise InvalidCursor("malformed cursor")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise InvalidCursor("malformed cursor") from None
    payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
    snapshot = len(payload) == _SNAPSHOT_PAYLOAD
    domain = _SNAPSHOT_DOMAIN if snapshot else _DOMAIN
    if not payload or not hmac.compare_digest(mac, _mac(payload, key, domain)):
        raise InvalidCursor("cursor not issued by this server")
    if snapshot:
        seq, end = int.from_bytes(payload[:8], "big"), int.from_bytes(payload[8:], "big")
    else:
        seq, end = int.from_bytes(payload, "big"), None
    # Only the exact token we issue is accepted, not another spelling of the same bytes.
    if seq > _MAX_SEQ or (end is not None and (end > _MAX_SEQ or end <= seq)) \
            or not hmac.compare_digest(encode_cursor(seq, key, end), token):
        raise InvalidCursor("cursor not issued by this server")
    return seq, end


def encode_ahead(seq: int, key: bytes, snapshot_end: int, upto: int | None) -> str:
    """A cursor for a later page of a first pull, fetched beside the others: it carries
    the changes after `seq` up to `upto` (None: the last page, on past the snapshot)."""
    for value in (seq, snapshot_end, upto or 0):
        _check_seq(value)
    if not seq < snapshot_end or (upto is not None and not seq < upto < snapshot_end):
        raise ValueError("an ahead page lies inside its snapshot")
    payload = b"".join(v.to_bytes(8, "big") for v in (seq, snapshot_end, upto or 0))
    mac = _mac(payload, key, _AHEAD_DOMAIN)
    return base64.urlsafe_b64encode(payload + mac).rstrip(b"=").decode("ascii")


def decode_ahead(token, key: bytes) -> tuple[int, int, int | None] | None:
    """(from, snapshot end, upper bound or None) of a cursor made by encode_ahead; None for
    any other token (decode_position judges those); InvalidCursor for a forged one."""
    if not isinstance(token, str) or len(token) != 48 or not _TOKEN.fullmatch(token):
        return None      # 24 + 12 bytes are 48 characters; every other cursor is shorter
    raw = base64.urlsafe_b64decode(token)
    payload, mac = raw[:_AHEAD_PAYLOAD], raw[_AHEAD_PAYLOAD:]
    if not hmac.compare_digest(mac, _mac(payload, key, _AHEAD_DOMAIN)):
        raise InvalidCursor("cursor not issued by this server")
    seq, end, upto = (int.from_bytes(payload[n:n + 8], "big") for n in (0, 8, 16))
    try:
        again = encode_ahead(seq, key, end, upto or None)
    except ValueError:
        raise InvalidCursor("cursor not issued by this server") from None
    if not hmac.compare_digest(again, token):
        raise InvalidCursor("cursor not issued by this server")
    return seq, end, upto or None


def decode_cursor(token, key: bytes) -> int:
    """The sequence number inside `token`; InvalidCursor for anything else."""
    return decode_position(token, key)[0]
