"""The server as deployed (gunicorn.conf.py) keeps a phone's connection between its
requests: a photo's chunks and the next photo go over one connection, not one each
(targets P12: gunicorn's sync workers closed it after every request)."""
import hashlib
import http.client

from tests.support.factories import big_jpeg
from tests.support.httpclient import Phone, upload_headers
from tests.support.liveserver import ServerProcess


def test_a_photos_chunks_share_one_connection(tmp_path, bare_sqlite_url):
    server = ServerProcess(tmp_path, bare_sqlite_url).start()
    try:
        phone = Phone(server.url, "inspector1")
        photo = big_jpeg(1600, 1200, seed=24)
        sha, chunk = hashlib.sha256(photo).hexdigest(), 256 * 1024
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.connect()
        first = conn.sock
        statuses, offset = [], 0
        while offset < len(photo):
            conn.request("PATCH", f"/api/v1/blobs/{sha}", body=photo[offset:offset + chunk],
                         headers=phone.headers(upload_headers(offset, len(photo))))
            response = conn.getresponse()
            response.read()
            statuses.append(response.status)
            assert not response.will_close, response.getheader("Connection")
            offset = int(response.getheader("Upload-Offset"))
        conn.request("HEAD", f"/api/v1/blobs/{sha}", headers=phone.headers())
        response = conn.getresponse()
        response.read()
        assert response.getheader("Upload-Offset") == str(len(photo))
        assert conn.sock is first                      # never reconnected
        assert statuses[-1] == 201 and set(statuses[:-1]) == {204}
        conn.close()
    finally:
        server.stop()
