"""A file over the import's limit is named for what it is, households or places, in
both languages: 413 too_large through the API, and on the admin households page."""
import io

import pytest

from tests.support.web import csrf_token, login

HEADER = b"village,group,number,head,members,active\n"
OVER = HEADER + b"x" * (2 * 1024 * 1024)


def upload(caller, url: str, raw: bytes, **data):
    return caller.post(url, data={"file": (io.BytesIO(raw), "big.csv"), **data},
                       content_type="multipart/form-data")


def test_the_api_names_the_file(api):
    admin = api.as_user("admin")
    households = upload(admin, "/households/import?dry_run=1", OVER)
    assert households.status_code == 413
    error = households.get_json()["error"]
    assert error["code"] == "too_large"
    assert error["message"] == "a households file is at most 2 MB"
    assert error["fields"] == {"file": ["a households file is at most 2 MB"]}
    places = upload(admin, "/places/import?dry_run=1", OVER).get_json()["error"]
    assert (places["code"], places["message"]) == (
        "too_large", "a file of villages and groups is at most 2 MB")


@pytest.mark.parametrize("lang, words", [("zh", "农户文件不能超过 2 MB"),
                                         ("en", "a households file is at most 2 MB")])
def test_the_page_names_the_file_in_both_languages(client, lang, words):
    login(client, "admin")
    client.get(f"/lang/{lang}")
    page = client.get("/admin/households")
    response = upload(client, "/admin/households/import", OVER, csrf_token=csrf_token(page))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert words in body and 'name="file_data"' not in body   # nothing to confirm
