"""A minimal phone-like HTTP client on the standard library, for live-server tests."""
import copy
import hashlib
import http.client
import json
from urllib.parse import urlsplit


class Phone:
    def __init__(self, base_url: str, username: str, password: str = "demo1234"):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        body = self.request("POST", "/api/v1/auth/token", {
            "username": username, "password": password, "device_name": "live-test"})[1]
        self.token, self.client_id, self.user = body["token"], body["client_id"], body["user"]

    def on(self, base_url: str) -> "Phone":
        """The same signed-in phone talking to another server (another machine)."""
        other = copy.copy(self)
        parts = urlsplit(base_url)
        other.host, other.port = parts.hostname, parts.port
        return other

    def connection(self, timeout=30) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def headers(self, extra=None) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if hasattr(self, "token") else {}
        return {**headers, **(extra or {})}

    def request(self, method, path, body=None, headers=None, raw=None):
        conn = self.connection()
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        hdrs = self.headers(headers)
        if raw is None and body is not None:
            hdrs["Content-Type"] = "application/json"
        conn.request(method, path, body=payload, headers=hdrs)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        parsed = json.loads(data) if data and response.getheader("Content-Type", "").startswith(
            "application/json") else data
        return response, parsed

    def push(self, inspections):
        return self.request("POST", "/api/v1/sync/push",
                            {"client_id": self.client_id, "inspections": inspections})

    def pull_all(self):
        changes, cursor = [], None
        while True:
            path = "/api/v1/sync/pull?limit=1000" + (f"&cursor={cursor}" if cursor else "")
            page = self.request("GET", path)[1]
            changes += page["changes"]
            cursor = page["cursor"]
            if not page["has_more"]:
                return changes

    def offset(self, sha: str) -> int:
        response, _ = self.request("HEAD", f"/api/v1/blobs/{sha}")
        return int(response.getheader("Upload-Offset")) if response.status == 200 else 0

    def upload(self, data: bytes, chunk=256 * 1024) -> int:
        """Uploads from the server's offset on; returns the final status."""
        sha = hashlib.sha256(data).hexdigest()
        offset = self.offset(sha)
        status = None
        while True:
            response, _ = self.request("PATCH", f"/api/v1/blobs/{sha}", raw=data[offset:offset + chunk],
                                       headers=upload_headers(offset, len(data)))
            status = response.status
            if status == 409:
                offset = int(response.getheader("Upload-Offset"))
                if offset == len(data):
                    return 201
                continue
            if status != 204:
                return status
            offset = int(response.getheader("Upload-Offset"))


def reference(phone: Phone) -> tuple[int, list[int]]:
    """The open round's id and the phone's assigned groups, from a pull."""
    changes = phone.pull_all()
    round_id = next(c["data"]["id"] for c in changes if c["type"] == "round")
    return round_id, [c["data"]["group_id"] for c in changes if c["type"] == "assignment"]


def half_a_chunk(phone: Phone, photo: bytes, offset: int, chunk: int,
                 headers: dict | None = None) -> http.client.HTTPConnection:
    """A PATCH of the chunk at `offset` with only its first half sent: the connection,
    still open, for a test to kill the server or cut it."""
    conn = phone.connection()
    conn.putrequest("PATCH", f"/api/v1/blobs/{hashlib.sha256(photo).hexdigest()}")
    piece = photo[offset:offset + chunk]
    for name, value in {**phone.headers(headers), **upload_headers(offset, len(photo)),
                        "Content-Length": str(len(piece))}.items():
        conn.putheader(name, value)
    conn.endheaders()
    conn.send(piece[:len(piece) // 2])
    return conn


def upload_headers(offset: int, length: int) -> dict:
    return {"Upload-Offset": str(offset), "Upload-Length": str(length),
            "Content-Type": "application/offset+octet-stream"}
