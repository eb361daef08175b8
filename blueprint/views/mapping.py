"""Conceptual data mapping: entities (with identity, copies and attributes),
relationships, and outcomes with their reason codes."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from blueprint.access import get_project_for
from blueprint.forms.mapping import (
    AttributeForm,
    EntityCopyForm,
    EntityForm,
    IdentityForm,
    OutcomeForm,
    ReasonCodeForm,
    RelationshipForm,
)
from blueprint.items import page_kinds
from blueprint.models import Attribute, Entity, EntityCopy, Outcome, ReasonCode, Relationship
from blueprint.views.tails import first_and_tail
from blueprint.views.types import HtmxHttpRequest

DATA_MODEL = "blueprint/data_model.html"
PAGE = "blueprint:data_model"


def _attributes() -> Prefetch:
    # The attribute rows show their source of truth and both lists of systems.
    return Prefetch(
        "attributes",
        queryset=Attribute.objects.select_related("source_of_truth").prefetch_related(
            "display_systems", "update_systems"
        ),
    )


# An entity row is the whole card: header, identity, copies and attributes, so that a
# new or edited entity comes back with everything it shows.
ENTITY_PREFETCH = (
    Prefetch("copies", queryset=EntityCopy.objects.select_related("system")),
    _attributes(),
    Prefetch("identity_attributes", queryset=Attribute.objects.order_by("name", "pk")),
    "identifier_acceptors",
)

page_kind = page_kinds(page=PAGE, template=DATA_MODEL, artifact="mapping")

ENTITY_KIND = page_kind(
    slug="entity",
    model=Entity,
    form_class=EntityForm,
    layout="card",
    select_related=("home_system", "identifier_issuer"),
    prefetch_related=ENTITY_PREFETCH,
)

IDENTITY_KIND = page_kind(
    slug="identity",
    model=Entity,
    title="identity and keys",
    form_class=IdentityForm,
    layout="card",
    select_related=("identifier_issuer",),
    prefetch_related=(
        Prefetch("identity_attributes", queryset=Attribute.objects.order_by("name", "pk")),
        "identifier_acceptors",
    ),
)

COPY_KIND = page_kind(
    slug="copy",
    model=EntityCopy,
    form_class=EntityCopyForm,
    columns=3,
    parent_field="entity",
    select_related=("entity", "system"),
)

ATTRIBUTE_KIND = page_kind(
    slug="attribute",
    model=Attribute,
    form_class=AttributeForm,
    columns=6,
    parent_field="entity",
    select_related=("entity", "source_of_truth"),
    prefetch_related=("display_systems", "update_systems"),
)

RELATIONSHIP_KIND = page_kind(
    slug="relationship",
    model=Relationship,
    form_class=RelationshipForm,
    columns=5,
    select_related=("from_entity", "to_entity", "maintained_in"),
    prefetch_related=("synced_systems",),
)

OUTCOME_KIND = page_kind(
    slug="outcome",
    model=Outcome,
    form_class=OutcomeForm,
    layout="card",
    select_related=("entity", "recorded_in"),
    prefetch_related=(Prefetch("reasons", queryset=ReasonCode.objects.all()),),
)

REASON_KIND = page_kind(
    slug="reason",
    model=ReasonCode,
    form_class=ReasonCodeForm,
    columns=3,
    parent_field="outcome",
    select_related=("outcome",),
)


# Up to this many entities the page shows every card whole; a bigger data model shows
# each entity as a summary (name, kind, counts) whose card loads when it is scrolled into
# view or linked to, so the page costs the same whatever the size of the blueprint.
WHOLE_CARDS_UP_TO = 15


def _inside_entities(project: Any) -> dict[int, list[str]]:
    """The anchors inside each entity's card (identity, attributes, copies), by entity."""
    anchors: dict[int, list[str]] = defaultdict(list)
    for key in Entity.objects.filter(project=project).values_list("pk", flat=True):
        anchors[key].append(f"identity-{key}")
    for key, entity_id in Attribute.objects.filter(project=project).values_list("pk", "entity_id"):
        anchors[entity_id].append(f"attribute-{key}")
    for key, entity_id in EntityCopy.objects.filter(project=project).values_list("pk", "entity_id"):
        anchors[entity_id].append(f"copy-{key}")
    return anchors


def _summarised(project: Any) -> Any:
    return (
        Entity.objects.filter(project=project)
        .annotate(n_attributes=Count("attributes", distinct=True))
        .annotate(n_copies=Count("copies", distinct=True))
        .order_by("name", "pk")
    )


def entity_summaries(project: Any) -> list[Entity]:
    """Every entity with its counts and the anchors inside its card (for deep links)."""
    inside = _inside_entities(project)
    entities = list(_summarised(project))
    for entity in entities:
        entity.anchors = " ".join(inside[entity.pk])
    return entities


# The lists of the page that can be asked for whole (?rest=<list>), by the placeholder
# that stands for the rest of them.
REST_PARTS = ("entities", "relationships", "outcomes")


@require_GET
def data_model_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk)
    project = access.project
    rest = request.GET.get("rest")
    if rest in REST_PARTS:
        return _data_model_rest(request, access, rest)
    whole = request.GET.get("all") == "1"
    summaries = not whole and (Entity.objects.filter(project=project).count() > WHOLE_CARDS_UP_TO)
    context: dict[str, Any] = {
        "project": project,
        "access": access,
        "nav": "data_model",
        "summaries": summaries,
        "has_systems": project.systems.exists(),
        "entity_count": 0,
    }
    if whole:
        context["entities"] = list(ENTITY_KIND.queryset(project))
        context["relationships"] = list(RELATIONSHIP_KIND.queryset(project))
        context["outcomes"] = list(OUTCOME_KIND.queryset(project))
        return render(request, DATA_MODEL, context)
    # The first items of each list; the rest load when scrolled to (blueprint.views.tails).
    if summaries:
        inside = _inside_entities(project)
        entities, context["entities_tail"] = first_and_tail(
            request,
            _summarised(project),
            keys=Entity.objects.filter(project=project).order_by("name", "pk"),
            part="entities",
            prefix="entity",
            inner=lambda: inside,
        )
        for entity in entities:
            entity.anchors = " ".join(inside[entity.pk])
        context["entity_count"] = len(inside)
    else:
        entities = list(ENTITY_KIND.queryset(project))
    context["entities"] = entities
    context["relationships"], context["relationships_tail"] = first_and_tail(
        request, RELATIONSHIP_KIND.queryset(project), part="relationships", prefix="relationship"
    )

    def reasons() -> dict[int, list[str]]:  # the reason codes inside the outcomes
        inside: dict[int, list[str]] = defaultdict(list)
        codes = ReasonCode.objects.filter(project=project).values_list("pk", "outcome_id")
        for key, outcome_id in codes:
            inside[outcome_id].append(f"reason-{key}")
        return inside

    context["outcomes"], context["outcomes_tail"] = first_and_tail(
        request, OUTCOME_KIND.queryset(project), part="outcomes", prefix="outcome", inner=reasons
    )
    return render(request, DATA_MODEL, context)


def _data_model_rest(request: HtmxHttpRequest, access: Any, part: str) -> HttpResponse:
    """One whole list of the page, for the placeholder of its rest (the browser keeps the
    rows it shows already)."""
    project = access.project
    if part == "entities":
        items = entity_summaries(project)
    elif part == "relationships":
        items = list(RELATIONSHIP_KIND.queryset(project))
    else:
        items = list(OUTCOME_KIND.queryset(project))
    context = {"project": project, "access": access, "rest_part": part, "items": items}
    return render(request, f"{DATA_MODEL}#rest", context)
