"""Conceptual data mapping: entities (with identity, copies and attributes),
relationships, and outcomes with their reason codes."""

from __future__ import annotations

from django.db.models import Prefetch
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
from blueprint.items import ItemKind, register
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

ENTITY_KIND = register(
    ItemKind(
        slug="entity",
        label="Entity",
        model=Entity,
        form_class=EntityForm,
        template=DATA_MODEL,
        page=PAGE,
        artifact="mapping",
        layout="card",
        select_related=("home_system", "identifier_issuer"),
        prefetch_related=ENTITY_PREFETCH,
    )
)

IDENTITY_KIND = register(
    ItemKind(
        slug="identity",
        label="Identity and keys",
        model=Entity,
        title="identity and keys",
        form_class=IdentityForm,
        template=DATA_MODEL,
        page=PAGE,
        artifact="mapping",
        layout="card",
        select_related=("identifier_issuer",),
        prefetch_related=(
            Prefetch("identity_attributes", queryset=Attribute.objects.order_by("name", "pk")),
            "identifier_acceptors",
        ),
    )
)

COPY_KIND = register(
    ItemKind(
        slug="copy",
        label="Copy in another system",
        model=EntityCopy,
        form_class=EntityCopyForm,
        template=DATA_MODEL,
        page=PAGE,
        artifact="mapping",
        columns=3,
        parent_field="entity",
        select_related=("entity", "system"),
    )
)

ATTRIBUTE_KIND = register(
    ItemKind(
        slug="attribute",
        label="Attribute",
        model=Attribute,
        form_class=AttributeForm,
        template=DATA_MODEL,
        page=PAGE,
        artifact="mapping",
        columns=6,
        parent_field="entity",
        select_related=("entity", "source_of_truth"),
        prefetch_related=("display_systems", "update_systems"),
    )
)

RELATIONSHIP_KIND = register(
    ItemKind(
        slug="relationship",
        label="Relationship",
        model=Relationship,
        form_class=RelationshipForm,
        template=DATA_MODEL,
        page=PAGE,
        artifact="mapping",
        columns=5,
        select_related=("from_entity", "to_entity", "maintained_in"),
        prefetch_related=("synced_systems",),
    )
)

OUTCOME_KIND = register(
    ItemKind(
        slug="outcome",
        label="Outcome",
        model=Outcome,
        form_class=OutcomeForm,
        template=DATA_MODEL,
        page=PAGE,
        artifact="mapping",
        layout="card",
        select_related=("entity", "recorded_in"),
        prefetch_related=(Prefetch("reasons", queryset=ReasonCode.objects.all()),),
    )
)

REASON_KIND = register(
    ItemKind(
        slug="reason",
        label="Reason code",
        model=ReasonCode,
        form_class=ReasonCodeForm,
        template=DATA_MODEL,
        page=PAGE,
        artifact="mapping",
        columns=3,
        parent_field="outcome",
        select_related=("outcome",),
    )
)


@require_GET
def data_model_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk)
    project = access.project
    context = {
        "project": project,
        "access": access,
        "nav": "data_model",
        "entities": list(ENTITY_KIND.queryset(project)),
        "relationships": list(RELATIONSHIP_KIND.queryset(project)),
        "outcomes": list(OUTCOME_KIND.queryset(project)),
        "has_systems": project.systems.exists(),
    }
    return render(request, DATA_MODEL, context)
