"""Questions and decisions: every note of the project, open questions first, filtered by
person, kind, status and item; notes are added, answered, decided and deleted in place."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from blueprint.access import ProjectAccess, get_project_for
from blueprint.document import SECTION_BY_NAME, Document, document_load, label_of
from blueprint.forms.notes import (
    ABOUT_PROJECT,
    PROJECT_CHOICE,
    STATUS_FILTERS,
    AnswerForm,
    Choices,
    DecideForm,
    NoteFilters,
    NoteForm,
    about_choices,
    words,
)
from blueprint.items import REGISTRY
from blueprint.models import Note, Role
from blueprint.notes import (
    may_decide,
    note_answer,
    note_create,
    note_decide,
    note_delete,
    owner_role,
)
from blueprint.readiness.links import PAGES, link_target
from blueprint.views.types import HtmxHttpRequest

NOTES = "blueprint/notes.html"
# The pieces of the page that refresh themselves (blueprint.views.types.page_render).
PIECES = ("notes-summary", "notes-list")
ITEM_GONE = "(an item deleted since)"


@dataclass(frozen=True)
class NoteRow:
    """One note as its row shows it, with the forms the reader may use on it."""

    note: Note
    about: str
    about_url: str
    overdue: bool
    decider: str
    answer_form: AnswerForm | None = None
    decide_form: DecideForm | None = None
    # Why a change sent from this row was refused, when no form of the row can say it
    # (someone answered the question or deleted the item meanwhile).
    refused: tuple[str, ...] = ()

    @property
    def waiting_for(self) -> str:
        """Who the proposed change waits for, said to those who cannot decide it."""
        if self.decider == Role.FACILITATOR.label:
            return "The facilitator accepts or rejects this change."
        return f"The {self.decider.lower()} (or the facilitator) accepts or rejects this change."


@dataclass(frozen=True)
class NotesSummary:
    open_questions: int = 0
    must_answer: int = 0
    overdue: int = 0
    open_proposals: int = 0
    decisions: int = 0

    @classmethod
    def from_notes(cls, notes: list[Note], today: datetime.date) -> NotesSummary:
        questions = [n for n in notes if n.kind == Note.Kind.QUESTION and n.is_open]
        proposals = [n for n in notes if n.kind == Note.Kind.PROPOSAL and n.is_open]
        return cls(
            open_questions=len(questions),
            must_answer=sum(1 for n in questions if n.must_answer),
            overdue=sum(1 for n in (*questions, *proposals) if _overdue(n, today)),
            open_proposals=len(proposals),
            decisions=sum(1 for n in notes if n.kind == Note.Kind.DECISION),
        )


def _overdue(note: Note, today: datetime.date) -> bool:
    return note.is_open and note.due_date is not None and note.due_date < today


def _order(note: Note) -> tuple[Any, ...]:
    """Open questions first (those that block sign-off, then by date), then open proposed
    changes, then everything answered, decided or recorded."""
    if note.is_open:
        rank = 0 if note.kind == Note.Kind.QUESTION else 1
        return (rank, not note.must_answer, note.due_date or datetime.date.max, note.pk)
    return (2, False, datetime.date.max, note.pk)


@dataclass
class _Places:
    """Where each item lives in the workshop: the row of the inline editor that edits it
    (its id is the editor's slug and the pk), else where readiness findings link to."""

    project_pk: int
    pages: dict[str, str] = field(default_factory=dict)

    def _page(self, url_name: str) -> str:
        if url_name not in self.pages:
            self.pages[url_name] = reverse(url_name, args=[self.project_pk])
        return self.pages[url_name]

    def url(self, section: str, key: int | None) -> str:
        if not section:
            return self._page("blueprint:project_detail")
        model = SECTION_BY_NAME[section].model
        # The first kind registered for a model is its own row (an entity's card, not
        # its identity panel).
        kind = next((k for k in REGISTRY.values() if k.model is model), None)
        if kind is not None:
            return f"{self._page(kind.page)}#{kind.slug}-{key}"
        if section in PAGES:
            url_name, fragment = link_target(section, key)
            return f"{self._page(url_name)}#{fragment}"
        return ""


def _about(doc: Document, note: Note) -> str:
    if not note.about_section:
        return PROJECT_CHOICE
    item = doc.get(note.about_section, note.about_id)
    if item is None:
        return ITEM_GONE
    noun = str(SECTION_BY_NAME[note.about_section].model._meta.verbose_name)
    return f"{noun[:1].upper()}{noun[1:]} “{label_of(note.about_section, item, doc)}”"


def note_rows(
    access: ProjectAccess,
    doc: Document,
    notes: list[Note],
    *,
    today: datetime.date,
    bound: dict[int, Any] | None = None,
) -> list[NoteRow]:
    bound = bound or {}
    places = _Places(access.project.pk)
    rows = []
    for note in notes:
        gone = bool(note.about_section) and doc.get(note.about_section, note.about_id) is None
        decides = access.can_edit and may_decide(access.membership, note)
        sent = bound.get(note.pk)
        answer_form = decide_form = None
        if access.can_edit and note.is_open and note.kind == Note.Kind.QUESTION:
            answer_form = sent if isinstance(sent, AnswerForm) else AnswerForm(note=note)
        if decides and note.is_open and note.kind == Note.Kind.PROPOSAL:
            decide_form = sent if isinstance(sent, DecideForm) else DecideForm(note=note)
        placed = sent is not None and sent in (answer_form, decide_form)
        refused = () if sent is None or placed else tuple(_messages(sent))
        rows.append(
            NoteRow(
                note=note,
                about=_about(doc, note),
                about_url="" if gone else places.url(note.about_section, note.about_id),
                overdue=_overdue(note, today),
                decider=str(owner_role(note.about_section).label),
                answer_form=answer_form,
                decide_form=decide_form,
                refused=refused,
            )
        )
    return rows


def _messages(form: Any) -> list[str]:
    return [str(m) for errors in form.errors.values() for m in errors]


def _people(doc: Document, notes: list[Note], chosen: str) -> list[str]:
    """Everyone the person filter offers: members, and whoever notes name."""
    names = {words(m.display_name) for m in doc.members}
    names |= {words(n.asked_of) for n in notes} | {words(n.raised_by) for n in notes}
    if chosen:
        names.add(chosen)
    return sorted((n for n in names if n), key=str.casefold)


def _roles_of(doc: Document) -> dict[str, set[str]]:
    roles: dict[str, set[str]] = {}
    for member in doc.members:
        name = words(member.display_name).casefold()
        roles.setdefault(name, set()).add(str(Role(member.role).label).casefold())
    return roles


def _about_filters(doc: Document) -> list[tuple[str, Choices]]:
    """The item filter's options as (group, options), ungrouped ones first."""
    first = [("", "Any item or the project"), (ABOUT_PROJECT, PROJECT_CHOICE)]
    return [("", first), *((group, items) for group, items in about_choices(doc)[1:])]


def _new_form(
    access: ProjectAccess, doc: Document, filters: NoteFilters, **initial: Any
) -> NoteForm:
    about = filters.about if filters.about != ABOUT_PROJECT else ""
    return NoteForm(
        project=access.project, doc=doc, initial={"about": about, "q": filters.query(), **initial}
    )


def _context(
    access: ProjectAccess,
    doc: Document,
    filters: NoteFilters,
    *,
    form: Any = None,
    bound: dict[int, Any] | None = None,
) -> dict[str, Any]:
    today = timezone.localdate()
    notes = list(Note.objects.filter(project=access.project))
    roles_of = _roles_of(doc)
    shown = sorted((n for n in notes if filters.keeps(n, roles_of)), key=_order)
    if form is None and access.can_edit:
        form = _new_form(access, doc, filters)
    return {
        "project": access.project,
        "access": access,
        "nav": "notes",
        "rows": note_rows(access, doc, shown, today=today, bound=bound),
        "total": len(notes),
        "summary": NotesSummary.from_notes(notes, today),
        "filters": filters,
        "form": form,
        # The add form opens by itself when it is what the reader came for.
        "form_open": bool(filters.about) or not notes,
        "people": _people(doc, notes, filters.person),
        "kinds": Note.Kind.choices,
        "statuses": STATUS_FILTERS,
        "about_filters": _about_filters(doc),
    }


def _vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _changed(response: HttpResponse) -> HttpResponse:
    """Tell the page the blueprint changed, so the navigation and summary refresh."""
    return trigger_client_event(response, "blueprint-changed", after="settle")


def _posted_filters(request: HtmxHttpRequest) -> NoteFilters:
    return NoteFilters.from_query(QueryDict(request.POST.get("q", "")))


def _page_url(access: ProjectAccess, filters: NoteFilters, note_pk: int | None = None) -> str:
    url = reverse("blueprint:notes", args=[access.project.pk])
    if filters.active:
        url += f"?{filters.query()}"
    return url + (f"#note-{note_pk}" if note_pk else "")


def _note_or_404(access: ProjectAccess, note_pk: int) -> Note:
    return get_object_or_404(
        Note.objects.select_related("project"), project=access.project, pk=note_pk
    )


@require_GET
def notes_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk)
    doc = document_load(access.project)
    context = _context(access, doc, NoteFilters.from_query(request.GET))
    target = request.htmx.target if request.htmx else None
    if target in PIECES and not request.htmx.history_restore_request:
        return _vary(render(request, f"{NOTES}#{target}", context))
    return _vary(render(request, NOTES, context))


@require_POST
def note_create_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk, write=True)
    doc = document_load(access.project)
    filters = _posted_filters(request)
    form = NoteForm(request.POST, project=access.project, doc=doc)
    status = 422
    if form.is_valid():
        try:
            note = note_create(project=access.project, user=request.user, **form.note_values())
        except ValidationError as exc:
            form.add_errors(exc)
            status = 409
        else:
            if not request.htmx:
                return redirect(_page_url(access, filters, note.pk))
            # A fresh form for the next note on the same item, and the list with the new one.
            fresh = _new_form(
                access, doc, filters, about=form.data.get("about", ""), kind=note.kind
            )
            context = {**_context(access, doc, filters, form=fresh), "oob": True, "form_open": True}
            return _changed(render(request, f"{NOTES}#note-form", context))
    context = _context(access, doc, filters, form=form)
    template = f"{NOTES}#note-form" if request.htmx else NOTES
    return render(request, template, context, status=status)


def _row_answer(
    request: HtmxHttpRequest,
    access: ProjectAccess,
    note: Note,
    *,
    bound: dict[int, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The note's row (htmx), else the whole page: after a change, or with its errors."""
    filters = _posted_filters(request)
    doc = document_load(access.project)
    # As stored now: a refusal may be because someone else answered it meanwhile.
    note = Note.objects.select_related("project").filter(pk=note.pk).first() or note
    if request.htmx:
        (row,) = note_rows(access, doc, [note], today=timezone.localdate(), bound=bound)
        context = {"project": access.project, "access": access, "row": row, "filters": filters}
        return render(request, f"{NOTES}#note-row", context, status=status)
    return render(request, NOTES, _context(access, doc, filters, bound=bound), status=status)


def _note_written(
    request: HtmxHttpRequest,
    access: ProjectAccess,
    note: Note,
    form: AnswerForm | DecideForm,
    write: Callable[[], Note],
) -> HttpResponse:
    """Answer or decide: the row (or the page) as it now stands, or the form again with
    its errors at the field."""
    if form.is_valid():
        try:
            note = write()
        except ValidationError as exc:
            form.add_errors(exc)
        else:
            if not request.htmx:
                return redirect(_page_url(access, _posted_filters(request), note.pk))
            return _changed(_row_answer(request, access, note))
    return _row_answer(request, access, note, bound={note.pk: form}, status=422)


@require_POST
def note_answer_view(request: HtmxHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    access = get_project_for(request, pk, write=True)
    note = _note_or_404(access, item_pk)
    form = AnswerForm(request.POST, note=note)
    return _note_written(
        request,
        access,
        note,
        form,
        lambda: note_answer(note=note, user=request.user, answer=form.cleaned_data["answer"]),
    )


@require_POST
def note_decide_view(request: HtmxHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    access = get_project_for(request, pk, write=True)
    note = _note_or_404(access, item_pk)
    form = DecideForm(request.POST, note=note)
    return _note_written(
        request,
        access,
        note,
        form,
        lambda: note_decide(
            note=note,
            user=request.user,
            accepted=form.accepted,
            answer=form.cleaned_data["answer"],
        ),
    )


@require_POST
def note_delete_view(request: HtmxHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    access = get_project_for(request, pk, write=True)
    note = _note_or_404(access, item_pk)
    # Someone else deleting it meanwhile leaves it as wanted: gone.
    with contextlib.suppress(ValidationError):
        note_delete(note=note, user=request.user)
    if not request.htmx:
        return redirect(_page_url(access, _posted_filters(request)))
    return _changed(HttpResponse(""))
