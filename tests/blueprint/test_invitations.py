"""Invitations: a facilitator invites someone without an account; the emailed link lets
them set a name and password and land in the project in the chosen role, once."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from blueprint.invitations import NOT_OPEN, invitation_create, invitation_revoke
from blueprint.models import Invitation, Membership, Project, Role
from tests.conftest import HX
from tests.factories import UserFactory
from tests.html import visible_text

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long enough passphrase 42"


def invite(alice: Client, project: Project, email: str, role: str = Role.CONTRIBUTOR) -> str:
    """Invite through the page; the link from the email."""
    response = alice.post(
        reverse("blueprint:member_create", args=[project.pk]), {"email": email, "role": role}, **HX
    )
    assert response.status_code == 200, response.content.decode()[:500]
    [link] = [w for w in mail.outbox[-1].body.split() if "/invite/" in w]
    return link.removeprefix("http://testserver")


def join(client: Client, link: str, **changes: str) -> object:
    data = {
        "display_name": "Nora Newcomer",
        "job_title": "Support lead",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **changes,
    }
    return client.post(link, data)


def test_an_invited_person_sets_a_name_and_password_and_lands_in_the_project(
    alice: Client, project: Project
) -> None:
    link = invite(alice, project, "nora@example.com", Role.PROCESS_OWNER)
    nora = Client()
    page = nora.get(link)
    assert page.status_code == 200
    assert "nora@example.com" in visible_text(page.content.decode())
    response = join(nora, link)
    assert response.status_code == 302
    assert response["Location"] == reverse("blueprint:project_detail", args=[project.pk])
    user = User.objects.get(email="nora@example.com")
    assert user.display_name == "Nora Newcomer" and user.check_password(NEW_PASSWORD)
    assert Membership.objects.get(project=project, user=user).role == Role.PROCESS_OWNER
    assert nora.get(response["Location"]).status_code == 200  # signed in
    assert Invitation.objects.get(project=project).accepted_at is not None


def test_a_link_works_once(alice: Client, project: Project) -> None:
    link = invite(alice, project, "nora@example.com")
    join(Client(), link)
    again = Client().get(link)
    assert again.status_code == 410
    assert NOT_OPEN["accepted"] in visible_text(again.content.decode())


def test_only_the_hash_of_the_token_is_stored(alice: Client, project: Project) -> None:
    link = invite(alice, project, "nora@example.com")
    token = link.rstrip("/").rsplit("/", 1)[-1]
    invitation = Invitation.objects.get(project=project)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.values().get())


@pytest.mark.parametrize("why", ["expired", "revoked", "unknown"])
def test_an_expired_revoked_or_made_up_link_says_why(
    alice: Client, project: Project, facilitator: User, why: str
) -> None:
    link = invite(alice, project, "nora@example.com")
    invitation = Invitation.objects.get(project=project)
    if why == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )
    elif why == "revoked":
        invitation_revoke(invitation=invitation, by=facilitator)
    else:
        link = link[:-5] + "xxxx/"
    for response in (Client().get(link), join(Client(), link)):
        assert response.status_code == 410
        assert NOT_OPEN[why] in visible_text(response.content.decode())
    assert not User.objects.filter(email="nora@example.com").exists()


def test_passwords_that_differ_or_are_weak_are_refused_at_the_field(
    alice: Client, project: Project
) -> None:
    link = invite(alice, project, "nora@example.com")
    response = join(Client(), link, password2="something else entirely")
    assert response.status_code == 422
    assert response.context["form"].errors["password2"]
    response = join(Client(), link, password1="123", password2="123")
    assert response.status_code == 422
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(email="nora@example.com").exists()


def test_someone_who_has_an_account_by_now_signs_in_and_joins(
    alice: Client, project: Project
) -> None:
    link = invite(alice, project, "nora@example.com")
    nora = UserFactory(email="nora@example.com")
    anonymous = Client().get(link)
    assert f"next={link}" in anonymous.content.decode()
    client = Client()
    client.force_login(nora)
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert Membership.objects.filter(project=project, user=nora).exists()


def test_the_link_refuses_someone_signed_in_with_another_address(
    alice: Client, project: Project, contributor: User
) -> None:
    link = invite(alice, project, "nora@example.com")
    other = Client()
    other.force_login(contributor)
    response = other.post(link)
    assert response.status_code == 410
    assert "nora@example.com" in visible_text(response.content.decode())
    assert not Invitation.objects.get(project=project).accepted_at


def test_a_sign_off_role_is_invited_once_and_not_when_it_is_held(
    alice: Client, project: Project, facilitator: User, business_leader: User
) -> None:
    with pytest.raises(ValidationError) as held:
        invitation_create(
            project=project, email="x@example.com", role=Role.BUSINESS_LEADER, by=facilitator
        )
    assert "role" in held.value.message_dict
    invitation_create(
        project=project, email="p@example.com", role=Role.PROCESS_OWNER, by=facilitator
    )
    with pytest.raises(ValidationError) as twice:
        invitation_create(
            project=project, email="q@example.com", role=Role.PROCESS_OWNER, by=facilitator
        )
    assert "p@example.com" in twice.value.message_dict["role"][0]
    with pytest.raises(ValidationError):
        invitation_create(project=project, email="P@example.com", role=Role.VIEWER, by=facilitator)


def test_the_facilitator_sees_pending_invitations_and_revokes_one(
    alice: Client, project: Project
) -> None:
    link = invite(alice, project, "nora@example.com")
    invitation = Invitation.objects.get(project=project)
    page = alice.get(reverse("blueprint:project_detail", args=[project.pk])).content.decode()
    assert f'id="invitation-{invitation.pk}"' in page
    revoke = reverse("blueprint:invitation_revoke", args=[project.pk, invitation.pk])
    assert alice.post(revoke, **HX).status_code == 200
    assert Client().get(link).status_code == 410
    page = alice.get(reverse("blueprint:project_detail", args=[project.pk])).content.decode()
    assert f'id="invitation-{invitation.pk}"' not in page


def test_the_invitation_and_the_joining_are_in_the_activity_log(
    alice: Client, project: Project
) -> None:
    join(Client(), invite(alice, project, "nora@example.com"))
    labels = list(project.activity.values_list("item_label", flat=True))
    assert "Invited nora@example.com" in labels
    assert any("Nora Newcomer" in label for label in labels)
