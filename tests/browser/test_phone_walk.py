"""Every role walks its pages on a 360×740 phone: no English left on any page (outside the allow-list of format
and metric names)."""
import pytest

from tests.support.browser import new_page, sign_in
from tests.support.walk import latin_words, walk_world

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
