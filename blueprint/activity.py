"""The project's append-only activity log: who, when, what, before and after."""

from __future__ import annotations

import sqlite3
from typing import Any

from django.db import connection, transaction
from django.db.models import F

from accounts.models import User
from blueprint.models import ActivityEntry, Project


def _change_number_next(project: Project) -> int:
    """Move the project's change number on by one and return the new number: one
    UPDATE ... RETURNING on PostgreSQL and SQLite 3.35+, else an UPDATE and a read."""
    returning = connection.vendor == "postgresql" or (
        connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 35)
    )
    if not returning:
        Project.objects.filter(pk=project.pk).update(change_number=F("change_number") + 1)
        return Project.objects.values_list("change_number", flat=True).get(pk=project.pk)
    table = connection.ops.quote_name(Project._meta.db_table)
    column = connection.ops.quote_name(Project._meta.get_field("change_number").column)
    key = connection.ops.quote_name(Project._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = {column} + 1 WHERE {key} = %s RETURNING {column}",
            [project.pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise Project.DoesNotExist(f"No project {project.pk} to log a change of.")
    return row[0]


def change_number_of(project: Project | int) -> int:
    """The project's change number as committed now (not as an old instance holds it)."""
    pk = project if isinstance(project, int) else project.pk
    number = Project.objects.filter(pk=pk).values_list("change_number", flat=True).first()
    return number or 0


def activity_record(
    *,
    project: Project,
    user: User | None,
    action: str,
    artifact: str = "",
    item_kind: str = "",
    kind_slug: str = "",
    item_pk: int | None = None,
    item_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    comment: str = "",
) -> ActivityEntry:
    """Log one change and move the project's change number on.

    The UPDATE locks the project's row until the caller's transaction commits, so two
    writers to one project take numbers in the order they commit, and a reader that has
    seen number N has seen every change up to N.
    """
    # All or nothing with the caller's change (no savepoint of its own: a failure here
    # fails the caller's transaction, as it must).
    with transaction.atomic(savepoint=False):
        number = _change_number_next(project)
        project.change_number = number
        if action in (ActivityEntry.Action.DELETED, ActivityEntry.Action.IMPORTED):
            notes_orphans_forget(project)
        return _entry(
            project,
            user,
            action,
            artifact,
            item_kind,
            kind_slug,
            item_pk,
            item_label,
            before,
            after,
            comment,
            number,
        )


def _entry(
    project: Project,
    user: User | None,
    action: str,
    artifact: str,
    item_kind: str,
    kind_slug: str,
    item_pk: int | None,
    item_label: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    comment: str,
    number: int,
) -> ActivityEntry:
    return ActivityEntry.objects.create(
        change_number=number,
        project=project,
        user=user if user is not None and user.pk else None,
        user_name=str(user) if user is not None and user.pk else "",
        action=action,
        artifact=artifact,
        item_kind=item_kind,
        kind_slug=kind_slug,
        item_pk=item_pk,
        item_label=item_label[:300],
        before=before or {},
        after=after or {},
        comment=comment,
    )


def notes_orphans_forget(project: Project) -> None:
    """Delete the notes about items that are gone: every delete and import is logged here,
    cascades included (an entity takes its attributes with it), so no note is left
    pointing at nothing, in the document or a snapshot of it."""
    from blueprint.document import SECTION_BY_NAME
    from blueprint.models import Note

    sections = (
        Note.objects.filter(project=project)
        .exclude(about_section="")
        .order_by()
        .values_list("about_section", flat=True)
        .distinct()
    )
    for name in list(sections):
        section = SECTION_BY_NAME.get(name)
        if section is None:
            continue
        present = section.model._default_manager.filter(project=project).values("pk")
        Note.objects.filter(project=project, about_section=name).exclude(
            about_id__in=present
        ).delete()
