"""The server's scoring (sync/) against the cases the phone must agree on too
(tests/scoring_cases.json; tests/browser/test_scoring.py runs pwa/score.js on them)."""
import pytest

from sync.flags import void_deductions
from sync.rubric import score_inspection, score_text
from tests.support.scoring_cases import scoring_cases

CASES = scoring_cases()


def test_the_cases_cover_every_kind_of_rule():
    names = " ".join(c["name"] for c in CASES)
    for words in ("each", "once", "veto", "N/A", "all N/A", "capped", "void", "not void",
                  "no photo", "one of two", "half rounds up"):
        assert words in names
    assert any(c["expected"]["total"] is None for c in CASES)
    assert {c["rubric"]["version"] for c in CASES} >= {1, 901, 902}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_scoring_case(case):
    void = void_deductions({"criteria": case["criteria"], "photos": case["photos"]},
                           case["rejected"])
    score = score_inspection(case["rubric"], case["criteria"], void)
    expected = case["expected"]
    assert score.total == expected["total"]            # exactly: the phone must match the bits
    assert score.criterion_scores == expected["criterion_scores"]
    assert score.veto is expected["veto"]
    assert sorted(list(d) for d in void) == expected["void"]
    assert score_text(score.total) == expected["display"]
