"""gzip on the wire (contract, Pull: "every JSON response is gzip-compressed when the
client sends Accept-Encoding: gzip"); photos and ranged reads pass untouched."""
import gzip
import hashlib
import json

from tests.support.factories import inspection, jpeg_bytes, photo_record, uploaded

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def get(session, path, **headers):
    return session.client.get(f"/api/v1{path}", headers={**session.headers, **headers})


def test_a_pull_is_gzipped_when_the_client_accepts_it(api):
    phone = api.as_user("inspector1")
    plain = phone.get("/sync/pull?limit=1000")
    packed = get(phone, "/sync/pull?limit=1000", **GZIP)
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    body = gzip.decompress(packed.get_data())
    # the same JSON, a cursor aside (each answer is its own snapshot)
    unpacked, expected = json.loads(body), plain.get_json()
    assert unpacked["changes"] == expected["changes"]
    assert len(packed.get_data()) < len(body) / 3


def test_a_client_without_accept_encoding_gets_plain_json(api):
    response = api.as_user("inspector1").get("/sync/pull?limit=1000")
    assert "Content-Encoding" not in response.headers
    assert response.get_json()["changes"]
    assert "Accept-Encoding" in response.headers["Vary"]


def test_other_json_and_pages_are_gzipped_too(client):
    review = client.get("/api/v1/openapi.json", headers=GZIP)
    assert review.headers.get("Content-Encoding") == "gzip"
    assert json.loads(gzip.decompress(review.get_data()))["openapi"]
    page = client.get("/login", headers=GZIP)
    assert page.status_code == 200 and page.headers.get("Content-Encoding") == "gzip"
    assert b"<html" in gzip.decompress(page.get_data())


def test_photo_bytes_and_ranged_reads_are_never_compressed(phone, ref):
    data = uploaded(phone, jpeg_bytes(seed=7))
    pushed = phone.push(inspection(ref["round"]["id"], ref["assigned"][0],
                                   photos=[photo_record(data)]))
    assert pushed.status_code == 200
    sha = hashlib.sha256(data).hexdigest()
    whole = get(phone, f"/blobs/{sha}", **GZIP)
    assert whole.status_code == 200 and "Content-Encoding" not in whole.headers
    assert whole.get_data() == data
    # a ranged read is answered exactly as it is without gzip (the bytes are not touched)
    plain = get(phone, f"/blobs/{sha}", Range="bytes=10-99")
    part = get(phone, f"/blobs/{sha}", Range="bytes=10-99", **GZIP)
    assert "Content-Encoding" not in part.headers
    assert (part.status_code, part.get_data()) == (plain.status_code, plain.get_data())
