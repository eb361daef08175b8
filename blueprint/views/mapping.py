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


def entity_summaries(project: Any) -> list[Entity]:
    """Every entity with its counts and the anchors inside its card (for deep links),
    in three queries."""
    entities = list(
        Entity.objects.filter(project=project)
        .annotate(n_attributes=Count("attributes", distinct=True))
        .annotate(n_copies=Count("copies", distinct=True))
        .order_by("name", "pk")
    )
    anchors: dict[int, list[str]] = defaultdict(list)
    for key, entity_id in Attribute.objects.filter(project=project).values_list("pk", "entity_id"):
        anchors[entity_id].append(f"attribute-{key}")
    for key, entity_id in EntityCopy.objects.filter(project=project).values_list("pk", "entity_id"):
        anchors[entity_id].append(f"copy-{key}")
    for entity in entities:
        entity.anchors = " ".join([f"identity-{entity.pk}", *anchors[entity.pk]])
    return entities


@require_GET
def data_model_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk)
    project = access.project
    whole = request.GET.get("all") == "1" or (
        Entity.objects.filter(project=project).count() <= WHOLE_CARDS_UP_TO
    )
    context = {
        "project": project,
        "access": access,
        "nav": "data_model",
        "summaries": not whole,
        "entities": list(ENTITY_KIND.queryset(project)) if whole else entity_summaries(project),
        "relationships": list(RELATIONSHIP_KIND.queryset(project)),
        "outcomes": list(OUTCOME_KIND.queryset(project)),
        "has_systems": project.systems.exists(),
    }
    return render(request, DATA_MODEL, context)
