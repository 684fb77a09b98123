"""A first pull's later pages fetched side by side (contract, Pull: `ahead`): the first
page names where each later page begins; each such page carries exactly its slice, so
together they are the sequential pages, whatever changes while they are in flight."""
from collections import Counter

from server.changes import record_change
from server.extensions import db
from server.models import Change, DeviceToken
from tests.support.factories import inspection

LIMIT = 4


def keyed(changes):
    return [(c["type"], c["id"]) for c in changes]


def _pages_ahead(device, limit=LIMIT):
    """The first page, then each page of its `ahead` cursors (fetched before any is
    applied, as a phone with several in flight does)."""
    response = device.get(f"/sync/pull?limit={limit}")
    # a phone reads `ahead` before the page's changes have arrived: it comes first
    assert response.get_data(as_text=True).startswith('{"ahead":["')
    first = response.get_json()
    later = [device.get(f"/sync/pull?limit={limit}&cursor={c}") for c in first["ahead"]]
    assert all(r.status_code == 200 for r in later)
    return first, [r.get_json() for r in later]


def _more_history(phone, ref, count=6):
    """Inspections pushed after the seed, so the snapshot spans several pages."""
    made = [inspection(ref["round"]["id"], ref["assigned"][n % len(ref["assigned"])])
            for n in range(count)]
    assert phone.push(*made).status_code == 200


def test_the_pages_ahead_are_the_sequential_pages_exactly(api, phone, ref):
    _more_history(phone, ref)
    sequential, _ = api.as_user("inspector1").pull_all(limit=LIMIT)   # another new device
    first, later = _pages_ahead(api.as_user("inspector1"))
    pages = -(-len(sequential) // LIMIT)
    assert pages >= 4 and len(first["ahead"]) == pages - 1
    assert first["has_more"] and len(first["changes"]) == LIMIT
    got = first["changes"] + [c for page in later for c in page["changes"]]
    assert keyed(got) == keyed(sequential)
    assert all(len(page["changes"]) == LIMIT for page in later[:-1])
    assert [page["has_more"] for page in later] == [True] * (pages - 2) + [False]
    assert "ahead" not in later[0]


def test_a_page_ahead_resumes_from_its_own_cursor(api, phone, ref):
    """A pull cut after the second page goes on from that page's cursor, sequentially,
    and ends with the same changes: none lost, none twice."""
    _more_history(phone, ref)
    device = api.as_user("inspector1")
    sequential, _ = api.as_user("inspector1").pull_all(limit=LIMIT)
    first, later = _pages_ahead(device)
    rest, cursor = device.pull_all(cursor=later[0]["cursor"], limit=LIMIT)
    assert keyed(first["changes"] + later[0]["changes"] + rest) == keyed(sequential)
    assert device.get(f"/sync/pull?cursor={cursor}").get_json()["changes"] == []


def _touch(app, entity_type, entity_id):
    """The entity changes: its change row moves to a new sequence, as every write does."""
    with app.app_context():
        row = db.session.execute(db.select(Change).where(
            Change.entity_type == entity_type, Change.entity_id == entity_id)).scalar_one()
        record_change(db.session, row.entity_type, row.entity_id, row.township_id,
                      owner_id=row.owner_id, op=row.op)
        db.session.commit()


def test_a_record_changed_while_the_pages_are_in_flight_comes_once(app, api, phone, ref):
    _more_history(phone, ref)
    sequential, _ = api.as_user("inspector1").pull_all(limit=LIMIT)
    device = api.as_user("inspector1")
    first = device.get(f"/sync/pull?limit={LIMIT}").get_json()
    # the first change of the second page changes before that page is fetched
    moved = keyed(sequential)[LIMIT]
    _touch(app, *moved)
    later = [device.get(f"/sync/pull?limit={LIMIT}&cursor={c}").get_json()
             for c in first["ahead"]]
    got = keyed(first["changes"] + [c for page in later for c in page["changes"]])
    assert Counter(got) == Counter(keyed(sequential))
    assert moved not in keyed(later[0]["changes"]) and moved in keyed(later[-1]["changes"])
    assert later[-1]["has_more"] is False


def test_a_snapshot_of_one_page_has_nothing_ahead(api):
    page = api.as_user("inspector1").get("/sync/pull?limit=1000").get_json()
    assert page["has_more"] is False and page["ahead"] == []


def test_a_forged_or_edited_ahead_cursor_is_400(api, phone, ref):
    _more_history(phone, ref)
    first = api.as_user("inspector1").get(f"/sync/pull?limit={LIMIT}").get_json()
    token = first["ahead"][0]
    for edited in (token[:10] + ("A" if token[10] != "A" else "B") + token[11:],
                   token[:-1] + ("A" if token[-1] != "A" else "B"), token + "A", token[:-4]):
        response = phone.get(f"/sync/pull?cursor={edited}")
        assert response.status_code == 400, edited
        assert response.get_json()["error"]["fields"] == {"cursor": ["unknown cursor"]}


def _pulled_seq(app, device):
    with app.app_context():
        return db.session.execute(db.select(DeviceToken.pulled_seq).where(
            DeviceToken.client_id == device.client_id)).scalar_one()


def test_what_the_device_has_received_moves_only_past_the_snapshots_end(app, api, phone, ref):
    """Pages ahead may be served before the pages in front of them: none of them moves
    it (a resumed page's bounds rest on it); the pull after the last one does."""
    _more_history(phone, ref)
    device = api.as_user("inspector1")
    first, later = _pages_ahead(device)
    assert _pulled_seq(app, device) is None
    after = device.get(f"/sync/pull?cursor={later[-1]['cursor']}").get_json()
    assert after["changes"] == [] and _pulled_seq(app, device) is not None


def test_the_api_document_describes_ahead(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    ahead = schemas["PullResponse"]["properties"]["ahead"]
    assert ahead["type"] == "array" and "first page" in ahead["description"]
