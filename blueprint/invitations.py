"""Inviting people who have no account yet: a link by email, to set a name and password
and land in the project in the role the facilitator chose. A link works once, expires,
and can be revoked."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from blueprint.membership import (
    _check_not_awaiting,
    _check_role_free,
    member_add,
    people_log,
)
from blueprint.models import SIGNOFF_ROLES, Invitation, Project, Role

ALREADY_INVITED = "{email} already has an open invitation to this project; revoke it first."
ROLE_INVITED = (
    "{email} is already invited as {role}, which has one holder; revoke that invitation first."
)
NOT_OPEN = {
    "accepted": "This invitation has already been used. Sign in to open the project.",
    "revoked": "This invitation was revoked. Ask the facilitator for a new one.",
    "expired": "This invitation has expired. Ask the facilitator for a new one.",
    "unknown": "This invitation link is not valid. Check that the whole link was copied.",
}
WRONG_ACCOUNT = (
    "This invitation is for {email}, but you are signed in as {current}. Sign out, then "
    "open the link again."
)

SUBJECT = "You are invited to the integration blueprint “{project}”"
BODY = """{inviter} invites you to plan the integration “{project}” together, as {role}.

Open this link to set your name and password and join the project:

{link}

The link works once and expires on {expires} (UTC).
"""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, "BLUEPRINT_INVITATION_DAYS", 7))


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str  # only in the email: the database keeps its hash


def invitation_create(*, project: Project, email: str, role: str, by: User) -> NewInvitation:
    """Invite `email` in `role`; the same rules as adding a member hold (one holder of a
    sign-off role, nothing changes while the blueprint awaits sign-off)."""
    email = email.strip().lower()
    now = timezone.now()
    with transaction.atomic():
        _check_not_awaiting(project)
        _check_role_free(project=project, role=role)
        open_ = Invitation.objects.filter(
            project=project, accepted_at__isnull=True, revoked_at__isnull=True
        )
        # An expired invitation still open in the table is closed now, so it cannot block.
        open_.filter(expires_at__lte=now).update(revoked_at=now)
        if open_.filter(email__iexact=email, expires_at__gt=now).exists():
            raise ValidationError({"email": ALREADY_INVITED.format(email=email)})
        if role in SIGNOFF_ROLES:
            other = open_.filter(role=role, expires_at__gt=now).first()
            if other is not None:
                label = Role(role).label.lower()
                raise ValidationError({"role": ROLE_INVITED.format(email=other.email, role=label)})
        token = secrets.token_urlsafe(32)
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    project=project,
                    email=email,
                    role=role,
                    token_hash=_hash(token),
                    invited_by=by,
                    expires_at=now + _lifetime(),
                )
        except IntegrityError as exc:
            raise ValidationError({"email": ALREADY_INVITED.format(email=email)}) from exc
        people_log(project, by, f"Invited {email}", "", Role(role).label, kind="invitation")
    return NewInvitation(invitation=invitation, token=token)


def invitation_send(*, new: NewInvitation, link: str) -> None:
    invitation = new.invitation
    project = invitation.project
    inviter = invitation.invited_by.display_name if invitation.invited_by else "The facilitator"
    send_mail(
        SUBJECT.format(project=project.name),
        BODY.format(
            inviter=inviter,
            project=project.name,
            role=invitation.get_role_display().lower(),
            link=link,
            expires=invitation.expires_at.strftime("%d %B %Y, %H:%M"),
        ),
        None,  # DEFAULT_FROM_EMAIL
        [invitation.email],
    )


def invitation_state(invitation: Invitation | None) -> str:
    """ "open", or why it cannot be used: "accepted", "revoked", "expired", "unknown"."""
    if invitation is None:
        return "unknown"
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= timezone.now():
        return "expired"
    return "open"


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("project", "invited_by")
        .filter(token_hash=_hash(token))
        .first()
    )


def invitation_accept(*, invitation: Invitation, user: User) -> None:
    """Join the project in the invited role; the link is used up."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        state = invitation_state(locked)
        if state != "open":
            raise ValidationError(NOT_OPEN[state])
        if user.email.lower() != locked.email.lower():
            raise ValidationError(WRONG_ACCOUNT.format(email=locked.email, current=user.email))
        member_add(project=locked.project, user=user, role=locked.role, by=user)
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])


def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None or locked.revoked_at is not None:
            return
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        people_log(
            locked.project, by, f"Revoked the invitation of {locked.email}", "", "", "invitation"
        )


def invitations_pending(project: Project) -> list[Invitation]:
    now = timezone.now()
    return list(
        Invitation.objects.filter(
            project=project, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).select_related("invited_by")
    )
