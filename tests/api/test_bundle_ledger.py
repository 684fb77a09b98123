"""Bundles carry points entries as a push does (`ledger` in the manifest →
`ledger_results`): a bundle applied twice, or a redemption pushed then bundled, spends
once; a shopkeeper's bundle of redemptions is theirs to import."""
import io
import json
import zipfile

from server.extensions import db
from server.models import LedgerEntry
from tests.support.bundles import post_bundle
from tests.support.ledger import add_households, deed, push_ledger, redeem


def ledger_bundle(client_id: str, entries: list, inspections=()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("manifest.json", json.dumps({
            "client_id": client_id, "exported_at": "2026-11-20T18:00:00+08:00",
            "inspections": list(inspections), "ledger": entries}))
    return out.getvalue()


def entry_points(app) -> list[int]:
    with app.app_context():
        return list(db.session.execute(db.select(LedgerEntry.points)
                                       .order_by(LedgerEntry.received_at)).scalars())


def test_a_bundle_with_entries_applies_them_and_twice_spends_once(app, phone):
    first, second = add_households(app, 2)
    entries = [deed(first), redeem(first, ("肥皂", 2, 3)), redeem(second, ("米", 1, 1)),
               deed(second, "no_such_rule")]
    body = post_bundle(phone, ledger_bundle(phone.client_id, entries)).get_json()
    assert [(r["outcome"], r["flags"], r["balance"]) for r in body["ledger_results"]] == [
        ("applied", [], 5), ("applied", ["overdraft"], -1), ("applied", ["overdraft"], -1),
        ("rejected", [], None)]
    again = post_bundle(phone, ledger_bundle(phone.client_id, entries)).get_json()
    assert [(r["outcome"], r["balance"]) for r in again["ledger_results"]] == [
        ("duplicate", -1), ("duplicate", -1), ("duplicate", -1), ("rejected", None)]
    assert entry_points(app) == [5, -6, -1]


def test_a_redemption_pushed_then_bundled_spends_once(app, phone):
    [household] = add_households(app, 1)
    entry = redeem(household, ("酱油", 1, 4))
    [pushed] = push_ledger(phone, entry)
    [bundled] = post_bundle(phone, ledger_bundle(phone.client_id, [entry])).get_json()[
        "ledger_results"]
    assert (pushed["outcome"], bundled["outcome"], bundled["balance"]) == (
        "applied", "duplicate", -4)
    assert entry_points(app) == [-4]


def test_a_bundle_without_entries_answers_as_before(app, phone):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("manifest.json", json.dumps({"client_id": phone.client_id,
                                                      "inspections": []}))
    body = post_bundle(phone, out.getvalue()).get_json()
    assert "ledger_results" not in body and body["results"] == []


def test_a_bundles_ledger_must_be_a_list(phone):
    response = post_bundle(phone, ledger_bundle(phone.client_id, {"not": "a list"}))
    assert response.status_code == 422
    assert "ledger" in json.dumps(response.get_json())


def test_a_shopkeepers_bundle_records_their_redemptions_and_refuses_their_deeds(app, api):
    assert api.as_user("admin").post("/users", json={
        "username": "shop1", "display_name": "李店员", "role": "shopkeeper",
        "password": "counter-pw-1"}).status_code == 201
    shop = api.as_user("shop1", "counter-pw-1")
    [household] = add_households(app, 1)
    body = post_bundle(shop, ledger_bundle(shop.client_id, [
        redeem(household, ("米", 1, 2)), deed(household)])).get_json()
    assert [(r["outcome"], r["reasons"].get("kind", [{}])[0].get("code"))
            for r in body["ledger_results"]] == [("applied", None), ("rejected", "forbidden")]


def test_the_command_line_import_counts_the_entries(app, phone, tmp_path):
    [household] = add_households(app, 1)
    path = tmp_path / "stick.zip"
    path.write_bytes(ledger_bundle(phone.client_id, [deed(household)]))
    runner = app.test_cli_runner()
    assert "points entries: 1 applied" in runner.invoke(args=["import-bundle", str(path)]).output
    assert "points entries: 1 duplicate" in runner.invoke(
        args=["import-bundle", str(path)]).output
