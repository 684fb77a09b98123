"""我的检查 at 360 px: a first pull leaves an older round's inspections out; the round
is listed with a button that fetches them while online (a clear message offline), and
what it fetched is stored and shown like pulled inspections."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.support.apiclient import ApiClient
from tests.support.combined import close
from tests.support.factories import inspection, reference
from tests.support.phone import local_inspections, page_of_size, sign_in, switch_language

TEXTS = {
    "zh": {"fetch": "取回本轮检查", "offline": "需联网才能取回", "count": "1 次检查"},
    "en": {"fetch": "Fetch this round", "offline": "Fetching needs a connection",
           "count": "1 inspection"},
}


@pytest.fixture
def narrow_phone(browser):
    yield from page_of_size(browser, 360, 740)


def round_before(app, round_id: int, days: int, name: str, name_en: str) -> int:
    from server.admin.rounds import create_round
    from server.extensions import db
    from server.models import Round

    with app.app_context():
        current = db.session.get(Round, round_id)
        earlier = create_round(current.township_id, name=name, name_en=name_en,
                               starts_on=current.starts_on - timedelta(days=days),
                               ends_on=current.starts_on - timedelta(days=days - 27),
                               rubric_id=current.rubric_id)
        db.session.commit()
        return earlier.id


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_older_round_is_fetched_in_my_inspections(narrow_phone, live_server, lang):
    page, app = narrow_phone, live_server.app
    client = ApiClient(app.test_client())
    inspector, boss = client.as_user("inspector1"), client.as_user("supervisor1")
    ref = reference(inspector)
    older = round_before(app, ref["round"]["id"], 60, "两月前评比", "Two months ago")
    later = round_before(app, ref["round"]["id"], 30, "上月评比", "Last month")
    old = inspection(older, ref["assigned"][0])   # never reviewed: history, not carried
    assert inspector.push(old).get_json()["results"][0]["outcome"] == "applied"
    for round_id in (older, later):
        close(app, round_id)
        assert boss.post(f"/rounds/{round_id}/publish").status_code == 201

    sign_in(page, live_server.url)
    switch_language(page, lang)
    assert old["id"] not in {r["id"] for r in local_inspections(page)}
    block = page.locator(f"#my-inspections .round-block[data-round='{older}']")
    block.locator("summary").click()
    button = block.locator(f"button[data-history='{older}']")
    expect(button).to_have_text(TEXTS[lang]["fetch"])

    button.click()
    row = page.locator(f"#my-inspections .round-block[data-round='{older}'] "
                       f"a[data-inspection='{old['id']}']")
    expect(row).to_be_visible()
    expect(page.locator(f".round-block[data-round='{older}'] summary")).to_contain_text(
        TEXTS[lang]["count"])
    stored = next(r for r in local_inspections(page) if r["id"] == old["id"])
    assert stored["local"]["state"] == "submitted"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # offline, another round's button says that fetching needs a connection
    other = page.locator(f"#my-inspections .round-block[data-round='{later}']")
    other.locator("summary").click()
    page.context.set_offline(True)
    other.locator(f"button[data-history='{later}']").click()
    expect(page.locator("#toast")).to_have_text(TEXTS[lang]["offline"])
    expect(other.locator(f"button[data-history='{later}']")).to_be_enabled()
