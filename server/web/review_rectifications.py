"""Supervisor pages: the township's rectifications by state, and each one's printable
notice (整改通知书)."""
from flask import g, render_template
from flask_login import current_user

from sync.rubric import item_index
from sync.states import RECTIFICATION_CLOSED, RECTIFICATION_OPEN, RECTIFICATION_OVERDUE

from ..admin.rubrics import rubrics_by_version
from ..auth import roles_required
from ..models import Rectification
from ..review.rectifications import open_items, photo_shas, state_of, township_rectifications
from ..scope import id_arg, in_township
from .blueprints import review as bp
from .board import print_language
from .review import SUPERVISORS

# Most urgent first.
SHOWN_STATES = (RECTIFICATION_OVERDUE, RECTIFICATION_OPEN, RECTIFICATION_CLOSED)


@bp.route("/rectifications")
@roles_required(*SUPERVISORS)
def rectifications():
    found = township_rectifications(current_user.township_id, round_id=id_arg("round"))
    by_state = {state: [r for r, s in found if s == state] for state in SHOWN_STATES}
    return render_template("web/rectifications.html", by_state=by_state, open_items=open_items)


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
