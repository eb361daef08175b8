from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from blueprint.models import Project, Role, Version
from blueprint.pdf import PdfTimeout
from blueprint.workflow import signoff_approve, signoff_request
from tests.conftest import HX, touched
from tests.factories import (
    PASSWORD,
    AttributeFactory,
    EntityFactory,
    FieldMappingFactory,
    SystemFactory,
)
from tests.html import element, elements, is_full_page, visible_text
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def url(name: str, project: Project, *args: object) -> str:
    return reverse(f"blueprint:{name}", args=[project.pk, *args])


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings: object) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]


@pytest.fixture
def signed_version(
    project: Project,
    facilitator: User,
    business_leader: User,
    process_owner: User,
    systems_owner: User,
) -> Version:
    SystemFactory(project=project, name="Salesforce")
    signoff_request(project=project, user=facilitator, blockers=lambda p: 0)
    project.refresh_from_db()
    result = None
    for role, user in (
        (Role.BUSINESS_LEADER, business_leader),
        (Role.PROCESS_OWNER, process_owner),
        (Role.SYSTEMS_OWNER, systems_owner),
    ):
        result = signoff_approve(
            project=project, user=user, role=role, password=PASSWORD, seen_hash=project.review_hash
        )
    assert result is not None and result.signed is not None
    return result.signed


class TestProjectPdf:
    def test_a_viewer_downloads_the_draft(
        self, vera: Client, project: Project, tmp_path: Path
    ) -> None:
        SystemFactory(project=project, name="Salesforce")
        response = vera.get(url("project_pdf", project))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            'attachment; filename="lead-to-cash-v1-draft.pdf"'
        )
        assert response.content.startswith(b"%PDF")
        text = pdf_text(response.content)
        assert "Salesforce" in text and "DRAFT, not signed off" in text

    def test_awaiting_sign_off_shows_the_approvals_so_far(
        self,
        alice: Client,
        project: Project,
        facilitator: User,
        business_leader: User,
        process_owner: User,
        tmp_path: Path,
    ) -> None:
        signoff_request(project=project, user=facilitator, blockers=lambda p: 0)
        project.refresh_from_db()
        signoff_approve(
            project=project,
            user=business_leader,
            role=Role.BUSINESS_LEADER,
            password=PASSWORD,
            seen_hash=project.review_hash,
        )
        text = pdf_text(alice.get(url("project_pdf", project)).content)
        assert "Awaiting sign-off" in text and "DRAFT, not signed off" in text
        assert "Bianca" in text and "the same as the snapshot's" in text
        assert "Not approved" in text  # the process owner has not approved yet

    def test_letter_is_chosen_with_size(self, alice: Client, project: Project) -> None:
        response = alice.get(url("project_pdf", project) + "?size=letter")
        assert response.status_code == 200
        assert 'filename="lead-to-cash-v1-draft-letter.pdf"' in response["Content-Disposition"]

    def test_post_is_refused(self, alice: Client, project: Project) -> None:
        assert alice.post(url("project_pdf", project)).status_code == 405

    def test_a_slow_render_answers_503_with_a_message(
        self, alice: Client, project: Project, settings: object
    ) -> None:
        settings.BLUEPRINT_PDF_TIMEOUT = 0.001  # type: ignore[attr-defined]
        response = alice.get(url("project_pdf", project))
        assert response.status_code == 503
        body = response.content.decode()
        assert "longer than 0.001 seconds" in body and "BLUEPRINT_PDF_TIMEOUT" in body

    def test_a_signed_project_sends_people_to_the_signed_version(
        self, alice: Client, project: Project, signed_version: Version
    ) -> None:
        response = alice.get(url("project_pdf", project) + "?size=letter")
        assert response.status_code == 302
        assert response["Location"] == url("version_pdf", project, 1) + "?size=letter"


class TestVersionPdf:
    def test_a_viewer_downloads_the_signed_version(
        self, vera: Client, project: Project, signed_version: Version, tmp_path: Path
    ) -> None:
        response = vera.get(url("version_pdf", project, 1))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            'attachment; filename="lead-to-cash-v1-signed.pdf"'
        )
        text = pdf_text(response.content)
        assert signed_version.sha256 in text and "Bianca" in text and "DRAFT" not in text

    def test_the_stored_pdf_is_served_unchanged_after_edits(
        self, alice: Client, project: Project, signed_version: Version
    ) -> None:
        first = alice.get(url("version_pdf", project, 1)).content
        alice.post(url("project_reopen", project))
        SystemFactory(project=project, name="NetSuite")
        Project.objects.filter(pk=project.pk).update(name="Another name")
        assert alice.get(url("version_pdf", project, 1)).content == first

    def test_it_is_not_rendered_again(
        self,
        alice: Client,
        project: Project,
        signed_version: Version,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        alice.get(url("version_pdf", project, 1))

        def boom(**kwargs: object) -> bytes:
            raise AssertionError("rendered again")

        monkeypatch.setattr("blueprint.pdf.pdf_render", boom)
        assert alice.get(url("version_pdf", project, 1)).status_code == 200

    def test_a_tampered_snapshot_is_refused_with_409(
        self, alice: Client, project: Project, signed_version: Version
    ) -> None:
        Version.objects.filter(pk=signed_version.pk).update(
            snapshot=signed_version.snapshot.replace("Salesforce", "Hacked")
        )
        response = alice.get(url("version_pdf", project, 1))
        assert response.status_code == 409
        assert "no longer matches the SHA-256" in response.content.decode()
        assert not Version.objects.get(pk=signed_version.pk).pdf

    def test_a_slow_first_render_answers_503(
        self,
        alice: Client,
        project: Project,
        signed_version: Version,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        def slow(**kwargs: object) -> bytes:
            raise PdfTimeout("The PDF took longer than 60 seconds to render and was stopped.")

        monkeypatch.setattr("blueprint.pdf.pdf_render", slow)
        response = alice.get(url("version_pdf", project, 1))
        assert response.status_code == 503 and "was stopped" in response.content.decode()

    def test_unknown_version_outsider_anonymous_and_post(
        self,
        alice: Client,
        charlie: Client,
        client: Client,
        project: Project,
        signed_version: Version,
    ) -> None:
        assert alice.get(url("version_pdf", project, 9)).status_code == 404
        assert charlie.get(url("version_pdf", project, 1)).status_code == 404
        response = client.get(url("version_pdf", project, 1))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert alice.post(url("version_pdf", project, 1)).status_code == 405

    def test_the_versions_pages_link_to_the_pdf(
        self, vera: Client, project: Project, signed_version: Version
    ) -> None:
        pdf_url = url("version_pdf", project, 1)
        assert pdf_url in vera.get(url("versions", project)).content.decode()
        assert pdf_url in vera.get(url("version_detail", project, 1)).content.decode()


class TestSystemMap:
    def test_the_overview_links_the_pdf_and_loads_the_map(
        self, vera: Client, project: Project
    ) -> None:
        body = vera.get(url("project_detail", project)).content.decode()
        assert url("project_pdf", project) in body and "Download PDF" in body
        assert f'hx-get="{url("system_map", project)}"' in body
        assert "Drawing the system map" in body

    def test_htmx_gets_the_map_fragment(self, vera: Client, project: Project) -> None:
        crm = SystemFactory(project=project, name="Sales <CRM>")
        erp = SystemFactory(project=project, name="ERP")
        deal = EntityFactory(project=project, name="Deal", home_system=crm)
        stage = AttributeFactory(project=project, entity=deal)
        FieldMappingFactory.create_batch(
            2, project=project, source_system=crm, target_system=erp, attribute=stage
        )
        response = vera.get(url("system_map", project), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert element(body, "system-map") and elements(body, "svg")
        # The name is text in the map, never markup.
        assert "Sales <CRM>" in visible_text(body) and not elements(body, "crm")
        assert "Deal (2)" in body

    def test_without_htmx_it_is_the_svg_image(self, vera: Client, project: Project) -> None:
        SystemFactory(project=project, name="ERP")
        response = vera.get(url("system_map", project))
        assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert response.content.startswith(b"<svg")

    def test_outsider_anonymous_and_post(
        self, charlie: Client, client: Client, alice: Client, project: Project
    ) -> None:
        assert charlie.get(url("system_map", project)).status_code == 404
        assert client.get(url("system_map", project)).status_code == 302
        assert alice.post(url("system_map", project)).status_code == 405


def test_an_unchanged_drafts_pdf_is_rendered_once_and_a_change_renders_it_again(
    alice: Client, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import blueprint.pdf

    renders: list[int] = []
    real = blueprint.pdf.pdf_render

    def counting(**kwargs: object) -> bytes:
        renders.append(1)
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(blueprint.pdf, "pdf_render", counting)
    url = reverse("blueprint:project_pdf", args=[project.pk])
    first = alice.get(url)
    again = alice.get(url)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and len(renders) == 1
    letter = alice.get(url + "?size=letter")
    assert letter.content != first.content and len(renders) == 2
    SystemFactory(project=project, name="A new system")
    touched(project)
    changed = alice.get(url)
    assert changed.content != first.content and len(renders) == 3


def test_storage_keeps_only_the_current_drafts_pdf(alice: Client, project: Project) -> None:
    from django.core.files.storage import default_storage

    url = reverse("blueprint:project_pdf", args=[project.pk])
    folder = f"draft-pdfs/project-{project.pk}"
    alice.get(url)
    SystemFactory(project=project, name="A new system")
    touched(project)
    alice.get(url)
    alice.get(url + "?size=letter")
    _dirs, files = default_storage.listdir(folder)
    assert sorted(f.rsplit("-", 1)[1] for f in files) == ["a4.pdf", "letter.pdf"]
    assert len({f.rsplit("-", 1)[0] for f in files}) == 1  # one content, the current one
