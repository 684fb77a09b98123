"""tests/scoring_cases.json: the scoring cases the server and the phone must agree on."""
import json
from pathlib import Path

from sync.rubric import DEFAULT_RUBRIC

CASES_FILE = Path(__file__).resolve().parents[1] / "scoring_cases.json"


def scoring_cases() -> list[dict]:
    """Each case with its rubric resolved to the rubric dict, and every criterion's
    expected score (a criterion the case does not list scores its maximum)."""
    doc = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    rubrics = {"default": DEFAULT_RUBRIC, **doc["rubrics"]}
    out = []
    for case in doc["cases"]:
        rubric = rubrics[case["rubric"]]
        expected = dict(case["expected"])
        expected["criterion_scores"] = {
            c["key"]: float(c["max"]) for c in rubric["criteria"]} | expected["criterion_scores"]
        out.append({**case, "rubric": rubric, "expected": expected})
    return out
