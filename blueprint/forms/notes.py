"""Forms of the questions-and-decisions page: the list's filters, a new note, an answer,
and a decision on a proposed change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import QueryDict

from blueprint.document import SECTION_BY_NAME, Document, label_of
from blueprint.forms.base import ItemForm
from blueprint.models import Note, Role
from blueprint.notes import APPLIES, EMPTY
from blueprint.rules import note_targets

PEOPLE_LIST = "note-people"
ABOUT_PROJECT = "project"  # the `?about=` of notes about the project itself
STATUS_FILTERS = [("open", "Open"), ("closed", "Answered, decided or recorded")]
PROJECT_CHOICE = "The project as a whole"
DECISION_REQUIRED = "Choose whether the change is accepted or rejected."

Choices = list[tuple[str, Any]]


def about_value(section: str, key: Any) -> str:
    """What the “about” select and the `?about=` filter call an item: "entities:12"."""
    return f"{section}:{key}" if section and key is not None else ""


def about_parse(value: str) -> tuple[str, int | None] | None:
    """("entities", 12) from "entities:12", ("", None) for the project, None otherwise."""
    if not value:
        return "", None
    section, _, key = value.partition(":")
    if section not in note_targets() or not (key.isascii() and key.isdigit() and len(key) <= 18):
        return None
    return section, int(key)


def section_title(section: str) -> str:
    text = str(SECTION_BY_NAME[section].model._meta.verbose_name_plural)
    return text[:1].upper() + text[1:]


def about_choices(doc: Document) -> Choices:
    """The project, then one group per list of the blueprint, items as the app names them."""
    choices: Choices = [("", PROJECT_CHOICE)]
    for section in note_targets():
        items = sorted(
            (
                (about_value(section, item.id), label_of(section, item, doc))
                for item in getattr(doc, section)
            ),
            key=lambda pair: pair[1].casefold(),
        )
        if items:
            choices.append((section_title(section), items))
    return choices


def people_options(doc: Document) -> list[tuple[str, str]]:
    """(value, what it is) for the “who must answer” suggestions: names, then roles."""
    names = [(m.display_name, Role(m.role).label) for m in doc.members if m.display_name]
    held = {m.role for m in doc.members}
    roles = [(str(r.label), "role") for r in Role if r in held and r != Role.VIEWER]
    return sorted(names, key=lambda n: n[0].casefold()) + roles


def errors_place(form: forms.BaseForm, error: ValidationError, at: dict[str, str]) -> None:
    """Add a service's or model's errors to the form: each at the field the form shows for
    it (`at` renames model fields), the rest at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.error_dict.items():
        field = at.get(name, name)
        if field not in form.fields or form.fields[field].widget.is_hidden:
            field = NON_FIELD_ERRORS
        form.add_error(None if field == NON_FIELD_ERRORS else field, messages)


def words(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class NoteFilters:
    """What the list is narrowed to, read from the query string (anything else: no filter)."""

    person: str = ""
    kind: str = ""
    status: str = ""
    about: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> NoteFilters:
        kind, status, about = query.get("kind", ""), query.get("status", ""), query.get("about", "")
        if about != ABOUT_PROJECT and about_parse(about) in (None, ("", None)):
            about = ""
        return cls(
            person=words(query.get("person", ""))[:120],
            kind=kind if kind in Note.Kind.values else "",
            status=status if status in dict(STATUS_FILTERS) else "",
            about=about,
        )

    @property
    def active(self) -> bool:
        return any((self.person, self.kind, self.status, self.about))

    def query(self) -> str:
        values = {
            "person": self.person,
            "kind": self.kind,
            "status": self.status,
            "about": self.about,
        }
        return urlencode({k: v for k, v in values.items() if v})

    def keeps(self, note: Note, roles_of: dict[str, set[str]]) -> bool:
        """Whether the note passes. A person also matches the role they hold: the notes
        asked of “Systems owner” are Sven's when Sven holds it."""
        if self.kind and note.kind != self.kind:
            return False
        if self.status and note.is_open != (self.status == "open"):
            return False
        if self.about == ABOUT_PROJECT and note.about_section:
            return False
        if self.about not in ("", ABOUT_PROJECT) and self.about != about_value(
            note.about_section, note.about_id
        ):
            return False
        if self.person:
            wanted = {self.person.casefold(), *roles_of.get(self.person.casefold(), ())}
            written = {words(note.asked_of).casefold(), words(note.raised_by).casefold()}
            if not wanted & written:
                return False
        return True


class NoteForm(ItemForm):
    """A new question, proposed change or decision; the fields follow the kind chosen."""

    about = forms.ChoiceField(
        label="About",
        required=False,
        help_text="The item of the blueprint it is about, or the project as a whole.",
    )
    # The filters of the page the form was sent from, to show the same list after it.
    q = forms.CharField(widget=forms.HiddenInput, required=False)

    # Model fields the form shows as its one “about” select.
    ERRORS_AT = {"about_section": "about", "about_id": "about"}

    class Meta:
        model = Note
        fields = ["kind", "text", "asked_of", "due_date", "must_answer", "decided_by", "answer"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "answer": forms.Textarea(attrs={"rows": 2}),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "kind": "A question someone must answer, a change someone proposes, or a "
            "decision already taken.",
            "text": "The question, the change proposed, or what was decided.",
            "asked_of": "For a question: who answers it. For a proposed change: who decides "
            "(empty: the role that owns the item).",
            "due_date": "For a question or a proposed change: by when it is needed.",
            "must_answer": "For a question: sign-off stays shut until it is answered.",
            "decided_by": "For a decision: who decided (empty: you).",
            "answer": "For a decision: why it was decided so.",
        }

    follows = ("kind", {field: [str(k) for k in kinds] for field, kinds in APPLIES.items()})

    def __init__(self, *args: Any, doc: Document, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["revision"]  # a note is never edited, only answered or decided
        self.fields["about"].choices = about_choices(doc)
        self.fields["asked_of"].widget.attrs["list"] = PEOPLE_LIST
        self.fields["asked_of"].widget.attrs["autocomplete"] = "off"
        self.people = people_options(doc)
        self.order_fields(["kind", "about", "text", *APPLIES, "q"])

    def clean_about(self) -> tuple[str, int | None]:
        # The choices hold only "" and "section:id" of this project's items.
        parsed = about_parse(self.cleaned_data["about"])
        assert parsed is not None
        return parsed

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        section, key = cleaned.get("about") or ("", None)
        self.instance.about_section, self.instance.about_id = section, key
        kind = cleaned.get("kind")
        if kind in Note.STATUSES:
            self.instance.status = Note.STATUSES[kind][0]
            for field, kinds in APPLIES.items():
                if kind not in kinds:
                    cleaned[field] = EMPTY[field]
        return cleaned

    def _update_errors(self, errors: ValidationError) -> None:
        if hasattr(errors, "error_dict"):
            renamed: dict[str, list[Any]] = {}
            for name, messages in errors.error_dict.items():
                renamed.setdefault(self.ERRORS_AT.get(name, name), []).extend(messages)
            errors = ValidationError(renamed)
        super()._update_errors(errors)

    def add_errors(self, error: ValidationError) -> None:
        errors_place(self, error, self.ERRORS_AT)

    def note_values(self) -> dict[str, Any]:
        """The keyword arguments of `note_create` (with project and user)."""
        section, key = self.cleaned_data["about"]
        return {
            "kind": self.cleaned_data["kind"],
            "about_section": section,
            "about_id": key,
            "text": self.cleaned_data["text"],
            **{field: self.cleaned_data[field] for field in APPLIES},
        }


class _SmallForm(forms.Form):
    """A form inside one note's row: its ids carry the note's, as a page has many."""

    def __init__(self, *args: Any, note: Note, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_note{note.pk}_%s")
        super().__init__(*args, **kwargs)
        self.note = note
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def add_errors(self, error: ValidationError) -> None:
        errors_place(self, error, {})


class AnswerForm(_SmallForm):
    # Not required here: the model says what an answer needs, once (rules.py).
    answer = forms.CharField(
        label="Answer", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecideForm(_SmallForm):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("reject", "Reject")],
        error_messages={"required": DECISION_REQUIRED, "invalid_choice": DECISION_REQUIRED},
    )
    answer = forms.CharField(
        label="Why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What made you accept or reject it, for the record.",
    )

    @property
    def accepted(self) -> bool:
        return self.cleaned_data["decision"] == "accept"
