"""The one form that finds households by group, 户号 or 户主 (web/household_filters.html),
as the star rating pages and a household round's results use it, in Chinese and English:
the chosen group stays chosen, the typed search stays typed, hidden fields carry what the
page keeps, and a page's own fields stand before the button."""
from types import SimpleNamespace

import pytest

from tests.support.apps import make_app

VILLAGES = [SimpleNamespace(name="一村", name_en="Yicun", groups=[
    SimpleNamespace(id=7, name="一组", name_en="Group 1"),
    SimpleNamespace(id=8, name="二组", name_en="Group 2")])]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("filters"), seed=None)


def render(app, lang: str, source: str) -> str:
    with app.test_request_context(f"/?lang={lang}"):
        return app.jinja_env.from_string(
            '{% from "web/household_filters.html" import household_filters %}' + source
        ).render(filters={"group": 8, "q": "王<"}, villages=VILLAGES)


@pytest.mark.parametrize("lang, words", [
    ("zh", ["村民小组", "全部", "户号或户主", "如 07 或 王", "筛选", "一村", "二组"]),
    ("en", ["Villager group", "All", "House number or head", "e.g. 07 or 王", "Filter",
            "Yicun", "Group 2"])])
def test_the_star_pages_form_goes_where_asked_and_carries_the_chosen_rounds(
        app, lang, words):
    page = render(app, lang, "{{ household_filters('star-filters', filters, villages,"
                             " action='/review/stars', keep=[('rounds', 3), ('rounds', 4)]) }}")
    for word in words:
        assert word in page, word
    assert '<form class="filters no-print" method="get" action="/review/stars"' \
           ' id="star-filters">' in page
    assert page.count('<input type="hidden" name="rounds"') == 2
    assert '<option value="8" selected>' in page and '<option value="7" >' in page
    assert 'name="q" value="王&lt;" maxlength="50"' in page
    assert "<a href" not in page                       # nothing to clear on these pages


@pytest.mark.parametrize("lang, clear", [("zh", "清除筛选"), ("en", "Clear filters")])
def test_the_results_form_adds_its_own_fields_before_the_button_and_a_clear_link(
        app, lang, clear):
    page = render(app, lang, "{% call household_filters('results-filters', filters,"
                             " villages, clear='/review/results/5') %}"
                             '<select name="status"></select>{% endcall %}')
    assert '<form class="filters no-print" method="get" id="results-filters">' in page
    assert 'type="hidden"' not in page
    assert page.index('name="q"') < page.index('name="status"') < page.index("<button")
    assert f'<a href="/review/results/5">{clear}</a>' in page
