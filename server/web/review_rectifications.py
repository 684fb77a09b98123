"""Supervisor pages: the township's rectifications by state, and each one's printable
notice (整改通知书)."""
from flask import g, render_template, request, url_for
from flask_login import current_user

from sync.rubric import item_index
from sync.states import RECTIFICATION_CLOSED, RECTIFICATION_OPEN, RECTIFICATION_OVERDUE

from ..admin.rubrics import rubrics_by_version
from ..auth import roles_required
from ..models import Rectification
from ..review.rectifications import count_by_state, listed, photo_shas, state_of
from ..scope import id_arg, in_township
from .blueprints import review as bp
from .board import print_language
from .review import SUPERVISORS

# Most urgent first.
SHOWN_STATES = (RECTIFICATION_OVERDUE, RECTIFICATION_OPEN, RECTIFICATION_CLOSED)
# Rows per state and page: the closed ones grow every month for years.
PAGE_SIZE = 50


def page_arg(state: str, pages: int) -> int:
    """?<state>_page=N, each state paged on its own; past the end shows the last page."""
    text = request.args.get(f"{state}_page", "")
    return min(int(text), pages) if text.isdigit() and int(text) > 0 else 1


@bp.route("/rectifications")
@roles_required(*SUPERVISORS)
def rectifications():
    township_id, round_id = current_user.township_id, id_arg("round")
    counts = count_by_state(township_id, round_id)
    sections = {}
    for state in SHOWN_STATES:
        pages = max(1, -(-counts[state] // PAGE_SIZE))
        page = page_arg(state, pages)
        sections[state] = {"rows": listed(township_id, state, round_id=round_id,
                                          limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE),
                           "total": counts[state], "page": page, "pages": pages}

    def page_url(state: str, page: int) -> str:
        args = {f"{s}_page": sections[s]["page"] for s in SHOWN_STATES
                if sections[s]["page"] > 1}
        args[f"{state}_page"] = page
        return url_for("review.rectifications", round=round_id, **args,
                       _anchor=f"rectifications-{state}")

    return render_template("web/rectifications.html", sections=sections, page_url=page_url)


@bp.route("/rectifications/<int:rectification_id>/notice")
@roles_required(*SUPERVISORS)
def notice(rectification_id: int):
    """The notice a Black List group receives, one A4 page, in the reader's language or
    `?language=` (Chinese is handed over in the village; the other is offered on it)."""
    rectification = in_township(Rectification, rectification_id, current_user)
    g.lang = print_language()
    version = rectification.round.rubric.version
    rubric = rubrics_by_version([version])[version]
    criteria = {c["key"]: c for c in rubric["criteria"]}
    items = item_index(rubric)
    return render_template(
        "web/notice.html", rectification=rectification, state=state_of(rectification),
        criteria=criteria, items=items, shas=photo_shas([rectification]))
