"""Supervisor pages of a household's points: its page (details, balance, checks, ledger,
voids and corrections), its passbook and a group's passbooks (积分存折, printed on A4),
and the township's overdrafts. The rules are the ledger's (server/points/ledger.py).

Inspectors are not given these pages: the contract lets them read a household's ledger
through the API for their phone, where they record deeds, but voids, corrections,
reviews of checks and the overdraft list are supervisors' and admins' work."""
from flask import redirect, render_template, request, url_for
from flask_login import current_user

from sync import clock
from sync.ids import is_uuid

from ..auth import roles_required
from ..database import refuse_request
from ..errors import Problem, Problems
from ..extensions import db
from ..models import Household, LedgerEntry, VillagerGroup
from ..points.catalogue import MAX_POINTS
from ..points.ledger import balance_of, household_in_township, record_adjust
from ..points.statements import (entries_page, group_households, overdraft_count,
                                 overdrafts_page, passbooks)
from ..review.household_checks import checks_page
from .blueprints import review as bp
from .flashes import flash_message
from .review import SUPERVISORS

# An adjust's reason: the API's own limit.
REASON_MAX = 10_000
# The kinds a supervisor voids from the page: what phones record. A check is corrected
# by publishing the round again; an adjust by another adjust.
VOIDABLE = ("deed", "redeem")


def _page_arg(name: str) -> int:
    text = request.args.get(name, "")
    # isdecimal, not isdigit: "²" is a digit that int() refuses
    return int(text) if text.isascii() and text.isdecimal() and len(text) < 7 else 1


@bp.app_template_global()
def overdrafts_waiting() -> int:
    """The navigation's count of overdrafts in the reader's township."""
    return overdraft_count(current_user.township_id)


def _household(household_id: int) -> Household:
    return household_in_township(household_id, current_user)


def household_page(household: Household, problems=(), typed: dict | None = None,
                   status: int = 200):
    ledger_page, checks = _page_arg("page"), _page_arg("checks")

    def page_url(**changes):
        args = {"page": ledger_page, "checks": checks, **changes}
        return url_for("review.household", household_id=household.id,
                       **{k: v for k, v in args.items() if v not in (None, 1)})

    return render_template(
        "web/household.html", household=household, balance=balance_of(household.id),
        entries=entries_page(household, ledger_page), checks=checks_page(household, checks),
        voidable=VOIDABLE, problems=problems, typed=typed or {},
        ledger_url=lambda n: page_url(page=n), checks_url=lambda n: page_url(checks=n),
        reason_max=REASON_MAX), status


@bp.route("/households/<int:household_id>")
@roles_required(*SUPERVISORS)
def household(household_id: int):
    return household_page(_household(household_id))


def _typed_points(text: str) -> int:
    text = text.strip().replace("\u2212", "-")     # a typed minus sign, as printed
    try:
        points = int(text)
    except ValueError:
        raise Problem("zero_points", field="points") from None
    if abs(points) > MAX_POINTS:
        raise Problem("rule_points", {"max": MAX_POINTS}, field="points")
    return points


def _reason(text: str) -> str:
    """A reason may span lines; other control characters (a NUL, which PostgreSQL
    cannot store) are refused."""
    if len(text) > REASON_MAX:
        raise Problem("too_long", {"max": REASON_MAX}, field="reason")
    if any(ord(c) < 32 and c not in "\n\r\t" for c in text):
        raise Problem("control_character", field="reason")
    return text


def _read(found: list, read, text: str):
    try:
        return read(text)
    except Problem as exc:
        found.append(exc)


def _refused(household: Household, exc: Problem, typed: dict):
    """The page again with the problems and everything typed; nothing is kept."""
    refuse_request()
    return household_page(household, exc.problems, typed, exc.status)


@bp.route("/households/<int:household_id>/adjust", methods=["POST"])
@roles_required(*SUPERVISORS)
def adjust_household_points(household_id: int):
    household = _household(household_id)
    typed = {"form": "adjust", "points": request.form.get("points", "")[:40],
             "reason": request.form.get("reason", "")}
    found = []
    points = _read(found, _typed_points, typed["points"])
    reason = _read(found, _reason, typed["reason"])
    try:
        if found:
            raise Problems(found)
        record_adjust(current_user, household.id, points, reason)
    except Problem as exc:
        return _refused(household, exc, typed)
    flash_message("hp.adjusted")
    return redirect(url_for("review.household", household_id=household.id), 303)


@bp.route("/households/<int:household_id>/void", methods=["POST"])
@roles_required(*SUPERVISORS)
def void_household_entry(household_id: int):
    household = _household(household_id)
    entry_id = request.form.get("entry", "")[:36]
    typed = {"form": "void", "entry": entry_id, "reason": request.form.get("reason", "")}
    entry = db.session.get(LedgerEntry, entry_id) if is_uuid(entry_id) else None
    try:
        if entry is None or entry.household_id != household.id or entry.kind not in VOIDABLE:
            raise Problem("not_found", status=404, field="voids", message="no such entry")
        record_adjust(current_user, household.id, -entry.points, _reason(typed["reason"]),
                      voids=entry.id)
    except Problem as exc:
        if exc.status == 404:
            raise
        return _refused(household, exc, typed)
    flash_message("hp.voided_done")
    return redirect(url_for("review.household", household_id=household.id), 303)


@bp.route("/households/<int:household_id>/passbook")
@roles_required(*SUPERVISORS)
def household_passbook(household_id: int):
    household = _household(household_id)
    return render_template("web/household_passbooks.html", books=passbooks([household]),
                           group=household.group, printed_on=clock.township_today(), single=True)


@bp.route("/groups/<int:group_id>/passbooks")
@roles_required(*SUPERVISORS)
def group_passbooks(group_id: int):
    group = db.session.get(VillagerGroup, group_id)
    if group is None or group.village.township_id != current_user.township_id:
        raise Problem("not_found", status=404, message="no such group")
    return render_template("web/household_passbooks.html",
                           books=passbooks(group_households(group)), group=group,
                           printed_on=clock.township_today(), single=False)


@bp.route("/overdrafts")
@roles_required(*SUPERVISORS)
def overdrafts():
    found = overdrafts_page(current_user.township_id, _page_arg("page"))

    def page_url(page: int):
        return url_for("review.overdrafts", **({"page": page} if page > 1 else {}))

    return render_template("web/household_overdrafts.html", found=found, page_url=page_url)
