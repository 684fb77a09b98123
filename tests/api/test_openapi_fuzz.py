"""Every API operation, fuzzed from the OpenAPI document the app serves itself: valid
and invalid requests never get a 5xx, and every answer is one the document describes
(a documented status, its content type, headers and body schema)."""
import hashlib
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               response_headers_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)

from tests.support.combined import a_published_combined
from tests.support.factories import jpeg_bytes, make_rectification, recheck, with_photos
from tests.support.postgres import database_params
from tests.support.star_rounds import publish_two_household_rounds

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
# The same cases every run (no randomness, no example database): a failure is the
# server's, never the draw's. Per operation, role and mode; a few hundred in all.
FUZZ = settings(max_examples=6, derandomize=True, database=None, deadline=None,
                suppress_health_check=list(HealthCheck))
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
# A photo chunk (PATCH /blobs/<sha>) is plain bytes under tus's media type.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")


@pytest.fixture
def operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.fixture
def known_ids(app, api, phone, ref) -> dict:
    """Real path parameters (the round, an inspection with a photo, its blob, a combined
    result, a recheck, a household, a star rating and an objection to it): made-up ids only ever reach the 404s, these reach the code
    behind them."""
    payload = with_photos(phone, ref, ref["assigned"][0], {"collection": {"bins": 2}})
    photo = payload["photos"][0]
    rechecked = recheck(make_rectification(app, phone, ref, group_id=ref["assigned"][1]))
    assert phone.push_rechecks(rechecked)[0]["outcome"] == "applied"
    combined = a_published_combined(app, api.as_user("supervisor1"), ref["round"]["id"])
    team = api.as_user("admin").get(f"/rounds/{ref['round']['id']}/teams").get_json()[0]
    supervisor = api.as_user("supervisor1")
    rated = publish_two_household_rounds(app, supervisor)
    rating = supervisor.post("/star-ratings", json={
        "name": "星级评定", "rounds": [rated.first]}).get_json()["id"]
    objection = supervisor.post(f"/star-ratings/{rating}/objections", json={
        "household_id": rated.households["A01"], "text": "请复核"}).get_json()["id"]
    return {"round_id": ref["round"]["id"], "inspection_id": payload["id"],
            "photo_id": photo["id"], "sha": photo["sha256"], "combined_id": combined,
            "recheck_id": rechecked["id"], "user_id": phone.user["id"],
            "device_id": _device_id(app, phone), "version": 1,
            "team_id": team["id"], "group_id": ref["assigned"][0],
            "household_id": rated.households["A01"], "rating_id": rating,
            "objection_id": objection}

# The fuzzer's WSGI transport asks for gzip but never unpacks it; what is checked here is
# the document, so answers come plain (compression has its own test, test_compression.py).
PLAIN = {"Accept-Encoding": "identity"}


def _device_id(app, session) -> int:
    from server.extensions import db
    from server.models import DeviceToken
    with app.app_context():
        return db.session.execute(db.select(DeviceToken.id).where(
            DeviceToken.client_id == session.client_id)).scalar_one()


def fuzz(operation, mode, session, api, path_parameters=None) -> None:
    @FUZZ
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def answers_as_documented(case):
        signed_in = session
        if case.method == "DELETE" and case.path == "/api/v1/auth/token":
            # Signing out revokes the token: spend a fresh one, keep the session's.
            signed_in = api.as_user(session.user["username"])
        if isinstance(case.body, dict) and isinstance(case.body.get("client_id"), str):
            # A made-up client id is a 403 before anything else is looked at; the
            # session's own lets the inspections reach validation.
            case.body["client_id"] = signed_in.client_id
        case.call_and_validate(headers={**signed_in.headers, **PLAIN}, checks=CHECKS)

    try:
        answers_as_documented()
    except Unsatisfiable:
        # Only when nothing in the request can be made invalid (no parameters, no body).
        assert mode is GenerationMode.NEGATIVE
        pytest.skip("no part of this request can be made invalid")


def fuzz_all(operations, session, api, subtests, known_ids, at_least: int = 15) -> None:
    assert len(operations) >= at_least     # the document lists every operation
    fuzz_each(operations, session, api, subtests, known_ids)


def fuzz_each(operations, session, api, subtests, known_ids) -> None:
    for operation in operations:
        for mode in MODES:
            with subtests.test(operation=operation.label, mode=mode.value):
                fuzz(operation, mode, session, api)
        names = re.findall(r"{(\w+)}", operation.path)
        if names:
            with subtests.test(operation=operation.label, mode="known ids"):
                fuzz(operation, GenerationMode.POSITIVE, session, api,
                     {name: known_ids[name] for name in names})


def on_one_database(preferred: str):
    """Each role is fuzzed on one database, the two roles on different ones: both
    engines see every operation at the cost of one (TEST_DATABASES still rules)."""
    available = database_params()
    chosen = [preferred] if preferred in available else available[:1]
    return pytest.mark.parametrize("database_url", chosen, indirect=True)


@on_one_database("sqlite")
def test_every_answer_to_an_inspector_is_documented(operations, phone, api, subtests,
                                                    known_ids):
    fuzz_all(operations, phone, api, subtests, known_ids)


@on_one_database("postgresql")
def test_every_answer_to_a_supervisor_is_documented(operations, boss, api, subtests,
                                                    known_ids):
    fuzz_all(operations, boss, api, subtests, known_ids)


@on_one_database("postgresql")
def test_every_answer_to_an_admin_about_people_is_documented(operations, api, subtests,
                                                             known_ids):
    """The admins' operations on users and devices, which the other roles only see
    refused."""
    people = [o for o in operations if o.path.startswith(("/api/v1/users", "/api/v1/devices"))]
    assert len(people) == 6
    fuzz_each(people, api.as_user("admin"), api, subtests, known_ids)


def test_a_whole_photo_upload_is_answered_as_documented(operations, phone):
    """204 while bytes are missing, 201 once the blob is complete (and again for a
    chunk at its end): the statuses and headers a phone relies on are in the document."""
    patch = next(o for o in operations if o.label == "PATCH /api/v1/blobs/{sha}")
    data = jpeg_bytes(seed=7)
    sha, half = hashlib.sha256(data).hexdigest(), len(data) // 2
    statuses = []
    for offset, chunk in ((0, data[:half]), (half, data[half:]), (len(data), b"")):
        case = patch.Case(path_parameters={"sha": sha}, body=chunk,
                          headers={"Upload-Offset": str(offset), "Upload-Length": str(len(data))},
                          media_type="application/offset+octet-stream")
        statuses.append(case.call_and_validate(headers={**phone.headers, **PLAIN}, checks=CHECKS).status_code)
    assert statuses == [204, 201, 201]


@on_one_database("sqlite")
def test_every_rubric_answer_to_an_admin_is_documented(operations, api, subtests):
    """Drafts are edited by admins only: their operations fuzzed with an admin's token."""
    admin = api.as_user("admin")
    assert admin.post("/rubrics/1/copy").status_code == 201
    mine = [o for o in operations if "/rubrics" in o.path]
    assert len(mine) == 5
    for operation in mine:
        for mode in MODES:
            with subtests.test(operation=operation.label, mode=mode.value):
                fuzz(operation, mode, admin, api)
        if "{version}" in operation.path:
            with subtests.test(operation=operation.label, mode="the draft"):
                fuzz(operation, GenerationMode.POSITIVE, admin, api, {"version": 2})


ADMIN_PATHS = re.compile(r"/(teams|places|groups)\b|/rounds/{round_id}/(teams|assignments)")


@on_one_database("sqlite")
def test_every_answer_to_an_admin_about_teams_and_places_is_documented(
        operations, api, subtests, known_ids):
    mine = [o for o in operations if ADMIN_PATHS.search(o.path)]
    fuzz_all(mine, api.as_user("admin"), api, subtests, known_ids, at_least=11)
