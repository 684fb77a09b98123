"""Hypothesis strategies for the pure rules in sync/: rubrics and what phones send.

Values come from small pools on purpose: equal scores, equal notes and equal counts
on different sides are where ties and merge conflicts live, and wide random values
would almost never hit them.
"""
import os

from hypothesis import settings
from hypothesis import strategies as st

from sync.rubric import DEFAULT_RUBRIC, EACH, KINDS

_EXPLORE = int(os.environ.get("PROPERTIES_EXPLORE") or 0)


def properties(examples: int = 200) -> settings:
    """Fixed examples, no example database: the same run every time, on any machine; no
    deadline, because a loaded 2-core machine is slow and a test must not fail on time.
    PROPERTIES_EXPLORE=<n> runs n fresh random examples instead, to hunt for new failures."""
    if _EXPLORE:
        return settings(max_examples=_EXPLORE, deadline=None, database=None)
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None)


PROPERTIES = properties()
# Three revisions, or a whole round, per example: fewer of them keep a file near 20 s.
COSTLY_PROPERTIES = properties(100)

NOTES = st.sampled_from([None, "", "mud after rain", "清理中"])


def halves(low: int, high: int):
    """Multiples of 0.5 in low..high: rubric points and maxima as admins type them."""
    return st.integers(2 * low, 2 * high).map(lambda n: n / 2)


# Built once: making strategies inside every example costs more than drawing from them.
_CRITERION_KEYS = st.lists(st.sampled_from("abcde"), min_size=1, max_size=4, unique=True)
_ITEM_KEYS = st.lists(st.sampled_from("wxyz"), max_size=4, unique=True)
_KINDS = st.sampled_from(KINDS)
_POINTS, _MAXIMA = halves(0, 8), halves(1, 20)
_ONCE_COUNTS = st.integers(0, 1)     # validation: once and veto items are 0 or 1


@st.composite
def small_rubrics(draw):
    """A made-up rubric: 1-4 criteria of 0-4 items, every kind, fractional points."""
    criteria = []
    for key in draw(_CRITERION_KEYS):
        items = [{"key": item, "points": draw(_POINTS), "kind": draw(_KINDS),
                  "label_zh": item, "label_en": item, "photo_required": True}
                 for item in draw(_ITEM_KEYS)]
        criteria.append({"key": key, "max": draw(_MAXIMA), "label_zh": key, "label_en": key,
                         "items": items})
    return {"version": draw(st.integers(2, 99)), "criteria": criteria}


rubrics = st.one_of(st.just(DEFAULT_RUBRIC), small_rubrics())


def item_keys(rubric) -> list:
    """[(criterion_key, item_key)] of a rubric, in rubric order."""
    return [(c["key"], i["key"]) for c in rubric["criteria"] for i in c["items"]]


@st.composite
def criteria_for(draw, rubric, counts=st.integers(0, 4), notes=NOTES, na=st.booleans()):
    """The criteria of one inspection against `rubric`, as a phone sends them: any
    criterion may be absent, and so may each entry's na, deductions and note."""
    criteria = {}
    for criterion in rubric["criteria"]:
        if not draw(st.booleans()):
            continue
        entry = criteria[criterion["key"]] = {}
        if draw(st.booleans()):
            entry["na"] = draw(na)
        if draw(st.booleans()):
            entry["deductions"] = {
                item["key"]: draw(counts if item["kind"] == EACH else _ONCE_COUNTS)
                for item in criterion["items"] if draw(st.booleans())}
        if draw(st.booleans()):
            entry["note"] = draw(notes)
    return criteria
