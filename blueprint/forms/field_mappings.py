"""Forms for the field mapping sheet: one row of the sheet, and the filter bar."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator

from blueprint.forms.base import CROSS_PROJECT_CHOICE, ItemForm
from blueprint.models import Entity, FieldMapping, Project, System

SOURCE_FIELD_REQUIRED = "Write the field name as it appears in the source system."
TARGET_FIELD_REQUIRED = "Write the field name as it appears in the target system."

NOT_DECIDED = "— not decided yet —"
NO_ATTRIBUTE = "none"


class AttributesByEntity(ModelChoiceIterator):
    """Attribute options grouped under their entity, so a select of hundreds stays readable."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for entity_name, attributes in groupby(self.queryset, key=lambda a: a.entity.name):
            yield (entity_name, [self.choice(attribute) for attribute in attributes])


class AttributeChoiceField(forms.ModelChoiceField):
    iterator = AttributesByEntity

    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class AttributesChoiceField(forms.ModelMultipleChoiceField):
    """Several attributes, grouped under their entity."""

    iterator = AttributesByEntity

    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class FieldMappingForm(ItemForm):
    class Meta:
        model = FieldMapping
        fields = [
            "source_system",
            "source_field",
            "target_system",
            "target_field",
            "transformation",
            "required",
            "conflict_rule",
            "direction",
            "attribute",
            "scenarios",
        ]
        field_classes = {"attribute": AttributeChoiceField}
        labels = {
            "source_system": "Source system",
            "source_field": "Source field",
            "target_system": "Target system",
            "target_field": "Target field",
            "transformation": "Transformation rule",
            "required": "Required",
            "conflict_rule": "Conflict rule",
            "direction": "Sync direction",
            "attribute": "Attribute it carries",
        }
        help_texts = {
            "source_system": "Where does the value come from?",
            "source_field": "The field name exactly as the source system calls it, "
            "e.g. Lead_Status__c.",
            "target_system": "Where is the value written?",
            "target_field": "The field name in the target system. A field called “status” "
            "may mean something else there: check it with the business.",
            "transformation": "How the value changes on the way, e.g. “Closed Won becomes WON”, "
            "“trim and lower-case”, “convert to EUR at the booking date”. "
            "Leave it blank if it is copied as is.",
            "required": "The target cannot accept the record without this field.",
            "conflict_rule": "When both systems changed the value, which one wins?",
            "direction": "One-way: only from source to target. Bidirectional: changes in "
            "either system flow to the other.",
            "attribute": "The attribute of the data model this field carries, if any.",
            "scenarios": "The business scenarios that need this field. A scenario that moves "
            "the attribute between these two systems needs it anyway.",
        }
        widgets = {
            "transformation": forms.Textarea(attrs={"rows": 2}),
            "scenarios": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, project=project, **kwargs)
        self.fields["source_field"].required = True
        self.fields["source_field"].error_messages["required"] = SOURCE_FIELD_REQUIRED
        self.fields["target_field"].required = True
        self.fields["target_field"].error_messages["required"] = TARGET_FIELD_REQUIRED
        for name in ("conflict_rule", "direction"):
            choices = [c for c in self.fields[name].choices if c[0] != ""]
            self.fields[name].choices = [("", NOT_DECIDED), *choices]
        for name in ("source_system", "target_system"):
            self.fields[name].empty_label = "— choose a system —"
        attribute = self.fields["attribute"]
        attribute.queryset = attribute.queryset.select_related("entity")
        attribute.empty_label = "— no attribute —"


class MappingFilterForm(forms.Form):
    """The filter bar above the sheet. Unknown values are dropped, never an error page."""

    system = forms.ChoiceField(label="System", required=False)
    entity = forms.ChoiceField(label="Entity", required=False)
    q = forms.CharField(label="Search", required=False, max_length=200)
    incomplete = forms.BooleanField(label="Only rows with gaps", required=False)

    def __init__(
        self,
        *args: Any,
        systems: list[System],
        entities: list[Entity],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.systems = {str(s.pk): s for s in systems}
        self.entities = {str(e.pk): e for e in entities}
        self.fields["system"].choices = [
            ("", "All systems (source or target)"),
            *((pk, s.name) for pk, s in self.systems.items()),
        ]
        self.fields["entity"].choices = [
            ("", "All entities (of the attribute)"),
            (NO_ATTRIBUTE, "No attribute yet"),
            *((pk, e.name) for pk, e in self.entities.items()),
        ]
        self.fields["system"].widget.attrs.update(
            {"class": "form-select form-select-sm", "id": "mapping-system"}
        )
        self.fields["entity"].widget.attrs.update(
            {"class": "form-select form-select-sm", "id": "mapping-entity"}
        )
        self.fields["q"].widget = forms.TextInput(
            attrs={
                "type": "search",
                "class": "form-control form-control-sm",
                "id": "mapping-q",
                "placeholder": "Search field names and transformations",
            }
        )
        self.fields["incomplete"].widget.attrs.update(
            {"class": "form-check-input", "id": "mapping-incomplete"}
        )

    def filters(self) -> dict[str, Any]:
        """The valid filters, as objects: system, entity (or NO_ATTRIBUTE), text, gaps."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        entity = data.get("entity") or ""
        return {
            "system": self.systems.get(data.get("system") or ""),
            "entity": NO_ATTRIBUTE if entity == NO_ATTRIBUTE else self.entities.get(entity),
            "text": (data.get("q") or "").strip(),
            "incomplete": bool(data.get("incomplete")),
        }


KEEP_AS_IT_IS = "— keep as it is —"
BULK_NOTHING_TICKED = "Tick the rows to change first."
BULK_NOTHING_CHOSEN = "Choose a conflict rule or a sync direction to set."


class MappingBulkForm(forms.Form):
    """Set the conflict rule or direction of many mappings at once (the grid's ticked
    rows). Each row is then saved through `FieldMappingForm`, with its own checks."""

    ids = forms.ModelMultipleChoiceField(
        queryset=FieldMapping.objects.none(),
        error_messages={"required": BULK_NOTHING_TICKED, "invalid_choice": CROSS_PROJECT_CHOICE},
    )
    conflict_rule = forms.ChoiceField(
        label="Conflict rule",
        choices=[("", KEEP_AS_IT_IS), *FieldMapping.ConflictRule.choices],
        required=False,
    )
    direction = forms.ChoiceField(
        label="Sync direction",
        choices=[("", KEEP_AS_IT_IS), *FieldMapping.Direction.choices],
        required=False,
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, prefix="bulk", **kwargs)
        self.fields["ids"].queryset = FieldMapping.objects.filter(project=project)
        for name in ("conflict_rule", "direction"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm w-auto"
        # The ticked rows' checkboxes are in the grid, named "ids".
        self.fields["ids"].widget.attrs["form"] = "mapping-bulk"

    def add_prefix(self, field_name: str) -> str:
        # The checkboxes live in the grid's rows and are simply called "ids".
        return "ids" if field_name == "ids" else super().add_prefix(field_name)

    def full_clean(self) -> None:
        # An id that is not a number at all never reaches the database (where 30 digits
        # would overflow): it is refused like another project's.
        forged = False
        if self.is_bound and hasattr(self.data, "getlist"):
            ids = self.data.getlist("ids")
            kept = [i for i in ids if i.isascii() and i.isdigit() and len(i) <= 18]
            if len(kept) != len(ids):
                forged = True
                self.data = self.data.copy()
                self.data.setlist("ids", kept)
        super().full_clean()
        if forged and hasattr(self, "cleaned_data"):
            self.add_error("ids", CROSS_PROJECT_CHOICE)

    def changes(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name]
            for name in ("conflict_rule", "direction")
            if self.cleaned_data.get(name)
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not self.changes():
            raise forms.ValidationError(BULK_NOTHING_CHOSEN)
        return data
