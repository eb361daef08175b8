from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from blueprint.access import ProjectFrozen
from blueprint.document import Document, document_hash, document_load
from blueprint.forms.project import SystemForm
from blueprint.items import item_save
from blueprint.models import ActivityEntry, Approval, Project, Role, Version
from blueprint.workflow import (
    project_reopen,
    signoff_approve,
    signoff_request,
    signoff_send_back,
)
from tests.factories import PASSWORD, AttributeFactory, SystemFactory

pytestmark = pytest.mark.django_db


def no_blockers(doc: Document) -> int:
    return 0


@pytest.fixture
def team(
    project: Project,
    facilitator: User,
    business_leader: User,
    process_owner: User,
    systems_owner: User,
) -> dict[str, User]:
    AttributeFactory(entity__project=project, project=project)
    return {
        "facilitator": facilitator,
        Role.BUSINESS_LEADER: business_leader,
        Role.PROCESS_OWNER: process_owner,
        Role.SYSTEMS_OWNER: systems_owner,
    }


def request_signoff(project: Project, team: dict[str, User]) -> Project:
    return signoff_request(project=project, user=team["facilitator"], blockers=no_blockers)


def approve(project: Project, team: dict[str, User], role: str):  # noqa: ANN201
    project.refresh_from_db()
    return signoff_approve(
        project=project,
        user=team[role],
        role=role,
        password=PASSWORD,
        seen_hash=project.review_hash,
    )


def test_a_request_freezes_the_blueprint_with_its_hash(project: Project, team: dict) -> None:
    project = request_signoff(project, team)
    assert project.state == Project.State.AWAITING
    assert project.review_hash == document_hash(document_load(project))
    assert ActivityEntry.objects.filter(project=project, action="requested").exists()


def test_only_a_facilitator_requests(project: Project, team: dict) -> None:
    with pytest.raises(ValidationError, match="Only a facilitator"):
        signoff_request(project=project, user=team[Role.PROCESS_OWNER], blockers=no_blockers)


def test_a_request_with_blockers_is_refused(project: Project, team: dict) -> None:
    with pytest.raises(ValidationError, match="2 blocking finding"):
        signoff_request(project=project, user=team["facilitator"], blockers=lambda p: 2)
    project.refresh_from_db()
    assert project.state == Project.State.DRAFT


def test_a_second_request_is_refused(project: Project, team: dict) -> None:
    request_signoff(project, team)
    with pytest.raises(ValidationError, match="only be requested for a draft"):
        request_signoff(project, team)


def test_edits_are_refused_while_frozen(project: Project, team: dict) -> None:
    system = SystemFactory(project=project, name="CRM")
    request_signoff(project, team)
    form = SystemForm(
        {
            "name": "Changed",
            "kind": "crm",
            "api_maturity": "mature",
            "api_documentation": "complete",
            "test_environment": "yes",
        },
        project=project,
        instance=system,
    )
    assert form.is_valid()
    with pytest.raises(ProjectFrozen):
        item_save(form=form, user=team["facilitator"])
    system.refresh_from_db()
    assert system.name == "CRM"


def test_three_approvals_sign_the_version(project: Project, team: dict) -> None:
    request_signoff(project, team)
    assert approve(project, team, Role.BUSINESS_LEADER).signed is None
    assert approve(project, team, Role.PROCESS_OWNER).signed is None
    result = approve(project, team, Role.SYSTEMS_OWNER)
    version = result.signed
    assert version is not None and version.number == 1 and version.is_intact
    project.refresh_from_db()
    assert project.state == Project.State.SIGNED
    approvals = list(version.approvals.order_by("role"))
    assert {a.role for a in approvals} == {
        r.value for r in (Role.BUSINESS_LEADER, Role.PROCESS_OWNER, Role.SYSTEMS_OWNER)
    }
    assert all(a.content_hash == version.sha256 for a in approvals)
    assert {a.meaning for a in approvals} >= {"approved as process owner"}
    assert ActivityEntry.objects.filter(project=project, action="signed").count() == 1


def test_nobody_approves_for_a_role_they_do_not_hold(project: Project, team: dict) -> None:
    request_signoff(project, team)
    project.refresh_from_db()
    with pytest.raises(ValidationError, match="do not hold the process owner role"):
        signoff_approve(
            project=project,
            user=team[Role.BUSINESS_LEADER],
            role=Role.PROCESS_OWNER,
            password=PASSWORD,
            seen_hash=project.review_hash,
        )
    with pytest.raises(ValidationError, match="do not hold"):
        signoff_approve(
            project=project,
            user=team["facilitator"],
            role=Role.FACILITATOR,
            password=PASSWORD,
            seen_hash=project.review_hash,
        )


def test_a_wrong_password_is_refused(project: Project, team: dict) -> None:
    request_signoff(project, team)
    project.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        signoff_approve(
            project=project,
            user=team[Role.PROCESS_OWNER],
            role=Role.PROCESS_OWNER,
            password="wrong",
            seen_hash=project.review_hash,
        )
    assert "password" in exc.value.message_dict
    assert not Approval.objects.exists()


def test_a_second_approval_for_the_same_role_is_refused(project: Project, team: dict) -> None:
    request_signoff(project, team)
    approve(project, team, Role.PROCESS_OWNER)
    with pytest.raises(ValidationError, match="already approved"):
        approve(project, team, Role.PROCESS_OWNER)
    assert Approval.objects.count() == 1


def test_an_approval_of_another_version_is_refused(project: Project, team: dict) -> None:
    request_signoff(project, team)
    with pytest.raises(ValidationError, match="changed after you opened it"):
        signoff_approve(
            project=project,
            user=team[Role.PROCESS_OWNER],
            role=Role.PROCESS_OWNER,
            password=PASSWORD,
            seen_hash="0" * 64,
        )


def test_approving_a_draft_is_refused(project: Project, team: dict) -> None:
    with pytest.raises(ValidationError, match="not awaiting"):
        approve(project, team, Role.PROCESS_OWNER)


def test_sending_back_needs_a_comment_and_clears_approvals(project: Project, team: dict) -> None:
    request_signoff(project, team)
    approve(project, team, Role.BUSINESS_LEADER)
    with pytest.raises(ValidationError):
        signoff_send_back(project=project, user=team[Role.PROCESS_OWNER], comment="  ")
    project = signoff_send_back(
        project=project, user=team[Role.PROCESS_OWNER], comment="Credit limit rule is wrong"
    )
    assert project.state == Project.State.DRAFT and project.review_hash == ""
    assert not Approval.objects.exists()
    entry = ActivityEntry.objects.get(project=project, action="sent_back")
    assert entry.comment == "Credit limit rule is wrong"


def test_an_approval_after_a_change_is_refused(project: Project, team: dict) -> None:
    request_signoff(project, team)
    project.refresh_from_db()
    old_hash = project.review_hash
    signoff_send_back(project=project, user=team[Role.PROCESS_OWNER], comment="Fix it")
    SystemFactory(project=project, name="New system")
    request_signoff(project, team)
    with pytest.raises(ValidationError, match="changed after you opened it"):
        signoff_approve(
            project=project,
            user=team[Role.PROCESS_OWNER],
            role=Role.PROCESS_OWNER,
            password=PASSWORD,
            seen_hash=old_hash,
        )


def test_only_role_holders_send_back(project: Project, team: dict) -> None:
    request_signoff(project, team)
    with pytest.raises(ValidationError, match="Only the business leader"):
        signoff_send_back(project=project, user=team["facilitator"], comment="x")


def test_reopening_starts_the_next_version(project: Project, team: dict) -> None:
    request_signoff(project, team)
    for role in (Role.BUSINESS_LEADER, Role.PROCESS_OWNER, Role.SYSTEMS_OWNER):
        approve(project, team, role)
    with pytest.raises(ValidationError, match="Only a facilitator"):
        project_reopen(project=project, user=team[Role.PROCESS_OWNER])
    project = project_reopen(project=project, user=team["facilitator"])
    assert project.state == Project.State.DRAFT and project.version_number == 2
    assert Version.objects.get(project=project).number == 1
    with pytest.raises(ValidationError, match="Only a signed-off project"):
        project_reopen(project=project, user=team["facilitator"])


def test_a_tampered_snapshot_is_detected(project: Project, team: dict) -> None:
    request_signoff(project, team)
    for role in (Role.BUSINESS_LEADER, Role.PROCESS_OWNER, Role.SYSTEMS_OWNER):
        approve(project, team, role)
    version = Version.objects.get(project=project)
    Version.objects.filter(pk=version.pk).update(
        snapshot=version.snapshot.replace('"name":"', '"name":"X', 1)
    )
    version.refresh_from_db()
    assert not version.is_intact


def test_the_activity_log_is_append_only(project: Project, team: dict) -> None:
    request_signoff(project, team)
    entry = ActivityEntry.objects.get(project=project)
    entry.comment = "rewritten"
    with pytest.raises(Exception, match="cannot be changed"):
        entry.save()
    with pytest.raises(Exception, match="cannot be deleted"):
        entry.delete()


def test_a_profile_edit_during_review_does_not_block_signing(
    project: Project, team: dict, viewer: User
) -> None:
    request_signoff(project, team)
    viewer.display_name = "Vera Renamed"
    viewer.save()
    for role in (Role.BUSINESS_LEADER, Role.PROCESS_OWNER, Role.SYSTEMS_OWNER):
        result = approve(project, team, role)
    assert result.signed is not None and result.signed.is_intact
    assert "Vera Renamed" not in result.signed.snapshot
