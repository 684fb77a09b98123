"""Cursors of a first pull's pages fetched ahead: they carry an upper bound, signed."""
import base64
import hashlib
import hmac

import pytest

from sync.cursor import InvalidCursor, decode_ahead, decode_position, encode_ahead, encode_cursor

KEY = b"k" * 32


@pytest.mark.parametrize("seq, end, upto", [(0, 1, None), (10, 500, 20), (5, 2**63 - 1, None),
                                            (2**40, 2**41, 2**40 + 1)])
def test_round_trip(seq, end, upto):
    token = encode_ahead(seq, KEY, end, upto)
    assert decode_ahead(token, KEY) == (seq, end, upto)


def test_other_cursors_are_not_ahead_cursors():
    assert decode_ahead(encode_cursor(7, KEY), KEY) is None
    assert decode_ahead(encode_cursor(7, KEY, 90), KEY) is None
    with pytest.raises(InvalidCursor):
        decode_position(encode_ahead(7, KEY, 90, 8), KEY)


def test_another_keys_or_an_edited_token_is_refused():
    token = encode_ahead(10, KEY, 500, 20)
    with pytest.raises(InvalidCursor):
        decode_ahead(token, b"other")
    for i in range(len(token)):
        edited = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]
        with pytest.raises(InvalidCursor):
            decode_ahead(edited, KEY)


def _signed(seq, end, upto):
    """A token with this key's MAC over bounds encode_ahead never issues."""
    payload = b"".join(v.to_bytes(8, "big") for v in (seq, end, upto))
    mac = hmac.new(KEY, b"sync.cursor.ahead.v1:" + payload, hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(payload + mac).decode()


@pytest.mark.parametrize("seq, end, upto", [(20, 500, 10), (10, 10, 0), (10, 500, 500),
                                            (10, 500, 10), (2**63, 2**64 - 1, 0)])
def test_bounds_out_of_order_are_refused(seq, end, upto):
    with pytest.raises(InvalidCursor):
        decode_ahead(_signed(seq, end, upto), KEY)


def test_bounds_out_of_order_are_never_issued():
    with pytest.raises(ValueError):
        encode_ahead(10, KEY, 500, 600)
    with pytest.raises(ValueError):
        encode_ahead(10, KEY, 10, None)
