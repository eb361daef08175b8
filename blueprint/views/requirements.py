"""Artifact 4: the reports the integration must make possible, and the automations."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from blueprint.access import get_project_for
from blueprint.forms.requirements import AutomationForm, ReportDimensionForm, ReportForm
from blueprint.items import page_kinds
from blueprint.models import Automation, Project, Report, ReportDimension
from blueprint.views.types import HtmxHttpRequest

PAGE = "blueprint/requirements.html"

page_kind = page_kinds(page="blueprint:requirements", template=PAGE, artifact="requirements")

REPORT_KIND = page_kind(
    slug="report",
    model=Report,
    form_class=ReportForm,
    layout="card",
    prefetch_related=(
        Prefetch(
            "dimensions",
            queryset=ReportDimension.objects.select_related("attribute__entity"),
        ),
    ),
)

DIMENSION_KIND = page_kind(
    slug="dimension",
    model=ReportDimension,
    form_class=ReportDimensionForm,
    columns=3,
    parent_field="report",
    select_related=("report", "attribute__entity"),
)

AUTOMATION_KIND = page_kind(
    slug="automation",
    model=Automation,
    form_class=AutomationForm,
    columns=7,
    select_related=(
        "trigger_scenario",
        "trigger_attribute__entity",
        "trigger_outcome",
        "sending_system",
    ),
)


def requirements_context(project: Project) -> dict[str, Any]:
    """Everything the page shows, in a fixed number of queries."""
    return {
        "reports": list(REPORT_KIND.queryset(project)),
        "automations": list(AUTOMATION_KIND.queryset(project)),
    }


@require_GET
def requirements_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk)
    context = {
        "project": access.project,
        "access": access,
        "nav": "requirements",
        "page_url": reverse("blueprint:requirements", args=[access.project.pk]),
        **requirements_context(access.project),
    }
    return render(request, PAGE, context)
