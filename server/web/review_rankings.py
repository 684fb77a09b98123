"""Supervisor pages: a round's rankings (with trends), publishing, and exports."""
from collections import OrderedDict
from threading import Lock

from flask import (abort, current_app, flash, redirect, render_template, request, send_file,
                   url_for)
from flask_login import current_user
from markupsafe import Markup

from sync.rubric import score_text
from sync.states import GROUP_SUBJECT

from ..admin.rounds import require_group_round
from ..auth import roles_required
from ..errors import Problem, Problems
from ..review.exports import TABLES, photos_zip, ranking_table, scores_table, spreadsheet
from ..extensions import db
from ..i18n import current_language, name_in, t
from ..models import Round
from ..review.publishing import (publish, publish_basis, published_ranking,
                                  published_versions)
from ..review.rankings import keyed_live_ranking, live_ranking, trend
from ..review.rectifications import carried_over
from ..scope import id_arg, in_township
from .blueprints import review as bp
from .flashes import flash_problems
from .review import SUPERVISORS
SPARK_W, SPARK_H, SPARK_PAD = 120, 28, 3


def sparkline(scores: list, names: list[str]) -> dict:
    """Points of a small inline SVG line chart of one group's scores across rounds, and
    each score in words beside its round's name (`names`, in the page's language).
    Prepared here, not in the template: sixty groups' charts are most of the page."""
    known = [s for s in scores if s is not None]
    values = ["–" if s is None else score_text(s) for s in scores]
    labelled = list(zip(names, values))
    if not known:
        return {"points": [], "polyline": "", "title": "", "labelled": labelled}
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = (SPARK_W - 2 * SPARK_PAD) / max(1, len(scores) - 1)
    points = []
    for n, score in enumerate(scores):
        if score is None:
            continue
        y = SPARK_H / 2 if high == low else \
            SPARK_PAD + (high - score) / span * (SPARK_H - 2 * SPARK_PAD)
        points.append((round(SPARK_PAD + n * step, 1), round(y, 1)))
    return {"points": points, "polyline": " ".join(f"{x},{y}" for x, y in points),
            "title": " → ".join(values), "labelled": labelled}


@bp.route("/rankings")
@roles_required(*SUPERVISORS)
def rankings_index():
    latest = db.session.execute(db.select(Round).where(
        Round.township_id == current_user.township_id, Round.subject == GROUP_SUBJECT)
        .order_by(Round.starts_on.desc(), Round.id.desc()).limit(1)).scalar_one_or_none()
    if latest is None:
        abort(404)
    return redirect(url_for("review.rankings", round_id=latest.id))


@bp.route("/rounds/<int:round_id>/rankings")
@roles_required(*SUPERVISORS)
def rankings(round_id: int):
    round_ = in_township(Round, round_id, current_user)
    try:
        require_group_round(round_)
    except Problem:  # households have results, not a ranking: say so, and where they are
        return render_template("web/rankings_wrong_subject.html", round=round_), 409
    ranking, key = keyed_live_ranking(round_)
    all_rounds = db.session.execute(db.select(Round).where(
        Round.township_id == current_user.township_id)
        .order_by(Round.starts_on.desc())).scalars().all()
    return render_template(
        "web/rankings.html", round=round_, ranking=ranking,
        all_groups=all_groups(round_, ranking, key), rounds=all_rounds,
        versions=published_versions(round_.id), exports=TABLES, carried=carried_over(round_))


def all_groups(round_: Round, ranking: dict, key: tuple | None) -> Markup:
    """Every ranked group with its trend over the last rounds: most of the page, and the
    same until the ranking's key changes. The key covers all the table reads: the
    township's inspections, rounds (publishing an earlier round, renaming one) and
    places through the change log, and the settings; the trend's earlier rounds are read
    after the key, so never older than it. So it is drawn once per key and language and
    kept, in this app, for the pages after (none kept while the key is None)."""
    kept = current_app.extensions.setdefault("drawn_rankings", DrawnTables())
    found = kept.get((round_.id, key, current_language())) if key else None
    if found is None:
        rounds, scores = trend(round_, current=ranking)
        names = [name_in(r) for r in rounds]
        trends = {group_id: sparkline(values, names) for group_id, values in scores.items()}
        found = Markup(render_template(
            "web/rankings_all_groups.html", round=round_, ranking=ranking, trends=trends,
            trend_rounds=rounds, spark=(SPARK_W, SPARK_H)))
        if key:
            kept.put((round_.id, key, current_language()), found)
    return found


class DrawnTables:
    """The last KEPT drawn tables by key, shared by a worker's threads."""
    KEPT = 32

    def __init__(self):
        self._tables, self._lock = OrderedDict(), Lock()

    def get(self, key):
        with self._lock:
            if key in self._tables:
                self._tables.move_to_end(key)
            return self._tables.get(key)

    def put(self, key, table: Markup) -> None:
        with self._lock:
            self._tables[key] = table
            while len(self._tables) > self.KEPT:
                self._tables.popitem(last=False)


@bp.route("/rounds/<int:round_id>/publish", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def publish_round(round_id: int):
    """GET: what the lists rest on, and the confirm button; POST: publish."""
    round_ = in_township(Round, round_id, current_user)
    if request.method == "POST":
        try:
            publish(round_, current_user)
        except Problems as exc:
            flash_problems(exc)
        else:
            flash("rk.published")
        return redirect(url_for("review.rankings", round_id=round_id), 303)
    ranking = live_ranking(round_)
    return render_template("web/publish_confirm.html", round=round_, ranking=ranking,
                           basis=publish_basis(round_, ranking),
                           versions=published_versions(round_.id))


@bp.route("/rounds/<int:round_id>/export/<kind>.<fmt>")
@roles_required(*SUPERVISORS)
def export(round_id: int, kind: str, fmt: str):
    """rankings|scores as csv|xlsx; ?version=n exports a published snapshot's lists."""
    round_ = in_township(Round, round_id, current_user)
    if kind not in TABLES or fmt not in ("csv", "xlsx"):
        abort(404)
    lang = current_language()
    if kind == "rankings":
        version = id_arg("version", "published version")
        ranking = live_ranking(round_) if version is None \
            else published_ranking(round_, version)
        if ranking is None:
            abort(404)
        rows = ranking_table(ranking, lang)
    else:
        rows = scores_table(round_, lang)
    data, mimetype = spreadsheet(rows, fmt, t(f"ex.sheet_{kind}", lang))
    return send_file(data, mimetype=mimetype, as_attachment=True,
                     download_name=f"round-{round_.id}-{kind}.{fmt}")


@bp.route("/rounds/<int:round_id>/export/photos.zip")
@roles_required(*SUPERVISORS)
def export_photos(round_id: int):
    round_ = in_township(Round, round_id, current_user)
    return send_file(photos_zip(round_, current_language()), mimetype="application/zip",
                     as_attachment=True, download_name=f"round-{round_.id}-photos.zip")
