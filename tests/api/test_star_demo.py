"""The demo's star ratings (server/demo/stars.py): a final one with a household's stars
revoked, and one in notice with an objection waiting for a decision."""
import pytest

from server.extensions import db
from server.models import Objection, StarRating
from server.points.stars import rating_version
from tests.support.seeded import demo_app


@pytest.fixture(scope="module")
def demo(tmp_path_factory, seeded_databases):
    app = demo_app(seeded_databases, tmp_path_factory.mktemp("stars-demo"))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_the_demo_has_a_final_rating_with_a_revocation_and_one_in_notice(demo):
    ratings = {r.state: r for r in db.session.execute(db.select(StarRating)).scalars()}
    assert set(ratings) == {"final", "notice"}
    final = rating_version(ratings["final"])
    assert final["version"] == 3
    assert [h["revoked_reason"] for h in final["households"] if h["revoked"]] == [
        "复查发现焚烧垃圾，摘牌"]
    [objection] = db.session.execute(db.select(Objection).where(
        Objection.rating_id == ratings["notice"].id)).scalars().all()
    assert objection.decision is None and objection.text
    assert rating_version(ratings["notice"])["households"]
