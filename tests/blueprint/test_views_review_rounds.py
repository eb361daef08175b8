"""Review rounds people can follow: a send-back's comment stays in view until sign-off is
requested again, the next round says which it is, and approvers can read the frozen
blueprint and what changed since the round that was sent back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from blueprint.models import Project, Role, System
from blueprint.workflow import review_status, signoff_send_back
from tests.blueprint.test_views_signoff import freeze, signers, url  # noqa: F401 - fixture
from tests.conftest import client_for
from tests.html import elements, visible_text

pytestmark = pytest.mark.django_db

COMMENT = "The credit limit must never be overwritten in the ERP: add the guardrail."


@pytest.fixture
def sent_back(
    facilitator: User,
    project: Project,
    signers: dict[str, User],  # noqa: F811
) -> Project:
    System.objects.create(project=project, name="Salesforce CRM", kind="crm")
    project = freeze(project, facilitator)
    signoff_send_back(project=project, user=signers[Role.BUSINESS_LEADER], comment=COMMENT)
    project.refresh_from_db()
    return project


def test_the_facilitator_sees_the_send_back_comment_on_sign_off_and_the_overview(
    facilitator: User, sent_back: Project
) -> None:
    alice = client_for(facilitator)
    for name in ("signoff", "project_detail"):
        body = alice.get(url(name, sent_back)).content.decode()
        [box] = elements(body, "section", class_="sent-back")
        assert box["role"] == "status"
        text = visible_text(body)
        assert COMMENT in text, name
        assert "Sent back by Bianca (business leader)" in text, name


def test_the_comment_goes_once_sign_off_is_requested_again_and_round_2_shows(
    facilitator: User, sent_back: Project
) -> None:
    status = review_status(sent_back)
    assert status.round == 1 and status.sent_back is not None
    System.objects.create(project=sent_back, name="SAP ERP", kind="erp")
    project = freeze(sent_back, facilitator)
    status = review_status(project)
    assert status.round == 2 and status.sent_back is None
    body = client_for(facilitator).get(url("signoff", project)).content.decode()
    assert not elements(body, "section", class_="sent-back")
    text = visible_text(body)
    assert "awaits sign-off: round 2" in text
    assert elements(body, "a", href=url("review", project))
    assert elements(body, "a", href=url("diff", project) + "?from=round&to=draft")


def test_approvers_read_the_frozen_blueprint_and_what_changed_since_the_last_round(
    facilitator: User,
    sent_back: Project,
    signers: dict[str, User],  # noqa: F811
) -> None:
    System.objects.create(project=sent_back, name="SAP ERP", kind="erp")
    project = freeze(sent_back, facilitator)
    bianca = client_for(signers[Role.BUSINESS_LEADER])
    review = bianca.get(url("review", project))
    assert review.status_code == 200
    text = visible_text(review.content.decode())
    assert "SAP ERP" in text and project.review_hash in text
    diff = bianca.get(url("diff", project) + "?from=round&to=draft")
    assert diff.status_code == 200
    assert diff.context["old_label"] == "The round sent back"
    changed = [c for a in diff.context["artifacts"] for c in a.changes]
    assert any("SAP ERP" in str(c) for c in changed)


def test_there_is_no_frozen_blueprint_to_read_while_drafting(
    facilitator: User, project: Project
) -> None:
    assert (
        client_for(facilitator).get(reverse("blueprint:review", args=[project.pk])).status_code
        == 404
    )
