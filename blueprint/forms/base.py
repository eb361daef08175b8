from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from blueprint.models import Project

CROSS_PROJECT_CHOICE = "Choose from this project's own items."


class ItemForm(forms.ModelForm):
    """A form for one blueprint item, with every choice limited to its project.

    A forged id from another project is not in the queryset, so Django refuses it at
    the field with “Select a valid choice”.
    """

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.instance.project = project
        if self.instance.pk and not self.is_bound:
            self.fields["revision"].initial = self.instance.revision
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                model = field.queryset.model
                if any(f.name == "project" for f in model._meta.get_fields()):
                    field.queryset = field.queryset.filter(project=project)
                field.error_messages["invalid_choice"] = CROSS_PROJECT_CHOICE
                if isinstance(field, forms.ModelMultipleChoiceField):
                    field.error_messages["invalid_choice"] = CROSS_PROJECT_CHOICE
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def submitted_revision(self) -> int | None:
        return self.cleaned_data.get("revision")
