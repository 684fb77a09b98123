"""Every problem an admin rule can report reads in both languages, with the same blanks."""
import json
import re
import string
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = {lang: json.loads((ROOT / f"server/translations/{lang}.json").read_text("utf-8"))
              for lang in ("zh", "en")}
# Where problems are made, and the catalogue prefix of their texts (a problem knows its
# key, server/errors.py: problem.<code>, problem.line.<code> for a line of a file).
SOURCES = {"server/admin/places.py": "problem.line.", "server/admin/users.py": "problem.",
           "server/admin/rounds.py": "problem.", "server/web/forms.py": "problem.",
           "server/web/admin_rounds.py": "problem.", "server/review/combined.py": "problem.",
           "server/admin/rubrics.py": "problem.", "sync/rubric.py": "problem.",
           "server/admin/teams.py": "problem.", "server/admin/references.py": "problem.",
           "server/web/admin_teams.py": "problem.", "server/web/admin_places.py": "problem."}
FILE_PROBLEMS = ("not_utf8", "missing_columns", "no_rows",  # about the file, not a line
                 "too_many_line_problems")
SHARED = ("too_long", "control_character")  # made by server/errors.py for every name


def codes(path: str) -> set[str]:
    text = (ROOT / path).read_text("utf-8")
    made = set(re.findall(r'Problem\(\s*"(\w+)"', text))
    made |= set(re.findall(r'message="(\w+)"', text))  # form validators
    made |= set(re.findall(r'^\s+"[^"]+\.": "(\w+)",$', text, re.M))  # WTForms' messages
    return made


def blanks(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_problem_code_has_both_texts_with_the_same_blanks():
    keys = {("problem." if code in FILE_PROBLEMS else prefix) + code
            for path, prefix in SOURCES.items() for code in codes(path)}
    keys |= {prefix + code for prefix in set(SOURCES.values()) for code in SHARED}
    assert {"problem.line.too_long", "problem.password_too_short", "problem.date",
            "problem.round_not_open", "problem.not_utf8"} <= keys
    for key in sorted(keys):
        assert key in CATALOGUES["zh"] and key in CATALOGUES["en"], key
        assert blanks(CATALOGUES["zh"][key]) == blanks(CATALOGUES["en"][key]), key
