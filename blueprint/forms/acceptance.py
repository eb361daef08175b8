"""The acceptance test of a scenario or an exception rule, in the people's words."""

from __future__ import annotations

from typing import Any

from django import forms

from blueprint.forms.base import ItemForm
from blueprint.models import ExceptionRule, Scenario

HELP = (
    "Gherkin: a “Feature:” line, then scenarios of Given / When / Then steps. Leave it empty "
    "to use the test generated from the blueprint, which follows every later change."
)


class _AcceptanceForm(ItemForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["acceptance_text"]
        field.label = "Acceptance test"
        field.help_text = HELP
        field.widget = forms.Textarea(
            attrs={"rows": 18, "spellcheck": "false", "class": "font-monospace"}
        )


class ScenarioAcceptanceForm(_AcceptanceForm):
    class Meta:
        model = Scenario
        fields = ["acceptance_text"]


class ExceptionAcceptanceForm(_AcceptanceForm):
    class Meta:
        model = ExceptionRule
        fields = ["acceptance_text"]
