"""The PDF as production makes it: the request answers at once, a worker renders, and the
link in the browser says where the render is until the file arrives."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from blueprint.models import PdfRender, Project
from tests.e2e.workshop import (
    FACILITATOR,
    assert_pdf_downloaded,
    pdf_download_link,
    ready_project,
    sign_in_and_open,
)
from tests.pdf import pdf_worker_run

pytestmark = pytest.mark.e2e


@pytest.fixture
def blueprint(transactional_db, settings) -> Project:
    # Jobs wait in the database for a worker, as with `make run` and in production.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return ready_project()


def test_the_link_waits_for_the_worker_then_saves_the_pdf(
    page: Page, live_server, blueprint: Project
) -> None:
    link, busy = pdf_download_link(page, live_server, blueprint)
    with page.expect_download() as download:
        link.click()
        # No worker has taken it yet: the link says so instead of hanging.
        expect(busy).to_have_text("Waiting for the PDF worker…")
        expect(busy).to_have_attribute("aria-busy", "true")
        assert PdfRender.objects.filter(project=blueprint).count() == 1
        pdf_worker_run()
    assert_pdf_downloaded(download, link)
    with open(download.value.path(), "rb") as saved:
        assert saved.read(5) == b"%PDF-"
    render = PdfRender.objects.get(project=blueprint)
    assert render.state == PdfRender.State.DONE and render.pages > 0


def test_the_waiting_page_without_the_link_follows_the_render_and_downloads(
    page: Page, live_server, blueprint: Project
) -> None:
    """Opened directly (a bookmark, a new tab), the address answers with a page that polls."""
    sign_in_and_open(
        page, live_server, FACILITATOR[0], reverse("blueprint:project_detail", args=[blueprint.pk])
    )
    with page.expect_download() as download:
        page.goto(live_server.url + reverse("blueprint:project_pdf", args=[blueprint.pk]))
        expect(page.locator("[data-pdf-label]")).to_have_text("Waiting for the PDF worker…")
        pdf_worker_run()
    assert download.value.suggested_filename.endswith(".pdf")
    expect(page.locator("[data-pdf-ready]")).to_be_visible()
