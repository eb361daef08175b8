"""Artifact 3: ownership, exception rules and guardrails, edited inline on one page."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from blueprint.access import get_project_for
from blueprint.forms.governance import ExceptionRuleForm, GuardrailForm, OwnershipRuleForm
from blueprint.items import page_kinds
from blueprint.models import ExceptionRule, Guardrail, OwnershipRule, Project, System
from blueprint.readiness import readiness_for_project
from blueprint.views.types import HtmxHttpRequest, page_render

PAGE = "blueprint/governance.html"

page_kind = page_kinds(page="blueprint:governance", template=PAGE, artifact="governance")

OWNERSHIP_KIND = page_kind(
    slug="ownership",
    model=OwnershipRule,
    form_class=OwnershipRuleForm,
    columns=4,
    select_related=("system",),
)

EXCEPTION_KIND = page_kind(
    slug="exception",
    model=ExceptionRule,
    form_class=ExceptionRuleForm,
    columns=5,
)

GUARDRAIL_KIND = page_kind(
    slug="guardrail",
    model=Guardrail,
    form_class=GuardrailForm,
    columns=5,
    select_related=("attribute__entity", "attribute__source_of_truth", "system"),
    prefetch_related=(
        Prefetch("forbidden_systems", queryset=System.objects.order_by("name", "pk")),
        Prefetch("protected_systems", queryset=System.objects.order_by("name", "pk")),
    ),
)

AREA_PROMPTS = {
    OwnershipRule.Area.DATA_STANDARDS: "Who decides what each field means and which values "
    "are allowed?",
    OwnershipRule.Area.SYSTEM_CONFIG: "Who may change each system's settings, fields and "
    "automations? One owner per system.",
    OwnershipRule.Area.INTEGRATION: "Who runs the integration layer itself and answers when "
    "it breaks?",
    OwnershipRule.Area.REPORTING: "Who says how the reports and dashboards are to be read?",
}

GAP_PARTIALS = {"ownership-gaps", "exception-gaps"}


def _ownership_groups(rules: list[OwnershipRule]) -> list[dict[str, Any]]:
    """Rules grouped by area, in the order the workshop discusses them."""
    return [
        {
            "area": area,
            "label": label,
            "prompt": AREA_PROMPTS[OwnershipRule.Area(area)],
            "rules": [r for r in rules if r.area == area],
        }
        for area, label in OwnershipRule.Area.choices
    ]


def governance_context(project: Project) -> dict[str, Any]:
    """Everything the page shows, in a fixed number of queries. What is still missing
    comes from readiness, so the hints and the readiness page never disagree."""
    rules = list(OWNERSHIP_KIND.queryset(project))
    exceptions = list(EXCEPTION_KIND.queryset(project))
    systems = list(System.objects.filter(project=project).order_by("name", "pk"))
    findings = readiness_for_project(project).findings
    unowned = {
        x.subject
        for x in findings
        if x.check == "governance.owner_missing" and x.subject is not None
    }
    uncovered = {x.subject for x in findings if x.check == "governance.exception_missing"}
    return {
        "ownership_groups": _ownership_groups(rules),
        "unowned_systems": [s for s in systems if s.pk in unowned],
        "exceptions": exceptions,
        "uncovered_situations": [
            (v, lbl) for v, lbl in ExceptionRule.Situation.choices if v in uncovered
        ],
        "guardrails": list(GUARDRAIL_KIND.queryset(project)),
        "has_systems": bool(systems),
    }


@require_GET
def governance_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk)
    context = {
        "project": access.project,
        "access": access,
        "nav": "governance",
        "page_url": reverse("blueprint:governance", args=[access.project.pk]),
        **governance_context(access.project),
    }
    # The hints refresh themselves after each change (hx-trigger="blueprint-changed").
    return page_render(request, PAGE, context, pieces=GAP_PARTIALS)
