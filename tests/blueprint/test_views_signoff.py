from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from accounts.models import User
from blueprint.models import ActivityEntry, Approval, Project, Role, Version
from blueprint.readiness import readiness_for_project
from blueprint.workflow import signoff_approve, signoff_request
from tests.conftest import HX, client_for, touched
from tests.factories import PASSWORD, EntityFactory, SystemFactory
from tests.html import elements, is_full_page, root, visible_text

pytestmark = pytest.mark.django_db


def url(name: str, project: Project, *args: object) -> str:
    return reverse(f"blueprint:{name}", args=[project.pk, *args])


@pytest.fixture
def no_blockers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("blueprint.workflow._blockers", lambda doc: 0)


@pytest.fixture
def signers(business_leader: User, process_owner: User, systems_owner: User) -> dict[str, User]:
    return {
        Role.BUSINESS_LEADER: business_leader,
        Role.PROCESS_OWNER: process_owner,
        Role.SYSTEMS_OWNER: systems_owner,
    }


def freeze(project: Project, facilitator: User) -> Project:
    signoff_request(project=project, user=facilitator, blockers=lambda p: 0)
    project.refresh_from_db()
    return project


def sign(project: Project, facilitator: User, signers: dict[str, User]) -> Version:
    project = freeze(project, facilitator)
    result = None
    for role, user in signers.items():
        result = signoff_approve(
            project=project, user=user, role=role, password=PASSWORD, seen_hash=project.review_hash
        )
    assert result is not None and result.signed is not None
    return result.signed


class TestSignoffPage:
    def test_a_draft_lists_what_blocks_sign_off(self, alice: Client, project: Project) -> None:
        response = alice.get(url("signoff", project))
        body = response.content.decode()
        assert response.status_code == 200 and is_full_page(response)
        assert "Still blocking" in body
        assert elements(body, "button", type="submit", disabled=None, aria_disabled="true")

    def test_blockers_are_summed_up_by_check_with_a_few_each(
        self, alice: Client, project: Project
    ) -> None:
        for index in range(8):
            EntityFactory(project=project, name=f"Entity {index}")
        touched(project)
        readiness = readiness_for_project(project)
        groups = readiness.blocker_groups(8)
        biggest = max(groups, key=lambda g: g.count)
        assert biggest.count >= 8  # one finding per entity, at least
        body = alice.get(url("signoff", project)).content.decode()
        listed = body[body.index('<ul class="blockers">') :]
        listed = listed[: listed.index('<p class="small">')]
        # Each check shows three findings at most, and a link to how many more there are.
        shown = readiness.blocker_groups(3)
        assert len(elements(listed, "a")) == sum(len(g.examples) + bool(g.more) for g in shown)
        assert len(elements(listed, "a")) < len(readiness.blockers)
        assert [g.title for g in shown] == [g.title for g in groups]
        assert f"and {biggest.count - 3} more" in visible_text(body)
        assert f"({len(readiness.blockers)} blocking findings)" in visible_text(body)

    def test_outsider_anonymous_and_wrong_method(
        self, charlie: Client, client: Client, alice: Client, project: Project
    ) -> None:
        assert charlie.get(url("signoff", project)).status_code == 404
        assert client.get(url("signoff", project)).status_code == 302
        assert alice.post(url("signoff", project)).status_code == 405

    def test_the_htmx_answer_is_the_panel(self, alice: Client, project: Project) -> None:
        response = alice.get(url("signoff", project), **HX)
        assert not is_full_page(response)
        assert root(response.content.decode()) == ("div", "signoff-panel")


class TestRequest:
    def test_a_request_with_blockers_is_refused_by_the_server(
        self, alice: Client, project: Project
    ) -> None:
        response = alice.post(url("signoff_request", project), **HX)
        assert response.status_code == 422
        assert "blocking finding" in response.content.decode()
        project.refresh_from_db()
        assert project.state == Project.State.DRAFT

    def test_the_facilitator_requests_when_ready(
        self, alice: Client, project: Project, no_blockers: None
    ) -> None:
        response = alice.post(url("signoff_request", project), **HX)
        assert response.status_code == 204
        assert response["HX-Redirect"] == url("signoff", project)
        project.refresh_from_db()
        assert project.state == Project.State.AWAITING and len(project.review_hash) == 64

    def test_others_cannot_request(
        self, bob: Client, vera: Client, charlie: Client, project: Project, no_blockers: None
    ) -> None:
        assert bob.post(url("signoff_request", project)).status_code == 403
        assert vera.post(url("signoff_request", project)).status_code == 403
        assert charlie.post(url("signoff_request", project)).status_code == 404
        project.refresh_from_db()
        assert project.state == Project.State.DRAFT

    def test_a_replayed_request_is_refused(
        self, alice: Client, project: Project, no_blockers: None
    ) -> None:
        assert alice.post(url("signoff_request", project)).status_code == 302
        response = alice.post(url("signoff_request", project))
        assert response.status_code == 422
        assert "only be requested for a draft" in response.content.decode()

    def test_edits_are_refused_while_frozen(
        self, alice: Client, facilitator: User, project: Project
    ) -> None:
        system = SystemFactory(project=project, name="CRM")
        freeze(project, facilitator)
        edit = reverse("blueprint:item_update", args=[project.pk, "system", system.pk])
        response = alice.post(edit, {"name": "Changed"}, **HX)
        assert response.status_code == 403
        assert "frozen" in response.content.decode()
        new = reverse("blueprint:item_create", args=[project.pk, "system"])
        assert alice.post(new, {"name": "Another"}, **HX).status_code == 403
        system.refresh_from_db()
        assert system.name == "CRM"


class TestApprove:
    def test_a_role_holder_approves_with_their_password(
        self, facilitator: User, project: Project, signers: dict[str, User]
    ) -> None:
        project = freeze(project, facilitator)
        pedro = client_for(signers[Role.PROCESS_OWNER])
        page = pedro.get(url("signoff", project)).content.decode()
        assert "Approve as process owner" in page and project.review_hash in page
        response = pedro.post(
            url("signoff_approve", project),
            {"password": PASSWORD, "seen_hash": project.review_hash},
            **HX,
        )
        assert response.status_code == 204
        approval = Approval.objects.get(project=project)
        assert approval.meaning == "approved as process owner"
        assert approval.content_hash == project.review_hash

    def test_a_wrong_password_is_shown_at_the_field(
        self, facilitator: User, project: Project, signers: dict[str, User]
    ) -> None:
        project = freeze(project, facilitator)
        pedro = client_for(signers[Role.PROCESS_OWNER])
        response = pedro.post(
            url("signoff_approve", project),
            {"password": "nope", "seen_hash": project.review_hash},
            **HX,
        )
        assert response.status_code == 422
        assert "That password is not right." in response.content.decode()
        assert not Approval.objects.exists()

    def test_a_double_approval_is_refused(
        self, facilitator: User, project: Project, signers: dict[str, User]
    ) -> None:
        project = freeze(project, facilitator)
        pedro = client_for(signers[Role.PROCESS_OWNER])
        data = {"password": PASSWORD, "seen_hash": project.review_hash}
        assert pedro.post(url("signoff_approve", project), data).status_code == 302
        response = pedro.post(url("signoff_approve", project), data)
        assert response.status_code == 422
        assert "already approved" in response.content.decode()
        assert Approval.objects.count() == 1

    def test_an_approval_of_a_stale_hash_is_refused(
        self, facilitator: User, project: Project, signers: dict[str, User]
    ) -> None:
        project = freeze(project, facilitator)
        pedro = client_for(signers[Role.PROCESS_OWNER])
        response = pedro.post(
            url("signoff_approve", project), {"password": PASSWORD, "seen_hash": "f" * 64}
        )
        assert response.status_code == 422
        assert "changed after you opened it" in response.content.decode()

    def test_people_without_a_signoff_role_cannot_approve(
        self, alice: Client, bob: Client, vera: Client, facilitator: User, project: Project
    ) -> None:
        project = freeze(project, facilitator)
        data = {"password": PASSWORD, "seen_hash": project.review_hash}
        for client in (alice, bob, vera):
            assert client.post(url("signoff_approve", project), data).status_code == 403
            assert (
                client.post(url("signoff_send_back", project), {"comment": "x"}).status_code == 403
            )
        assert not Approval.objects.exists()

    def test_the_third_approval_signs_the_version(
        self, facilitator: User, project: Project, signers: dict[str, User]
    ) -> None:
        version = sign(project, facilitator, signers)
        project.refresh_from_db()
        assert project.state == Project.State.SIGNED and version.is_intact


class TestSendBackAndReopen:
    def test_send_back_needs_a_comment(
        self, facilitator: User, project: Project, signers: dict[str, User]
    ) -> None:
        project = freeze(project, facilitator)
        bianca = client_for(signers[Role.BUSINESS_LEADER])
        response = bianca.post(url("signoff_send_back", project), {"comment": ""}, **HX)
        assert response.status_code == 422
        assert "This field is required" in response.content.decode()
        response = bianca.post(
            url("signoff_send_back", project), {"comment": "Pricing rules are missing"}, **HX
        )
        assert response.status_code == 204
        project.refresh_from_db()
        assert project.state == Project.State.DRAFT
        assert ActivityEntry.objects.filter(action="sent_back").exists()

    def test_the_facilitator_reopens_a_signed_project(
        self, alice: Client, facilitator: User, project: Project, signers: dict[str, User]
    ) -> None:
        sign(project, facilitator, signers)
        response = alice.post(url("project_reopen", project))
        assert response.status_code == 302
        project.refresh_from_db()
        assert project.state == Project.State.DRAFT and project.version_number == 2

    def test_a_contributor_cannot_reopen(
        self, bob: Client, facilitator: User, project: Project, signers: dict[str, User]
    ) -> None:
        sign(project, facilitator, signers)
        assert bob.post(url("project_reopen", project)).status_code == 403
        project.refresh_from_db()
        assert project.state == Project.State.SIGNED


class TestVersions:
    def test_versions_list_and_read_only_view(
        self, vera: Client, facilitator: User, project: Project, signers: dict[str, User]
    ) -> None:
        SystemFactory(project=project, name="Salesforce")
        version = sign(project, facilitator, signers)
        listing = vera.get(url("versions", project)).content.decode()
        assert "Version 1" in listing and "Bianca" in listing
        detail = vera.get(url("version_detail", project, 1)).content.decode()
        assert "Salesforce" in detail and version.sha256 in detail
        assert "has been altered" not in detail

    def test_a_tampered_snapshot_is_shown_loudly(
        self, vera: Client, facilitator: User, project: Project, signers: dict[str, User]
    ) -> None:
        SystemFactory(project=project, name="Salesforce")
        version = sign(project, facilitator, signers)
        Version.objects.filter(pk=version.pk).update(
            snapshot=version.snapshot.replace("Salesforce", "Hacked")
        )
        detail = vera.get(url("version_detail", project, 1)).content.decode()
        assert "This signed snapshot has been altered" in detail
        assert "Hacked" not in detail

    def test_an_unknown_version_is_404(self, alice: Client, project: Project) -> None:
        assert alice.get(url("version_detail", project, 9)).status_code == 404

    def test_the_diff_from_the_signed_version_to_the_draft(
        self, alice: Client, facilitator: User, project: Project, signers: dict[str, User]
    ) -> None:
        SystemFactory(project=project, name="Salesforce")
        sign(project, facilitator, signers)
        alice.post(url("project_reopen", project))
        SystemFactory(project=project, name="NetSuite")
        body = alice.get(url("diff", project)).content.decode()
        assert "Version 1 (signed)" in body and "Current draft" in body
        assert "NetSuite" in body and "added" in body
        partial = alice.get(url("diff", project) + "?from=1&to=draft", **HX)
        assert not is_full_page(partial) and "NetSuite" in partial.content.decode()

    def test_the_diff_refuses_an_unknown_reference(self, alice: Client, project: Project) -> None:
        assert alice.get(url("diff", project) + "?from=x").status_code == 404


class TestActivity:
    def test_changes_are_listed_with_before_and_after(
        self, alice: Client, bob: Client, project: Project
    ) -> None:
        system = SystemFactory(project=project, name="CRM")
        edit = reverse("blueprint:item_update", args=[project.pk, "system", system.pk])
        data = {
            "name": "Salesforce",
            "kind": "crm",
            "api_maturity": "mature",
            "api_documentation": "complete",
            "test_environment": "yes",
            "revision": system.revision,
        }
        assert bob.post(edit, data, **HX).status_code == 200
        body = alice.get(url("activity", project)).content.decode()
        assert "Bob" in body and "changed" in body and "Salesforce" in body
        assertInHTML("<del>CRM</del>", body)

    def test_it_filters_by_artifact_and_person(
        self, alice: Client, bob: Client, facilitator: User, project: Project
    ) -> None:
        create = reverse("blueprint:item_create", args=[project.pk, "system"])
        bob.post(
            create,
            {
                "name": "CRM",
                "kind": "crm",
                "api_maturity": "mature",
                "api_documentation": "complete",
                "test_environment": "yes",
            },
            **HX,
        )
        by_alice = alice.get(url("activity", project) + f"?person={facilitator.pk}", **HX)
        assert "CRM" not in by_alice.content.decode()
        systems = alice.get(url("activity", project) + "?artifact=systems", **HX)
        assert "CRM" in systems.content.decode() and not is_full_page(systems)


class TestHostileQueries:
    @pytest.mark.parametrize("value", ["²", "9" * 30, "-1", "1.5", "x"])
    def test_odd_ids_in_queries_are_ignored_or_404(
        self, alice: Client, project: Project, value: str
    ) -> None:
        assert alice.get(url("activity", project) + f"?person={value}").status_code == 200
        assert alice.get(url("diff", project) + f"?from={value}").status_code == 404
        response = alice.post(
            reverse("blueprint:project_pulse", args=[project.pk]), {"after": value}
        )
        assert response.status_code == 200

    def test_a_huge_project_id_is_404(self, alice: Client) -> None:
        assert alice.get("/p/" + "9" * 30 + "/").status_code == 404
        assert alice.get("/p/99999999999999999/").status_code == 404
