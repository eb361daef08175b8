"""The whole project as JSON, both ways: export is the document; import builds models."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

from django.db import IntegrityError, transaction

from accounts.models import User
from blueprint.activity import activity_record
from blueprint.document import (
    SECTIONS,
    Document,
    DocumentFormatError,
    Key,
    Section,
)
from blueprint.membership import phases_create
from blueprint.models import SIGNOFF_ROLES, ActivityEntry, Membership, Project, Role
from blueprint.rules import document_problems


def _model_values(section: Section, item: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in dataclasses.fields(item):
        if f.name == "id" or f.name in section.m2m or f.name in section.refs:
            continue
        value = getattr(item, f.name)
        if isinstance(value, tuple):
            value = list(value)
        values[f.name] = value
    return values


def items_build(*, doc: Document, project: Project) -> dict[str, dict[Key, int]]:
    """Create every item of the document in an empty project; returns document id -> pk."""
    keymap: dict[str, dict[Key, int]] = defaultdict(dict)
    for section in SECTIONS:
        items = getattr(doc, section.name)
        if not items:
            continue
        instances = []
        for item in items:
            values = _model_values(section, item)
            for ref, target in section.refs.items():
                key = getattr(item, ref)
                values[ref] = keymap[target][key] if key is not None else None
            instances.append(section.model(project=project, **values))
        created = section.model._default_manager.bulk_create(instances)
        for item, instance in zip(items, created, strict=True):
            keymap[section.name][item.id] = instance.pk
    for section in SECTIONS:
        for doc_field, (model_field, target) in section.m2m.items():
            m2m = section.model._meta.get_field(model_field)
            through = m2m.remote_field.through
            rows = [
                through(
                    **{
                        m2m.m2m_column_name(): keymap[section.name][item.id],
                        m2m.m2m_reverse_name(): keymap[target][key],
                    }
                )
                for item in getattr(doc, section.name)
                for key in getattr(item, doc_field)
            ]
            through.objects.bulk_create(rows)
    phases_create(project=project)
    return keymap


@dataclasses.dataclass
class ImportReport:
    project: Project
    skipped_members: list[str]


def document_check(doc: Document) -> None:
    """Refuse a document that breaks a storage rule, naming every problem."""
    problems = document_problems(doc)
    if problems:
        messages = [p.describe(doc) for p in problems]
        error = DocumentFormatError(" ".join(messages))
        error.messages = messages
        raise error


SELF_CONTRADICTION = (
    "The file contradicts itself: two items that must be unique are the same (two systems "
    "or entities with one name, one delivery phase twice, a system listed twice, ...)."
)


def project_import(
    *, doc: Document, user: User, name: str | None = None, with_members: bool = False
) -> ImportReport:
    """Create a new project from a document; the importer becomes its facilitator.

    Only with `with_members` (the demo loader) do the people named in the document join
    with their roles: an upload must not enrol other people without their say. Otherwise
    they are reported, so the facilitator can invite them.
    """
    document_check(doc)
    try:
        return _project_import(doc=doc, user=user, name=name, with_members=with_members)
    except IntegrityError as exc:
        raise DocumentFormatError(SELF_CONTRADICTION) from exc


def _project_import(
    *, doc: Document, user: User, name: str | None, with_members: bool
) -> ImportReport:
    skipped: list[str] = []
    with transaction.atomic():
        project = Project.objects.create(
            name=(name or doc.project.name)[:200],
            summary=doc.project.summary,
            business_question=doc.project.business_question[:500],
            created_by=user,
        )
        Membership.objects.create(project=project, user=user, role=Role.FACILITATOR)
        emails = {m.email.lower() for m in doc.members}
        users = {u.email: u for u in User.objects.filter(email__in=emails)}
        taken_roles: set[str] = set()
        for member in doc.members:
            if member.role not in Role.values:
                raise DocumentFormatError(
                    f"members: “{member.role}” is not a role ({', '.join(Role.values)})."
                )
            account = users.get(member.email.lower())
            if account is not None and account.pk == user.pk:
                continue
            if account is None or not with_members:
                skipped.append(member.email)
                continue
            if member.role in SIGNOFF_ROLES and member.role in taken_roles:
                skipped.append(member.email)
                continue
            taken_roles.add(member.role)
            Membership.objects.create(project=project, user=account, role=member.role)
        items_build(doc=doc, project=project)
    return ImportReport(project=project, skipped_members=skipped)


def project_start_from(
    *, doc: Document, user: User, name: str = "", summary: str = "", business_question: str = ""
) -> ImportReport:
    """A new project from a template or an export; what the user typed wins over the file."""
    with transaction.atomic():
        if not name:
            # Two projects with one name side by side in the list would be confusing.
            name = doc.project.name
            if Project.objects.filter(name=name, memberships__user=user).exists():
                name = f"{name} (imported)"
        report = project_import(doc=doc, user=user, name=name)
        project = report.project
        if summary or business_question:
            project.summary = summary or project.summary
            project.business_question = business_question or project.business_question
            project.save(update_fields=["summary", "business_question", "updated_at"])
        activity_record(
            project=project,
            user=user,
            action=ActivityEntry.Action.IMPORTED,
            artifact="project",
            item_kind="project",
            item_label=f"{project.name}, from “{doc.project.name}”",
        )
    return report
