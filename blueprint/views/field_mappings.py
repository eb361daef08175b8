"""The field mapping sheet (seed 002): a business document, dense and filterable.

A project can hold a thousand mappings, so the sheet is filtered and paginated on the
server; the filter bar and the pager ask for the rows partial of the same template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from blueprint.access import ProjectAccess, get_project_for
from blueprint.forms.field_mappings import (
    NO_ATTRIBUTE,
    FieldMappingForm,
    MappingBulkForm,
    MappingFilterForm,
)
from blueprint.interchange.sheet_columns import COLUMN_BY_KEY, COLUMNS
from blueprint.items import page_kinds
from blueprint.models import Entity, FieldMapping, Project, System
from blueprint.readiness import readiness_for_project
from blueprint.views.types import HtmxHttpRequest

MAPPINGS = "blueprint/mappings.html"
PER_PAGE = 100
NEW_ROW = "new"

page_kind = page_kinds(page="blueprint:mappings", template=MAPPINGS, artifact="mapping")

MAPPING_KIND = page_kind(
    slug="mapping",
    model=FieldMapping,
    form_class=FieldMappingForm,
    columns=11,
    select_related=("source_system", "target_system", "attribute__entity"),
)


def _rows_with_gaps(project: Project) -> set[Any]:
    """The mappings readiness has something to say about: what "with gaps" means."""
    return {x.item_id for x in readiness_for_project(project).findings if x.section == "mappings"}


def _filtered(
    mappings: QuerySet[FieldMapping],
    *,
    system: System | None,
    entity: Entity | str | None,
    text: str,
    incomplete: bool,
    gaps: set[Any],
) -> QuerySet[FieldMapping]:
    if system is not None:
        mappings = mappings.filter(Q(source_system=system) | Q(target_system=system))
    if entity == NO_ATTRIBUTE:
        mappings = mappings.filter(attribute__isnull=True)
    elif entity is not None:
        mappings = mappings.filter(attribute__entity=entity)
    if text:
        mappings = mappings.filter(
            Q(source_field__icontains=text)
            | Q(target_field__icontains=text)
            | Q(transformation__icontains=text)
        )
    if incomplete:
        mappings = mappings.filter(pk__in=gaps)
    return mappings


@dataclass(frozen=True)
class GridColumn:
    """A column of the mapping grid: the form field its cells edit, the sheet's columns it
    shows (what a paste into it fills), and how the sheet sorts by it (?sort=<sort>)."""

    field: str
    sheet: tuple[str, ...]
    sort: str
    order: tuple[str, ...]
    editor: str = "text"  # text, select or yes/no

    @property
    def label(self) -> str:
        return COLUMN_BY_KEY[self.sheet[-1]].header


# The grid shows the sheet's own columns, in its order (entity and attribute in one cell).
GRID: tuple[GridColumn, ...] = (
    GridColumn(
        "source_system",
        ("source_system",),
        "source",
        ("source_system__name", "source_field"),
        "select",
    ),
    GridColumn("source_field", ("source_field",), "source_field", ("source_field",)),
    GridColumn(
        "target_system",
        ("target_system",),
        "target",
        ("target_system__name", "target_field"),
        "select",
    ),
    GridColumn("target_field", ("target_field",), "target_field", ("target_field",)),
    GridColumn("transformation", ("transformation",), "transformation", ("transformation",)),
    GridColumn("required", ("required",), "required", ("required",), "yesno"),
    GridColumn("conflict_rule", ("conflict_rule",), "conflict", ("conflict_rule",), "select"),
    GridColumn("direction", ("direction",), "direction", ("direction",), "select"),
    GridColumn(
        "attribute",
        ("entity", "attribute"),
        "attribute",
        ("attribute__entity__name", "attribute__name"),
        "select",
    ),
)
GRID_BY_FIELD = {c.field: c for c in GRID}
# The sheet sorts by any column: ?sort=<column> (or -<column> for the other way).
SORTS: dict[str, tuple[str, ...]] = {c.sort: c.order for c in GRID}


def _sorted(mappings: QuerySet[FieldMapping], sort: str) -> QuerySet[FieldMapping]:
    fields = SORTS.get(sort.removeprefix("-"))
    if not fields:
        return mappings
    sign = "-" if sort.startswith("-") else ""
    return mappings.order_by(*(sign + f for f in fields), "pk")


# What the next mapping starts with: a sheet is filled system pair by system pair, and a
# batch of fields of one pair mostly shares its conflict rule and direction.
NEXT_ROW_KEEPS = ("source_system", "target_system", "conflict_rule", "direction")


def next_row_initial(project: Project, after: FieldMapping | None = None) -> dict[str, Any]:
    """The values the grid's new row (and "Add mapping") start with: those of `after`, else
    of the mapping added last."""
    if after is None:
        after = FieldMapping.objects.filter(project=project).order_by("-pk").first()
    if after is None:
        return {}
    return {
        name: getattr(after, FieldMapping._meta.get_field(name).attname) for name in NEXT_ROW_KEEPS
    }


def new_row_form(
    project: Project, data: Any = None, *, after: FieldMapping | None = None
) -> FieldMappingForm:
    """The grid's new row: the mapping form, its fields named new-… and tied to the
    hidden form #mapping-new-form (a form cannot wrap a table row)."""
    form = FieldMappingForm(
        data, project=project, prefix=NEW_ROW, initial=next_row_initial(project, after)
    )
    form.fields["transformation"].widget = forms.TextInput()
    for column in GRID:
        widget = form.fields[column.field].widget
        kind = (
            "form-check-input"
            if column.editor == "yesno"
            else (
                "form-select form-select-sm"
                if column.editor == "select"
                else "form-control form-control-sm"
            )
        )
        widget.attrs.update(
            {
                "class": kind,
                "form": "mapping-new-form",
                "aria-label": f"New mapping: {column.label}",
            }
        )
        # The row has no room for help texts: each is its field's tooltip instead.
        field = form.fields[column.field]
        if field.help_text:
            widget.attrs["title"] = field.help_text
            field.help_text = ""
    return form


def new_cells(form: FieldMappingForm) -> list[tuple[GridColumn, forms.BoundField]]:
    """The new row's cells in the grid's order; a field in error says so to assistive
    technology and points at its message."""
    cells = []
    for column in GRID:
        field = form[column.field]
        if field.errors:
            field.field.widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"{field.auto_id}-error"}
            )
        cells.append((column, field))
    return cells


def _new_mapping_url(project: Project, initial: dict[str, Any]) -> str:
    """Where "Add mapping" opens the whole form (with the scenarios) without the grid."""
    url = reverse("blueprint:item_create", args=[project.pk, "mapping"])
    query = urlencode({f"initial_{name}": value for name, value in initial.items() if value})
    return f"{url}?{query}" if query else url


@require_GET
@vary_on_headers("HX-Request")
def mappings_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk)
    context = sheet_context(request, access)
    if request.htmx and not request.htmx.history_restore_request:
        # The count refreshes itself after a save; the filter bar and pager want the rows.
        part = "mapping-summary" if request.htmx.target == "mapping-summary" else "mapping-results"
        return render(request, f"{MAPPINGS}#{part}", context)
    return render(request, MAPPINGS, context)


def sheet_context(request: HtmxHttpRequest, access: ProjectAccess, **shown: Any) -> dict[str, Any]:
    """The sheet as the page shows it (filters, sort and page from the query string);
    `shown` puts in what a refused grid write shows again (its new row, a paste)."""
    project = access.project
    systems = list(System.objects.filter(project=project))
    entities = list(Entity.objects.filter(project=project))
    filter_form = MappingFilterForm(request.GET, systems=systems, entities=entities)
    filters = filter_form.filters()
    gaps = _rows_with_gaps(project)
    new_row = shown.get("new_row") or (new_row_form(project) if access.can_edit else None)
    total = FieldMapping.objects.filter(project=project).count()
    sort = request.GET.get("sort", "")
    sort = sort if sort.removeprefix("-") in SORTS else ""
    mappings = _sorted(_filtered(MAPPING_KIND.queryset(project), **filters, gaps=gaps), sort)
    paginator = Paginator(mappings, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "project": project,
        "access": access,
        "nav": "mappings",
        "kind": MAPPING_KIND,
        "filter_form": filter_form,
        "is_filtered": any(filters.values()),
        "page_url": reverse("blueprint:mappings", args=[project.pk]),
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "ellipsis": Paginator.ELLIPSIS,
        "mappings": page.object_list,
        "total": total,
        "gaps": len(gaps),
        "systems": systems,
        "sort": sort,
        "new_mapping_url": _new_mapping_url(project, new_row.initial if new_row else {}),
        "new_row": new_row,
        "bulk_form": MappingBulkForm(project=project),
        "sheet_columns": COLUMNS,
        "paste_start": "source_system",
        "grid": GRID,
    }
    context.update(shown)
    if context["new_row"] is not None:
        context["new_cells"] = new_cells(context["new_row"])
    return context
