"""Sign-in throttling, sessions and redirects (ASVS 2.2.1, 3.3, 3.4): django-axes locks
an account, or an address, after a few failures, with one message whatever the account."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.views import locked_out_message
from blueprint.models import Approval, Project, Role
from tests.blueprint.test_views_signoff import freeze, url
from tests.conftest import HX, client_for
from tests.factories import PASSWORD, UserFactory
from tests.html import visible_text

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def sign_in(client: Client, email: str, password: str, **extra: str) -> object:
    return client.post(LOGIN, {"username": email, "password": password, **extra}, **{})


def test_twenty_wrong_passwords_lock_the_account_with_one_message_for_any_email() -> None:
    UserFactory(email="ann@example.com")
    answers = {}
    for email in ("ann@example.com", "nobody@example.com"):
        client = Client(REMOTE_ADDR=f"10.0.0.{len(answers) + 1}")
        statuses = [sign_in(client, email, "wrong").status_code for _ in range(20)]
        assert statuses[:4] == [200] * 4  # the form's own "enter a correct email..."
        assert set(statuses[5:]) == {429}
        body = sign_in(client, email, "wrong").content.decode()
        assert locked_out_message() in body
        answers[email] = visible_text(body).replace(email, "EMAIL")
    # The locked answer does not tell an existing account from an unknown one.
    assert answers["ann@example.com"] == answers["nobody@example.com"]


def test_a_locked_account_stays_locked_even_with_the_right_password() -> None:
    UserFactory(email="ann@example.com")
    client = Client(REMOTE_ADDR="10.0.1.1")
    for _ in range(5):
        sign_in(client, "ann@example.com", "wrong")
    response = sign_in(client, "ann@example.com", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_counts_an_email_in_any_case_from_any_address() -> None:
    UserFactory(email="ann@example.com")
    for n, email in enumerate(["Ann@example.com", "ANN@example.com", " ann@EXAMPLE.com"] * 2):
        sign_in(Client(REMOTE_ADDR=f"10.1.0.{n}"), email, "wrong")
    response = sign_in(Client(REMOTE_ADDR="10.2.0.1"), "ann@example.com", PASSWORD)
    assert response.status_code == 429


def test_one_address_trying_many_accounts_is_locked_too() -> None:
    client = Client(REMOTE_ADDR="10.3.0.1")
    for n in range(6):
        sign_in(client, f"guess{n}@example.com", "wrong")
    UserFactory(email="real@example.com")
    assert sign_in(client, "real@example.com", PASSWORD).status_code == 429
    assert sign_in(Client(REMOTE_ADDR="10.3.0.2"), "real@example.com", PASSWORD).status_code == 302


def test_signing_in_rotates_the_session_key_and_signing_out_ends_it_on_the_server() -> None:
    UserFactory(email="ann@example.com")
    client = Client()
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    assert sign_in(client, "ann@example.com", PASSWORD).status_code == 302
    after = client.session.session_key
    assert after and after != before
    assert Session.objects.filter(session_key=after).exists()
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=after).exists()


def test_a_password_change_ends_the_other_sessions() -> None:
    user = UserFactory(email="ann@example.com")
    laptop, phone = Client(), Client()
    sign_in(laptop, user.email, PASSWORD)
    sign_in(phone, user.email, PASSWORD)
    projects = reverse("blueprint:project_list")
    assert phone.get(projects).status_code == 200
    response = laptop.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-9",
            "new_password2": "a-new-long-passphrase-9",
        },
    )
    assert response.status_code == 302
    assert laptop.get(projects).status_code == 200
    assert phone.get(projects).status_code == 302  # back to the sign-in page


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_next_only_leads_within_the_site(target: str) -> None:
    UserFactory(email="ann@example.com")
    response = sign_in(Client(), "ann@example.com", PASSWORD, next=target)
    assert response.status_code == 302
    assert response["Location"] == reverse("blueprint:project_list") or response[
        "Location"
    ].startswith("/")
    assert "evil" not in response["Location"] and "javascript" not in response["Location"]


def test_next_within_the_site_is_followed() -> None:
    UserFactory(email="ann@example.com")
    response = sign_in(Client(), "ann@example.com", PASSWORD, next="/accounts/profile/")
    assert response["Location"] == "/accounts/profile/"


def test_the_password_asked_again_on_approval_is_throttled_too(
    facilitator: User, project: Project, process_owner: User
) -> None:
    project = freeze(project, facilitator)
    pedro = client_for(process_owner)
    approve = url("signoff_approve", project)
    wrong = {"password": "nope", "seen_hash": project.review_hash}
    statuses = [pedro.post(approve, wrong, **HX).status_code for _ in range(6)]
    assert statuses[:4] == [422] * 4 and statuses[-1] == 429
    right = {"password": PASSWORD, "seen_hash": project.review_hash}
    response = pedro.post(approve, right, **HX)
    assert response.status_code == 429
    assert locked_out_message() in response.content.decode()
    assert not Approval.objects.filter(project=project, role=Role.PROCESS_OWNER).exists()
