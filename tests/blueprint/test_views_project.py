from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core import mail as django_mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from blueprint.models import Invitation, Membership, Project, Role
from tests.conftest import HX
from tests.factories import MembershipFactory, ProjectFactory, SystemFactory, UserFactory
from tests.html import elements, is_full_page

pytestmark = pytest.mark.django_db


def detail(project: Project) -> str:
    return reverse("blueprint:project_detail", args=[project.pk])


class TestProjectList:
    def test_it_lists_only_my_projects(self, alice: Client, project: Project) -> None:
        ProjectFactory(name="Hidden project")
        response = alice.get(reverse("blueprint:project_list"))
        assert response.status_code == 200
        body = response.content.decode()
        assert project.name in body and "Hidden project" not in body

    def test_it_refuses_post(self, alice: Client) -> None:
        assert alice.post(reverse("blueprint:project_list")).status_code == 405


class TestProjectNew:
    def test_the_creator_becomes_facilitator(self, client: Client, db: None) -> None:
        user = UserFactory()
        client.force_login(user)
        response = client.post(
            reverse("blueprint:project_new"),
            {"name": "Support to ERP", "summary": "", "business_question": "Why?"},
        )
        project = Project.objects.get(name="Support to ERP")
        assert response.status_code == 302 and response["Location"] == detail(project)
        assert Membership.objects.get(project=project, user=user).role == Role.FACILITATOR

    def test_a_name_is_required(self, client: Client, db: None) -> None:
        client.force_login(UserFactory())
        response = client.post(reverse("blueprint:project_new"), {"name": ""})
        assert response.status_code == 422
        assert "Give the project a name." in response.content.decode()
        assert not Project.objects.exists()


class TestProjectDetail:
    def test_a_member_sees_systems_and_people(
        self, alice: Client, project: Project, facilitator: User
    ) -> None:
        SystemFactory(project=project, name="Salesforce")
        response = alice.get(detail(project))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Salesforce" in body and facilitator.display_name in body
        assert is_full_page(response)
        assert "Add system" in body and "Add member" in body

    def test_a_viewer_sees_no_edit_controls(self, vera: Client, project: Project) -> None:
        SystemFactory(project=project, name="Salesforce")
        body = vera.get(detail(project)).content.decode()
        assert "Salesforce" in body
        assert "Add system" not in body and "Add member" not in body and ">Edit<" not in body

    def test_a_contributor_edits_systems_but_not_members(
        self, bob: Client, project: Project
    ) -> None:
        body = bob.get(detail(project)).content.decode()
        assert "Add system" in body and "Add member" not in body

    def test_it_refuses_post(self, alice: Client, project: Project) -> None:
        assert alice.post(detail(project)).status_code == 405

    def test_queries_do_not_grow_with_systems(
        self, alice: Client, project: Project, django_assert_max_num_queries: object
    ) -> None:
        SystemFactory.create_batch(3, project=project)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            alice.get(detail(project))
        SystemFactory.create_batch(40, project=project)
        with CaptureQueriesContext(connection) as many:
            alice.get(detail(project))
        assert len(few) == len(many)


class TestProjectEdit:
    def url(self, project: Project) -> str:
        return reverse("blueprint:project_edit", args=[project.pk])

    def test_the_facilitator_edits_the_business_question(
        self, alice: Client, project: Project
    ) -> None:
        response = alice.post(
            self.url(project),
            {"name": project.name, "summary": "S", "business_question": "Which deals close?"},
        )
        assert response.status_code == 302
        project.refresh_from_db()
        assert project.business_question == "Which deals close?"

    def test_others_are_refused(
        self, bob: Client, vera: Client, charlie: Client, project: Project
    ) -> None:
        assert bob.get(self.url(project)).status_code == 403
        assert vera.post(self.url(project), {"name": "X"}).status_code == 403
        assert charlie.get(self.url(project)).status_code == 404
        project.refresh_from_db()
        assert project.name == "Lead-to-cash"


class TestMembers:
    def test_the_facilitator_adds_a_member_with_htmx(self, alice: Client, project: Project) -> None:
        newcomer = UserFactory(email="nia@example.com", display_name="Nia")
        response = alice.post(
            reverse("blueprint:member_create", args=[project.pk]),
            {"email": "NIA@example.com", "role": Role.PROCESS_OWNER},
            **HX,
        )
        assert response.status_code == 200
        assert not is_full_page(response)
        assert 'id="members"' in response.content.decode() and "Nia" in response.content.decode()
        assert Membership.objects.get(project=project, user=newcomer).role == Role.PROCESS_OWNER

    def test_an_unknown_email_gets_an_invitation_by_email(
        self, alice: Client, project: Project
    ) -> None:
        response = alice.post(
            reverse("blueprint:member_create", args=[project.pk]),
            {"email": "Ghost@Example.com", "role": Role.VIEWER},
            **HX,
        )
        assert response.status_code == 200
        invitation = Invitation.objects.get(project=project)
        assert (invitation.email, invitation.role) == ("ghost@example.com", Role.VIEWER)
        [mail] = django_mail.outbox
        assert mail.to == ["ghost@example.com"] and project.name in mail.subject
        [link] = [w for w in mail.body.split() if "/invite/" in w]
        body = response.content.decode()
        assert link in body  # shown to the facilitator too, in case the email is lost
        assert elements(body, "tr", id=f"invitation-{invitation.pk}")
        assert not Membership.objects.filter(project=project, user__email="ghost@example.com")

    def test_a_taken_signoff_role_is_refused(
        self, alice: Client, project: Project, business_leader: User
    ) -> None:
        UserFactory(email="nia@example.com")
        response = alice.post(
            reverse("blueprint:member_create", args=[project.pk]),
            {"email": "nia@example.com", "role": Role.BUSINESS_LEADER},
            **HX,
        )
        assert response.status_code == 422
        assert "already holds the business leader role" in response.content.decode()
        assert project.memberships.count() == 2

    def test_the_facilitator_changes_a_role(
        self, alice: Client, project: Project, contributor: User
    ) -> None:
        membership = Membership.objects.get(project=project, user=contributor)
        response = alice.post(
            reverse("blueprint:member_update", args=[project.pk, membership.pk]),
            {"role": Role.SYSTEMS_OWNER},
            **HX,
        )
        assert response.status_code == 200
        membership.refresh_from_db()
        assert membership.role == Role.SYSTEMS_OWNER

    def test_the_facilitator_removes_a_member(
        self, alice: Client, project: Project, viewer: User
    ) -> None:
        membership = Membership.objects.get(project=project, user=viewer)
        response = alice.post(
            reverse("blueprint:member_delete", args=[project.pk, membership.pk]), **HX
        )
        assert response.status_code == 200
        assert not Membership.objects.filter(pk=membership.pk).exists()

    def test_the_last_facilitator_cannot_remove_themself(
        self, alice: Client, project: Project, facilitator: User
    ) -> None:
        membership = Membership.objects.get(project=project, user=facilitator)
        response = alice.post(
            reverse("blueprint:member_delete", args=[project.pk, membership.pk]), **HX
        )
        assert response.status_code == 422
        assert "at least one facilitator" in response.content.decode()

    def test_without_htmx_it_redirects_to_the_overview(
        self, alice: Client, project: Project
    ) -> None:
        UserFactory(email="nia@example.com")
        response = alice.post(
            reverse("blueprint:member_create", args=[project.pk]),
            {"email": "nia@example.com", "role": Role.VIEWER},
        )
        assert response.status_code == 302 and response["Location"] == detail(project)

    def test_non_facilitators_cannot_manage_members(
        self, bob: Client, vera: Client, charlie: Client, project: Project, facilitator: User
    ) -> None:
        target = Membership.objects.get(project=project, user=facilitator)
        UserFactory(email="nia@example.com")
        add = reverse("blueprint:member_create", args=[project.pk])
        change = reverse("blueprint:member_update", args=[project.pk, target.pk])
        remove = reverse("blueprint:member_delete", args=[project.pk, target.pk])
        for client, status in ((bob, 403), (vera, 403), (charlie, 404)):
            assert (
                client.post(add, {"email": "nia@example.com", "role": "viewer"}).status_code
                == status
            )
            assert client.post(change, {"role": Role.VIEWER}).status_code == status
            assert client.post(remove).status_code == status
        target.refresh_from_db()
        assert target.role == Role.FACILITATOR
        assert project.memberships.count() == 3

    def test_a_membership_of_another_project_is_404(self, alice: Client, project: Project) -> None:
        foreign = MembershipFactory(role=Role.VIEWER)
        response = alice.post(
            reverse("blueprint:member_delete", args=[project.pk, foreign.pk]), **HX
        )
        assert response.status_code == 404
        assert Membership.objects.filter(pk=foreign.pk).exists()

    def test_member_endpoints_refuse_get(self, alice: Client, project: Project) -> None:
        assert alice.get(reverse("blueprint:member_create", args=[project.pk])).status_code == 405


class TestProjectEditLogAndFreeze:
    def test_an_edit_is_logged_with_before_and_after(self, alice: Client, project: Project) -> None:
        from blueprint.models import ActivityEntry

        alice.post(
            reverse("blueprint:project_edit", args=[project.pk]),
            {"name": project.name, "summary": "", "business_question": "Which deals close?"},
        )
        entry = ActivityEntry.objects.get(project=project, artifact="project")
        assert entry.after["Business question"] == "Which deals close?"
        assert entry.before["Business question"] == "Which leads turned into revenue?"

    def test_a_frozen_project_refuses_edits(self, alice: Client, project: Project) -> None:
        Project.objects.filter(pk=project.pk).update(state=Project.State.AWAITING)
        response = alice.post(
            reverse("blueprint:project_edit", args=[project.pk]),
            {"name": "Renamed", "summary": "", "business_question": ""},
        )
        assert response.status_code == 403
        project.refresh_from_db()
        assert project.name == "Lead-to-cash"


class TestJsonAndTemplates:
    def test_export_and_import_lose_nothing(
        self, alice: Client, project: Project, facilitator: User
    ) -> None:
        import io

        from blueprint.document import document_load, document_to_dict
        from tests.factories import AttributeFactory, FieldMappingFactory

        attribute = AttributeFactory(project=project, entity__project=project)
        FieldMappingFactory(project=project, attribute=attribute)
        response = alice.get(reverse("blueprint:project_json", args=[project.pk]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith('attachment; filename="lead-to-cash-v1')
        upload = io.BytesIO(response.content)
        upload.name = "blueprint.json"
        created = alice.post(
            reverse("blueprint:project_new"),
            {"start": "file", "name": "Copy", "blueprint_file": upload},
        )
        assert created.status_code == 302
        copy = Project.objects.get(name="Copy")
        before, after = (
            document_to_dict(document_load(project)),
            document_to_dict(document_load(copy)),
        )
        for section in ("systems", "entities", "attributes", "mappings"):
            assert len(before[section]) == len(after[section]) > 0
        assert Membership.objects.get(project=copy, user=facilitator).role == Role.FACILITATOR

    def test_a_broken_file_is_refused_at_the_field(self, alice: Client, facilitator: User) -> None:
        import io

        upload = io.BytesIO(b'{"project": {"name": "X"}, "systems": [{"id": 1}]}')
        upload.name = "bad.json"
        response = alice.post(
            reverse("blueprint:project_new"), {"start": "file", "blueprint_file": upload}
        )
        assert response.status_code == 422
        assert "This is not a blueprint export" in response.content.decode()
        assert "missing field" in response.content.decode()
        assert not Project.objects.filter(name="X").exists()

    def test_a_file_is_required_to_import(self, alice: Client, facilitator: User) -> None:
        response = alice.post(reverse("blueprint:project_new"), {"start": "file"})
        assert response.status_code == 422
        assert "Choose the blueprint JSON file" in response.content.decode()

    def test_a_new_project_starts_from_the_lead_to_cash_template(
        self, alice: Client, facilitator: User
    ) -> None:
        page = alice.get(reverse("blueprint:project_new")).content.decode()
        assert "Template: Lead-to-cash: CRM and ERP (template)" in page
        response = alice.post(
            reverse("blueprint:project_new"),
            {"start": "template:crm-erp-lead-to-cash", "name": "Acme lead-to-cash"},
        )
        assert response.status_code == 302
        project = Project.objects.get(name="Acme lead-to-cash")
        assert project.systems.count() == 4
        assert project.mappings.count() >= 30
        assert project.memberships.get().user == facilitator

    def test_outsider_cannot_export(self, charlie: Client, project: Project) -> None:
        assert charlie.get(reverse("blueprint:project_json", args=[project.pk])).status_code == 404


class TestHostileImports:
    def post(self, client: Client, raw: bytes) -> object:
        import io

        upload = io.BytesIO(raw)
        upload.name = "evil.json"
        return client.post(
            reverse("blueprint:project_new"), {"start": "file", "blueprint_file": upload}
        )

    @pytest.mark.parametrize(
        ("raw", "message"),
        [
            (
                b'{"project": {"name": "E"}, "systems": [{"id": 1, "name": "A"}, '
                b'{"id": 2, "name": "a "}]}',
                "System “a”: This project already has a system called “a”.",
            ),
            (
                b'{"project": {"name": "E"}, "systems": [{"id": 1, "name": "A"}], '
                b'"scenarios": [{"id": 1, "category": "creation", "title": "T", '
                b'"system_ids": [1, 1]}]}',
                "Scenario “T”: “A” is listed twice in systems involved.",
            ),
            (
                b'{"project": {"name": "E"}, "phases": [{"id": 1, "phase": "read_only"}, '
                b'{"id": 2, "phase": "read_only"}]}',
                "This phase is already in the plan; edit it there instead.",
            ),
            (
                b'{"project": {"name": "E"}, "scenarios": [{"id": 1, "category": "journey", '
                b'"title": "T"}], "steps": [{"id": 1, "scenario_id": 1, "position": '
                + str(10**30).encode()
                + b', "system_id": null, "description": "d"}]}',
                "whole number",
            ),
            (b"[" * 100000, "nested too deeply"),
        ],
    )
    def test_a_hostile_file_is_refused_with_a_message_and_saves_nothing(
        self, alice: Client, facilitator: User, raw: bytes, message: str
    ) -> None:
        response = self.post(alice, raw)
        assert response.status_code == 422
        assert message in response.content.decode()
        assert not Project.objects.filter(name="E").exists()

    def test_an_import_keeps_the_people_who_have_an_account_and_names_vacant_roles(
        self, alice: Client, facilitator: User, outsider: User
    ) -> None:
        raw = (
            b'{"project": {"name": "E"}, "members": ['
            b'{"email": "Charlie@Example.com", "display_name": "Charlie", "job_title": "", '
            b'"role": "business_leader"}, '
            b'{"email": "nobody@example.com", "display_name": "Nadia", "job_title": "", '
            b'"role": "systems_owner"}]}'
        )
        response = self.post(alice, raw)
        assert response.status_code == 302
        project = Project.objects.get(name="E")
        assert dict(project.memberships.values_list("user__email", "role")) == {
            facilitator.email: Role.FACILITATOR,
            outsider.email: Role.BUSINESS_LEADER,
        }
        [_created, warning] = [str(m) for m in get_messages(response.wsgi_request)]
        assert "Nadia: no account with nobody@example.com" in warning
        assert "Vacant, invite someone under People: Systems owner." in warning

    def test_two_holders_of_one_sign_off_role_are_refused(
        self, alice: Client, facilitator: User
    ) -> None:
        raw = (
            b'{"project": {"name": "E"}, "members": ['
            b'{"email": "a@example.com", "display_name": "Ann", "job_title": "", '
            b'"role": "business_leader"}, '
            b'{"email": "b@example.com", "display_name": "Ben", "job_title": "", '
            b'"role": "business_leader"}]}'
        )
        response = self.post(alice, raw)
        assert response.status_code == 422
        assert response.context["form"].errors["blueprint_file"] == [
            "Member “Ben”: Business leader is already held by Ann: a sign-off role has one holder."
        ]
        assert not Project.objects.filter(name="E").exists()


def test_a_frozen_project_offers_no_people_or_details_controls(
    alice: Client, project: Project
) -> None:
    Project.objects.filter(pk=project.pk).update(state=Project.State.AWAITING)
    body = alice.get(reverse("blueprint:project_detail", args=[project.pk])).content.decode()
    assert "Add member" not in body and "Edit project details" not in body
    assert "Add system" not in body
    Project.objects.filter(pk=project.pk).update(state=Project.State.SIGNED)
    body = alice.get(reverse("blueprint:project_detail", args=[project.pk])).content.decode()
    assert "Add member" in body and "Edit project details" not in body


def test_a_second_import_of_the_same_file_gets_a_distinct_name(
    alice: Client, facilitator: User
) -> None:
    import io

    for _ in range(2):
        upload = io.BytesIO(b'{"project": {"name": "Twin"}}')
        upload.name = "twin.json"
        response = alice.post(
            reverse("blueprint:project_new"), {"start": "file", "blueprint_file": upload}
        )
        assert response.status_code == 302
    names = sorted(Project.objects.filter(name__startswith="Twin").values_list("name", flat=True))
    assert names == ["Twin", "Twin (imported)"]
