"""People in the workshop: an invitation accepted end to end in a real browser, and a
send-back comment the facilitator can read where they work."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from blueprint.models import Membership, Project, Role
from tests.e2e.workshop import (
    BUSINESS_LEADER,
    FACILITATOR,
    ready_project,
    second_browser,
    shot,
    sign_in_and_open,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def blueprint(transactional_db) -> Project:
    return ready_project()


def test_an_invitation_is_accepted_end_to_end(
    page: Page, browser: Browser, live_server, blueprint: Project
) -> None:
    sign_in_and_open(page, live_server, FACILITATOR[0], f"/p/{blueprint.pk}/")
    people = page.locator("#members")
    people.get_by_label("Email of the person").fill("nora.newcomer@example.com")
    people.locator("form.member-add select[name=role]").select_option(label="Viewer")
    people.get_by_role("button", name="Add member").click()
    expect(people.get_by_role("status")).to_contain_text("invitation to join as viewer")
    expect(people.locator("table.invitations")).to_contain_text("nora.newcomer@example.com")
    shot(page, "20-invitation-sent")
    [link] = re.findall(r"https?://\S+/invite/\S+/", mail.outbox[-1].body)

    with second_browser(browser) as nora:
        nora.goto(link)
        expect(nora.get_by_role("heading", name=re.compile("Join"))).to_be_visible()
        nora.get_by_label("Your name").fill("Nora Newcomer")
        nora.locator("input[name=password1]").fill("a long enough passphrase 42")
        nora.locator("input[name=password2]").fill("a long enough passphrase 42")
        nora.get_by_role("button", name="Join the project").click()
        expect(nora).to_have_url(re.compile(rf"/p/{blueprint.pk}/$"))
        expect(nora.get_by_role("heading", name=blueprint.name)).to_be_visible()
        shot(nora, "21-invitation-accepted")
        # The link is used up.
        nora.goto(link)
        expect(nora.get_by_role("alert")).to_contain_text("already been used")
    user = User.objects.get(email="nora.newcomer@example.com")
    assert Membership.objects.get(project=blueprint, user=user).role == Role.VIEWER


def test_a_send_back_comment_shows_on_the_facilitators_pages(
    page: Page, browser: Browser, live_server, blueprint: Project
) -> None:
    signoff = reverse("blueprint:signoff", args=[blueprint.pk])
    sign_in_and_open(page, live_server, FACILITATOR[0], signoff)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Request sign-off").click()
    expect(page.get_by_role("heading", name="Version 1 awaits sign-off")).to_be_visible()

    comment = "The credit limit must never be overwritten in the ERP: add that guardrail."
    with second_browser(browser) as bianca:
        sign_in_and_open(bianca, live_server, BUSINESS_LEADER[0], signoff)
        expect(bianca.get_by_role("link", name="Read the frozen blueprint")).to_be_visible()
        bianca.get_by_label("What must change").fill(comment)
        bianca.get_by_role("button", name="Send back").click()
        expect(bianca.get_by_role("heading", name=re.compile("is a draft"))).to_be_visible()

    for path in (signoff, reverse("blueprint:project_detail", args=[blueprint.pk])):
        page.goto(live_server.url + path)
        box = page.locator("section.sent-back")
        expect(box).to_contain_text(comment)
        expect(box).to_contain_text("Sent back by Bianca Rossi (business leader)")
    shot(page, "22-sent-back-comment")
