"""Forms for artifact 3: who owns what, what happens to bad data, and the guardrails."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crispy_forms.layout import Div, Fieldset, Layout
from django import forms

from blueprint.forms.base import ItemForm
from blueprint.models import ExceptionRule, Guardrail, OwnershipRule, System
from blueprint.models.governance import GUARDRAIL_MAY, GUARDRAIL_NEEDS

OWNER_SYSTEM_REQUIRED = "Choose the system whose configuration this person or role owns."
OWNER_MISSING = "Name the owner: a person, a role written out, or both."

SITUATION_OTHER_REQUIRED = "Describe the situation in a few words."
RETRY_POLICY_REQUIRED = "Say how often and how far apart it retries, and what happens after."
MANUAL_OWNER_REQUIRED = "Say who handles it by hand: a person or a role."
# Crispy renders a fieldset legend as HTML; Bootstrap's legend size is too loud in a row form.
AUTOMATIC_HEADING = '<span class="fs-6 fw-semibold">What happens automatically</span>'

GUARDRAIL_ATTRIBUTE_REQUIRED = "Choose the attribute this guardrail protects."
GUARDRAIL_SYSTEM_REQUIRED = "Choose the one system where it may change."
GUARDRAIL_DATA_REQUIRED = "Say which data must stay out, e.g. “card numbers and health data”."
GUARDRAIL_FORBIDDEN_REQUIRED = "Tick at least one system this data must not cross into."
GUARDRAIL_NO_SYSTEMS = "This project has no systems yet: add them on the overview first."

# What the form says at a field a guardrail's kind needs (GUARDRAIL_NEEDS) left empty.
GUARDRAIL_REQUIRED: dict[str, str] = {
    "attribute": GUARDRAIL_ATTRIBUTE_REQUIRED,
    "system": GUARDRAIL_SYSTEM_REQUIRED,
    "data_description": GUARDRAIL_DATA_REQUIRED,
    "forbidden_systems": GUARDRAIL_FORBIDDEN_REQUIRED,
}
GUARDRAIL_EMPTY: dict[str, Callable[[], Any]] = {
    "attribute": lambda: None,
    "system": lambda: None,
    "data_description": str,
    "forbidden_systems": System.objects.none,
    "protected_systems": System.objects.none,
}


class OwnershipRuleForm(ItemForm):
    class Meta:
        model = OwnershipRule
        fields = ["area", "system", "owner_name", "owner_role", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "area": "What is owned: the data standards, one system's configuration, the "
            "integration layer, or how reports are read.",
            "system": "Only for the configuration of a system: which one?",
        }

    def clean_owner_name(self) -> str:
        return self.cleaned_data["owner_name"].strip()

    def clean_owner_role(self) -> str:
        return self.cleaned_data["owner_role"].strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        area = cleaned.get("area")
        system = cleaned.get("system")
        if area == OwnershipRule.Area.SYSTEM_CONFIG:
            if system is None and not self.has_error("system"):
                self.add_error("system", OWNER_SYSTEM_REQUIRED)
        else:
            cleaned["system"] = None
            system = None
        if not cleaned.get("owner_name") and not cleaned.get("owner_role"):
            self.add_error("owner_name", OWNER_MISSING)
        return cleaned


class ExceptionRuleForm(ItemForm):
    class Meta:
        model = ExceptionRule
        fields = [
            "situation",
            "situation_other",
            "auto_log",
            "auto_alert",
            "auto_review_queue",
            "auto_retry",
            "retry_policy",
            "auto_fail",
            "manual_handling",
            "manual_owner",
            "tracking",
            "scenarios",
        ]
        widgets = {
            "manual_handling": forms.Textarea(attrs={"rows": 2}),
            "tracking": forms.Textarea(attrs={"rows": 2}),
            "scenarios": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "situation": "Which bad-data situation does this rule cover?",
            "situation_other": "Only when the situation is “Other”.",
            "auto_fail": "On its own this is not an answer: say what happens next.",
            "manual_handling": "What does a person do, e.g. match the record by hand in the CRM?",
            "tracking": "Where exceptions are listed, and who reviews them how often.",
            "scenarios": "The business scenarios where this situation can happen: its "
            "acceptance tests run in them.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            "situation",
            "situation_other",
            Fieldset(
                AUTOMATIC_HEADING,
                Div(
                    "auto_log",
                    "auto_alert",
                    "auto_review_queue",
                    "auto_retry",
                    "auto_fail",
                    css_class="d-flex flex-wrap column-gap-4",
                ),
                "retry_policy",
                css_class="border rounded px-3 pt-2 mb-3 bg-white",
            ),
            "manual_handling",
            "manual_owner",
            "tracking",
            "scenarios",
            "revision",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("situation") == ExceptionRule.Situation.OTHER:
            if not cleaned.get("situation_other", "").strip():
                self.add_error("situation_other", SITUATION_OTHER_REQUIRED)
        elif "situation_other" in cleaned:
            cleaned["situation_other"] = ""
        if cleaned.get("auto_retry"):
            if not cleaned.get("retry_policy", "").strip():
                self.add_error("retry_policy", RETRY_POLICY_REQUIRED)
        elif "retry_policy" in cleaned:
            cleaned["retry_policy"] = ""
        if (
            cleaned.get("manual_handling", "").strip()
            and not cleaned.get("manual_owner", "").strip()
        ):
            self.add_error("manual_owner", MANUAL_OWNER_REQUIRED)
        return cleaned


class GuardrailForm(ItemForm):
    class Meta:
        model = Guardrail
        fields = [
            "kind",
            "attribute",
            "system",
            "protected_systems",
            "data_description",
            "forbidden_systems",
            "rationale",
        ]
        widgets = {
            "forbidden_systems": forms.CheckboxSelectMultiple,
            "protected_systems": forms.CheckboxSelectMultiple,
            "rationale": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "kind": "A field never to overwrite, a stage that changes in one system only, or "
            "data that must stay out of some systems.",
            "attribute": "For “never overwrite” and “one system only”: which attribute?",
            "system": "For “one system only”: where may it change?",
            "protected_systems": "For “never overwrite”: in which systems? None ticked means "
            "its source of truth; a read-only copy elsewhere may still be kept current.",
            "forbidden_systems": "For data that must not cross: which systems must never get it?",
            "rationale": "Why: the regulation, contract or business reason.",
        }

    # Each kind shows what it needs or may say (GUARDRAIL_NEEDS, GUARDRAIL_MAY).
    follows = (
        "kind",
        {
            field: [
                kind
                for kind in Guardrail.Kind.values
                if field in (*GUARDRAIL_NEEDS.get(kind, ()), *GUARDRAIL_MAY.get(kind, ()))
            ]
            for field in GUARDRAIL_EMPTY
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attribute = self.fields["attribute"]
        assert isinstance(attribute, forms.ModelChoiceField)
        # The row a save answers with names the attribute's source of truth.
        attribute.queryset = attribute.queryset.select_related("entity", "source_of_truth")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind is None:
            return cleaned
        keeps = {*GUARDRAIL_NEEDS.get(kind, ()), *GUARDRAIL_MAY.get(kind, ())}
        for field in Guardrail.unanswered(kind, cleaned.get, lambda text: not text.strip()):
            if not self.has_error(field):
                self.add_error(field, GUARDRAIL_REQUIRED[field])
        if self.has_error("forbidden_systems") and not self._project_has_systems():
            # With no checkbox to show, the field's own error would not be seen.
            self.add_error(None, GUARDRAIL_NO_SYSTEMS)
        # What does not apply to this kind is emptied, so no stale value lingers.
        for field, empty in GUARDRAIL_EMPTY.items():
            if field not in keeps:
                cleaned[field] = empty()
        return cleaned

    def _project_has_systems(self) -> bool:
        return System.objects.filter(project=self.project).exists()
