"""The shapes of ids that cross the wire: UUIDs made on phones, SHA-256 of photo bytes.

Lowercase canonical forms only: ids are compared as strings (photo union, blob
ownership), so "A1…" and "a1…" must not become two different photos.
"""
import re

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SHA256 = re.compile(r"[0-9a-f]{64}")


def is_uuid(value) -> bool:
    return isinstance(value, str) and UUID.fullmatch(value) is not None


def is_sha256(value) -> bool:
    return isinstance(value, str) and SHA256.fullmatch(value) is not None
