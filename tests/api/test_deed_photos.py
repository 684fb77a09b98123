"""A deed's photo (pushed with its entry, bytes uploaded as any photo's): the township's
supervisors see it on the household's page and read its bytes, its recorder reads them
through the API, and nobody else: another inspector, another township, or anyone
before its recorder's bytes arrived."""
from tests.support.factories import jpeg_bytes, photo_record, upload, uploaded
from tests.support.ledger import add_households, deed, push_ledger
from tests.support.townships import other_township
from tests.support.web import login


def pushed_deed(app, phone, data: bytes) -> tuple[int, str]:
    [household] = add_households(app, 1)
    photo = photo_record(data, criterion=None, item=None)
    [result] = push_ledger(phone, deed(household, photos=[photo]))
    assert result["outcome"] == "applied", result
    return household, photo["sha256"]


def page_of(app, username: str, household: int) -> str:
    client = app.test_client()
    login(client, username)
    return client.get(f"/review/households/{household}").get_data(as_text=True)


def test_a_deeds_photo_shows_once_its_bytes_arrived(app, phone, web):
    data = jpeg_bytes(seed=41)
    household, sha = pushed_deed(app, phone, data)
    thumb = f"/review/blobs/{sha}/thumb"
    assert thumb not in page_of(app, "supervisor1", household)     # pushed, not uploaded
    assert web.get(thumb).status_code == 404
    upload(phone, data, stop=len(data) // 2)
    assert web.get(thumb).status_code == 404                        # half of it

    assert upload(phone, data, start=len(data) // 2)[-1].status_code == 201
    page = page_of(app, "supervisor1", household)
    assert f'href="/review/blobs/{sha}/display"' in page and f'src="{thumb}"' in page
    assert web.get(thumb).status_code == 200
    assert web.get(f"/review/blobs/{sha}/original").get_data() == data
    assert phone.get(f"/blobs/{sha}?variant=display").status_code == 200


def test_a_deeds_photo_is_not_for_another_inspector_or_township(app, api, phone):
    data = jpeg_bytes(seed=42)
    household, sha = pushed_deed(app, phone, data)
    uploaded(phone, data)
    assert api.as_user("inspector2").get(f"/blobs/{sha}?variant=thumb").status_code == 404
    elsewhere = other_township(app)
    stranger = app.test_client()
    login(stranger, elsewhere.usernames["supervisor"])
    assert stranger.get(f"/review/blobs/{sha}/thumb").status_code == 404
    assert stranger.get(f"/review/households/{household}").status_code == 404
