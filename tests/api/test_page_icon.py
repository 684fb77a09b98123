"""The pages name an icon that is there: without one, a browser opening the sign-in page
asks for /favicon.ico, which does not exist (a 404 in every supervisor's console)."""
import re

import pytest

from tests.support.web import login


def icons(page: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="(icon|apple-touch-icon)" href="([^"]+)"', page))


@pytest.mark.parametrize("path,username", [("/login", None), ("/review/", "supervisor1"),
                                           ("/admin/", "admin"), ("/board/", None)])
def test_every_page_names_an_icon_that_is_served(client, path, username):
    if username:
        login(client, username)
    page = client.get(path)
    assert page.status_code == 200
    found = icons(page.get_data(as_text=True))
    assert set(found) == {"icon", "apple-touch-icon"}
    for rel, mime in (("icon", "image/svg+xml"), ("apple-touch-icon", "image/png")):
        icon = client.get(found[rel])
        assert icon.status_code == 200 and icon.mimetype == mime and icon.data
