"""Exports read back with openpyxl / csv / zipfile: the numbers equal the JSON rankings."""
import csv
import hashlib
import io
import zipfile

import pytest
from openpyxl import load_workbook

from tests.support.web import login
from tests.support.factories import close_round, inspection, reference, with_photos


@pytest.fixture
def setup(app, api):
    phone, boss = api.as_user("inspector1"), api.as_user("supervisor1")
    ref = reference(phone)
    round_id = ref["round"]["id"]
    a, b, c = ref["assigned"][:3]
    first = with_photos(phone, ref, a, {"collection": {"bins": 3}, "roads": {"road_dirty": 1}})
    phone.push(inspection(round_id, b, deductions={"toilets": {"open_pit": 2}}),
               inspection(round_id, b, deductions={"greening": {"graffiti": 1}}),
               inspection(round_id, c, deductions={"collection": {"open_burning": 1}}))
    boss.post(f"/photos/{first['photos'][0]['id']}/review",
              json={"accepted": False, "reason": "看不清"})
    web = app.test_client()
    login(web, "supervisor1")
    ranking = phone.get(f"/rounds/{round_id}/rankings").get_json()
    return {"web": web, "round_id": round_id, "ranking": ranking, "first": first}


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")   # the BOM Excel and WPS need for Chinese
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))


def test_rankings_csv_and_xlsx_equal_the_json(setup):
    web, round_id, ranking = setup["web"], setup["round_id"], setup["ranking"]
    expected = [(g["rank"], g["name"], g["score"], g["raw_score"], g["inspections"])
                for g in ranking["groups"]]
    assert len(expected) == 3

    response = web.get(f"/review/rounds/{round_id}/export/rankings.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = read_csv(response.data)
    assert rows[0][:5] == ["名次", "村", "村民小组", "得分", "加权得分（未取整）"]
    got = [(int(r[0]), r[2], float(r[4]), float(r[5]), int(r[6])) for r in rows[1:4]]
    assert got == expected
    # the score as shown is the one ranked
    assert [float(r[3]) for r in rows[1:4]] == [g["shown_score"] for g in ranking["groups"]]
    assert len(rows) == 1 + 3 + len(ranking["not_inspected"])
    black = next(r for r in rows[1:] if r[2] == ranking["groups"][-1]["name"])
    assert black[8] == "黑榜" and black[10] == "是"     # the vetoed group

    response = web.get(f"/review/rounds/{round_id}/export/rankings.xlsx?lang=en")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:5] == ("Place", "Village", "Villager group", "Score",
                             "Weighted score (unrounded)")
    got = [(r[0], r[2], r[4], r[5], r[6]) for r in values[1:4]]
    names_en = {g["name"]: g["name_en"] for g in ranking["groups"]}
    assert got == [(rank, names_en[name], score, raw, n) for rank, name, score, raw, n in expected]


def test_scores_and_a_published_version(setup, api):
    web, round_id = setup["web"], setup["round_id"]
    rows = read_csv(web.get(f"/review/rounds/{round_id}/export/scores.csv").data)
    assert len(rows) == 1 + 4
    first = next(r for r in rows if r[0] == setup["first"]["id"])
    assert float(first[6]) == 99.0               # bins void (photo rejected), roads −1
    assert first[8] == "collection.bins"
    sheet = load_workbook(io.BytesIO(
        web.get(f"/review/rounds/{round_id}/export/scores.xlsx").data)).active
    totals = sorted(r[6] for r in list(sheet.iter_rows(values_only=True))[1:])
    assert totals == sorted(float(r[6]) for r in rows[1:])

    assert web.get(f"/review/rounds/{round_id}/export/rankings.csv?version=1").status_code == 404
    close_round(api.client.application, round_id)
    api.as_user("supervisor1").post(f"/rounds/{round_id}/publish")
    rows = read_csv(web.get(f"/review/rounds/{round_id}/export/rankings.csv?version=1").data)
    assert float(rows[1][4]) == setup["ranking"]["groups"][0]["score"]
    assert web.get(f"/review/rounds/{round_id}/export/other.csv").status_code == 404


def test_photos_zip_with_index(app, setup):
    web, round_id, first = setup["web"], setup["round_id"], setup["first"]
    response = web.get(f"/review/rounds/{round_id}/export/photos.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    index = read_csv(archive.read("index.csv"))
    assert len(index) == 1 + len(first["photos"])
    for row in index[1:]:
        photo = next(p for p in first["photos"] if p["id"] == row[1])
        assert hashlib.sha256(archive.read(row[0])).hexdigest() == photo["sha256"] == row[-1]
    rejected = next(r for r in index[1:] if r[1] == first["photos"][0]["id"])
    assert rejected[14] == "否" and rejected[15] == "看不清"
    inspector = app.test_client()
    login(inspector, "inspector1")
    assert inspector.get(f"/review/rounds/{round_id}/export/photos.zip").status_code == 403
