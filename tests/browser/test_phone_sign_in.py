import pytest

from tests.factories import PASSWORD, make_org, make_user
from tests.support.browser import has_horizontal_scroll, sign_in, submit_sign_in
from training.accounts.models import Role

pytestmark = pytest.mark.browser


def test_staff_member_signs_in_on_a_phone_and_sees_home_without_horizontal_scroll(phone, live_app):
    org = make_org()
    user = make_user(Role.EMPLOYEE, department=org.front_a, full_name="Телефонова Анна Сергеевна")
    phone.goto("/")
    assert "/auth/login" in phone.url
    assert not has_horizontal_scroll(phone)
    submit_sign_in(phone, user.email, PASSWORD)
    phone.wait_for_url("**/")
    assert phone.get_by_role("heading", name="Здравствуйте, Анна!").is_visible()
    assert not has_horizontal_scroll(phone)
    bottom_nav = phone.locator("nav.bottom-nav")
    assert bottom_nav.is_visible()
    assert phone.locator("nav.desktop-nav").is_hidden()
    box = bottom_nav.bounding_box()
    assert box["y"] + box["height"] <= 740 + 1 and box["width"] <= 360
    bottom_nav.get_by_text("Профиль").click()
    phone.wait_for_url("**/auth/profile")
    assert phone.get_by_role("heading", name="Телефонова Анна Сергеевна").is_visible()
    assert not has_horizontal_scroll(phone)


def test_first_sign_in_with_one_time_password_on_a_phone(phone, live_app):
    from training.accounts.services import issue_one_time_password
    from training.extensions import db

    org = make_org()
    user = make_user(department=org.front_a, full_name="Новенькая Ольга Игоревна")
    otp = issue_one_time_password(user)
    db.session.commit()
    sign_in(phone, user, otp, lands_on="**/auth/first-password")
    phone.get_by_label("Новый пароль").fill("Moi-novyi-parol-1")
    phone.get_by_label("Повторите пароль").fill("Moi-novyi-parol-1")
    phone.get_by_role("button", name="Сохранить пароль").click()
    phone.wait_for_url("**/")
    assert phone.get_by_text("Пароль установлен").is_visible()
    assert not has_horizontal_scroll(phone)
