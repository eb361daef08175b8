"""Exports: the vendor PDF and the vendor bundle of the current blueprint or of a signed
version, and the system map shown on the overview."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from blueprint.access import ProjectAccess, get_project_for
from blueprint.bundle import bundle_filename, project_bundle_build, version_bundle_get
from blueprint.cached import cached_per_change
from blueprint.document import document_load
from blueprint.models import PdfRender, Project, Version
from blueprint.pdf import (
    DEFAULT_PAGE_SIZE,
    PdfError,
    PdfTimeout,
    SnapshotTampered,
    page_size_from,
    pdf_filename,
)
from blueprint.pdf_jobs import pdf_ask, pdf_progress
from blueprint.systemmap import systemmap_svg
from blueprint.views.types import HtmxHttpRequest

# The standalone SVG may only draw itself: no scripts, no fetches.
SVG_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"


def _attachment(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _problem(
    request: HtmxHttpRequest, access: ProjectAccess, *, status: int, title: str, message: str
) -> HttpResponse:
    context = {
        "project": access.project,
        "access": access,
        "nav": "overview",
        "title": title,
        "message": message,
    }
    return render(request, "blueprint/pdf/problem.html", context, status=status)


def _export(
    request: HtmxHttpRequest,
    access: ProjectAccess,
    *,
    version: Version | None,
    size: str,
    build: Callable[[bytes], bytes],
    noun: str,
    made: str,
    content_type: str,
    filename: str,
) -> HttpResponse:
    """Run one export (the PDF or the bundle, of the draft or a version), the same for
    every export: its PDF comes first (a background render); while that renders, the page
    that waits for it (202, X-Pdf-Progress for the link that polls in place); then
    `build(pdf)` gives the file, as an attachment; or the page that says why there is none.
    """
    try:
        asked = pdf_ask(project=access.project, version=version, page_size=size)
        content = build(asked.pdf) if asked.pdf is not None else None
    except SnapshotTampered as exc:
        title = f"This version cannot be {made}"
        return _problem(request, access, status=409, title=title, message=str(exc))
    except PdfTimeout as exc:
        title = f"The {noun} is not ready"
        return _problem(request, access, status=503, title=title, message=str(exc))
    except PdfError as exc:
        title = f"No {noun} this time"
        return _problem(request, access, status=500, title=title, message=str(exc))
    if content is not None:
        return _attachment(content, content_type=content_type, filename=filename)
    job = asked.render
    assert job is not None
    progress_url = reverse("blueprint:pdf_render_progress", args=[access.project.pk, job.pk])
    context = {
        "project": access.project,
        "access": access,
        "nav": "overview",
        "version": version,
        "noun": noun,
        "progress": pdf_progress(job),
        "progress_url": progress_url,
        "file_url": request.get_full_path(),
        "filename": filename,
    }
    response = render(request, "blueprint/pdf/waiting.html", context, status=202)
    response["X-Pdf-Progress"] = progress_url
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def pdf_render_progress(request: HtmxHttpRequest, pk: int, render_id: int) -> HttpResponse:
    """How far a PDF render has got (JSON), for the page or link that waits on it."""
    access = get_project_for(request, pk)
    job = get_object_or_404(PdfRender, pk=render_id, project=access.project)
    response = JsonResponse(pdf_progress(job))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def project_pdf(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The blueprint as it stands (draft or awaiting sign-off), marked DRAFT."""
    access = get_project_for(request, pk)
    project = access.project
    size = page_size_from(request.GET.get("size"))
    if project.state == Project.State.SIGNED:
        # The signed version is the document of record; send people to its stored PDF.
        url = reverse("blueprint:version_pdf", args=[project.pk, project.version_number])
        return redirect(f"{url}?size={size}" if size != "a4" else url)
    filename = pdf_filename(
        project_name=project.name,
        version_number=project.version_number,
        state=project.state,
        page_size=size,
    )
    return _export(
        request,
        access,
        version=None,
        size=size,
        build=lambda pdf: pdf,
        noun="PDF",
        made="printed",
        content_type="application/pdf",
        filename=filename,
    )


def _version(access: ProjectAccess, number: int) -> Version:
    return get_object_or_404(
        Version.objects.prefetch_related("approvals"), project=access.project, number=number
    )


@require_GET
def version_pdf(request: HtmxHttpRequest, pk: int, number: int) -> HttpResponse:
    """A signed version's PDF, rendered once from its snapshot and then served as stored."""
    access = get_project_for(request, pk)
    version = _version(access, number)
    size = page_size_from(request.GET.get("size"))
    filename = pdf_filename(
        project_name=access.project.name,
        version_number=version.number,
        state=Project.State.SIGNED,
        page_size=size,
    )
    return _export(
        request,
        access,
        version=version,
        size=size,
        build=lambda pdf: pdf,
        noun="PDF",
        made="printed",
        content_type="application/pdf",
        filename=filename,
    )


@require_GET
def project_bundle(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The vendor bundle of the blueprint as it stands, marked DRAFT throughout."""
    access = get_project_for(request, pk)
    project = access.project
    if project.state == Project.State.SIGNED:
        return redirect("blueprint:version_bundle", project.pk, project.version_number)
    filename = bundle_filename(
        project_name=project.name, version_number=project.version_number, signed=False
    )
    return _export(
        request,
        access,
        version=None,
        size=DEFAULT_PAGE_SIZE,
        build=lambda pdf: project_bundle_build(project),
        noun="vendor bundle",
        made="exported",
        content_type="application/zip",
        filename=filename,
    )


@require_GET
def version_bundle(request: HtmxHttpRequest, pk: int, number: int) -> HttpResponse:
    """A signed version's vendor bundle: built once from its snapshot, then as stored."""
    access = get_project_for(request, pk)
    version = _version(access, number)
    filename = bundle_filename(
        project_name=access.project.name, version_number=version.number, signed=True
    )
    return _export(
        request,
        access,
        version=version,
        size=DEFAULT_PAGE_SIZE,
        build=lambda pdf: version_bundle_get(version),
        noun="vendor bundle",
        made="exported",
        content_type="application/zip",
        filename=filename,
    )


@require_GET
def system_map(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The overview's system map: the fragment for htmx, the SVG image itself otherwise."""
    access = get_project_for(request, pk)
    project = access.project
    svg = cached_per_change(project, "system-map", lambda: systemmap_svg(document_load(project)))
    if request.htmx:
        context = {"project": access.project, "access": access, "svg": svg}
        return render(request, "blueprint/_system_map.html#system-map", context)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = SVG_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return response
