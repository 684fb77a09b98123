"""Demo star ratings over the demo's household round (published here): one whose notice
ended last week, final, with one household's stars revoked (摘牌), and one in notice
now with an objection waiting for a supervisor's decision."""
from datetime import timedelta

from sync import clock

from ..models import Round, Township, User
from ..points.star_notice import finalize_rating, record_objection, revoke_stars
from ..points.stars import chosen_household_rounds, start_notice
from ..review.publishing import publish


def add_star_ratings(township: Township, users: dict, round_: Round) -> None:
    supervisor: User = users["supervisor1"]
    publish(round_, supervisor)
    rounds = chosen_household_rounds([round_.id], supervisor)
    final = start_notice(rounds, supervisor, "本季度卫生文明户星级评定", "This quarter's stars",
                         started_on=clock.township_today() - timedelta(days=10))
    finalize_rating(final.rating_id, supervisor)
    rated = [h for h in final.result["households"] if h["stars"] > 0]
    if rated:
        revoke_stars(final.rating_id, supervisor, rated[0]["household_id"],
                     "复查发现焚烧垃圾，摘牌")
    notice = start_notice(rounds, supervisor, "年度卫生文明户星级评定（公示）",
                          "This year's stars (on notice)")
    listed = notice.result["households"]
    if listed:
        record_objection(notice.rating_id, supervisor, listed[-1]["household_id"],
                         "村民反映该户门前常有杂物堆放，请复核。")
