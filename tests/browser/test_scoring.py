"""The phone scores as the server does: pwa/score.js on the shared cases
(tests/scoring_cases.json), and the score a phone shows once a supervisor's photo
review has made a deduction void."""
import re

from server.extensions import db
from server.models import Inspection
from sync.rubric import score_text
from tests.support import server_state
from tests.support.apiclient import ApiClient
from tests.support.phone import (add_photo, go_to_criterion, make_jpeg, sign_in, start_inspection,
                                 submit, sync, tap_plus, wait_synced)
from tests.support.scoring_cases import scoring_cases
from tests.support.web import login
from tests.support.phone import TEST_CONTEXT

SCORE_ALL = """async (cases) => {
  const { scoreInspection } = await import('/app/score.js');
  const { formatScore } = await import('/app/i18n.js');
  return cases.map((c) => {
    const reviews = new Map(c.rejected.map((id) => [id, { photo_id: id, accepted: false }]));
    const score = scoreInspection(c.rubric, { criteria: c.criteria, photos: c.photos }, reviews);
    return { total: score.total, criterion_scores: score.criteria, veto: score.veto,
             void: score.void, display: formatScore(score.total) };
  });
}"""


def test_the_phone_scores_every_shared_case_as_the_server_does(browser, live_server):
    cases = scoring_cases()
    context = browser.new_context(**TEST_CONTEXT)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/board/")   # any page of the server: the modules' origin
        got = page.evaluate(SCORE_ALL, cases)
    finally:
        context.close()
    for case, scored in zip(cases, got, strict=True):
        assert scored == case["expected"], case["name"]


def shown_score(page, selector: str) -> str:
    return re.search(r"\d+\.\d|—", page.inner_text(selector)).group(0)


def wait_for_score(page, selector: str, want: str):
    page.wait_for_function(
        "([selector, want]) => document.querySelector(selector)?.textContent.includes(want)",
        arg=[selector, want])


def server_scores(app, inspection_id: str) -> tuple[str, str]:
    """The total on the review page and the group's raw score in the API's ranking
    (its only inspection), each as pages show it."""
    web = app.test_client()
    login(web, "supervisor1")
    page = web.get(f"/review/inspections/{inspection_id}").get_data(as_text=True)
    on_page = re.search(r'id="total-score">([^<]+)<', page).group(1)
    with app.app_context():
        row = db.session.get(Inspection, inspection_id)
        round_id, group_id = row.round_id, row.group_id
        db.session.remove()
    supervisor = ApiClient(app.test_client()).as_user("supervisor1")
    ranking = supervisor.get(f"/rounds/{round_id}/rankings").get_json()
    [group] = [g for g in ranking["groups"] if g["group_id"] == group_id]
    return on_page, score_text(group["raw_score"])


def set_na(page):
    page.locator("button.toggle[data-item='na']").tap()
    page.wait_for_selector("button.toggle[data-item='na'][aria-pressed='true']")


def test_after_a_photo_rejection_the_phone_shows_the_servers_score(phone, live_server):
    page = phone
    sign_in(page, live_server.url)
    inspection_id = start_inspection(page)
    # transfer and toilets N/A leave 80 points: 77 of them is 96.25, a half to round
    for key in ("transfer", "toilets"):
        go_to_criterion(page, inspection_id, key)
        set_na(page)
    go_to_criterion(page, inspection_id, "collection")
    tap_plus(page, "collection.bins", 2)
    add_photo(page, "collection.bins", make_jpeg(1000, 750, seed=41))
    go_to_criterion(page, inspection_id, "roads")
    tap_plus(page, "roads.road_dirty")
    add_photo(page, "roads.road_dirty", make_jpeg(1000, 750, seed=42))
    submit(page, inspection_id)
    wait_synced(page)
    assert shown_score(page, "#detail-score") == "96.3"
    assert server_scores(live_server.app, inspection_id) == ("96.3", "96.3")

    photos = server_state.inspections(live_server.app)[inspection_id]["photos"]
    [road_photo] = [p for p in photos if p["item"] == "road_dirty"]
    supervisor = ApiClient(live_server.app.test_client()).as_user("supervisor1")
    answer = supervisor.post(f"/photos/{road_photo['id']}/review",
                             json={"accepted": False, "reason": "看不出积水 no water to see"})
    assert answer.status_code == 200 and answer.get_json()["deduction_void"] is True
    on_server = server_scores(live_server.app, inspection_id)
    assert on_server == ("97.5", "97.5")       # 78 of 80: the road deduction is void

    sync(page)
    row = f"#my-inspections a[data-inspection='{inspection_id}'] .score"
    wait_for_score(page, row, on_server[0])
    assert shown_score(page, row) == on_server[0]
    page.goto(page.url.split("#")[0] + f"#/view/{inspection_id}")
    page.wait_for_selector(f"#detail figure.thumb.rejected[data-photo='{road_photo['id']}']")
    assert shown_score(page, "#detail-score") == on_server[0]
    roads = page.locator("#detail li.row", has_text="村庄道路").inner_text()
    assert "10 / 10" in roads                              # the void deduction is gone
    assert "10 / 12" in page.locator("#detail li.row", has_text="垃圾收集").inner_text()
    # editing again starts from the same score
    page.click("#edit-button")
    page.wait_for_selector("#criterion")
    assert shown_score(page, "#running-score") == on_server[0]
