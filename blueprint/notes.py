"""Questions, proposed changes and decisions: the writes of the notes page.

A note is about an item of the blueprint or the project itself (`blueprint.models.Note`).
Anyone who may edit writes, answers and deletes notes; a proposed change is accepted or
rejected by the sign-off role that owns the item's list (`OWNER_ROLES`), or by the
facilitator. Every write is logged, which moves the project's change number on, so the
readiness cache, the navigation badges and the live feed follow.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from blueprint.activity import activity_record
from blueprint.diff import ARTIFACTS
from blueprint.items import draft_lock, snapshot_fields
from blueprint.models import ActivityEntry, Membership, Note, Project, Role
from blueprint.rules import note_targets

NOT_A_MEMBER = "Only the project's members can write notes."
NOT_AN_EDITOR = "Viewers can read the questions and decisions but not change them."
NOT_A_QUESTION = "Only a question is answered; a proposed change is accepted or rejected."
NOT_A_PROPOSAL = "Only a proposed change is accepted or rejected."
NOT_OPEN = "This {kind} is already {status}: reload the page to see it."
NOTE_GONE = "Someone else deleted this note after you opened it."
NOT_THE_DECIDER = "Only the {role} or the facilitator accepts or rejects a change to {what}."

# Who decides on a change to an item: the sign-off role that owns the artifact its list
# belongs to (the artifacts and their lists are the diff's, `diff.ARTIFACTS`). The
# project itself (a note about no item) is the facilitator's.
ARTIFACT_OWNERS: dict[str, Role] = {
    "project": Role.SYSTEMS_OWNER,  # the systems
    "scenarios": Role.BUSINESS_LEADER,
    "mapping": Role.SYSTEMS_OWNER,
    "governance": Role.PROCESS_OWNER,
    "requirements": Role.BUSINESS_LEADER,
    "delivery": Role.SYSTEMS_OWNER,
}
OWNER_ROLES: dict[str, Role] = {
    section: ARTIFACT_OWNERS[artifact]
    for artifact, _label, sections in ARTIFACTS
    if artifact in ARTIFACT_OWNERS
    for section in sections
}
PROJECT_OWNER = Role.FACILITATOR

# The fields that mean something for each kind of note; for the other kinds they are
# stored empty, so a value typed before the kind was changed does not linger.
APPLIES: dict[str, tuple[str, ...]] = {
    "asked_of": (Note.Kind.QUESTION, Note.Kind.PROPOSAL),
    "due_date": (Note.Kind.QUESTION, Note.Kind.PROPOSAL),
    "must_answer": (Note.Kind.QUESTION,),
    "decided_by": (Note.Kind.DECISION,),
    "answer": (Note.Kind.DECISION,),
}
EMPTY: dict[str, Any] = {
    "asked_of": "",
    "due_date": None,
    "must_answer": False,
    "decided_by": "",
    "answer": "",
}


def owner_role(section: str) -> Role:
    """The role that decides on changes to an item of `section` ("" for the project)."""
    if not section:
        return PROJECT_OWNER
    return OWNER_ROLES[section]


def owner_sections_missing() -> set[str]:
    """Lists a note can be about that have no owner role (there must be none)."""
    return set(note_targets()) - set(OWNER_ROLES)


def may_decide(membership: Membership, note: Note) -> bool:
    """Whether this member accepts or rejects the proposed change."""
    return membership.is_facilitator or membership.role == owner_role(note.about_section)


def applies(field: str, kind: str) -> bool:
    return kind in APPLIES.get(field, (kind,))


def _name(user: User) -> str:
    return str(user)[:120]


def _editor(project: Project, user: User) -> Membership:
    membership = Membership.objects.filter(project=project, user_id=user.pk).first()
    if membership is None:
        raise PermissionDenied(NOT_A_MEMBER)
    if not membership.can_edit:
        raise PermissionDenied(NOT_AN_EDITOR)
    return membership


def _locked(note: Note) -> Note:
    """The note as stored now, held until the transaction ends."""
    current = (
        Note.objects.select_for_update(of=("self",))
        .select_related("project")
        .filter(pk=note.pk)
        .order_by("pk")
        .first()
    )
    if current is None:
        raise ValidationError(NOTE_GONE)
    return current


def _kind_word(note: Note) -> str:
    return str(note.get_kind_display()).lower()


def _still_open(note: Note) -> None:
    if not note.is_open:
        status = str(note.get_status_display()).lower()
        raise ValidationError(NOT_OPEN.format(kind=_kind_word(note), status=status))


def _log(note: Note, user: User, action: str, before: dict[str, Any] | None = None) -> None:
    text = " ".join(note.text.split())
    activity_record(
        project=note.project,
        user=user,
        action=action,
        artifact="notes",
        item_kind=_kind_word(note),
        # No inline row editor serves notes, so open pages are told, not refreshed.
        kind_slug="",
        item_pk=note.pk,
        item_label=text[:120] + ("…" if len(text) > 120 else ""),
        before=before,
        after=None if action == ActivityEntry.Action.DELETED else snapshot_fields(note),
    )


def note_create(
    *,
    project: Project,
    user: User,
    kind: str,
    about_section: str,
    about_id: int | None,
    text: str,
    asked_of: str = "",
    due_date: datetime.date | None = None,
    must_answer: bool = False,
    decided_by: str = "",
    answer: str = "",
) -> Note:
    """A new question or proposed change (open), or a decision (recorded).

    A proposed change asked of nobody is asked of the role that owns the item; a
    decision decided by nobody in particular was written down by the one who records it.
    """
    _editor(project, user)
    values: dict[str, Any] = {
        "asked_of": asked_of.strip(),
        "due_date": due_date,
        "must_answer": must_answer,
        "decided_by": decided_by.strip(),
        "answer": answer.strip(),
    }
    for field in values:
        if not applies(field, kind):
            values[field] = EMPTY[field]
    known = not about_section or about_section in OWNER_ROLES  # else clean() words it
    if kind == Note.Kind.PROPOSAL and not values["asked_of"] and known:
        values["asked_of"] = owner_role(about_section).label
    if kind == Note.Kind.DECISION and not values["decided_by"]:
        values["decided_by"] = _name(user)
    statuses = Note.STATUSES.get(kind)
    note = Note(
        project=project,
        kind=kind,
        about_section=about_section,
        about_id=about_id,
        text=text.strip(),
        raised_by=_name(user),
        status=statuses[0] if statuses else Note.Status.OPEN,
        **values,
    )
    with transaction.atomic():
        draft_lock(project)
        note.full_clean()
        note.save()
        _log(note, user, ActivityEntry.Action.CREATED)
    return note


def note_answer(*, note: Note, user: User, answer: str) -> Note:
    """Answer an open question; the one who answers is recorded with the answer."""
    _editor(note.project, user)
    with transaction.atomic():
        draft_lock(note.project)
        current = _locked(note)
        if current.kind != Note.Kind.QUESTION:
            raise ValidationError(NOT_A_QUESTION)
        _still_open(current)
        before = snapshot_fields(current)
        current.status = Note.Status.ANSWERED
        current.answer = answer.strip()
        current.decided_by = _name(user)
        current.full_clean()
        current.save()
        _log(current, user, ActivityEntry.Action.UPDATED, before)
    return current


def note_decide(*, note: Note, user: User, accepted: bool, answer: str = "") -> Note:
    """Accept or reject an open proposed change, with why; only its owner role (or the
    facilitator) decides."""
    membership = _editor(note.project, user)
    with transaction.atomic():
        draft_lock(note.project)
        current = _locked(note)
        if current.kind != Note.Kind.PROPOSAL:
            raise ValidationError(NOT_A_PROPOSAL)
        if not may_decide(membership, current):
            raise PermissionDenied(
                NOT_THE_DECIDER.format(
                    role=owner_role(current.about_section).label.lower(),
                    what="the project" if not current.about_section else "this item",
                )
            )
        _still_open(current)
        before = snapshot_fields(current)
        current.status = Note.Status.ACCEPTED if accepted else Note.Status.REJECTED
        current.answer = answer.strip()
        current.decided_by = _name(user)
        current.full_clean()
        current.save()
        _log(current, user, ActivityEntry.Action.UPDATED, before)
    return current


def note_delete(*, note: Note, user: User) -> None:
    _editor(note.project, user)
    with transaction.atomic():
        draft_lock(note.project)
        current = _locked(note)
        before = snapshot_fields(current)
        pk = current.pk
        current.delete()
        current.pk = pk  # the log names the note it deleted
        _log(current, user, ActivityEntry.Action.DELETED, before)
