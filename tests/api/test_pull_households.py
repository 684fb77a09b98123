"""Households in the pull: a first pull of a township's thousands of households reads
their balances together, so a page of many costs the statements of a page of few."""
import io

import sqlalchemy as sa

from server.extensions import db

HEADER = "village,group,number,head,members,active\n"


def import_households(admin, count: int) -> None:
    lines = "".join(f"曼贺村,曼贺一组,{n:03d},户主{n},3,1\n" for n in range(count))
    response = admin.post("/households/import",
                          data={"file": (io.BytesIO((HEADER + lines).encode()), "h.csv")},
                          content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()


def statements_of_first_pull(app, inspector) -> tuple[int, list[dict]]:
    count = [0]

    def seen(*args):
        count[0] += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        response = inspector.get("/sync/pull?limit=1000")
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert response.status_code == 200
    households = [c for c in response.get_json()["changes"] if c["type"] == "household"]
    return count[0], households


def test_a_page_of_many_households_costs_what_a_page_of_few_does(app, api):
    admin, inspector = api.as_user("admin"), api.as_user("inspector1")
    import_households(admin, 3)
    few, households = statements_of_first_pull(app, inspector)
    assert len(households) == 3
    assert {h["data"]["balance"] for h in households} == {0}

    import_households(admin, 60)
    many, households = statements_of_first_pull(app, api.as_user("inspector1"))
    assert len(households) == 60
    assert many == few
