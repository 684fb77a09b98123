"""R4: every endpoint × {anonymous, inspector A, inspector B, supervisor, admin, revoked}.

An inspector never sees or changes another inspector's inspections, nor reviews.
"""
import hashlib
import io
import json
import zipfile

import pytest

from tests.support.factories import (close_round, inspection, jpeg_bytes, photo_record, reference,
                                     upload)

ROLES = ("anonymous", "inspector_a", "inspector_b", "supervisor", "admin", "revoked")
USERS = {"inspector_a": "inspector1", "inspector_b": "inspector2",
         "supervisor": "supervisor1", "admin": "admin", "revoked": "inspector1"}


@pytest.fixture
def world(api):
    """Inspector A's inspection with a photo, and a session for every role."""
    sessions = {role: api.as_user(user) for role, user in USERS.items()}
    sessions["revoked"].delete("/auth/token")
    owner = sessions["inspector_a"]
    ref = reference(owner)
    photo = jpeg_bytes(seed=31)
    upload(owner, photo)
    record = photo_record(photo)
    payload = inspection(ref["round"]["id"], ref["assigned"][0],
                         deductions={"collection": {"bins": 1}}, photos=[record])
    assert owner.push(payload).get_json()["results"][0]["outcome"] == "applied"
    return {"sessions": sessions, "client": owner.client, "ref": ref, "payload": payload,
            "photo": photo, "sha": hashlib.sha256(photo).hexdigest(), "photo_id": record["id"]}


def call(world, role, method, path, **kw):
    client = world["client"]
    headers = dict(kw.pop("headers", {}))
    if role != "anonymous":
        headers.update(world["sessions"][role].headers)
    return getattr(client, method)(f"/api/v1{path}", headers=headers, **kw)


def bundle_of(world, role) -> bytes:
    session = world["sessions"].get(role) or world["sessions"]["inspector_a"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("manifest.json", json.dumps({
            "client_id": session.client_id, "exported_at": "2026-11-20T18:00:00+08:00",
            "inspections": []}))
    return out.getvalue()


def requests(world, role):
    """(name, method, path, kwargs) for every endpoint, built for this caller."""
    own_client_id = world["sessions"][role].client_id if role in world["sessions"] else "x"
    round_id = world["ref"]["round"]["id"]
    octets = {"Content-Type": "application/offset+octet-stream",
              "Upload-Offset": "0", "Upload-Length": "5"}
    return {
        "pull": ("get", "/sync/pull", {}),
        "push": ("post", "/sync/push", {"json": {"client_id": own_client_id, "inspections": []}}),
        "check": ("post", "/blobs/check", {"json": {"blobs": [{"sha256": world["sha"], "size": 9}]}}),
        "head": ("head", f"/blobs/{world['sha']}", {}),
        "patch": ("patch", f"/blobs/{'e' * 64}", {"data": b"12", "headers": octets}),
        "read photo": ("get", f"/blobs/{world['sha']}?variant=thumb", {}),
        "bundle": ("post", "/sync/bundle", {"data": {"bundle": (io.BytesIO(bundle_of(world, role)), "b.zip")},
                                           "content_type": "multipart/form-data"}),
        "review inspection": ("post", f"/inspections/{world['payload']['id']}/review",
                              {"json": {"state": "approved"}}),
        "review photo": ("post", f"/photos/{world['photo_id']}/review", {"json": {"accepted": True}}),
        "rankings": ("get", f"/rounds/{round_id}/rankings", {}),
        "published rankings": ("get", f"/rounds/{round_id}/rankings/published", {}),
        "publish": ("post", f"/rounds/{round_id}/publish", {"json": {}}),
        "revoke own token": ("delete", "/auth/token", {}),
    }


OK = {"pull": 200, "push": 200, "check": 200, "head": 200, "patch": 204, "bundle": 200,
      "rankings": 200, "published rankings": 404, "revoke own token": 204}
EXPECTED = {
    "anonymous": {name: 401 for name in list(OK) + ["read photo", "review inspection",
                                                    "review photo", "publish"]},
    "revoked": {name: 401 for name in list(OK) + ["read photo", "review inspection",
                                                  "review photo", "publish"]},
    "inspector_a": {**OK, "read photo": 200, "review inspection": 403, "review photo": 403,
                    "publish": 403},
    "inspector_b": {**OK, "read photo": 404, "review inspection": 403, "review photo": 403,
                    "publish": 403},
    "supervisor": {**OK, "read photo": 200, "review inspection": 200, "review photo": 200,
                   "publish": 201},
    "admin": {**OK, "read photo": 200, "review inspection": 200, "review photo": 200,
              "publish": 201},
}


@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix(world, role):
    seen = {}
    for name, (method, path, kwargs) in requests(world, role).items():
        if name == "publish":
            continue  # publishing changes "published rankings": checked on its own below
        seen[name] = call(world, role, method, path, **kwargs).status_code
    expected = {k: v for k, v in EXPECTED[role].items() if k != "publish"}
    assert seen == expected


@pytest.mark.parametrize("role", ROLES)
def test_who_may_publish(app, world, role):
    close_round(app, world["ref"]["round"]["id"])
    method, path, kwargs = requests(world, role)["publish"]
    assert call(world, role, method, path, **kwargs).status_code == EXPECTED[role]["publish"]


def test_inspector_b_cannot_see_or_change_a(world):
    b = world["sessions"]["inspector_b"]
    changes, _ = b.pull_all()
    assert world["payload"]["id"] not in {c["id"] for c in changes if c["type"] == "inspection"}
    hijack = dict(world["payload"], client_rev=9, note="B was here")
    result = b.push(hijack).get_json()["results"][0]
    assert result["outcome"] == "rejected"
    a_view = {c["id"]: c["data"] for c in world["sessions"]["inspector_a"].pull_all()[0]
              if c["type"] == "inspection"}
    assert a_view[world["payload"]["id"]]["note"] == ""
