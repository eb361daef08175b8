"""The mapping grid's writes: a cell edited in place, the new row, a bulk change of the
ticked rows, and rows pasted from a spreadsheet.

Every write goes through the rules a whole-form save or a file import uses:
`FieldMappingForm` (one cell is the saved row with one value changed) and `item_save`, or
the sheet import's own checks for pasted rows. The grid's script (static/js/grid.js)
calls these with fetch and places the rows it gets back; each answer is JSON holding the
rows' HTML, rendered by the sheet's own row partial.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from blueprint.access import ProjectAccess, get_project_for
from blueprint.forms.field_mappings import FieldMappingForm, MappingBulkForm
from blueprint.interchange.sheet import (
    COLUMN_BY_KEY,
    COLUMNS,
    SheetFormatError,
    SheetRejected,
    mapping_import_apply,
)
from blueprint.interchange.sheet_paste import paste_parse
from blueprint.items import Conflict, item_save
from blueprint.models import ActivityEntry, Attribute, FieldMapping, System
from blueprint.views.field_mappings import (
    GRID_BY_FIELD,
    MAPPING_KIND,
    MAPPINGS,
    NEW_ROW,
    new_cells,
    new_row_form,
    sheet_context,
)
from blueprint.views.types import HtmxHttpRequest

CELL_CHANGED = (
    "{who} changed this to “{theirs}” while you were typing, so yours was not saved. "
    "Type it again to replace theirs."
)
ROW_SAVED_MEANWHILE = "Someone saved this row at the same moment; try again."
PASTED = "{count} mapping{s} created from the pasted rows."
BULK_SET = "{what} set on {count} mapping{s}."
BULK_REFUSED = "Nothing was changed: {label}: {message}"
PASTE_FILENAME = "pasted rows"


def _rows_html(request: HtmxHttpRequest, access: ProjectAccess, ids: Any) -> str:
    """The grid rows of these mappings, in the sheet's order, by the sheet's partial."""
    mappings = MAPPING_KIND.queryset(access.project).filter(pk__in=list(ids))
    context = {
        "project": access.project,
        "access": access,
        "kind": MAPPING_KIND,
        "mappings": mappings,
    }
    return render_to_string(f"{MAPPINGS}#mapping-added", context, request)


def _cell_text(form: FieldMappingForm, field: str) -> str:
    """A saved value as the grid's cell carries it (data-value)."""
    value = form[field].value()
    if isinstance(value, bool):
        return "true" if value else "false"
    text = "" if value is None else str(value)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _last_editor(mapping: FieldMapping) -> str:
    entry = (
        ActivityEntry.objects.filter(
            project_id=mapping.project_id, kind_slug=MAPPING_KIND.slug, item_pk=mapping.pk
        )
        .order_by("-pk")
        .first()
    )
    return (entry.user_name if entry else "") or "Someone"


@require_POST
def mapping_hx_cell(request: HtmxHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Save one cell: the row as saved with this one value changed.

    The grid sends the value the cell showed when editing began. If someone else changed
    that very cell since, nothing is saved and the person sees theirs; a change to
    another cell of the row is no conflict and is kept.
    """
    access = get_project_for(request, pk, write=True)
    column = GRID_BY_FIELD.get(request.POST.get("field", ""))
    if column is None:
        raise Http404("The grid has no such column.")
    mapping = get_object_or_404(MAPPING_KIND.queryset(access.project), pk=item_pk)
    field = column.field
    saved = FieldMappingForm(project=access.project, instance=mapping)
    theirs = _cell_text(saved, field)
    original = request.POST.get("original")
    if original is not None and original.replace("\r\n", "\n") != theirs:
        message = CELL_CHANGED.format(
            who=_last_editor(mapping), theirs=_display(saved, field, theirs) or "nothing"
        )
        return _cell_answer(request, access, mapping, field, message, status=409)
    form = FieldMappingForm.for_change(
        mapping, project=access.project, changes={field: request.POST.get("value", "")}
    )
    if not form.is_valid():
        errors = form.errors.get(field) or [e for es in form.errors.values() for e in es]
        return _cell_answer(request, access, mapping, field, " ".join(errors), status=422)
    try:
        item_save(
            form=form, kind=MAPPING_KIND, user=request.user, expected_revision=mapping.revision
        )
    except Conflict:
        return _cell_answer(request, access, mapping, field, ROW_SAVED_MEANWHILE, status=409)
    except ValidationError as exc:
        return _cell_answer(request, access, mapping, field, " ".join(exc.messages), status=422)
    return JsonResponse({"rows": _rows_html(request, access, [mapping.pk])})


def _display(form: FieldMappingForm, field: str, value: str) -> str:
    """A cell's value as a person reads it: a choice by its label."""
    choices = {str(k): str(v) for k, v in getattr(form.fields[field], "choices", [])}
    if field == "required":
        return "Required" if value == "true" else "Optional"
    return choices.get(value, value)


def _cell_answer(
    request: HtmxHttpRequest,
    access: ProjectAccess,
    mapping: FieldMapping,
    field: str,
    message: str,
    *,
    status: int,
) -> JsonResponse:
    """A refused cell: the row as it is saved now, and what to say at the cell."""
    return JsonResponse(
        {"rows": _rows_html(request, access, [mapping.pk]), "field": field, "error": message},
        status=status,
    )


@require_POST
def mapping_hx_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The grid's new row, saved like "Add mapping"; the next new row keeps its systems."""
    access = get_project_for(request, pk, write=True)
    project = access.project
    form = new_row_form(project, request.POST)
    status = 422
    if form.is_valid():
        try:
            obj = item_save(form=form, kind=MAPPING_KIND, user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
            status = 409
        else:
            if not request.htmx:
                return redirect("blueprint:mappings", pk=project.pk)
            new_row = new_row_form(project, after=obj)
            return JsonResponse(
                {
                    "rows": _rows_html(request, access, [obj.pk]),
                    "draft": _new_row_html(request, access, new_row),
                }
            )
    if not request.htmx:
        return render(
            request, MAPPINGS, sheet_context(request, access, new_row=form), status=status
        )
    return JsonResponse({"draft": _new_row_html(request, access, form)}, status=status)


def _new_row_html(request: HtmxHttpRequest, access: ProjectAccess, form: FieldMappingForm) -> str:
    context = {
        "project": access.project,
        "access": access,
        "kind": MAPPING_KIND,
        "new_row": form,
        "new_cells": new_cells(form),
    }
    return render_to_string(f"{MAPPINGS}#mapping-new-row", context, request)


@require_POST
def mapping_hx_bulk(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Set the conflict rule or direction of the ticked rows: all of them, or none."""
    access = get_project_for(request, pk, write=True)
    project = access.project
    form = MappingBulkForm(request.POST, project=project)
    if not form.is_valid():
        errors = [e for es in form.errors.values() for e in es]
        return JsonResponse({"error": " ".join(errors)}, status=422)
    changes = form.changes()
    mappings = list(
        MAPPING_KIND.queryset(project).filter(pk__in=[m.pk for m in form.cleaned_data["ids"]])
    )
    try:
        with transaction.atomic():
            for mapping in mappings:
                row = FieldMappingForm.for_change(mapping, project=project, changes=changes)
                if not row.is_valid():
                    message = " ".join(e for es in row.errors.values() for e in es)
                    raise ValidationError(BULK_REFUSED.format(label=mapping, message=message))
                item_save(
                    form=row,
                    kind=MAPPING_KIND,
                    user=request.user,
                    expected_revision=mapping.revision,
                )
    except Conflict:
        return JsonResponse({"error": ROW_SAVED_MEANWHILE}, status=409)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=422)
    fields = MappingBulkForm.base_fields
    what = " and ".join(
        f"{fields[name].label} “{dict(fields[name].choices)[value]}”"  # type: ignore[attr-defined]
        for name, value in changes.items()
    )
    count = len(mappings)
    return JsonResponse(
        {
            "rows": _rows_html(request, access, [m.pk for m in mappings]),
            "message": BULK_SET.format(what=what, count=count, s="" if count == 1 else "s"),
        }
    )


def _preset(access: ProjectAccess, data: Any) -> dict[str, str]:
    """The new row's values, as the sheet writes them: what pasted rows start from."""
    project = access.project

    def raw(name: str) -> str:
        return str(data.get(f"{NEW_ROW}-{name}", "")).strip()

    systems = {
        str(s.pk): s.name
        for s in System.objects.filter(
            project=project,
            pk__in=[v for v in (raw("source_system"), raw("target_system")) if v.isdigit()],
        )
    }
    preset = {
        "source_system": systems.get(raw("source_system"), ""),
        "target_system": systems.get(raw("target_system"), ""),
        "source_field": raw("source_field"),
        "target_field": raw("target_field"),
        "transformation": raw("transformation"),
        "required": "yes" if raw("required") else "no",
        "conflict_rule": raw("conflict_rule"),
        "direction": raw("direction"),
    }
    attribute_id = raw("attribute")
    if attribute_id.isdigit() and len(attribute_id) <= 18:
        attribute = (
            Attribute.objects.filter(entity__project=project, pk=attribute_id)
            .select_related("entity")
            .first()
        )
        if attribute is not None:
            preset["entity"], preset["attribute"] = attribute.entity.name, attribute.name
    return preset


@require_POST
def mapping_hx_paste(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Rows pasted from a spreadsheet, created through the sheet import: all, or none with
    each row's problems listed."""
    access = get_project_for(request, pk, write=True)
    text = request.POST.get("text", "")
    start = request.POST.get("start", "") or "source_system"
    shown: dict[str, Any] = {"paste_text": text, "paste_start": start}
    status = 422
    try:
        sheet = paste_parse(text, start=start, preset=_preset(access, request.POST))
        applied = mapping_import_apply(
            project=access.project,
            user=request.user,
            sheet=sheet,
            filename=PASTE_FILENAME,
            replace=False,
        )
    except SheetFormatError as exc:
        shown["paste_problem"] = str(exc)
    except SheetRejected as rejected:
        shown["paste_errors"] = rejected.errors
    else:
        if not request.htmx:
            return redirect("blueprint:mappings", pk=access.project.pk)
        count = applied.count
        return JsonResponse(
            {
                "rows": _rows_html(request, access, applied.created),
                "message": PASTED.format(count=count, s="" if count == 1 else "s"),
                "panel": _paste_html(request, access, {"paste_start": start}),
            }
        )
    if start not in COLUMN_BY_KEY:
        shown["paste_start"] = "source_system"
    if not request.htmx:
        return render(request, MAPPINGS, sheet_context(request, access, **shown), status=status)
    return JsonResponse({"panel": _paste_html(request, access, shown)}, status=status)


def _paste_html(request: HtmxHttpRequest, access: ProjectAccess, shown: dict[str, Any]) -> str:
    context = {"project": access.project, "access": access, "sheet_columns": COLUMNS, **shown}
    return render_to_string(f"{MAPPINGS}#mapping-paste", context, request)
