"""Sign-off: request, approve, send back, sign, reopen. Each is one transaction that
locks the project row, so two people clicking at once cannot both win."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from blueprint.activity import activity_record
from blueprint.document import Document, document_load, document_to_json
from blueprint.models import (
    SIGNOFF_ROLES,
    ActivityEntry,
    Approval,
    Membership,
    Project,
    Role,
    Version,
)

NOT_FACILITATOR = "Only a facilitator can do this."
NOT_DRAFT = "Sign-off can only be requested for a draft."
HAS_BLOCKERS = "Sign-off cannot be requested while {count} blocking finding(s) remain."
NOT_AWAITING = "The blueprint is not awaiting sign-off."
NOT_ROLE_HOLDER = "You do not hold the {role} role in this project."
WRONG_PASSWORD = "That password is not right."
ALREADY_APPROVED = "The {role} has already approved this version."
CHANGED_SINCE = "The blueprint changed after you opened it; reload the page and review it again."
COMMENT_REQUIRED = "Say what must change before it can be approved."
NOT_SIGNED = "Only a signed-off project can be reopened."
NOT_A_SIGNER = "Only the business leader, process owner or systems owner can send it back."

ROLE_MEANING = {
    Role.BUSINESS_LEADER: "approved as business leader",
    Role.PROCESS_OWNER: "approved as process owner",
    Role.SYSTEMS_OWNER: "approved as systems owner",
}


def _locked(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


def _membership(project: Project, user: User) -> Membership | None:
    return Membership.objects.filter(project=project, user=user).first()


def _require_facilitator(project: Project, user: User) -> None:
    membership = _membership(project, user)
    if membership is None or membership.role != Role.FACILITATOR:
        raise ValidationError(NOT_FACILITATOR)


def _blockers(doc: Document) -> int:
    # Imported here: readiness reads the document, and the document imports models.
    from blueprint.readiness import readiness_evaluate

    return len(readiness_evaluate(doc).blockers)


def signoff_request(
    *, project: Project, user: User, blockers: Callable[[Document], int] | None = None
) -> Project:
    """Freeze the blueprint for review once readiness has no blockers."""
    with transaction.atomic():
        project = _locked(project)
        _require_facilitator(project, user)
        if project.state != Project.State.DRAFT:
            raise ValidationError(NOT_DRAFT)
        # One load, under the lock: the blueprint that passed readiness is the one frozen.
        doc = document_load(project)
        count = (blockers or _blockers)(doc)
        if count:
            raise ValidationError(HAS_BLOCKERS.format(count=count))
        # What the role holders approve is this snapshot, frozen now: later edits to
        # someone's profile (their name is in the cover) must not unsettle the signature.
        snapshot = document_to_json(doc)
        project.review_snapshot = snapshot.decode("utf-8")
        project.review_hash = hashlib.sha256(snapshot).hexdigest()
        project.review_requested_at = timezone.now()
        project.state = Project.State.AWAITING
        project.save(
            update_fields=[
                "state",
                "review_hash",
                "review_snapshot",
                "review_requested_at",
                "updated_at",
            ]
        )
        Approval.objects.filter(project=project, version_number=project.version_number).delete()
        activity_record(
            project=project,
            user=user,
            action=ActivityEntry.Action.REQUESTED,
            item_label=f"Version {project.version_number}",
            after={"SHA-256": project.review_hash},
        )
    return project


@dataclass(frozen=True)
class ApprovalResult:
    approval: Approval
    signed: Version | None


def signoff_approve(
    *, project: Project, user: User, role: str, password: str, seen_hash: str
) -> ApprovalResult:
    """Record one role's signature; the third signature signs the version."""
    with transaction.atomic():
        project = _locked(project)
        if project.state != Project.State.AWAITING:
            raise ValidationError(NOT_AWAITING)
        membership = _membership(project, user)
        role_label = Role(role).label.lower() if role in Role.values else role
        if role not in SIGNOFF_ROLES or membership is None or membership.role != role:
            raise ValidationError(NOT_ROLE_HOLDER.format(role=role_label))
        if not user.check_password(password):
            raise ValidationError({"password": WRONG_PASSWORD})
        if seen_hash != project.review_hash:
            raise ValidationError(CHANGED_SINCE)
        if Approval.objects.filter(
            project=project, version_number=project.version_number, role=role
        ).exists():
            raise ValidationError(ALREADY_APPROVED.format(role=role_label))
        approval = Approval.objects.create(
            project=project,
            version_number=project.version_number,
            role=role,
            user=user,
            signer_name=user.display_name,
            meaning=ROLE_MEANING[Role(role)],
            content_hash=project.review_hash,
            approved_at=timezone.now(),
        )
        activity_record(
            project=project,
            user=user,
            action=ActivityEntry.Action.APPROVED,
            item_label=f"Version {project.version_number}",
            after={"Meaning": approval.meaning, "SHA-256": approval.content_hash},
        )
        signed = None
        approved_roles = set(
            Approval.objects.filter(
                project=project, version_number=project.version_number
            ).values_list("role", flat=True)
        )
        if approved_roles >= {r.value for r in SIGNOFF_ROLES}:
            signed = _sign(project=project, user=user)
    return ApprovalResult(approval=approval, signed=signed)


def _sign(*, project: Project, user: User) -> Version:
    version = Version(
        project=project,
        number=project.version_number,
        snapshot=project.review_snapshot,
        signed_at=timezone.now(),
    )
    version.sha256 = version.computed_hash()
    if version.sha256 != project.review_hash:
        # Frozen means frozen: if it changed anyway, nobody's signature covers it.
        raise ValidationError(CHANGED_SINCE)
    version.save()
    Approval.objects.filter(project=project, version_number=project.version_number).update(
        version=version
    )
    project.state = Project.State.SIGNED
    project.review_snapshot = ""
    project.save(update_fields=["state", "review_snapshot", "updated_at"])
    activity_record(
        project=project,
        user=user,
        action=ActivityEntry.Action.SIGNED,
        item_label=f"Version {version.number}",
        after={"SHA-256": version.sha256},
    )
    return version


def signoff_send_back(*, project: Project, user: User, comment: str) -> Project:
    """A role holder returns the blueprint to draft with a comment; approvals are cleared."""
    with transaction.atomic():
        project = _locked(project)
        if project.state != Project.State.AWAITING:
            raise ValidationError(NOT_AWAITING)
        membership = _membership(project, user)
        if membership is None or membership.role not in SIGNOFF_ROLES:
            raise ValidationError(NOT_A_SIGNER)
        if not comment.strip():
            raise ValidationError({"comment": COMMENT_REQUIRED})
        Approval.objects.filter(project=project, version_number=project.version_number).delete()
        project.state = Project.State.DRAFT
        project.sent_back_snapshot = project.review_snapshot
        project.review_hash = ""
        project.review_snapshot = ""
        project.review_requested_at = None
        project.save(
            update_fields=[
                "state",
                "review_hash",
                "review_snapshot",
                "sent_back_snapshot",
                "review_requested_at",
                "updated_at",
            ]
        )
        activity_record(
            project=project,
            user=user,
            action=ActivityEntry.Action.SENT_BACK,
            item_label=f"Version {project.version_number}",
            comment=comment.strip(),
        )
    return project


def project_reopen(*, project: Project, user: User) -> Project:
    """Start the next version as a draft; the signed one stays readable."""
    with transaction.atomic():
        project = _locked(project)
        _require_facilitator(project, user)
        if project.state != Project.State.SIGNED:
            raise ValidationError(NOT_SIGNED)
        project.state = Project.State.DRAFT
        project.version_number += 1
        project.review_hash = ""
        project.review_requested_at = None
        project.sent_back_snapshot = ""
        project.save(
            update_fields=[
                "state",
                "version_number",
                "review_hash",
                "review_requested_at",
                "sent_back_snapshot",
                "updated_at",
            ]
        )
        activity_record(
            project=project,
            user=user,
            action=ActivityEntry.Action.REOPENED,
            item_label=f"Version {project.version_number}",
        )
    return project


@dataclass(frozen=True)
class ReviewStatus:
    """Where the current version's review stands, for the pages to show."""

    round: int  # how many times this version has been frozen for sign-off (0: not yet)
    # The send-back that no new request has answered yet: its comment stays in view.
    sent_back: ActivityEntry | None
    sent_back_role: str


_ROUND_EVENTS = (
    ActivityEntry.Action.REQUESTED,
    ActivityEntry.Action.SENT_BACK,
    ActivityEntry.Action.SIGNED,
    ActivityEntry.Action.REOPENED,
)


def review_status(project: Project) -> ReviewStatus:
    """The current version's review round, and the send-back still to be addressed."""
    events = list(
        ActivityEntry.objects.filter(project=project, action__in=_ROUND_EVENTS)
        .order_by("-change_number", "-pk")
        .select_related("user")[:200]
    )
    rounds = 0
    for event in events:
        if event.action in (ActivityEntry.Action.SIGNED, ActivityEntry.Action.REOPENED):
            break
        if event.action == ActivityEntry.Action.REQUESTED:
            rounds += 1
    latest = events[0] if events else None
    sent_back = latest if latest and latest.action == ActivityEntry.Action.SENT_BACK else None
    role = ""
    if sent_back is not None and sent_back.user_id:
        membership = Membership.objects.filter(project=project, user_id=sent_back.user_id).first()
        role = membership.get_role_display().lower() if membership else ""
    return ReviewStatus(round=rounds, sent_back=sent_back, sent_back_role=role)
