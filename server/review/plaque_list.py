"""The plaque list (挂牌名单) of a final star rating: which households hang a plaque of how
many stars, by village, group and 户号, as a spreadsheet.

Households rated no star hang nothing and are left out. A household whose stars were
revoked (摘牌) stays on the list, marked revoked with the level it lost, so whoever hangs
the plaques knows which one to take down. Cells are written formula-safe by exports.py.
"""
from __future__ import annotations

from ..i18n import t
from .exports import name_part

STAR = "★"


def stars_shown(stars: int) -> str:
    """A star level as people read it on a plaque: ★★★ for three."""
    return STAR * stars


def plaque_table(households: list[dict], lang: str) -> list[list]:
    """Header + one row per household with stars, in the order given (village, group,
    户号). Each household: village, village_en, group, group_en, number, head, stars,
    revoked."""
    header = [t(key, lang) for key in ("ex.village", "ex.group", "hr.number", "hr.head",
                                       "sr.stars", "sr.stars_shown", "sr.plaque")]
    rows = [header]
    en = lang == "en"
    for h in households:
        if not h["stars"]:
            continue
        rows.append([(en and h.get("village_en")) or h["village"],
                     (en and h.get("group_en")) or h["group"], h["number"], h["head"],
                     h["stars"], stars_shown(h["stars"]),
                     t("sr.revoked" if h["revoked"] else "sr.plaque_hung", lang)])
    return rows


def plaque_file_name(rating_name: str, rating_id: int, version: int, fmt: str,
                     lang: str) -> str:
    """The download's name from the rating's own name: letters and digits of any script,
    nothing a file system or a header could read as a path or a quote."""
    named = name_part(rating_name) or f"{rating_id}"
    return f"{named}-{name_part(t('sr.plaque_list', lang))}-v{version}.{fmt}"
