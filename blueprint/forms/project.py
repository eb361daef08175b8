from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from accounts.models import User
from blueprint.forms.base import ItemForm
from blueprint.models import Membership, Project, Role, System

SYSTEM_NAME_TAKEN = "This project already has a system called “{name}”."
MEMBER_UNKNOWN = "Nobody with this email address has an account yet."
MEMBER_ALREADY = "{name} is already a member of this project."


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "summary", "business_question"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class SystemForm(ItemForm):
    class Meta:
        model = System
        fields = [
            "name",
            "kind",
            "description",
            "api_maturity",
            "api_documentation",
            "test_environment",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = System.objects.filter(project=self.project, name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(SYSTEM_NAME_TAKEN.format(name=name))
        return name


class MemberAddForm(forms.Form):
    email = forms.EmailField(label="Email of the person")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.CONTRIBUTOR)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(MEMBER_UNKNOWN)
        if Membership.objects.filter(project=self.project, user=user).exists():
            raise forms.ValidationError(MEMBER_ALREADY.format(name=user))
        return user


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
