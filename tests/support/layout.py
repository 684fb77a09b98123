"""How a page lays out in Chromium: what wraps, and a township-sized published round to lay
out (with long names, full lists and rectifications carried over)."""

# The texts of the elements matching a selector that wrap onto more than one line: a Range
# has one rectangle per line (an element's own getClientRects has one per box, and a table
# cell is one box however many lines it holds).
WRAPPED = """selector => [...document.querySelectorAll(selector)].filter(e => {
  const range = document.createRange();
  range.selectNodeContents(e);
  const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
  return tops.size !== 1;
}).map(e => e.textContent.trim())"""


def wrapped(page, selector: str) -> list[str]:
    """The texts under `selector` on `page` that run onto a second line."""
    return page.evaluate(WRAPPED, selector)


def full_round_published(app) -> dict:
    """The app's only round published as a real township's (snapshots.publish_full_round)."""
    from server.extensions import db
    from server.models import Round
    from tests.support.snapshots import publish_full_round

    with app.app_context():
        return publish_full_round(db.session.execute(db.select(Round.id)).scalar_one())
