"""Two groups that show the same score at one decimal but not at two, for the rule
"rank as published" (domain.md)."""
from tests.support.factories import inspection


def push_tied_groups(phone, ref) -> dict:
    """A: one inspection losing 9 on roads → WR 90.78; B: two losing 9 on bins each →
    WR 90.83 with a lower collection subtotal; C: one losing 10 on roads → WR 90.44.
    A and B both show 90.8: B's higher WR decides nothing, the subtotal puts it below A.
    Returns the three group ids and the round's."""
    a, b, c = ref["assigned"][:3]
    round_id = ref["round"]["id"]
    assert phone.push(inspection(round_id, a, deductions={"roads": {"road_dirty": 9}}),
                      inspection(round_id, b, deductions={"collection": {"bins": 9}}),
                      inspection(round_id, b, deductions={"collection": {"bins": 9}}),
                      inspection(round_id, c, deductions={"roads": {"road_dirty": 10}})
                      ).status_code == 200
    return {"a": a, "b": b, "c": c, "round_id": round_id}
