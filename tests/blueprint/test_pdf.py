"""The vendor PDF: content, DRAFT marking, signatures, the URL fetcher's allow-list, the
time limit, and signed versions stored once.

Rendering costs about a second, so the documents are rendered once per module where the
tests only read them.
"""

from __future__ import annotations

import dataclasses
import datetime
import multiprocessing
import re
import time
from pathlib import Path

import pytest
from django.utils import timezone

from blueprint.document import Document, document_hash
from blueprint.models import Project, Version
from blueprint.pdf import (
    ASSET_ROOT,
    FetchRefused,
    PdfMeta,
    PdfTimeout,
    Rendered,
    Signature,
    SnapshotTampered,
    StaticOnlyFetcher,
    html_to_pdf,
    pdf_filename,
    pdf_html,
    static_file_for,
    version_pdf_get,
)
from tests.blueprint.blueprints import change, ready_document, signed_version_create
from tests.factories import SystemFactory
from tests.pdf import A4, LETTER, embedded_files, page_size, pdf_pages, pdf_text, squeezed

HASH = "ab" * 32
SIGNED_AT = datetime.datetime(2026, 3, 12, 9, 30, 5, tzinfo=datetime.UTC)
HOSTILE = {
    "img": '<img src="file:///etc/passwd">',
    "attachment": '<link rel="attachment" href="file:///etc/passwd">',
    "css": "url(http://127.0.0.1:1/x)",
}
STYLESHEET_URL = ASSET_ROOT + "css/pdf.css"


def draft_meta(doc: Document, **values: object) -> PdfMeta:
    meta = PdfMeta(
        version_number=2,
        state=Project.State.DRAFT,
        date=SIGNED_AT,
        sha256=document_hash(doc),
    )
    return dataclasses.replace(meta, **values)


def signed_meta() -> PdfMeta:
    return PdfMeta(
        version_number=3,
        state=Project.State.SIGNED,
        date=SIGNED_AT,
        sha256=HASH,
        signatures=tuple(
            Signature(role, name, meaning, SIGNED_AT, HASH)
            for role, name, meaning in (
                ("Business leader", "Bianca Rossi", "Approved as business leader"),
                ("Process owner", "Pedro Alves", "Approved as process owner"),
                ("Systems owner", "Sven Berg", "Approved as systems owner"),
            )
        ),
    )


def render(doc: Document, meta: PdfMeta) -> Rendered:
    return html_to_pdf(pdf_html(doc=doc, meta=meta))


@pytest.fixture(scope="module")
def draft() -> Rendered:
    doc = ready_document()
    return render(doc, draft_meta(doc))


@pytest.fixture(scope="module")
def signed() -> Rendered:
    return render(ready_document(), signed_meta())


class TestContent:
    def test_every_section_is_there_with_its_key_values(
        self, draft: Rendered, tmp_path: Path
    ) -> None:
        text = pdf_text(draft.pdf)
        for expected in (
            # cover
            "Lead to cash",
            "Which leads turned into revenue by channel and product?",
            "Version 2",
            "Business leader Bianca Rossi Sales director",
            "Systems owner Sven Berg Head of IT",
            # contents, summary, map
            "Contents",
            "Summary",
            "What the blueprint holds",
            "Readiness",
            "Ready for sign-off",
            "System map",
            "Home of:",
            # systems with maturity, documentation and test environment
            "Finance ERP",
            "Marketing platform",
            "Mature",
            # the four artifacts
            "1. Business scenarios",
            "A deal changes stage",
            "The story of a web lead, told in plain words.",
            "Where is the record created first?",
            "Support onboards the customer.",
            "2. Conceptual data mapping",
            "Emails match but names differ: route to review, never merge.",
            "Relationships",
            "Outcomes and reasons",
            "Field mapping sheet",
            "PAY_STATUS",
            "Invoice__c",
            "3. Ownership, exceptions and guardrails",
            "Priya Raman",
            "Record cannot be matched",
            "PCI DSS: card data stays in the ERP.",
            "4. Reporting and automation",
            "Revenue by channel and product",
            "Overdue invoice alert",
            "Delivery plan",
            "Controlled write path",
            "API contract checklist",
            "Audit record",
            "Sign-off",
        ):
            assert expected in text, expected

    def test_the_contents_give_page_numbers(self, draft: Rendered, tmp_path: Path) -> None:
        contents = pdf_text(draft.pdf, page=2)
        numbers = re.findall(r"(Summary|System map|Delivery plan|Sign-off) [. ]+(\d+)", contents)
        assert [name for name, _ in numbers] == [
            "Summary",
            "System map",
            "Delivery plan",
            "Sign-off",
        ]
        pages = [int(n) for _, n in numbers]
        assert pages == sorted(pages) and pages[0] == 3
        assert pages[-1] == pdf_pages(draft.pdf)

    def test_a_draft_says_draft_on_every_page(self, draft: Rendered, tmp_path: Path) -> None:
        pages = pdf_pages(draft.pdf)
        assert pages > 8
        for page in range(1, pages + 1):
            text = pdf_text(draft.pdf, page=page)
            assert "DRAFT, not signed off" in text, page
            if page > 1:
                assert f"Page {page} of {pages}" in text
                assert "Lead to cash" in text and "Version 2" in text

    def test_a_signed_export_carries_the_approvals_and_the_hash(
        self, signed: Rendered, tmp_path: Path
    ) -> None:
        text = pdf_text(signed.pdf)
        assert "DRAFT" not in text
        assert "Signed off 12 March 2026" in text
        assert "signed off on 12 March 2026 at 09:30:05 UTC" in text
        for name in ("Bianca Rossi", "Pedro Alves", "Sven Berg"):
            assert name in text
        assert "Approved as process owner" in text
        assert "2026-03-12 09:30:05 UTC" in text
        assert text.count(HASH) >= 4  # cover, statement and each approval

    def test_letter_is_selectable(self, tmp_path: Path) -> None:
        doc = ready_document()
        letter = render(doc, draft_meta(doc, page_size="letter"))
        assert page_size(letter.pdf) == LETTER

    def test_a4_is_the_default(self, draft: Rendered, tmp_path: Path) -> None:
        assert page_size(draft.pdf) == A4


@pytest.fixture(scope="module")
def hostile() -> Rendered:
    """Markup and URLs written into a project summary, a narrative and a transformation."""
    doc = ready_document()
    text = " ".join(HOSTILE.values())
    doc = dataclasses.replace(doc, project=dataclasses.replace(doc.project, summary=text))
    doc = change(doc, "scenarios", "new_lead", narrative=text)
    doc = change(doc, "mappings", "map_id", transformation=text)
    return render(doc, draft_meta(doc))


class TestSafety:
    def test_user_text_fetches_nothing(self, hostile: Rendered) -> None:
        assert hostile.fetched == (STYLESHEET_URL,)
        assert hostile.refused == ()

    def test_user_text_embeds_nothing(self, hostile: Rendered, tmp_path: Path) -> None:
        assert embedded_files(hostile.pdf) == []

    def test_user_text_shows_as_text(self, hostile: Rendered, tmp_path: Path) -> None:
        # Without any whitespace: a long value may wrap anywhere in a table cell.
        text = squeezed(pdf_text(hostile.pdf))
        for value in HOSTILE.values():
            # summary, narrative and transformation
            assert text.count(squeezed(value)) >= 3, value

    def test_the_fetcher_refuses_real_markup_too(self, tmp_path: Path) -> None:
        """Even markup that did reach the renderer could not read a file or the network."""
        rendered = html_to_pdf(
            "<html><head>"
            f'<link rel="attachment" href="file:///etc/passwd">'
            f'<link rel="stylesheet" href="{STYLESHEET_URL}">'
            "<style>p { background: url(http://127.0.0.1:1/x) }</style></head><body>"
            '<p>Hello</p><img src="file:///etc/passwd">'
            '<img src="data:image/svg+xml,%3Csvg%20xmlns=%22http://www.w3.org/2000/svg%22/%3E">'
            f'<img src="{ASSET_ROOT}../../blueprint/settings.py">'
            "</body></html>"
        )
        assert rendered.fetched == (STYLESHEET_URL,)
        assert "file:///etc/passwd" in rendered.refused
        assert "http://127.0.0.1:1/x" in rendered.refused
        assert any(url.startswith("data:") for url in rendered.refused)
        assert embedded_files(rendered.pdf) == []
        assert "Hello" in pdf_text(rendered.pdf)

    @pytest.mark.parametrize(
        "url",
        [
            "file:///etc/passwd",
            "http://127.0.0.1:1/x",
            "https://example.com/static/css/pdf.css",
            "data:text/css,p{}",
            ASSET_ROOT + "../settings.py",
            ASSET_ROOT + "css/%2e%2e/%2e%2e/manage.py",
            ASSET_ROOT + "/etc/passwd",
            ASSET_ROOT + "css/pdf.css?x=1",
            ASSET_ROOT + "css/missing.css",
            ASSET_ROOT + "js/app.js",
        ],
    )
    def test_the_fetcher_allows_only_the_apps_static_files(self, url: str) -> None:
        fetcher = StaticOnlyFetcher()
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
        assert fetcher.refused == [url] and fetcher.fetched == []

    def test_the_fetcher_serves_the_stylesheet_from_disk(self) -> None:
        fetcher = StaticOnlyFetcher()
        response = fetcher.fetch(STYLESHEET_URL)
        assert b"@page" in response.read()
        assert response.content_type == "text/css"
        assert static_file_for(STYLESHEET_URL).endswith("static/css/pdf.css")


class TestTimeLimit:
    def test_a_render_past_the_limit_is_stopped(self) -> None:
        rows = "".join(f"<tr><td>{i}</td><td>{'word ' * 40}</td></tr>" for i in range(3000))
        started = time.monotonic()
        with pytest.raises(PdfTimeout, match="longer than 0.2 seconds"):
            html_to_pdf(f"<table>{rows}</table>", timeout=0.2)
        assert time.monotonic() - started < 5
        assert multiprocessing.active_children() == []

    def test_the_limit_comes_from_settings(self, settings: object) -> None:
        from blueprint.pdf import pdf_timeout

        settings.BLUEPRINT_PDF_TIMEOUT = 7  # type: ignore[attr-defined]
        assert pdf_timeout() == 7.0


def test_filenames_are_clean() -> None:
    name = pdf_filename(
        project_name='Lead → cash: "CRM" / ERP', version_number=2, state="draft", page_size="a4"
    )
    assert name == "lead-cash-crm-erp-v2-draft.pdf"
    assert (
        pdf_filename(project_name="***", version_number=1, state="signed", page_size="letter")
        == "blueprint-v1-signed-letter.pdf"
    )


@pytest.mark.django_db
class TestSignedVersions:
    @pytest.fixture
    def version(self, tmp_path: Path, settings: object) -> Version:
        settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
        return signed_version_create()

    def test_it_renders_from_the_snapshot_once_and_never_changes(
        self, version: Version, tmp_path: Path
    ) -> None:
        first = version_pdf_get(version=version)
        version.refresh_from_db()
        assert version.pdf.name.startswith("signed-pdfs/")
        text = pdf_text(first)
        assert version.sha256 in text and "Bianca Rossi" in text and "DRAFT" not in text
        # Today's rows change; the signed PDF does not.
        project = version.project
        Project.objects.filter(pk=project.pk).update(name="Renamed later")
        SystemFactory(project=project, name="Added after signing")
        again = Version.objects.get(pk=version.pk)
        assert version_pdf_get(version=again) == first
        assert "Renamed later" not in text and "Added after signing" not in text

    def test_letter_is_stored_beside_it(self, version: Version, tmp_path: Path) -> None:
        letter = version_pdf_get(version=version, page_size="letter")
        assert page_size(letter) == LETTER
        assert version_pdf_get(version=version, page_size="letter") == letter

    def test_a_tampered_snapshot_is_refused(self, version: Version) -> None:
        Version.objects.filter(pk=version.pk).update(
            snapshot=version.snapshot.replace("Sales CRM", "Hacked CRM")
        )
        tampered = Version.objects.get(pk=version.pk)
        with pytest.raises(SnapshotTampered, match="no longer matches"):
            version_pdf_get(version=tampered)
        assert not tampered.pdf


def test_the_export_date_is_utc(db: None) -> None:
    doc = ready_document()
    html = pdf_html(doc=doc, meta=draft_meta(doc, date=timezone.now()))
    assert " UTC" in html


class TestEmptyAndDetail:
    def test_reason_codes_print_with_their_descriptions(self) -> None:
        doc = ready_document()
        first, *others = doc.reasons
        described = dataclasses.replace(first, description="The quote beat the incumbent's.")
        doc = dataclasses.replace(doc, reasons=(described, *others))
        text = squeezed(pdf_text(render(doc, draft_meta(doc)).pdf))
        assert squeezed(f"{first.code}: The quote beat the incumbent's.") in text

    def test_an_undiscussed_delivery_plan_is_one_line_not_empty_tables(self) -> None:
        doc = dataclasses.replace(ready_document(), phases=(), contracts=(), audit_items=())
        text = squeezed(pdf_text(render(doc, draft_meta(doc)).pdf))
        assert squeezed("Not discussed yet: no phase, API contract topic") in text
        assert squeezed("API contract checklist") not in text
