"""户号 in the order people count them ("2" before "10", "12" before "12-1"), as the phone
lists them, in every list the server makes: GET /households, the admin households page
and its CSV, the results page of a household round and its export."""
import csv
import io
import re

import pytest

from sync.households import number_sort_key
from server.extensions import db
from server.models import Household, Village, VillagerGroup
from tests.support.household_rounds import household_round
from tests.support.web import login

NATURAL = ["1", "2", "10", "12", "12-1"]
STORED = ["12-1", "10", "2", "12", "1"]  # added in this order: ids do not give the answer


def test_the_key_counts_digit_runs_as_numbers():
    assert sorted(STORED + ["12a", "9-10", "9-2"], key=number_sort_key) == [
        "1", "2", "9-2", "9-10", "10", "12", "12-1", "12a"]
    assert number_sort_key("01") == number_sort_key("1") == "00000001"


@pytest.fixture
def sorted_group(app):
    """A group of its own in the seeded township, its households added out of order."""
    with app.app_context():
        village = db.session.execute(db.select(Village).order_by(Village.id)).scalars().first()
        group = VillagerGroup(village=village, name="排序组")
        db.session.add(group)
        db.session.flush()
        ids = {}
        for number in STORED:
            household = Household(group_id=group.id, township_id=village.township_id,
                                  number=number, head=f"户主{number}")
            db.session.add(household)
            db.session.flush()
            ids[household.id] = number
        db.session.commit()
        return group.id, ids


def numbers_on(page: str, ids: dict) -> list[str]:
    return [ids[int(found)] for found in re.findall(r'<tr data-household="(\d+)"', page)
            if int(found) in ids]


def test_the_api_lists_a_group_in_natural_order(api, sorted_group):
    group_id, _ = sorted_group
    answer = api.as_user("inspector1").get(f"/households?group_id={group_id}").get_json()
    assert [h["number"] for h in answer["households"]] == NATURAL
    whole = api.as_user("inspector1").get("/households").get_json()["households"]
    assert [h["number"] for h in whole if h["group_id"] == group_id] == NATURAL


def test_the_csv_export_in_natural_order(api, sorted_group):
    data = api.as_user("admin").get("/households.csv").data.decode("utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(data)) if r["group"] == "排序组"]
    assert [r["number"] for r in rows] == NATURAL


def test_the_admin_page_in_natural_order(client, sorted_group):
    group_id, ids = sorted_group
    login(client, "admin")
    page = client.get(f"/admin/households?group={group_id}").get_data(as_text=True)
    assert numbers_on(page, ids) == NATURAL
    page = client.get("/admin/households?q=户主1").get_data(as_text=True)
    assert numbers_on(page, ids) == ["1", "10", "12", "12-1"]


def test_the_results_page_and_its_export_in_natural_order(app, web, sorted_group):
    group_id, ids = sorted_group
    with app.app_context():
        made = household_round()
    url = f"/review/rounds/{made.round_id}/results"
    page = web.get(f"{url}?group={group_id}").get_data(as_text=True)
    assert numbers_on(page, ids) == NATURAL
    data = web.get(f"{url}.csv?lang=en").data.decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(data)) if r[3].startswith("户主")]
    assert [r[2] for r in rows] == NATURAL
