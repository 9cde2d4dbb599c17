import pytest

from tests.factories import PASSWORD, make_user
from tests.support.app import make_test_app
from training.app import create_app
from training.config import ProductionConfig
from training.extensions import db


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/none")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig()
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig()


def test_production_cookies_are_secure_httponly_and_lax(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    app = create_app(ProductionConfig())
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_generates_a_key_into_instance_folder(tmp_path, monkeypatch):
    from training.config import development_secret_key

    key = development_secret_key(str(tmp_path))
    assert len(key) >= 48
    assert development_secret_key(str(tmp_path)) == key
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


@pytest.fixture
def csrf_app():
    app = make_test_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        yield app
        db.drop_all()


def test_csrf_token_is_required_for_state_changes(csrf_app):
    from tests.factories import make_org

    org = make_org()
    user = make_user(department=org.front_a)
    client = csrf_app.test_client()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Срок действия формы истёк" in response.get_data(as_text=True)


def test_htmx_requests_pass_csrf_with_the_header_token(csrf_app):
    import re

    from tests.factories import make_org

    org = make_org()
    user = make_user(department=org.front_a)
    client = csrf_app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD},
                           headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/"
    # a signed-in htmx POST without the header is refused
    assert client.post("/auth/logout", headers={"HX-Request": "true"}).status_code == 400
    assert client.post("/auth/logout", headers={"HX-Request": "true", "X-CSRFToken": token}).status_code == 204


def test_security_headers_are_sent(client):
    response = client.get("/auth/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_inline_scripts_or_styles_in_pages(client, org, login):
    from training.accounts.models import Role

    login(make_user(Role.ADMIN, Role.HR, service=org.service))
    for url in ("/", "/auth/profile", "/org/staff", "/org/import", "/audit/"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>" not in page and " style=" not in page and "onclick=" not in page, url


def test_htmx_request_without_session_gets_hx_redirect_to_sign_in(client):
    response = client.get("/org/staff", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/auth/login")


def test_health_check_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "sqlite"}
