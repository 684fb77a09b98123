"""The recheck review page of a long rectification: what is still open comes first, the
item this recheck reports on at the top; items closed off already wait folded, with
sending back as their only decision."""
import re

from tests.support.factories import make_rectification, recheck

DEDUCTIONS = {"collection": {"bins": 2}, "roads": {"road_dirty": 1},
              "toilets": {"open_pit": 1}}


def rechecked_after_two_closed(app, phone, boss, ref) -> tuple[dict, dict]:
    """Of three items, two are closed off by a first recheck's review; a second recheck
    reports on the third, listed last in the rectification."""
    rectification = make_rectification(app, phone, ref, deductions=DEDUCTIONS)
    closed = rectification["keys"][:2]
    first = recheck(rectification)
    phone.push_rechecks(first)
    response = boss.post(f"/rechecks/{first['id']}/review",
                         json={"items": {key: "closed" for key in closed}})
    assert response.status_code == 200, response.get_json()
    open_key = rectification["keys"][2]
    second = recheck(rectification, items={open_key: {"fixed": True, "note": "已盖好"}})
    phone.push_rechecks(second)
    return rectification, second


def sections(page: str) -> list[tuple[str, str]]:
    """(item key, "open" | "folded") in the order the page shows them."""
    folded_at = page.find('id="closed-items"')
    return [(m.group(1), "folded" if 0 <= folded_at < m.start() else "open")
            for m in re.finditer(r'<section class="criterion" id="item-([^"]+)"', page)]


def test_open_items_first_and_closed_ones_folded(app, phone, boss, web, ref):
    rectification, second = rechecked_after_two_closed(app, phone, boss, ref)
    url = f"/review/rechecks/{second['id']}"
    page = web.get(url).get_data(as_text=True)
    open_key, closed = rectification["keys"][2], rectification["keys"][:2]
    assert sections(page) == [(open_key, "open")] + [(key, "folded") for key in closed]
    assert re.search(r'<details class="closed-items" id="closed-items">\s*'
                     r'<summary>已销号的 2 项</summary>', page)
    # A closed item's only decision left is to send it back; the open one has all three.
    for key in closed:
        assert f'name="decision:{key}" value="closed"' not in page
        assert f'name="decision:{key}" value="open"' in page
    assert f'name="decision:{open_key}" value="closed"' in page
    assert "2 items already closed off" in web.get(f"{url}?lang=en").get_data(as_text=True)


def test_without_closed_items_nothing_is_folded(app, phone, web, ref):
    rectification = make_rectification(app, phone, ref, deductions=DEDUCTIONS)
    payload = recheck(rectification)
    phone.push_rechecks(payload)
    page = web.get(f"/review/rechecks/{payload['id']}").get_data(as_text=True)
    assert 'id="closed-items"' not in page
    assert sections(page) == [(key, "open") for key in rectification["keys"]]
