"""The PDF renders in a background job: the request answers at once, the page polls."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from blueprint.models import PdfRender, Project, Version
from blueprint.pdf import PdfError, draft_pdf_name
from blueprint.pdf_jobs import HTML_BYTES_PER_PAGE, pages_expected, pdf_progress
from blueprint.pdf_runner import html_to_pdf
from tests.blueprint.test_views_exports import signed_version  # noqa: F401 (a fixture)
from tests.conftest import touched
from tests.factories import EntityFactory, ProjectFactory, SystemFactory
from tests.html import elements, visible_text
from tests.pdf import pdf_pages, pdf_text, pdf_worker_run

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings: object) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]


@pytest.fixture
def queue(settings: object) -> None:
    """Jobs wait in the database for a worker, as in production."""
    settings.TASKS = DATABASE_QUEUE  # type: ignore[attr-defined]


def pdf_url(project: Project, **query: str) -> str:
    url = reverse("blueprint:project_pdf", args=[project.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def progress(client: Client, response: object) -> dict[str, object]:
    answer = client.get(response["X-Pdf-Progress"])  # type: ignore[index]
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    return json.loads(answer.content)


def test_a_request_answers_at_once_and_the_worker_renders(
    queue: None, alice: Client, project: Project
) -> None:
    SystemFactory(project=project, name="Salesforce")
    touched(project)
    first = alice.get(pdf_url(project))
    assert first.status_code == 202
    assert [t.name for t in first.templates][0] == "blueprint/pdf/waiting.html"
    (holder,) = elements(first.content.decode(), "div", class_="pdf-waiting")
    assert holder["data-pdf-progress"] == first["X-Pdf-Progress"]
    assert holder["data-pdf-file"] == pdf_url(project)
    assert progress(alice, first) == {
        "state": "queued",
        "label": "Waiting for the PDF worker…",
        "fraction": 0.0,
        "page": 0,
        "pages_expected": 0,
        "pages": 0,
    }
    # Someone else asking meanwhile waits on the same render, not a second one.
    again = alice.get(pdf_url(project))
    assert again["X-Pdf-Progress"] == first["X-Pdf-Progress"]
    assert PdfRender.objects.count() == 1 and DBTaskResult.objects.count() == 1

    pdf_worker_run()

    done = progress(alice, first)
    assert done["state"] == "done" and done["fraction"] == 1.0
    ready = alice.get(pdf_url(project))
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"
    pages = pdf_pages(ready.content)
    assert done["pages"] == pages and done["label"] == f"Ready: {pages} pages"
    render = PdfRender.objects.get()
    assert render.html_bytes > 0 and render.pages_expected > 0


def test_each_page_size_is_its_own_render(queue: None, alice: Client, project: Project) -> None:
    a4 = alice.get(pdf_url(project))
    letter = alice.get(pdf_url(project, size="letter"))
    assert a4["X-Pdf-Progress"] != letter["X-Pdf-Progress"]
    assert sorted(PdfRender.objects.values_list("page_size", flat=True)) == ["a4", "letter"]


def test_a_change_asks_for_a_new_render(queue: None, alice: Client, project: Project) -> None:
    alice.get(pdf_url(project))
    pdf_worker_run()
    assert alice.get(pdf_url(project)).status_code == 200
    EntityFactory(project=project, name="Invoice")
    touched(project)
    assert alice.get(pdf_url(project)).status_code == 202
    pdf_worker_run()
    changed = alice.get(pdf_url(project))
    assert changed.status_code == 200
    # The render of the older content is cleaned up after a while, not at once (someone
    # may still be polling it).
    assert PdfRender.objects.filter(state=PdfRender.State.DONE).count() == 2


def test_a_failed_render_says_why_and_the_next_ask_starts_again(
    queue: None, alice: Client, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(html: str, **kwargs: object) -> object:
        raise PdfError("The PDF could not be rendered: out of paper")

    monkeypatch.setattr("blueprint.pdf.html_to_pdf", broken)
    first = alice.get(pdf_url(project))
    pdf_worker_run()
    failed = progress(alice, first)
    assert failed["state"] == "failed"
    assert failed["label"] == "The PDF could not be rendered: out of paper"
    monkeypatch.undo()
    retry = alice.get(pdf_url(project))
    assert retry.status_code == 202 and progress(alice, retry)["state"] == "queued"
    pdf_worker_run()
    assert alice.get(pdf_url(project)).status_code == 200


def test_a_render_whose_worker_went_away_starts_again(
    queue: None, alice: Client, project: Project
) -> None:
    alice.get(pdf_url(project))
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    PdfRender.objects.update(state=PdfRender.State.RENDERING, page=12)
    PdfRender.objects.update(updated_at=long_ago)  # auto_now is not applied by update()
    again = alice.get(pdf_url(project))
    assert progress(alice, again)["state"] == "queued"
    assert DBTaskResult.objects.count() == 2


def test_a_queue_with_no_worker_says_so(queue: None, alice: Client, project: Project) -> None:
    first = alice.get(pdf_url(project))
    PdfRender.objects.update(updated_at=timezone.now() - datetime.timedelta(minutes=1))
    label = progress(alice, first)["label"]
    assert "no PDF worker has taken this render" in str(label) and "db_worker" in str(label)


def test_the_waiting_page_reads_without_script(
    queue: None, alice: Client, project: Project
) -> None:
    page = alice.get(pdf_url(project)).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page  # inside <noscript>
    assert "Waiting for the PDF worker…" in visible_text(page)


def test_a_signed_version_renders_in_the_background_too(
    queue: None,
    alice: Client,
    project: Project,
    signed_version: Version,  # noqa: F811 (the fixture)
) -> None:
    address = reverse("blueprint:version_pdf", args=[project.pk, signed_version.number])
    first = alice.get(address)
    assert first.status_code == 202 and progress(alice, first)["state"] == "queued"
    pdf_worker_run()
    assert progress(alice, first)["state"] == "done"
    ready = alice.get(address)
    assert ready.status_code == 200 and signed_version.sha256 in pdf_text(ready.content)
    signed_version.refresh_from_db()
    assert signed_version.pdf.name  # stored on the version, as before


def test_progress_is_the_projects_own(
    queue: None, alice: Client, charlie: Client, client: Client, project: Project
) -> None:
    first = alice.get(pdf_url(project))
    address = first["X-Pdf-Progress"]
    assert charlie.get(address).status_code == 404
    assert client.get(address).status_code == 302
    assert alice.post(address).status_code == 405
    other = ProjectFactory()
    render = PdfRender.objects.get()
    wrong = reverse("blueprint:pdf_render_progress", args=[other.pk, render.pk])
    assert alice.get(wrong).status_code == 404


def test_an_unchanged_drafts_stored_pdf_is_served_without_reading_the_blueprint(
    alice: Client,
    project: Project,
    django_assert_max_num_queries: object,
) -> None:
    for index in range(5):
        EntityFactory(project=project, name=f"Entity {index}")
    touched(project)
    assert alice.get(pdf_url(project)).status_code == 200
    # The request's own (session, user, membership) and the change number: no document.
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        again = alice.get(pdf_url(project))
    assert again.status_code == 200 and again["Content-Type"] == "application/pdf"


def test_the_draft_name_follows_the_change_number(project: Project) -> None:
    before = draft_pdf_name(project)
    assert draft_pdf_name(project) == before
    SystemFactory(project=project, name="NetSuite")
    touched(project)
    assert draft_pdf_name(project) != before


# --- units -------------------------------------------------------------------------


def test_the_renderer_reports_every_page_it_lays_out() -> None:
    heard: list[tuple[str, int]] = []
    html = "".join(f'<p style="break-after: page">Page {n}</p>' for n in range(1, 6))
    rendered = html_to_pdf(html, on_progress=lambda step, page: heard.append((step, page)))
    assert rendered.pages == 5
    assert [page for step, page in heard if step == "layout"] == [1, 2, 3, 4, 5]
    assert heard[-1] == ("writing", 0)


def _render(project: Project, **fields: object) -> PdfRender:
    defaults: dict[str, object] = {"project": project, "page_size": "a4", "key": f"k{fields}"}
    return PdfRender.objects.create(**{**defaults, **fields})


def test_the_page_estimate_scales_from_the_last_render(project: Project) -> None:
    render = _render(project)
    assert pages_expected(render, HTML_BYTES_PER_PAGE * 10) == 10
    _render(project, state=PdfRender.State.DONE, pages=40, html_bytes=400_000, key="old")
    assert pages_expected(render, 1_000_000) == 100
    other = ProjectFactory()
    assert pages_expected(_render(other, key="x"), 200_000) == 20  # another project's figure


@pytest.mark.parametrize(
    ("fields", "label", "fraction"),
    [
        ({"state": "rendering", "step": "preparing"}, "Preparing the blueprint…", 0.02),
        (
            {"state": "rendering", "step": "layout", "page": 40, "pages_expected": 137},
            "Rendering page 40 of ~137",
            0.284,
        ),
        (
            {"state": "rendering", "step": "layout", "page": 150, "pages_expected": 137},
            "Rendering page 150 of ~150",
            0.85,
        ),
        ({"state": "rendering", "step": "numbering"}, "Numbering the pages…", 0.9),
        ({"state": "rendering", "step": "writing"}, "Writing the PDF…", 0.95),
        ({"state": "done", "pages": 137}, "Ready: 137 pages", 1.0),
        ({"state": "failed", "message": "Too slow"}, "Too slow", 0.0),
    ],
)
def test_progress_in_words(
    project: Project, fields: dict[str, object], label: str, fraction: float
) -> None:
    shown = pdf_progress(_render(project, **fields))
    assert shown["label"] == label and shown["fraction"] == fraction


def test_the_vendor_bundle_waits_for_its_pdf(queue: None, alice: Client, project: Project) -> None:
    address = reverse("blueprint:project_bundle", args=[project.pk])
    first = alice.get(address)
    assert first.status_code == 202
    assert "Preparing the vendor bundle" in visible_text(first.content.decode())
    (holder,) = elements(first.content.decode(), "div", class_="pdf-waiting")
    assert holder["data-pdf-file"] == address
    # The bundle's PDF is the draft's PDF: asking for it waits on the same render.
    assert alice.get(pdf_url(project))["X-Pdf-Progress"] == first["X-Pdf-Progress"]
    pdf_worker_run()
    ready = alice.get(address)
    assert ready.status_code == 200 and ready["Content-Type"] == "application/zip"


def test_an_unchanged_drafts_bundle_is_served_without_reading_the_blueprint(
    alice: Client, project: Project, django_assert_max_num_queries: object
) -> None:
    address = reverse("blueprint:project_bundle", args=[project.pk])
    first = alice.get(address)
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        again = alice.get(address)
    assert again.status_code == 200 and again.content == first.content
