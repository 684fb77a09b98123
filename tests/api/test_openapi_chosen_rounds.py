"""The published rounds a result is made of are asked for in one shape by combined results
and star ratings, in the OpenAPI document as in what they accept: a comma-separated query
string of 1..1000 characters, or a body's list of whole numbers beside a name; only the
kind of round they name differs."""
import copy

import pytest

from tests.support.apps import make_app


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("openapi"), seed=None)
    return app.test_client().get("/api/v1/openapi.json").get_json()


def rounds_parameter(document, path: str) -> dict:
    return next(p for p in document["paths"][path]["get"]["parameters"]
                if p["name"] == "rounds")


def body_schema(document, path: str) -> dict:
    ref = document["paths"][path]["post"]["requestBody"]["content"]["application/json"][
        "schema"]["$ref"]
    return copy.deepcopy(document["components"]["schemas"][ref.rsplit("/", 1)[1]])


def test_both_query_strings_take_the_same_rounds_argument(document):
    combined = rounds_parameter(document, "/api/v1/combined")
    stars = rounds_parameter(document, "/api/v1/star-ratings/preview")
    assert combined == {**stars, "description": "published round ids, comma-separated"}
    assert stars["description"] == "published household round ids, comma-separated"
    assert stars["schema"] == {"type": "string", "minLength": 1, "maxLength": 1000,
                               "example": "1,2,3"}


def test_both_bodies_are_the_chosen_rounds_under_a_name(document):
    ref = document["paths"]["/api/v1/combined"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/ChosenRoundsRequest"
    combined = body_schema(document, "/api/v1/combined")
    stars = body_schema(document, "/api/v1/star-ratings")
    assert stars["properties"]["rounds"].pop("description") == \
           "the ids of published household rounds"
    assert combined["properties"]["rounds"].pop("description") == "the ids of published rounds"
    assert combined == stars
    assert stars["required"] == ["name", "rounds"]
    assert stars["properties"]["rounds"] == {"type": "array", "items": {"type": "integer"}}
