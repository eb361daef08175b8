"""Exports: the vendor PDF and the vendor bundle of the current blueprint or of a signed
version, and the system map shown on the overview."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from blueprint.access import ProjectAccess, get_project_for
from blueprint.bundle import bundle_filename, project_bundle_build, version_bundle_get
from blueprint.cached import cached_per_change
from blueprint.document import document_load
from blueprint.models import Project, Version
from blueprint.pdf import (
    PdfError,
    PdfTimeout,
    SnapshotTampered,
    page_size_from,
    pdf_filename,
    project_pdf_render,
    version_pdf_get,
)
from blueprint.systemmap import systemmap_svg
from blueprint.views.types import HtmxHttpRequest

# The standalone SVG may only draw itself: no scripts, no fetches.
SVG_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
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
    try:
        pdf = project_pdf_render(project=project, page_size=size)
    except PdfTimeout as exc:
        return _problem(request, access, status=503, title="The PDF is not ready", message=str(exc))
    except PdfError as exc:
        return _problem(request, access, status=500, title="No PDF this time", message=str(exc))
    filename = pdf_filename(
        project_name=project.name,
        version_number=project.version_number,
        state=project.state,
        page_size=size,
    )
    return _pdf_response(pdf, filename)


@require_GET
def version_pdf(request: HtmxHttpRequest, pk: int, number: int) -> HttpResponse:
    """A signed version's PDF, rendered once from its snapshot and then served as stored."""
    access = get_project_for(request, pk)
    version = get_object_or_404(
        Version.objects.prefetch_related("approvals"), project=access.project, number=number
    )
    size = page_size_from(request.GET.get("size"))
    try:
        pdf = version_pdf_get(version=version, page_size=size)
    except SnapshotTampered as exc:
        return _problem(
            request, access, status=409, title="This version cannot be printed", message=str(exc)
        )
    except PdfTimeout as exc:
        return _problem(request, access, status=503, title="The PDF is not ready", message=str(exc))
    except PdfError as exc:
        return _problem(request, access, status=500, title="No PDF this time", message=str(exc))
    filename = pdf_filename(
        project_name=access.project.name,
        version_number=version.number,
        state=Project.State.SIGNED,
        page_size=size,
    )
    return _pdf_response(pdf, filename)


def _zip_response(bundle: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(bundle, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def project_bundle(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The vendor bundle of the blueprint as it stands, marked DRAFT throughout."""
    access = get_project_for(request, pk)
    project = access.project
    if project.state == Project.State.SIGNED:
        return redirect("blueprint:version_bundle", project.pk, project.version_number)
    try:
        bundle = project_bundle_build(project)
    except PdfTimeout as exc:
        return _problem(
            request, access, status=503, title="The bundle is not ready", message=str(exc)
        )
    except PdfError as exc:
        return _problem(request, access, status=500, title="No bundle this time", message=str(exc))
    name = bundle_filename(
        project_name=project.name, version_number=project.version_number, signed=False
    )
    return _zip_response(bundle, name)


@require_GET
def version_bundle(request: HtmxHttpRequest, pk: int, number: int) -> HttpResponse:
    """A signed version's vendor bundle: built once from its snapshot, then as stored."""
    access = get_project_for(request, pk)
    version = get_object_or_404(
        Version.objects.prefetch_related("approvals"), project=access.project, number=number
    )
    try:
        bundle = version_bundle_get(version)
    except SnapshotTampered as exc:
        return _problem(
            request, access, status=409, title="This version cannot be exported", message=str(exc)
        )
    except PdfTimeout as exc:
        return _problem(
            request, access, status=503, title="The bundle is not ready", message=str(exc)
        )
    except PdfError as exc:
        return _problem(request, access, status=500, title="No bundle this time", message=str(exc))
    name = bundle_filename(
        project_name=access.project.name, version_number=version.number, signed=True
    )
    return _zip_response(bundle, name)


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
