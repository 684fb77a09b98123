"""Every code the server can answer has its own text, once, in both languages
(server/errors.py: a problem knows its catalogue key; no caller chooses one)."""
import json
import re
import string
from pathlib import Path

from server.errors import CODES

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = {lang: json.loads((ROOT / f"server/translations/{lang}.json").read_text("utf-8"))
              for lang in ("zh", "en")}
# How a code is written where a problem is born.
BORN = (r'Problem\(\s*"(\w+)"',            # Problem("code", ...)
        r'RubricProblem\(\s*"(\w+)"',      # sync/rubric.py, wrapped by admin/rubrics.py
        r'\bcode="(\w+)"',                 # Problems([...], code="rubric_invalid")
        r'bundle_problem\(\d+, "(\w+)"')          # phones/bundles.py


def born_codes() -> set[str]:
    found = set(CODES.values())
    for path in [*ROOT.glob("server/**/*.py"), ROOT / "sync/rubric.py"]:
        text = path.read_text("utf-8")
        for pattern in BORN:
            found |= set(re.findall(pattern, text))
    return found


def blanks(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_code_the_server_can_answer_reads_in_both_languages():
    codes = born_codes()
    assert {"round_not_closed", "rubric_invalid", "not_found", "busy", "too_large",
            "overlapping_round", "invalid_request"} <= codes
    for code in sorted(codes):
        key = f"problem.{code}"
        if key not in CATALOGUES["en"] and f"problem.line.{code}" in CATALOGUES["en"]:
            key = f"problem.line.{code}"  # made only for a line of an uploaded file
        assert key in CATALOGUES["zh"] and key in CATALOGUES["en"], key
        assert blanks(CATALOGUES["zh"][key]) == blanks(CATALOGUES["en"][key]), key


def test_no_surface_keeps_its_own_catalogue_of_problem_texts():
    # One text per code: a view choosing "admin.err_" or "rk.err_" answered the publish of
    # an open round with the text for reopening one.
    for lang, texts in CATALOGUES.items():
        assert not [k for k in texts if re.match(r"(admin|cb|rk)\.err_", k)], lang
