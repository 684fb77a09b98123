"""Domain functions called directly, inside the app's context, on each database."""
import pytest


@pytest.fixture(autouse=True)
def app_context(app):
    with app.app_context():
        yield
