"""Projects and the people in them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from blueprint.models import SIGNOFF_ROLES, DeliveryPhase, Membership, Phase, Project, Role

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


def member_add(*, project: Project, user: User, role: str) -> Membership:
    with transaction.atomic():
        _check_role_free(project=project, role=role)
        return Membership.objects.create(project=project, user=user, role=role)


def member_role_change(*, membership: Membership, role: str) -> Membership:
    with transaction.atomic():
        if role == membership.role:
            return membership
        if role != Role.FACILITATOR:
            _check_keeps_facilitator(membership=membership)
        _check_role_free(project=membership.project, role=role, exclude=membership)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def member_remove(*, membership: Membership) -> None:
    with transaction.atomic():
        _check_keeps_facilitator(membership=membership)
        membership.delete()
