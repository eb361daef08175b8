"""The project's append-only activity log: who, when, what, before and after."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from blueprint.models import ActivityEntry, Project


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
    return ActivityEntry.objects.create(
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
