"""Static files (htmx, the stylesheet, app.js) are most of what a phone downloads. Pages link them under names
that carry a hash of their content, so a phone keeps them for a year without asking again and still gets the new
file the moment it changes; they go out brotli- or gzip-compressed to browsers that accept it, unchanged to those
that do not, and a browser that asks again about a file it has gets 304 (training/static_files.py)."""
import gzip
import re
import shutil

import brotli
import pytest

from tests.support.app import make_test_app
from training.static_files import IMMUTABLE

LINKED = {"css/app.css", "js/htmx.min.js", "js/app.js"}
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def _get(client, url: str, **headers):
    """The answer, read and closed (WhiteNoise answers with an open file, as a WSGI server expects)."""
    with client.get(url, headers=headers) as answer:
        answer.get_data()
    return answer


def _linked_assets(client) -> dict[str, str]:
    """What a page makes the browser download: plain name → the URL the page uses."""
    page = client.get("/auth/login").get_data(as_text=True)
    urls = {}
    for url in ASSET.findall(page):
        match = re.fullmatch(r"/static/(.+)\.([0-9a-f]{12})(\.\w+)", url)
        assert match, f"{url}: a page links a static file without a content hash"
        urls[match.group(1) + match.group(3)] = url
    return urls


def test_pages_link_static_files_by_content_hashed_names(client):
    assert LINKED <= set(_linked_assets(client))


@pytest.mark.parametrize("name", sorted(LINKED))
def test_static_files_are_compressed_and_revalidated(client, name):
    path = _linked_assets(client)[name]
    plain = _get(client, path)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert _get(client, f"/static/{name}").data == plain.data  # the plain name still answers, same bytes
    zipped = _get(client, path, **{"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) * 0.6
    assert int(zipped.headers["Content-Length"]) == len(zipped.data)
    best = _get(client, path, **{"Accept-Encoding": "gzip, deflate, br"})  # what Chromium sends
    assert best.headers["Content-Encoding"] == "br"
    assert brotli.decompress(best.data) == plain.data and len(best.data) < len(zipped.data)
    # the validator names the content (weak: the same bytes in any coding), and revalidation answers 304
    assert plain.headers["ETag"] == zipped.headers["ETag"] == best.headers["ETag"]
    assert plain.headers["ETag"].startswith('W/"')
    again = _get(client, path, **{"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert _get(client, path, **{"If-None-Match": plain.headers["ETag"]}).status_code == 304


def test_a_hashed_file_is_kept_for_a_year_without_asking_again(client):
    for name, url in _linked_assets(client).items():
        answer = _get(client, url, **{"Accept-Encoding": "gzip, br"})
        assert answer.status_code == 200, url
        assert answer.headers["Cache-Control"] == IMMUTABLE == "public, max-age=31536000, immutable"
        assert answer.headers["Content-Security-Policy"] and answer.headers["X-Content-Type-Options"] == "nosniff"
        plain = _get(client, f"/static/{name}")  # a plain name may change under the same URL: a minute
        assert "immutable" not in plain.headers["Cache-Control"]
        assert "max-age=60" in plain.headers["Cache-Control"]


def test_a_changed_file_gets_a_new_name_and_the_old_one_still_answers(tmp_path):
    source = tmp_path / "static"
    shutil.copytree("training/static", source)
    options = {"STATIC_SOURCE_DIR": str(source), "STATIC_BUILD_DIR": str(tmp_path / "build")}
    before = _linked_assets(make_test_app(**options).test_client())
    (source / "css" / "app.css").write_text((source / "css" / "app.css").read_text() + "\n.new-rule { color: red; }\n")

    app = make_test_app(**options)  # the next start (a deploy)
    client = app.test_client()
    after = _linked_assets(client)
    assert after["css/app.css"] != before["css/app.css"]
    assert after["js/htmx.min.js"] == before["js/htmx.min.js"]  # an unchanged file keeps its name and cache
    assert b".new-rule" in _get(client, after["css/app.css"]).data
    # a page rendered before the deploy still gets the stylesheet it was written for
    old = _get(client, before["css/app.css"])
    assert old.status_code == 200 and b".new-rule" not in old.data
    # `flask static build --prune` removes what the current files no longer name (after the next start)
    result = app.test_cli_runner().invoke(args=["static", "build", "--prune"])
    assert result.exit_code == 0 and "удалено старых копий: 3" in result.output, result.output
    assert _get(make_test_app(**options).test_client(), before["css/app.css"]).status_code == 404


def test_in_development_an_edited_file_shows_on_reload(tmp_path):
    source = tmp_path / "static"
    shutil.copytree("training/static", source)
    app = make_test_app(DEBUG=True, STATIC_SOURCE_DIR=str(source), STATIC_BUILD_DIR=str(tmp_path / "build"))
    client = app.test_client()
    before = _linked_assets(client)["css/app.css"]
    (source / "css" / "app.css").write_text("body { color: red; }\n")
    after = _linked_assets(client)["css/app.css"]
    assert after != before and _get(client, after).data == b"body { color: red; }\n"


def test_a_missing_static_file_is_a_404(client):
    assert _get(client, "/static/js/nothing.js", **{"Accept-Encoding": "gzip"}).status_code == 404
    assert _get(client, "/static/js/app.0123456789ab.js").status_code == 404
