"""Every problem an admin rule can report reads in both languages, with the same blanks."""
import json
import re
import string
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = {lang: json.loads((ROOT / f"server/translations/{lang}.json").read_text("utf-8"))
              for lang in ("zh", "en")}
# Where problems are made, and the catalogue prefix their readers put before the code.
SOURCES = {"server/admin/places.py": "admin.csv_", "server/admin/users.py": "admin.err_",
           "server/admin/rounds.py": "admin.err_", "server/web/forms.py": "admin.err_",
           "server/web/admin_rounds.py": "admin.err_", "server/review/combined.py": "cb.err_",
           "server/admin/rubrics.py": "admin.err_", "sync/rubric.py": "admin.err_",
           "server/admin/teams.py": "admin.err_", "server/admin/references.py": "admin.err_",
           "server/web/admin_teams.py": "admin.err_", "server/web/admin_places.py": "admin.err_"}
SHARED = ("too_long", "control_character")  # made by server/problems.py for every name


def codes(path: str) -> set[str]:
    text = (ROOT / path).read_text("utf-8")
    made = set(re.findall(r'Problem\(\s*"(\w+)"', text))
    made |= set(re.findall(r'message="(\w+)"', text))  # form validators
    made |= set(re.findall(r'^\s+"[^"]+\.": "(\w+)",$', text, re.M))  # WTForms' messages
    return made


def blanks(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_problem_code_has_both_texts_with_the_same_blanks():
    keys = {prefix + code for path, prefix in SOURCES.items() for code in codes(path)}
    keys |= {prefix + code for prefix in set(SOURCES.values()) for code in SHARED}
    assert {"admin.csv_too_long", "admin.err_password_too_short", "admin.err_date",
            "admin.err_round_not_open", "admin.csv_not_utf8"} <= keys
    for key in sorted(keys):
        assert key in CATALOGUES["zh"] and key in CATALOGUES["en"], key
        assert blanks(CATALOGUES["zh"][key]) == blanks(CATALOGUES["en"][key]), key
