"""Every role walks its pages on a 360×740 phone: no English left on any page (outside the allow-list of format
and metric names), every table's important column in view (or pinned with a swipe cue), axe-core finds no serious
or critical violation."""
import pytest

from tests.support.browser import axe_violations, has_horizontal_scroll, new_page, sign_in
from tests.support.walk import latin_words, tables_out_of_view, walk_world

pytestmark = pytest.mark.browser


def test_no_english_is_left_on_any_page_of_the_walk(browser, live_server, live_app):
    world = walk_world()
    found = []
    for role, paths in world.pages.items():
        context, page = new_page(browser, live_server, is_mobile=True, has_touch=True)
        sign_in(page, world.users[role])
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, f"{role} {path}: {response.status}"
            words = latin_words(page.locator("body").inner_text())
            if words:
                found.append(f"{role} {path}: {', '.join(words)}")
        context.close()
    assert not found, "\n".join(found)


def test_every_table_of_the_walk_shows_its_important_column_and_axe_finds_nothing_serious(browser, live_server,
                                                                                          live_app):
    world = walk_world()
    hidden, violations = [], []
    for role, paths in world.pages.items():
        context, page = new_page(browser, live_server, is_mobile=True, has_touch=True, bypass_csp=True)
        sign_in(page, world.users[role])
        for path in paths:
            page.goto(path)
            hidden += [f"{role} {path}: {problem}" for problem in tables_out_of_view(page)]
            if has_horizontal_scroll(page):
                hidden.append(f"{role} {path}: the page scrolls sideways")
            violations += [f"{role} {path}: {v}" for v in axe_violations(page)]
        context.close()
    assert not hidden, "\n".join(hidden)
    assert not violations, "\n".join(violations)
