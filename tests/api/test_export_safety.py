"""Exports are safe to open: formulas from user text are text, zip names stay inside."""
import csv
import io
import zipfile
from pathlib import PurePosixPath

import pytest
from openpyxl import load_workbook

from server.extensions import db
from server.models import User, VillagerGroup
from server.review.exports import cell, name_part
from tests.support.factories import reference, with_photos
from tests.support.web import login

FORMULA_GROUP, FORMULA_INSPECTOR, FORMULA_REASON = "=SUM(1+2)", "@cmd", "+1-2"
CLIMBING_VILLAGE, CLIMBING_GROUP = "../../x", "a/b\\c\x01\x1f..\x7f"


@pytest.fixture
def exports(app, api):
    phone, boss = api.as_user("inspector1"), api.as_user("supervisor1")
    ref = reference(phone)
    round_id = ref["round"]["id"]
    a, b = ref["assigned"][:2]
    with app.app_context():
        first, second = db.session.get(VillagerGroup, a), db.session.get(VillagerGroup, b)
        first.name, first.village.name = FORMULA_GROUP, CLIMBING_VILLAGE
        second.name = CLIMBING_GROUP
        db.session.execute(db.update(User).where(User.username == "inspector1")
                           .values(display_name=FORMULA_INSPECTOR))
        db.session.commit()
    pushed = with_photos(phone, ref, a, {"collection": {"bins": 3}})
    with_photos(phone, ref, b, {"roads": {"road_dirty": 1}}, seed=1)
    assert boss.post(f"/photos/{pushed['photos'][0]['id']}/review", json={
        "accepted": False, "reason": FORMULA_REASON}).status_code == 200
    web = app.test_client()
    login(web, "supervisor1")

    def get(name):
        response = web.get(f"/review/rounds/{round_id}/export/{name}")
        assert response.status_code == 200
        return response.data
    return get


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_cells(data: bytes):
    return [c for row in load_workbook(io.BytesIO(data)).active.iter_rows() for c in row]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_could_be_a_formula_is_quoted(text):
    assert cell(text) == "'" + text
    assert cell("\x01\x1f" + text) == "'" + text  # hidden behind a control character


def test_control_characters_a_spreadsheet_cannot_hold_are_dropped():
    assert cell("a\x00b\x01c\x1f") == "abc"


@pytest.mark.parametrize("value", [-3, -1.5, 0, 2.25, None, "村 =1", "a-b"])
def test_numbers_and_other_text_stay_as_they_are(value):
    assert cell(value) == value


@pytest.mark.parametrize("text", ["../../x", "a/b\\c", "..", "/abs", "x\x00y\x01\x1f\x7f",
                                  "C:\\boot"])
def test_name_parts_cannot_name_a_path(text):
    part = name_part(text)
    assert not set(part) & set("/\\.:\x00\x01\x1f\x7f")


def test_csv_exports_quote_formulas(exports):
    rankings = [v for row in csv_rows(exports("rankings.csv")) for v in row]
    scores = [v for row in csv_rows(exports("scores.csv")) for v in row]
    assert "'" + FORMULA_GROUP in rankings and FORMULA_GROUP not in rankings
    assert {"'" + FORMULA_GROUP, "'" + FORMULA_INSPECTOR} <= set(scores)
    assert not {FORMULA_GROUP, FORMULA_INSPECTOR} & set(scores)


def test_xlsx_exports_hold_no_formulas(exports):
    for name in ("rankings.xlsx", "scores.xlsx"):
        cells = xlsx_cells(exports(name))
        assert all(c.data_type != "f" for c in cells)
        texts = {c.value for c in cells if c.data_type == "s"}
        assert "'" + FORMULA_GROUP in texts
        assert any(c.data_type == "n" and c.value is not None for c in cells)  # scores
    assert "'" + FORMULA_INSPECTOR in {c.value for c in xlsx_cells(exports("scores.xlsx"))}


def test_photo_index_quotes_formulas_and_names_stay_inside(exports):
    archive = zipfile.ZipFile(io.BytesIO(exports("photos.zip")))
    index = csv_rows(archive.read("index.csv"))
    values = {v for row in index for v in row}
    assert {"'" + FORMULA_GROUP, "'" + FORMULA_INSPECTOR, "'" + FORMULA_REASON} <= values
    assert not {FORMULA_GROUP, FORMULA_INSPECTOR, FORMULA_REASON} & values
    names = archive.namelist()
    assert len(names) == 1 + 2
    for name in names:
        path = PurePosixPath(name)
        assert not path.is_absolute() and ".." not in path.parts and "\\" not in name
        assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in name)
        assert name == "index.csv" or (path.parts[0] == "photos" and len(path.parts) == 3)
    assert {row[0] for row in index[1:]} == set(names) - {"index.csv"}
