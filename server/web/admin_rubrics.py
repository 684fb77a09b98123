"""Admin: rubric versions. Copy a version into a draft, edit its criteria and items on
one form (adding and removing are buttons of that form, so nothing typed is lost),
activate it. The rules, change log and audit entries are the domain's
(server/admin/rubrics.py).
"""
import re

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from sync.rubric import KINDS, ONCE
from sync.states import SUBJECTS

from ..admin import rubrics as rules
from ..auth import roles_required
from ..errors import Problems
from ..i18n import t
from ..models import DRAFT, RubricVersion
from .blueprints import admin as bp
from .flashes import flash_message, flash_problems

# Many more than any score sheet has; a form claiming more is not one of ours.
MAX_ENTRIES = 100
ACTION = re.compile(r"(add_criterion|add_item|remove_criterion|remove_item)(?::(\d+))?(?::(\d+))?")


def _number(raw: str):
    """A posted number, or the text as typed (the domain's check then names the field)."""
    try:
        return float(raw)
    except ValueError:
        return raw


def _count(name: str) -> int:
    raw = request.form.get(name, "0")
    return min(int(raw), MAX_ENTRIES) if raw.isascii() and raw.isdigit() else 0


def posted_criteria() -> list[dict]:
    """The criteria as the form posted them (fields c<n>.<field>, c<n>.i<m>.<field>)."""
    form = request.form
    criteria = []
    for n in range(_count("criteria")):
        c = f"c{n}."
        items = [{"key": form.get(f"{c}i{m}.key", "").strip(),
                  "points": _number(form.get(f"{c}i{m}.points", "")),
                  "kind": form.get(f"{c}i{m}.kind", ""),
                  "label_zh": form.get(f"{c}i{m}.label_zh", "").strip(),
                  "label_en": form.get(f"{c}i{m}.label_en", "").strip(),
                  "photo_required": form.get(f"{c}i{m}.photo_required") == "on"}
                 for m in range(_count(f"{c}items"))]
        criteria.append({"key": form.get(f"{c}key", "").strip(),
                         "max": _number(form.get(f"{c}max", "")),
                         "label_zh": form.get(f"{c}label_zh", "").strip(),
                         "label_en": form.get(f"{c}label_en", "").strip(), "items": items})
    return criteria


def _free_key(prefix: str, taken) -> str:
    n = 1
    while f"{prefix}_{n}" in taken:
        n += 1
    return f"{prefix}_{n}"


def new_item(criterion: dict) -> dict:
    return {"key": _free_key("item", {i["key"] for i in criterion["items"]}), "points": 1.0,
            "kind": ONCE, "label_zh": t("rubric.new_item", lang="zh"),
            "label_en": t("rubric.new_item", lang="en"), "photo_required": True}


def apply_action(criteria: list[dict], action: str) -> None:
    """Adds or removes a criterion or an item of the posted form, in place."""
    found = ACTION.fullmatch(action)
    if not found:
        return
    verb, n, m = found.group(1), found.group(2), found.group(3)
    n, m = (int(n) if n else None), (int(m) if m else None)
    if verb == "add_criterion":
        criterion = {"key": _free_key("criterion", {c["key"] for c in criteria}), "max": 0.0,
                     "label_zh": t("rubric.new_criterion", lang="zh"),
                     "label_en": t("rubric.new_criterion", lang="en"), "items": []}
        criterion["items"].append(new_item(criterion))
        criteria.append(criterion)
    elif n is None or n >= len(criteria):
        return
    elif verb == "remove_criterion":
        del criteria[n]
    elif verb == "add_item":
        criteria[n]["items"].append(new_item(criteria[n]))
    elif m is not None and m < len(criteria[n]["items"]):
        del criteria[n]["items"][m]


def where(field: str | None, criteria: list[dict]) -> str:
    """A problem's place on the form, in words: "Criterion 2 (collection) · item 1"."""
    if field in ("title", "subject"):
        return t("rubric." + field)
    parts = (field or "").split(".")
    if len(parts) < 2 or parts[0] != "criteria" or not parts[1].isdigit():
        return t("rubric.where_rubric")
    n = int(parts[1])
    text = t("rubric.where_criterion", n=n + 1,
             name=criteria[n]["key"] if n < len(criteria) else "")
    if len(parts) >= 4 and parts[2] == "items" and parts[3].isdigit():
        text += " · " + t("rubric.where_item", n=int(parts[3]) + 1)
        parts = parts[4:]
    else:
        parts = parts[2:]
    if parts and parts[0] in ("key", "max", "points", "kind", "label_zh", "label_en"):
        text += " · " + t("rubric.field." + parts[0])
    return text


@bp.route("/rubrics")
@roles_required("admin")
def rubrics():
    township_id = current_user.township_id
    return render_template("web/admin_rubrics.html", subjects=SUBJECTS, rubrics=[
        rules.rubric_data(r, township_id) for r in rules.township_rubrics(township_id)])


@bp.route("/rubrics/<int:version>/copy", methods=["POST"])
@roles_required("admin")
def copy_rubric(version: int):
    township_id = current_user.township_id
    try:  # the new draft scores the subject chosen beside the button
        draft = rules.copy_rubric(rules.township_rubric(township_id, version), township_id,
                                  request.form.get("subject") or None)
    except Problems as exc:
        flash_problems(exc)
        return redirect(url_for("admin.rubrics"), 303)
    flash_message("rubric.copied", version=version, draft=draft.version)
    return redirect(url_for("admin.rubric", version=draft.version), 303)


def rubric_page(found: RubricVersion, criteria: list[dict] | None = None,
                title: str | None = None, problems=(), refused: str = "admin.form_invalid",
                subject: str | None = None):
    """The version's page; `criteria` and `title` as posted when a save was refused;
    `refused` says what did not happen (a save, or an activation of a saved draft)."""
    data = rules.rubric_data(found, current_user.township_id)
    criteria = data["criteria"] if criteria is None else criteria
    return render_template(
        "web/admin_rubric.html", rubric=data, criteria=criteria,
        title=data["title"] if title is None else title, subjects=SUBJECTS,
        subject=subject or data["subject"],
        editable=found.state == DRAFT and not data["rounds"], kinds=KINDS,
        refused=t(refused, version=found.version), max_sum=sum(c["max"] for c in criteria
                                         if isinstance(c["max"], float)),
        problems=[(where(p.field, criteria), p) for p in problems]), 400 if problems else 200


@bp.route("/rubrics/<int:version>", methods=["GET", "POST"])
@roles_required("admin")
def rubric(version: int):
    """A version; a draft as a form whose buttons save, add and remove."""
    found = rules.township_rubric(current_user.township_id, version,
                                  lock=request.method == "POST")
    if request.method == "GET":
        return rubric_page(found)
    criteria, title = posted_criteria(), request.form.get("title", "")
    subject = request.form.get("subject") or None
    apply_action(criteria, request.form.get("action", "save"))
    try:
        rules.save_draft(found, title=title, criteria=criteria, subject=subject)
    except Problems as exc:
        return rubric_page(found, criteria, title, exc.problems, subject=subject)
    flash_message("rubric.saved", version=version)
    return redirect(url_for("admin.rubric", version=version), 303)


@bp.route("/rubrics/<int:version>/activate", methods=["POST"])
@roles_required("admin")
def activate_rubric(version: int):
    found = rules.township_rubric(current_user.township_id, version, lock=True)
    try:
        rules.activate_rubric(found)
    except Problems as exc:
        # the draft was saved before: say it is kept, and what keeps it from activating
        return rubric_page(found, problems=exc.problems, refused="rubric.not_activated")
    flash_message("rubric.activated", version=version)
    return redirect(url_for("admin.rubric", version=version), 303)
