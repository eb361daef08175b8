"""Forms for the conceptual data mapping: entities, identity, copies, attributes,
relationships, outcomes and their reason codes."""

from __future__ import annotations

from typing import Any

from django import forms

from blueprint.forms.base import ItemForm
from blueprint.models import Attribute, Entity, EntityCopy, Outcome, ReasonCode, Relationship

HISTORY_DECISION_REQUIRED = (
    "Choose what happens to historical data: overwrite it from the source of truth, "
    "clean it up by hand, or accept unsynchronised history."
)
HOME_ALREADY_A_COPY = (
    "{entity} already has a copy in {system}. Remove that copy first, or choose another "
    "home system."
)
IDENTITY_NEEDS_ENTITY = "Identity and keys belong to an entity: add the entity first."
IDENTITY_OTHER_ENTITY = "Choose from this entity's own attributes."
COPY_IS_HOME = "{system} is the home system of {entity}; a copy is kept in another system."
ATTRIBUTE_IN_IDENTITY = (
    "This attribute is part of the identity of {entity}. Take it out of the identity "
    "before moving it to another entity."
)


def _textarea(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class EntityForm(ItemForm):
    class Meta:
        model = Entity
        fields = [
            "name",
            "kind",
            "home_system",
            "sync_state",
            "history_decision",
            "link_method",
            "description",
        ]
        widgets = {"link_method": _textarea(), "description": _textarea()}
        help_texts = {
            "name": "A “thing” in your world: contact, company, deal, loan, order, product…",
            "home_system": "Which system is the primary home of these records?",
            "link_method": "How do you link records between systems: an ID, or a combination "
            "of fields? e.g. the CRM account ID is stored on the ERP customer.",
            "sync_state": "Is the data actually kept in step today? Kept in step by hand is "
            "not synchronised.",
            "history_decision": "If it is not synchronised today: what happens to the "
            "records already in the systems?",
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        sync_state = cleaned.get("sync_state")
        if sync_state == Entity.SyncState.SYNCHRONISED:
            # Nothing historical to decide about: a stale decision would only mislead.
            cleaned["history_decision"] = ""
        elif sync_state and not cleaned.get("history_decision"):
            self.add_error("history_decision", HISTORY_DECISION_REQUIRED)
        home = cleaned.get("home_system")
        if (
            home is not None
            and self.instance.pk
            and EntityCopy.objects.filter(entity=self.instance, system=home).exists()
        ):
            name = cleaned.get("name") or self.instance.name
            self.add_error("home_system", HOME_ALREADY_A_COPY.format(entity=name, system=home))
        return cleaned


class _AttributeChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class IdentityForm(ItemForm):
    """Identity and keys of one entity: the same row as the entity, edited on its own."""

    identity_attributes = _AttributeChoice(
        queryset=Attribute.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Attributes that make up identity",
        help_text="Which fields tell you two records are the same real-world thing: email, "
        "phone, document number, external ID, or a combination?",
    )

    class Meta:
        model = Entity
        fields = [
            "identity_attributes",
            "duplicate_rule",
            "identifier_issuer",
            "identifier_acceptors",
        ]
        widgets = {
            "duplicate_rule": _textarea(),
            "identifier_acceptors": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "duplicate_rule": "How are duplicates and conflicts handled? e.g. the emails match "
            "but the names do not.",
            "identifier_issuer": "Which system creates new identifiers?",
            "identifier_acceptors": "Which systems must accept those identifiers?",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["identity_attributes"]
        if self.instance.pk:
            field.queryset = Attribute.objects.filter(
                project=self.project, entity=self.instance
            ).order_by("name", "pk")
        else:
            field.queryset = Attribute.objects.none()
        field.error_messages["invalid_choice"] = IDENTITY_OTHER_ENTITY
        if not field.queryset.exists():
            field.help_text += " Add the entity's attributes first; they appear here."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.instance.pk:
            raise forms.ValidationError(IDENTITY_NEEDS_ENTITY)
        offered = self.fields["identity_attributes"].queryset
        if "identity_attributes" in self.errors and not offered.exists():
            # A checkbox list without choices has nowhere to show its error.
            raise forms.ValidationError(IDENTITY_OTHER_ENTITY)
        return cleaned


class EntityCopyForm(ItemForm):
    class Meta:
        model = EntityCopy
        fields = ["entity", "system", "reason"]
        widgets = {"reason": _textarea()}
        labels = {"system": "System that keeps a copy"}
        help_texts = {"reason": "Why does this system need a copy? Who uses it there?"}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        entity = cleaned.get("entity")
        system = cleaned.get("system")
        if entity is None or system is None:
            return cleaned
        if entity.home_system_id == system.pk:
            self.add_error("system", COPY_IS_HOME.format(system=system, entity=entity))
        return cleaned


class AttributeForm(ItemForm):
    class Meta:
        model = Attribute
        fields = [
            "entity",
            "name",
            "kind",
            "source_of_truth",
            "description",
            "display_systems",
            "update_systems",
        ]
        widgets = {
            "description": _textarea(),
            "display_systems": forms.CheckboxSelectMultiple,
            "update_systems": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "name": "An attribute that must stay consistent: status, type, tier, a lifecycle "
            "date, an amount, an identifier…",
            "source_of_truth": "Which one system holds the most reliable value?",
            "display_systems": "Which other systems must display it?",
            "update_systems": "Where may people or automations change it?",
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        entity = cleaned.get("entity")
        name = (cleaned.get("name") or "").strip()
        if entity is None:
            return cleaned
        if name:
            cleaned["name"] = name
        moving = self.instance.pk and self.instance.entity_id != entity.pk
        if moving and self.instance.identifies.filter(pk=self.instance.entity_id).exists():
            self.add_error("entity", ATTRIBUTE_IN_IDENTITY.format(entity=self.instance.entity.name))
        return cleaned


class RelationshipForm(ItemForm):
    class Meta:
        model = Relationship
        fields = [
            "from_entity",
            "description",
            "to_entity",
            "maintained_in",
            "synced_systems",
            "change_behaviour",
        ]
        widgets = {
            "synced_systems": forms.CheckboxSelectMultiple,
            "change_behaviour": _textarea(),
        }
        labels = {"description": "relationship"}
        help_texts = {
            "description": "How they relate: “belongs to”, “is billed to”, “is owned by branch”.",
            "maintained_in": "Where is this relationship maintained and updated?",
            "synced_systems": "Which systems must keep it in sync?",
            "change_behaviour": "What happens when it changes in one system? e.g. a contact "
            "moves to another company.",
        }


class OutcomeForm(ItemForm):
    class Meta:
        model = Outcome
        fields = ["name", "polarity", "entity", "recorded_in", "sync_behaviour"]
        widgets = {"sync_behaviour": _textarea()}
        help_texts = {
            "entity": "Which record does the outcome belong to? e.g. deal, loan, subscription.",
            "recorded_in": "Where is the outcome recorded first?",
            "sync_behaviour": "How should it reach the other systems, and how quickly?",
        }

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()


class ReasonCodeForm(ItemForm):
    class Meta:
        model = ReasonCode
        fields = ["outcome", "code", "description"]
        help_texts = {
            "code": "Why it happened: pricing, timing, qualification, competition, product fit…",
        }

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()
