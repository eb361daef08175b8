"""The field mapping sheet (seed 002): a business document, dense and filterable.

A project can hold a thousand mappings, so the sheet is filtered and paginated on the
server; the filter bar and the pager ask for the rows partial of the same template.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from blueprint.access import get_project_for
from blueprint.forms.field_mappings import NO_ATTRIBUTE, FieldMappingForm, MappingFilterForm
from blueprint.items import page_kinds
from blueprint.models import Entity, FieldMapping, Project, System
from blueprint.readiness import readiness_for_project
from blueprint.views.types import HtmxHttpRequest

MAPPINGS = "blueprint/mappings.html"
PER_PAGE = 100

page_kind = page_kinds(page="blueprint:mappings", template=MAPPINGS, artifact="mapping")

MAPPING_KIND = page_kind(
    slug="mapping",
    model=FieldMapping,
    form_class=FieldMappingForm,
    columns=8,
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


# The sheet sorts by any column: ?sort=<column> (or -<column> for the other way).
SORTS: dict[str, tuple[str, ...]] = {
    "source": ("source_system__name", "source_field"),
    "target": ("target_system__name", "target_field"),
    "transformation": ("transformation",),
    "required": ("required",),
    "conflict": ("conflict_rule",),
    "direction": ("direction",),
    "attribute": ("attribute__entity__name", "attribute__name"),
}


def _sorted(mappings: QuerySet[FieldMapping], sort: str) -> QuerySet[FieldMapping]:
    fields = SORTS.get(sort.removeprefix("-"))
    if not fields:
        return mappings
    sign = "-" if sort.startswith("-") else ""
    return mappings.order_by(*(sign + f for f in fields), "pk")


def _new_mapping_url(project: Project) -> str:
    """Where "Add mapping" opens its form: with the systems of the last mapping added,
    because a sheet is filled system pair by system pair."""
    url = reverse("blueprint:item_create", args=[project.pk, "mapping"])
    last = (
        FieldMapping.objects.filter(project=project)
        .order_by("-pk")
        .values("source_system_id", "target_system_id")
        .first()
    )
    if last is None:
        return url
    query = urlencode(
        {
            "initial_source_system": last["source_system_id"],
            "initial_target_system": last["target_system_id"],
        }
    )
    return f"{url}?{query}"


@require_GET
@vary_on_headers("HX-Request")
def mappings_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk)
    project = access.project
    systems = list(System.objects.filter(project=project))
    entities = list(Entity.objects.filter(project=project))
    filter_form = MappingFilterForm(request.GET, systems=systems, entities=entities)
    filters = filter_form.filters()
    gaps = _rows_with_gaps(project)
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
        "new_mapping_url": _new_mapping_url(project),
        "columns": [
            ("source", "Source system · field"),
            ("target", "→ Target system · field"),
            ("transformation", "Transformation rule"),
            ("required", "Required?"),
            ("conflict", "Conflict rule"),
            ("direction", "Direction"),
            ("attribute", "Attribute"),
        ],
    }
    if request.htmx and not request.htmx.history_restore_request:
        # The count refreshes itself after a save; the filter bar and pager want the rows.
        part = "mapping-summary" if request.htmx.target == "mapping-summary" else "mapping-results"
        return render(request, f"{MAPPINGS}#{part}", context)
    return render(request, MAPPINGS, context)
