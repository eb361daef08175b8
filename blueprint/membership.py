"""Projects and the people in them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from blueprint.activity import activity_record
from blueprint.models import (
    SIGNOFF_ROLES,
    ActivityEntry,
    DeliveryPhase,
    Membership,
    Phase,
    Project,
    Role,
)

PEOPLE_FROZEN = (
    "People cannot change while the blueprint awaits sign-off; it must be sent back first."
)
MEMBER_CLASH = "Someone else just changed the people of this project; reload and try again."
PROJECT_FROZEN = "The project details cannot change while the blueprint is not a draft."
ROLE_TAKEN = "{name} already holds the {role} role in this project; change their role first."
LAST_FACILITATOR = "A project needs at least one facilitator; make someone else facilitator first."


def project_create(
    *, user: User, name: str, summary: str = "", business_question: str = ""
) -> Project:
    """Create a project; its creator becomes its facilitator."""
    with transaction.atomic():
        project = Project.objects.create(
            name=name, summary=summary, business_question=business_question, created_by=user
        )
        Membership.objects.create(project=project, user=user, role=Role.FACILITATOR)
        phases_create(project=project)
        activity_record(
            project=project,
            user=user,
            action=ActivityEntry.Action.CREATED,
            artifact="project",
            item_kind="project",
            item_label=project.name,
        )
    return project


def project_update(*, project: Project, form: Any, user: User) -> Project:
    """Save the project's name, summary and business question, and log the change."""
    with transaction.atomic():
        state = (
            Project.objects.select_for_update().values_list("state", flat=True).get(pk=project.pk)
        )
        if state != Project.State.DRAFT:
            raise ValidationError(PROJECT_FROZEN)
        fields = ("name", "summary", "business_question")
        before = {f: str(form.initial.get(f, "")) for f in fields}
        project = form.save()
        after = {f: str(getattr(project, f)) for f in fields}
        if before != after:
            activity_record(
                project=project,
                user=user,
                action=ActivityEntry.Action.UPDATED,
                artifact="project",
                item_kind="project",
                item_label=project.name,
                before={k.replace("_", " ").capitalize(): v for k, v in before.items()},
                after={k.replace("_", " ").capitalize(): v for k, v in after.items()},
            )
    return project


def phases_create(*, project: Project) -> None:
    """Give a project the four delivery phases, to be filled in (never blocking)."""
    existing = set(DeliveryPhase.objects.filter(project=project).values_list("phase", flat=True))
    DeliveryPhase.objects.bulk_create(
        DeliveryPhase(project=project, phase=phase) for phase in Phase if phase not in existing
    )


def _check_role_free(*, project: Project, role: str, exclude: Membership | None = None) -> None:
    if role not in SIGNOFF_ROLES:
        return
    holders = Membership.objects.select_related("user").filter(project=project, role=role)
    if exclude is not None:
        holders = holders.exclude(pk=exclude.pk)
    holder = holders.first()
    if holder is not None:
        raise ValidationError(
            {"role": ROLE_TAKEN.format(name=holder.user, role=Role(role).label.lower())}
        )


def _check_keeps_facilitator(*, membership: Membership) -> None:
    if membership.role != Role.FACILITATOR:
        return
    others = Membership.objects.filter(project=membership.project, role=Role.FACILITATOR).exclude(
        pk=membership.pk
    )
    if not others.exists():
        raise ValidationError(LAST_FACILITATOR)


def _check_not_awaiting(project: Project) -> None:
    # The sign-off roles are part of what is signed: they cannot move during review.
    state = Project.objects.select_for_update().values_list("state", flat=True).get(pk=project.pk)
    if state == Project.State.AWAITING:
        raise ValidationError(PEOPLE_FROZEN)


def people_log(
    project: Project, by: User | None, label: str, before: str, after: str, kind: str = "member"
) -> None:
    """One entry of the people's log: a member's role changing, or an invitation."""
    activity_record(
        project=project,
        user=by,
        action=ActivityEntry.Action.MEMBER,
        artifact="people",
        item_kind=kind,
        item_label=label,
        before={"Role": before} if before else {},
        after={"Role": after} if after else {},
    )


def member_add(*, project: Project, user: User, role: str, by: User | None = None) -> Membership:
    with transaction.atomic():
        _check_not_awaiting(project)
        _check_role_free(project=project, role=role)
        try:
            with transaction.atomic():
                membership = Membership.objects.create(project=project, user=user, role=role)
        except IntegrityError as exc:
            raise ValidationError(MEMBER_CLASH) from exc
        people_log(project, by, str(user), "", Role(role).label)
    return membership


def member_role_change(*, membership: Membership, role: str, by: User | None = None) -> Membership:
    with transaction.atomic():
        if role == membership.role:
            return membership
        _check_not_awaiting(membership.project)
        if role != Role.FACILITATOR:
            _check_keeps_facilitator(membership=membership)
        _check_role_free(project=membership.project, role=role, exclude=membership)
        before = membership.get_role_display()
        membership.role = role
        membership.save(update_fields=["role"])
        people_log(membership.project, by, str(membership.user), before, Role(role).label)
    return membership


def member_remove(*, membership: Membership, by: User | None = None) -> None:
    with transaction.atomic():
        _check_not_awaiting(membership.project)
        _check_keeps_facilitator(membership=membership)
        membership.delete()
        people_log(membership.project, by, str(membership.user), membership.get_role_display(), "")
