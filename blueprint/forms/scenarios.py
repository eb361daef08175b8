"""Forms for business scenarios, their journey steps, and categories that do not apply."""

from __future__ import annotations

from typing import Any

from django import forms

from blueprint.forms.base import ItemForm
from blueprint.forms.field_mappings import AttributesChoiceField
from blueprint.models import (
    CATEGORY_QUESTIONS,
    Attribute,
    Category,
    CategoryNotApplicable,
    JourneyStep,
    Scenario,
)

CATEGORY_UNKNOWN = "Choose one of the five scenario categories."
STEP_NOT_JOURNEY = "Steps belong to multi-system journeys only; “{title}” is not a journey."
REASON_REQUIRED = (
    "Say why this category does not apply: silence is not the same as “does not apply”."
)

NO_SYSTEMS_YET = "This project has no systems yet: add them on the Overview page first."

ANSWER_PREFIX = "answer_"


def _category_of(form: forms.ModelForm, field: str = "category") -> str:
    """The category the form is about: fixed by the instance, else posted, else initial."""
    if form.instance.pk:
        return str(getattr(form.instance, field))
    if form.is_bound:
        return str(form.data.get(form.add_prefix(field), ""))
    return str(form.initial.get(field, ""))


def _surface_hidden_errors(form: forms.Form) -> None:
    """Show errors of hidden fields at the top of the form, where people can see them."""
    for name, field in form.fields.items():
        if name in form.errors and field.widget.is_hidden and name != "revision":
            for error in form.errors[name]:
                if error not in form.non_field_errors():
                    form.add_error(None, error)


class ScenarioForm(ItemForm):
    category = forms.CharField(widget=forms.HiddenInput, required=False)
    # Scenario.attributes under another name: a form control called "attributes" would
    # hide the form element's own `attributes` from scripts (htmx reads it on every swap).
    moved_attributes = AttributesChoiceField(
        queryset=Attribute.objects.none(),
        required=False,
        label="Attributes it moves",
        help_text="The values that must travel for the scenario to work. Hold Ctrl "
        "(⌘ on a Mac) to choose several.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Scenario
        fields = [
            "category",
            "title",
            "narrative",
            "systems",
            "entities",
            "moved_attributes",
            "outcomes",
        ]
        labels = {
            "narrative": "The story in plain language",
            "systems": "Systems involved",
            "entities": "Entities it moves",
            "outcomes": "Outcomes it produces",
        }
        help_texts = {
            "narrative": "Tell it as it happens: who does what, in which system, what comes next.",
            "systems": "Every system the record passes through or that must hear about it.",
            "entities": "The records this scenario creates, changes or passes on.",
            "outcomes": "Closed won, cancelled, paid...: what the scenario ends in.",
        }
        widgets = {
            "narrative": forms.Textarea(attrs={"rows": 3}),
            "systems": forms.CheckboxSelectMultiple,
            "entities": forms.CheckboxSelectMultiple,
            "outcomes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A scenario's questions depend on its category, so it stays where it was made.
            self.fields["category"].disabled = True
        category = _category_of(self)
        if category in CATEGORY_QUESTIONS:
            self.fields[
                "title"
            ].help_text = f"A short name for this “{Category(category).label.lower()}” story."
        if not self.fields["systems"].queryset.exists():
            self.fields["systems"].help_text = NO_SYSTEMS_YET
        attributes = self.fields["moved_attributes"]
        attributes.queryset = (
            Attribute.objects.filter(project=self.project)
            .select_related("entity")
            .order_by("entity__name", "name", "pk")
        )
        if self.instance.pk and not self.is_bound:
            attributes.initial = list(self.instance.attributes.values_list("pk", flat=True))
        if self.instance.pk and not self.is_bound:
            self._suggest()
        answers = self.instance.answers or {}
        for key, question in CATEGORY_QUESTIONS.get(category, []):
            self.fields[f"{ANSWER_PREFIX}{key}"] = forms.CharField(
                label=question,
                required=False,
                initial=answers.get(key, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def _suggest(self) -> None:
        """Name what the scenario probably moves and produces (blueprint.trace) under
        each list."""
        from blueprint.document import document_load
        from blueprint.trace import trace_suggestions

        doc = document_load(self.project)
        scenario = doc.get("scenarios", self.instance.pk)
        if scenario is None:
            return
        suggested = trace_suggestions(doc, scenario)
        for name, section, keys in (
            ("entities", "entities", suggested.entity_ids),
            ("moved_attributes", "attributes", suggested.attribute_ids),
            ("outcomes", "outcomes", suggested.outcome_ids),
        ):
            if not keys:
                continue
            field = self.fields[name]
            listed = ", ".join(doc.name_of(section, k) for k in keys[:12])
            more = f" and {len(keys) - 12} more" if len(keys) > 12 else ""
            field.help_text = (
                f"{field.help_text} Suggested from its words and systems: {listed}{more}."
            )
            # app.js offers a button that ticks them (the people still decide).
            field.widget.attrs["data-suggested"] = " ".join(str(k) for k in keys)

    def _save_m2m(self) -> None:
        super()._save_m2m()
        self.instance.attributes.set(self.cleaned_data.get("moved_attributes") or [])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        category = cleaned.get("category")
        if category not in CATEGORY_QUESTIONS:
            self.add_error(None, CATEGORY_UNKNOWN)
            return cleaned
        # The answers are stored as one {question key: text} document on the scenario.
        self.instance.answers = {
            key: text
            for key, _ in CATEGORY_QUESTIONS[category]
            if (text := (cleaned.get(f"{ANSWER_PREFIX}{key}") or "").strip())
        }
        return cleaned


class JourneyStepForm(ItemForm):
    class Meta:
        model = JourneyStep
        fields = ["scenario", "system", "description", "actor"]
        labels = {"system": "System", "description": "What happens", "actor": "Who acts"}
        help_texts = {
            "system": "Where this step takes place.",
            "description": "One step of the journey, e.g. “Sales rep qualifies the lead”.",
        }
        widgets = {"scenario": forms.HiddenInput, "actor": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Moving a step to another journey would scramble both orders.
            self.fields["scenario"].disabled = True

    def clean_scenario(self) -> Scenario:
        scenario = self.cleaned_data["scenario"]
        if scenario.category != Category.JOURNEY:
            raise forms.ValidationError(STEP_NOT_JOURNEY.format(title=scenario.title))
        return scenario

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        _surface_hidden_errors(self)
        return cleaned


CATEGORY_HAS_SCENARIOS = (
    "“{category}” already has scenarios ({titles}): it does apply. Delete them first if "
    "it really does not."
)


class NotApplicableForm(ItemForm):
    category = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CategoryNotApplicable
        fields = ["category", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"reason": {"required": REASON_REQUIRED}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["category"].disabled = True
        category = _category_of(self)
        if category in CATEGORY_QUESTIONS:
            label = Category(category).label
            self.fields["reason"].label = f"Why does “{label}” not apply to this project?"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        category = cleaned.get("category")
        if category not in CATEGORY_QUESTIONS:
            self.add_error(None, CATEGORY_UNKNOWN)
            return cleaned
        described = list(
            Scenario.objects.filter(project=self.project, category=category).values_list(
                "title", flat=True
            )[:5]
        )
        if described and not self.instance.pk:
            self.add_error(
                "reason",
                CATEGORY_HAS_SCENARIOS.format(
                    category=Category(category).label,
                    titles=", ".join(f"“{t}”" for t in described),
                ),
            )
        return cleaned
