"""The whole project as JSON, both ways: export is the document; import builds models."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

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
            for ref, target_field in section.about.items():
                key, target = getattr(item, ref), getattr(item, target_field)
                values[ref] = keymap[target][key] if key is not None and target else None
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
    # People the file names who could not join, each with why, and the sign-off roles
    # left without a holder because of it.
    skipped_members: list[str] = dataclasses.field(default_factory=list)
    vacant_roles: list[str] = dataclasses.field(default_factory=list)

    def summary(self) -> str:
        """What the facilitator must still do, in one sentence each."""
        parts = []
        if self.skipped_members:
            parts.append("Not added: " + "; ".join(self.skipped_members) + ".")
        if self.vacant_roles:
            parts.append(
                "Vacant, invite someone under People: " + ", ".join(self.vacant_roles) + "."
            )
        return " ".join(parts)


def document_check(doc: Document) -> None:
    """Refuse a document that breaks a storage rule, naming every problem."""
    problems = document_problems(doc)
    if problems:
        messages = [p.describe(doc) for p in problems]
        raise DocumentFormatError(" ".join(messages), messages)


SELF_CONTRADICTION = (
    "The file contradicts itself: two items that must be unique are the same (two systems "
    "or entities with one name, one delivery phase twice, a system listed twice, ...)."
)


def project_import(
    *, doc: Document, user: User, name: str | None = None, with_members: bool = True
) -> ImportReport:
    """Create a new project from a document; the importer becomes its facilitator.

    The people the file names join with their roles where they have an account here
    (`with_members=False` leaves them out); the report says who could not be added and
    which sign-off role is therefore vacant.
    """
    document_check(doc)
    try:
        return _project_import(doc=doc, user=user, name=name, with_members=with_members)
    except IntegrityError as exc:
        raise DocumentFormatError(SELF_CONTRADICTION) from exc


def _project_import(
    *, doc: Document, user: User, name: str | None, with_members: bool
) -> ImportReport:
    report = ImportReport(project=Project())
    with transaction.atomic():
        project = Project.objects.create(
            name=(name or doc.project.name)[:200],
            summary=doc.project.summary,
            business_question=doc.project.business_question[:500],
            created_by=user,
        )
        report.project = project
        Membership.objects.create(project=project, user=user, role=Role.FACILITATOR)
        users = _accounts({m.email for m in doc.members})
        for member in doc.members if with_members else ():
            account = _account(member.email, users)
            who = member.display_name or member.email
            if account is not None and account.pk == user.pk:
                if member.role != Role.FACILITATOR:
                    report.skipped_members.append(
                        f"you ({who}) as {Role(member.role).label}: you import as facilitator"
                    )
                    _vacant(report, member.role)
                continue
            if account is None:
                report.skipped_members.append(f"{who}: no account with {member.email}")
                _vacant(report, member.role)
                continue
            Membership.objects.create(project=project, user=account, role=member.role)
        items_build(doc=doc, project=project)
    return report


def _accounts(emails: set[str]) -> dict[str, User]:
    """The accounts of these addresses, in one query; an address matches in any case."""
    wanted = {e.strip().lower() for e in emails if e.strip()}
    if not wanted:
        return {}
    accounts = User.objects.annotate(email_key=Lower("email")).filter(email_key__in=wanted)
    return {u.email.lower(): u for u in accounts}


def _account(email: str, users: dict[str, User]) -> User | None:
    return users.get(email.strip().lower())


def _vacant(report: ImportReport, role: str) -> None:
    if role in SIGNOFF_ROLES:
        report.vacant_roles.append(str(Role(role).label))


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
