from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from blueprint.models.base import BlueprintItem


class Project(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING = "awaiting", "Awaiting sign-off"
        SIGNED = "signed", "Signed off"

    name = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    business_question = models.CharField(
        max_length=500,
        blank=True,
        help_text="The question the integration must answer, e.g. “Which leads turned "
        "into revenue by channel and product?”",
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    version_number = models.PositiveIntegerField(
        default=1, help_text="The version being drafted, or the last one signed."
    )
    review_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the blueprint frozen for sign-off."
    )
    review_requested_at = models.DateTimeField(null=True, blank=True)
    # Counts the project's recorded changes: every write bumps it in its own transaction
    # (blueprint.activity.activity_record), so it orders changes the way they committed.
    # The live feed asks "what changed since N"; readiness is cached under it.
    change_number = models.PositiveBigIntegerField(default=0, editable=False)
    review_snapshot = models.TextField(
        blank=True, help_text="Canonical JSON of the blueprint frozen for sign-off."
    )
    sent_back_snapshot = models.TextField(
        blank=True,
        help_text="Canonical JSON of the last review round that was sent back, so the next "
        "round can show what changed since.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A project read before someone else's change must not write its old change number
        # back: only activity_record moves it, with an UPDATE of its own.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "change_number"
            ]
        super().save(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.state != self.State.DRAFT


class Role(models.TextChoices):
    FACILITATOR = "facilitator", "Facilitator"
    BUSINESS_LEADER = "business_leader", "Business leader"
    PROCESS_OWNER = "process_owner", "Process owner"
    SYSTEMS_OWNER = "systems_owner", "Systems owner"
    CONTRIBUTOR = "contributor", "Contributor"
    VIEWER = "viewer", "Viewer"


SIGNOFF_ROLES = (Role.BUSINESS_LEADER, Role.PROCESS_OWNER, Role.SYSTEMS_OWNER)
EDITOR_ROLES = frozenset(r for r in Role if r != Role.VIEWER)


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "role", "user__display_name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_membership_per_user"),
            models.UniqueConstraint(
                fields=["project", "role"],
                condition=Q(role__in=[r.value for r in SIGNOFF_ROLES]),
                name="one_holder_per_signoff_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} of {self.project}"

    @property
    def can_edit(self) -> bool:
        return self.role in EDITOR_ROLES

    @property
    def is_facilitator(self) -> bool:
        return self.role == Role.FACILITATOR


class System(BlueprintItem):
    class Kind(models.TextChoices):
        CRM = "crm", "CRM"
        ERP = "erp", "ERP"
        SUPPORT = "support", "Support platform"
        MARKETING = "marketing", "Marketing platform"
        WAREHOUSE = "warehouse", "Data warehouse"
        CORE_BANKING = "core_banking", "Core banking"
        ECOMMERCE = "ecommerce", "E-commerce"
        BILLING = "billing", "Billing"
        OTHER = "other", "Other"

    class Maturity(models.TextChoices):
        MATURE = "mature", "Mature"
        DEVELOPING = "developing", "Developing"
        EARLY = "early", "Early"

    class Documentation(models.TextChoices):
        COMPLETE = "complete", "Complete"
        PARTIAL = "partial", "Partial"
        MISSING = "missing", "Missing"
        UNKNOWN = "unknown", "Unknown"

    class TestEnv(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        UNKNOWN = "unknown", "Unknown"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="systems")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(blank=True)
    api_maturity = models.CharField(
        "API maturity", max_length=20, choices=Maturity.choices, default=Maturity.DEVELOPING
    )
    api_documentation = models.CharField(
        "API documentation",
        max_length=20,
        choices=Documentation.choices,
        default=Documentation.UNKNOWN,
    )
    test_environment = models.CharField(
        "Test environment available",
        max_length=20,
        choices=TestEnv.choices,
        default=TestEnv.UNKNOWN,
    )

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "project", name="unique_system_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = (self.name or "").strip()
        super().clean()


class Invitation(models.Model):
    """A facilitator's invitation of someone, by email, to join a project in a role.

    The link carries a random token; only its SHA-256 is stored, so the table cannot be
    used to accept an invitation. It works once, until it expires or is revoked.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "project",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
                violation_error_message="This person already has an open invitation.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()}"

    def is_open(self, now: Any) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now
