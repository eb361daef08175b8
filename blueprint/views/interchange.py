"""The field mapping sheet as a file: CSV and XLSX exports, and the import page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from blueprint.access import ProjectAccess, get_project_for
from blueprint.document import document_load
from blueprint.forms.interchange import MappingImportForm
from blueprint.interchange.sheet import (
    COLUMNS,
    MAX_ROWS,
    SheetRejected,
    mapping_import_apply,
    sheet_csv,
    sheet_rows,
    sheet_xlsx,
)
from blueprint.models import FieldMapping, Project
from blueprint.views.types import HtmxHttpRequest

IMPORT_PAGE = "blueprint/mappings_import.html"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A sheet with thousands of bad rows would bury the page; the first ones tell the story.
ERRORS_SHOWN = 200
IMPORTED = "Imported {count} field mapping{plural} from {filename}."


def _filename(project: Project, extension: str) -> str:
    stem = slugify(project.name)[:60].strip("-") or "blueprint"
    return f"{stem}-v{project.version_number}-field-mappings.{extension}"


def _attachment(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def mappings_csv(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    project = get_project_for(request, pk).project
    rows = sheet_rows(document_load(project))
    return _attachment(
        sheet_csv(rows),
        content_type="text/csv; charset=utf-8",
        filename=_filename(project, "csv"),
    )


@require_GET
def mappings_xlsx(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    project = get_project_for(request, pk).project
    doc = document_load(project)
    systems = sorted((s.name for s in doc.systems), key=str.casefold)
    return _attachment(
        sheet_xlsx(sheet_rows(doc), systems=systems),
        content_type=XLSX_TYPE,
        filename=_filename(project, "xlsx"),
    )


def _import_context(access: ProjectAccess, form: MappingImportForm, **extra: Any) -> dict[str, Any]:
    project = access.project
    return {
        "project": project,
        "access": access,
        "nav": "mappings",
        "form": form,
        "columns": COLUMNS,
        "max_rows": MAX_ROWS,
        "conflict_labels": FieldMapping.ConflictRule.labels,
        "direction_labels": FieldMapping.Direction.labels,
        "current_count": FieldMapping.objects.filter(project=project).count(),
        **extra,
    }


@require_http_methods(["GET", "POST"])
def mappings_import(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk, write=True)
    project = access.project
    if request.method == "POST":
        form = MappingImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, IMPORT_PAGE, _import_context(access, form), status=422)
        try:
            applied = mapping_import_apply(
                project=project,
                user=request.user,
                sheet=form.cleaned_data["file"],
                filename=form.filename,
                replace=form.replace,
            )
        except SheetRejected as rejected:
            errors = rejected.errors
            context = _import_context(
                access,
                form,
                errors=errors[:ERRORS_SHOWN],
                error_count=len(errors),
                bad_rows=len({e.row for e in errors}),
                hidden_errors=max(len(errors) - ERRORS_SHOWN, 0),
            )
            return render(request, IMPORT_PAGE, context, status=422)
        messages.success(
            request,
            IMPORTED.format(
                count=applied.count,
                plural="" if applied.count == 1 else "s",
                filename=form.filename,
            ),
        )
        return redirect("blueprint:mappings", pk=project.pk)
    return render(request, IMPORT_PAGE, _import_context(access, MappingImportForm()))
