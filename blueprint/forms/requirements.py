"""Forms for artifact 4: the reports the integration must make possible, and automations."""

from __future__ import annotations

from typing import Any

from django import forms

from blueprint.forms.base import ItemForm
from blueprint.models import Automation, Report, ReportDimension, TimeWindow
from blueprint.models.requirements import TRIGGER_FIELDS

DIMENSION_REPORT_UNKNOWN = "This dimension's report is not part of this project."
TRIGGER_REQUIRED = "Choose the {what} that triggers it."
SENDING_SYSTEM_REQUIRED = "Choose the system that sends it or acts."


class ReportForm(ItemForm):
    time_windows = forms.MultipleChoiceField(
        label="Time windows",
        choices=TimeWindow.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Which periods does the business compare?",
    )

    class Meta:
        model = Report
        fields = ["name", "question", "measures", "time_windows", "custom_window", "audience"]
        widgets = {"question": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "question": "The business question in plain words, e.g. “Which campaigns bring "
            "deals that close, and how fast?”",
            "audience": "Who reads it and acts on it?",
        }

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_measures(self) -> str:
        parts = [m.strip() for m in self.cleaned_data["measures"].split(",")]
        return ", ".join(p for p in parts if p)

    def clean_time_windows(self) -> list[str]:
        chosen = set(self.cleaned_data["time_windows"])
        return [value for value in TimeWindow.values if value in chosen]


class ReportDimensionForm(ItemForm):
    class Meta:
        model = ReportDimension
        fields = ["report", "name", "attribute"]
        widgets = {"report": forms.HiddenInput}
        help_texts = {
            "name": "What the report is sliced by, e.g. source, campaign, product, region, owner.",
            "attribute": "Which attribute in the data mapping carries it? Leave empty if none "
            "does yet: readiness will flag it.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attribute = self.fields["attribute"]
        assert isinstance(attribute, forms.ModelChoiceField)
        attribute.queryset = attribute.queryset.select_related("entity")
        attribute.empty_label = "No attribute provides it yet"

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.has_error("report"):
            # The report is a hidden field: say so where the person can read it.
            self.add_error(None, DIMENSION_REPORT_UNKNOWN)
            return cleaned
        return cleaned


class AutomationForm(ItemForm):
    class Meta:
        model = Automation
        fields = [
            "name",
            "trigger_type",
            "trigger_scenario",
            "trigger_attribute",
            "trigger_outcome",
            "trigger_detail",
            "audience",
            "action",
            "description",
            "sending_system",
            "owner",
            "coordination",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "coordination": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "trigger_type": "What event starts it: a scenario, a change of an attribute, or an "
            "outcome such as won or churned?",
            "trigger_scenario": "When the trigger is a scenario.",
            "trigger_attribute": "When the trigger is an attribute change.",
            "trigger_outcome": "When the trigger is an outcome.",
            "audience": "Does it reach customers or internal people?",
            "description": "e.g. sends the welcome email, creates an onboarding task.",
            "owner": "The person or role who owns this automation.",
            "coordination": "How systems coordinate so nobody gets duplicate or conflicting "
            "messages, e.g. the marketing platform suppresses its own email.",
        }

    # Each trigger type shows the one select that names its trigger (TRIGGER_FIELDS).
    follows = ("trigger_type", {field: [value] for value, field in TRIGGER_FIELDS.items()})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attribute = self.fields["trigger_attribute"]
        assert isinstance(attribute, forms.ModelChoiceField)
        attribute.queryset = attribute.queryset.select_related("entity")
        sending = self.fields["sending_system"]
        sending.required = True
        sending.error_messages["required"] = SENDING_SYSTEM_REQUIRED

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        trigger_type = cleaned.get("trigger_type")
        for value, field in TRIGGER_FIELDS.items():
            if value != trigger_type:
                cleaned[field] = None
            elif cleaned.get(field) is None and not self.has_error(field):
                what = Automation.trigger_noun(value)
                self.add_error(field, TRIGGER_REQUIRED.format(what=what))
        return cleaned
