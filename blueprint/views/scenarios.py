"""Artifact 1, business scenarios: five categories of stories, journeys step by step."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from blueprint.access import get_project_for
from blueprint.forms.scenarios import JourneyStepForm, NotApplicableForm, ScenarioForm
from blueprint.items import page_kinds
from blueprint.models import Category, CategoryNotApplicable, JourneyStep, Project, Scenario
from blueprint.models.scenarios import CATEGORY_HINTS
from blueprint.views.tails import Tail, first_and_tail
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
    tail: Tail | None = None  # the rest of a long category (blueprint.views.tails)


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


# Up to this many scenarios the page shows every card whole; more show as summaries (title,
# category, steps) whose card loads when scrolled into view or linked to, so the page costs
# the same whatever the size of the blueprint (as the data-model page does).
WHOLE_CARDS_UP_TO = 20


def _step_anchors(project: Project) -> dict[int, list[str]]:
    anchors: dict[int, list[str]] = defaultdict(list)
    for key, scenario_id in JourneyStep.objects.filter(project=project).values_list(
        "pk", "scenario_id"
    ):
        anchors[scenario_id].append(f"step-{key}")
    return anchors


def _summarised(project: Project, category: str) -> QuerySet[Scenario]:
    return (
        Scenario.objects.filter(project=project, category=category)
        .annotate(n_steps=Count("steps", distinct=True))
        .order_by(*Scenario._meta.ordering)
    )


def scenario_summaries(project: Project, category: str) -> list[Scenario]:
    """Every scenario of a category with its step count and the step anchors inside its
    card (for deep links), in two queries."""
    anchors = _step_anchors(project)
    scenarios = list(_summarised(project, category))
    for scenario in scenarios:
        scenario.anchors = " ".join(anchors[scenario.pk])
    return scenarios


REST_PREFIX = "category-"


@require_GET
def scenarios_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk)
    project = access.project
    rest = request.GET.get("rest", "")
    if rest.startswith(REST_PREFIX) and rest[len(REST_PREFIX) :] in Category.values:
        items = scenario_summaries(project, rest[len(REST_PREFIX) :])
        context = {"project": project, "access": access, "items": items}
        return render(request, f"{SCENARIOS}#rest", context)
    whole = request.GET.get("all") == "1" or (
        Scenario.objects.filter(project=project).count() <= WHOLE_CARDS_UP_TO
    )
    not_applicable = list(NOT_APPLICABLE_KIND.queryset(project))
    if whole:
        sections = category_sections(list(SCENARIO_KIND.queryset(project)), not_applicable)
    else:
        # The first summaries of each category; the rest load when scrolled to.
        anchors = _step_anchors(project)
        sections = []
        for section in category_sections([], not_applicable):
            first, tail = first_and_tail(
                request,
                _summarised(project, section.category),
                keys=Scenario.objects.filter(project=project, category=section.category),
                part=f"{REST_PREFIX}{section.category}",
                prefix="scenario",
                inner=lambda: anchors,
            )
            for scenario in first:
                scenario.anchors = " ".join(anchors[scenario.pk])
            sections.append(replace(section, scenarios=first, tail=tail))
    context = {
        "project": project,
        "access": access,
        "nav": "scenarios",
        "sections": sections,
        "summaries": not whole,
    }
    return render(request, SCENARIOS, context)
