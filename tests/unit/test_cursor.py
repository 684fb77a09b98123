"""Signed, opaque pull cursors."""
import base64

import pytest

from sync.cursor import InvalidCursor, decode_cursor, encode_cursor

KEY = b"k" * 32
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@pytest.mark.parametrize("seq", [0, 1, 255, 256, 123_456_789, 2**40, 2**63 - 1])
def test_round_trip(seq):
    token = encode_cursor(seq, KEY)
    assert set(token) <= set(ALPHABET) and len(token) <= 27
    assert decode_cursor(token, KEY) == seq


def test_tokens_are_deterministic_and_depend_on_the_key():
    assert encode_cursor(42, KEY) == encode_cursor(42, KEY)
    assert encode_cursor(42, KEY) != encode_cursor(42, b"other")
    with pytest.raises(InvalidCursor):
        decode_cursor(encode_cursor(42, KEY), b"other")


def test_an_edited_token_is_refused():
    token = encode_cursor(1000, KEY)
    for i in range(len(token)):
        edited = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]
        with pytest.raises(InvalidCursor):
            decode_cursor(edited, KEY)


def test_another_spelling_of_the_same_bytes_is_refused():
    token = encode_cursor(7, KEY)                 # 13 bytes: the last character has spare bits
    spare = ALPHABET[ALPHABET.index(token[-1]) ^ 1]
    other = token[:-1] + spare
    assert base64.urlsafe_b64decode(other + "==") == base64.urlsafe_b64decode(token + "==")
    with pytest.raises(InvalidCursor):
        decode_cursor(other, KEY)


def test_a_forged_sequence_is_refused():
    raw = base64.urlsafe_b64decode(encode_cursor(5, KEY) + "===")
    forged = base64.urlsafe_b64encode(b"\x09" + raw[1:]).rstrip(b"=").decode()
    with pytest.raises(InvalidCursor):
        decode_cursor(forged, KEY)


@pytest.mark.parametrize("token", ["", "abc", "!!!!", "A" * 200, encode_cursor(3, KEY) + "=",
                                   " " + encode_cursor(3, KEY), None, 3, b"abc"])
def test_garbage_is_refused(token):
    with pytest.raises(InvalidCursor):
        decode_cursor(token, KEY)


def test_invalid_cursor_is_a_value_error():
    assert issubclass(InvalidCursor, ValueError)


@pytest.mark.parametrize("seq", [-1, 2**63, True, 1.0, "1"])
def test_encode_refuses_what_is_not_a_sequence_number(seq):
    with pytest.raises(ValueError):
        encode_cursor(seq, KEY)


def test_a_first_pull_cursor_carries_its_snapshot_end():
    from sync.cursor import decode_position

    token = encode_cursor(40, KEY, snapshot_end=90)
    assert decode_position(token, KEY) == (40, 90)
    assert decode_cursor(token, KEY) == 40
    # past the snapshot it is a plain cursor again
    assert decode_position(encode_cursor(90, KEY, snapshot_end=90), KEY) == (90, None)
    assert encode_cursor(90, KEY, snapshot_end=90) == encode_cursor(90, KEY)
    with pytest.raises(InvalidCursor):
        decode_position(token, b"other")
