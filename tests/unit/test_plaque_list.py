"""The plaque list's rows and file name: households with stars only, the revoked marked,
names in the reader's language, and a download name nothing can climb out of."""
import pytest

from server.review.exports import cell
from server.review.plaque_list import plaque_file_name, plaque_table


def household(number, head, stars, revoked=False):
    return {"village": "勐海村", "village_en": "Menghai", "group": "一组", "group_en": "",
            "number": number, "head": head, "stars": stars, "revoked": revoked}


@pytest.mark.parametrize("lang, header, hung, revoked, group", [
    ("zh", ["村", "村民小组", "户号", "户主", "星级", "星级（★）", "挂牌"], "挂牌", "已摘牌", "一组"),
    ("en", ["Village", "Villager group", "House no.", "Head of household", "Stars",
            "Stars (★)", "Plaque"], "Hung", "Revoked", "一组")])
def test_households_with_stars_in_order_and_the_revoked_marked(lang, header, hung, revoked,
                                                               group):
    rows = plaque_table([household("01", "王建国", 5), household("02", "李秀英", 0),
                         household("03", "张伟", 3, revoked=True)], lang)
    assert rows[0] == header
    village = "Menghai" if lang == "en" else "勐海村"
    assert rows[1:] == [[village, group, "01", "王建国", 5, "★★★★★", hung],
                        [village, group, "03", "张伟", 3, "★★★", revoked]]


def test_a_head_typed_as_a_formula_is_written_as_text():
    rows = plaque_table([household("=1+2", "@SUM(A1)", 4)], "zh")
    assert [cell(v) for v in rows[1][2:4]] == ["'=1+2", "'@SUM(A1)"]


@pytest.mark.parametrize("name, lang, expected", [
    ("2026年度星级评定", "zh", "2026年度星级评定-挂牌名单-v2.xlsx"),
    ("2026 stars", "en", "2026_stars-Plaque_list-v2.xlsx"),
    ('../../etc/"x"\r\n;=cmd', "en", "etc_x_cmd-Plaque_list-v2.xlsx"),
    ("///", "zh", "7-挂牌名单-v2.xlsx")])
def test_the_file_name_is_safe(name, lang, expected):
    assert plaque_file_name(name, 7, 2, "xlsx", lang) == expected
