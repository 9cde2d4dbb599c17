"""Static files (htmx, the stylesheet, app.js) are most of what a phone downloads: they go out gzipped to
browsers that accept it, unchanged to those that do not, and a browser that has them gets 304."""
import gzip

import pytest


@pytest.mark.parametrize("path", ["/static/js/htmx.min.js", "/static/css/app.css", "/static/js/app.js"])
def test_static_files_are_gzipped_and_revalidated(client, app, path):
    with client.get(path) as plain:
        plain.get_data()
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    zipped = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) * 0.6
    assert int(zipped.headers["Content-Length"]) == len(zipped.data)
    # each variant has its own validator, and revalidation answers 304 without a body
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    again = client.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    with client.get(path, headers={"If-None-Match": plain.headers["ETag"]}) as unchanged:
        assert unchanged.status_code == 304


def test_a_missing_static_file_is_a_404(client):
    assert client.get("/static/js/nothing.js", headers={"Accept-Encoding": "gzip"}).status_code == 404
