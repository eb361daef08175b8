from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertTemplateUsed

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_every_page_but_login_requires_a_login(client: Client) -> None:
    for url in [
        reverse("blueprint:project_list"),
        reverse("accounts:profile"),
        reverse("accounts:password_change"),
        reverse("blueprint:project_new"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_it_signs_in_with_the_email_address_in_any_case(client: Client) -> None:
    UserFactory(email="ana@example.com")
    response = client.post(
        reverse("accounts:login"), {"username": "ANA@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("blueprint:project_list")


def test_it_refuses_a_wrong_password_with_a_message(client: Client) -> None:
    UserFactory(email="ana@example.com")
    response = client.post(
        reverse("accounts:login"), {"username": "ana@example.com", "password": "nope"}
    )
    assert response.status_code == 200
    assert "Please enter a correct email" in response.content.decode()


def test_the_login_page_is_a_full_page(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assertTemplateUsed(response, "base.html")
    assert b"htmx-2.min.js" in response.content


def test_logout_needs_a_post(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("blueprint:project_list")).status_code == 302


def test_profile_saves_name_and_job_title(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), {"display_name": "Ana Silva", "job_title": "CFO"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.job_title) == ("Ana Silva", "CFO")


def test_profile_refuses_an_empty_name(client: Client) -> None:
    user = UserFactory(display_name="Ana")
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"display_name": "", "job_title": "CFO"})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "Ana"


def test_password_change(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-secret-42",
            "new_password2": "a-new-long-secret-42",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-long-secret-42")


def test_user_manager_normalises_email_and_requires_one() -> None:
    user = User.objects.create_user(email="Mixed@Example.COM", password="x", display_name="M")
    assert user.email == "mixed@example.com"
    with pytest.raises(ValueError):
        User.objects.create_user(email="", password="x")
    admin = User.objects.create_superuser(email="root@example.com", password="x", display_name="R")
    assert admin.is_staff and admin.is_superuser
