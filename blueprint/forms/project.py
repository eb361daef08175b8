from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from accounts.models import User
from blueprint.document import Document, DocumentFormatError, document_from_json
from blueprint.forms.base import ItemForm
from blueprint.interchange.templates import template_get, templates_list
from blueprint.models import Membership, Project, Role, System
from blueprint.rules import document_problems

MEMBER_INACTIVE = "This person's account is switched off; an administrator can turn it on."
MEMBER_ALREADY = "{name} is already a member of this project."
FILE_NEEDED = "Choose the blueprint JSON file to import."
FILE_TOO_BIG = "This file is larger than 10 MB; a blueprint export is much smaller."
FILE_UNREADABLE = "This is not a blueprint export: {error}"
NAME_NEEDED = "Give the project a name."
MORE_PROBLEMS = "… and {count} more problem(s) like these."
MAX_LISTED_PROBLEMS = 25
MAX_IMPORT_BYTES = 10 * 1024 * 1024


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "summary", "business_question"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ProjectNewForm(ProjectForm):
    """A new project: blank, from a template, or from a blueprint JSON export."""

    start = forms.ChoiceField(
        label="Start from", widget=forms.RadioSelect, initial="blank", required=False
    )
    blueprint_file = forms.FileField(
        label="Blueprint JSON file",
        required=False,
        help_text="A file exported from this app (Export JSON on a project's overview).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("blank", "A blank blueprint")]
        choices += [(f"template:{t.slug}", f"Template: {t.name}") for t in templates_list()]
        choices.append(("file", "A blueprint JSON file exported from this app"))
        self.fields["start"].choices = choices
        self.fields["name"].required = False
        self.fields["name"].help_text = "Leave empty to use the template's or file's name."
        self.document: Document | None = None

    def clean_blueprint_file(self) -> Any:
        upload = self.cleaned_data.get("blueprint_file")
        if upload is not None and upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(FILE_TOO_BIG)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start = cleaned.get("start") or "blank"
        if start == "file":
            upload = cleaned.get("blueprint_file")
            if upload is None:
                if "blueprint_file" not in self.errors:
                    self.add_error("blueprint_file", FILE_NEEDED)
            else:
                try:
                    self.document = document_from_json(upload.read())
                except DocumentFormatError as exc:
                    self._refuse([FILE_UNREADABLE.format(error=m) for m in exc.messages])
                else:
                    self._refuse_broken_rules(self.document)
        elif start.startswith("template:"):
            template = template_get(start.removeprefix("template:"))
            if template is None:
                self.add_error("start", "This template no longer exists.")
            else:
                self.document = template.document()
        if start == "blank" and not (cleaned.get("name") or "").strip():
            self.add_error("name", NAME_NEEDED)
        return cleaned

    def _refuse_broken_rules(self, doc: Document) -> None:
        """Every storage rule the file breaks, one message each, at the file field."""
        problems = document_problems(doc)
        if problems:
            self._refuse([p.describe(doc) for p in problems])

    def _refuse(self, messages: list[str]) -> None:
        self.document = None
        for message in messages[:MAX_LISTED_PROBLEMS]:
            self.add_error("blueprint_file", message)
        if len(messages) > MAX_LISTED_PROBLEMS:
            extra = len(messages) - MAX_LISTED_PROBLEMS
            self.add_error("blueprint_file", MORE_PROBLEMS.format(count=extra))


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


class MemberAddForm(forms.Form):
    email = forms.EmailField(
        label="Email of the person",
        help_text="Someone without an account here gets an invitation by email.",
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.CONTRIBUTOR)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.account: User | None = None
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        self.account = User.objects.filter(email__iexact=email, is_active=True).first()
        if self.account is None and User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(MEMBER_INACTIVE)
        if (
            self.account is not None
            and Membership.objects.filter(project=self.project, user=self.account).exists()
        ):
            raise forms.ValidationError(MEMBER_ALREADY.format(name=self.account))
        return email


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
