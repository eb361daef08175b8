"""Artifact 1, business scenarios: five categories of stories, journeys step by step."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from blueprint.access import get_project_for
from blueprint.forms.scenarios import JourneyStepForm, NotApplicableForm, ScenarioForm
from blueprint.items import page_kinds
from blueprint.models import Category, CategoryNotApplicable, JourneyStep, Scenario
from blueprint.models.scenarios import CATEGORY_HINTS
from blueprint.views.types import HtmxHttpRequest

SCENARIOS = "blueprint/scenarios.html"

# Steps in journey order, each with its system, so that cards and lists need no query.
STEPS_IN_ORDER = Prefetch(
    "steps", queryset=JourneyStep.objects.select_related("system").order_by("position", "pk")
)

page_kind = page_kinds(page="blueprint:scenarios", template=SCENARIOS, artifact="scenarios")

SCENARIO_KIND = page_kind(
    slug="scenario",
    model=Scenario,
    form_class=ScenarioForm,
    layout="card",
    prefetch_related=("systems", "entities", "attributes__entity", "outcomes", STEPS_IN_ORDER),
)

STEP_KIND = page_kind(
    slug="step",
    model=JourneyStep,
    form_class=JourneyStepForm,
    layout="card",
    parent_field="scenario",
    select_related=("system", "scenario"),
)

NOT_APPLICABLE_KIND = page_kind(
    slug="not-applicable",
    model=CategoryNotApplicable,
    form_class=NotApplicableForm,
    layout="card",
)


@dataclass(frozen=True)
class CategorySection:
    category: str
    label: str
    hint: str
    scenarios: list[Scenario]
    not_applicable: CategoryNotApplicable | None


def category_sections(
    scenarios: list[Scenario], not_applicable: list[CategoryNotApplicable]
) -> list[CategorySection]:
    """One section per category, in the order the workshop walks through them."""
    na_by_category = {na.category: na for na in not_applicable}
    return [
        CategorySection(
            category=category.value,
            label=category.label,
            hint=CATEGORY_HINTS[category],
            scenarios=[s for s in scenarios if s.category == category],
            not_applicable=na_by_category.get(category.value),
        )
        for category in Category
    ]


@require_GET
def scenarios_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk)
    project = access.project
    sections = category_sections(
        list(SCENARIO_KIND.queryset(project)), list(NOT_APPLICABLE_KIND.queryset(project))
    )
    context = {
        "project": project,
        "access": access,
        "nav": "scenarios",
        "sections": sections,
    }
    return render(request, SCENARIOS, context)
