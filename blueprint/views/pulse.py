"""The workshop's heartbeat: who is here, and what others changed since the page loaded."""

from __future__ import annotations

from datetime import timedelta

from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from blueprint.access import get_project_for
from blueprint.activity import change_number_of
from blueprint.models import ActivityEntry, Presence
from blueprint.views.types import HtmxHttpRequest, id_or_none

PRESENT_FOR = timedelta(seconds=30)
REFRESH_AFTER = timedelta(seconds=10)
MAX_CHANGES = 50


@require_POST
def project_pulse(request: HtmxHttpRequest, pk: int) -> JsonResponse:
    """Record that the user is here; answer with who else is and what they changed.

    `after` is the project's change number the page last saw (Project.change_number); the
    page asks every few seconds and refreshes the rows others changed, leaving open forms
    alone. When nothing changed, the answer is the people alone, without reading the log.
    """
    access = get_project_for(request, pk)
    now = timezone.now()
    where = request.POST.get("where", "")[:40]
    # Every open page beats every few seconds: write only when the row is getting old or
    # the person moved, so the heartbeat is mostly a read (SQLite has one writer).
    still_fresh = Presence.objects.filter(
        project=access.project, user=request.user, where=where, seen_at__gte=now - REFRESH_AFTER
    ).exists()
    if not still_fresh:
        Presence.objects.update_or_create(
            project=access.project, user=request.user, defaults={"where": where, "seen_at": now}
        )
    people = [
        {
            "name": p.user.display_name,
            "where": p.where,
            "me": p.user_id == request.user.pk,
        }
        for p in Presence.objects.filter(project=access.project, seen_at__gte=now - PRESENT_FOR)
        .select_related("user")
        .order_by("user__display_name")
    ]
    after = id_or_none(request.POST.get("after"))
    last = change_number_of(access.project)
    changes = []
    if after is not None and after < last:
        entries = ActivityEntry.objects.filter(project=access.project, change_number__gt=after)
        for entry in entries.exclude(user_id=request.user.pk).order_by("change_number")[
            :MAX_CHANGES
        ]:
            row_url = create_url = ""
            if entry.kind_slug and entry.item_pk and entry.action != ActivityEntry.Action.DELETED:
                row_url = reverse(
                    "blueprint:item_hx_row", args=[pk, entry.kind_slug, entry.item_pk]
                )
            if entry.kind_slug and entry.action == ActivityEntry.Action.DELETED:
                # Someone editing the deleted item can still save their text as a new one.
                create_url = reverse("blueprint:item_create", args=[pk, entry.kind_slug])
            changes.append(
                {
                    "id": entry.pk,
                    "who": entry.user_name or "Someone",
                    "action": entry.action,
                    "verb": entry.get_action_display().lower(),
                    "kind": entry.item_kind,
                    "label": entry.item_label,
                    "slug": entry.kind_slug,
                    "pk": entry.item_pk,
                    "row_url": row_url,
                    "create_url": create_url,
                }
            )
    return JsonResponse(
        {
            "people": people,
            "changes": changes,
            "last": last,
            "state": access.project.state,
            "version": access.project.version_number,
        }
    )
