from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models

from blueprint.models.project import Project, Role


class Version(models.Model):
    """A signed baseline: the blueprint document as canonical JSON, and its SHA-256."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.TextField(help_text="Canonical JSON of the blueprint document.")
    sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    pdf = models.FileField(upload_to="signed-pdfs/", blank=True)

    class Meta:
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="one_version_per_number"),
        ]

    def __str__(self) -> str:
        return f"{self.project} v{self.number}"

    def computed_hash(self) -> str:
        return hashlib.sha256(self.snapshot.encode("utf-8")).hexdigest()

    @property
    def is_intact(self) -> bool:
        """False when the stored snapshot no longer matches the hash it was signed with."""
        return self.computed_hash() == self.sha256


class Approval(models.Model):
    """One role holder's signature on the blueprint frozen for review."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="approvals")
    version = models.ForeignKey(
        Version, on_delete=models.CASCADE, null=True, blank=True, related_name="approvals"
    )
    version_number = models.PositiveIntegerField()
    role = models.CharField(max_length=20, choices=Role.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(max_length=120)
    meaning = models.CharField(max_length=200)
    content_hash = models.CharField(max_length=64)
    approved_at = models.DateTimeField()

    class Meta:
        ordering = ["approved_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "version_number", "role"], name="one_approval_per_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signer_name}: {self.meaning}"

    def signs(self, sha256: str) -> bool:
        """Whether this signature is on the content with this SHA-256 (21 CFR 11.70: a
        signature stays bound to what was signed, so it cannot be moved to other content)."""
        return bool(sha256) and self.content_hash == sha256


class AppendOnly(Exception):
    """The activity log is never changed or deleted."""


class ActivityEntry(models.Model):
    class Action(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Changed"
        DELETED = "deleted", "Deleted"
        MOVED = "moved", "Moved"
        REQUESTED = "requested", "Requested sign-off"
        APPROVED = "approved", "Approved"
        SENT_BACK = "sent_back", "Sent back"
        SIGNED = "signed", "Signed off"
        REOPENED = "reopened", "Reopened"
        MEMBER = "member", "Changed people"
        IMPORTED = "imported", "Imported"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activity")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    user_name = models.CharField(max_length=120, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    artifact = models.CharField(max_length=30, blank=True)
    item_kind = models.CharField(max_length=80, blank=True)
    # Which inline editor row the change touched, so open pages can refresh just that row.
    kind_slug = models.SlugField(max_length=40, blank=True)
    item_pk = models.BigIntegerField(null=True, blank=True)
    item_label = models.CharField(max_length=300, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    comment = models.TextField(blank=True)
    # The project's change number this entry brought it to (Project.change_number).
    change_number = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "activity entry"
        verbose_name_plural = "activity log"
        indexes = [
            models.Index(fields=["project", "-at"]),
            models.Index(fields=["project", "change_number"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_name} {self.get_action_display().lower()} {self.item_label}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnly("Activity entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly("Activity entries cannot be deleted.")

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for every field that differs."""
        keys = list(dict.fromkeys([*self.before.keys(), *self.after.keys()]))
        return [
            (k, self.before.get(k, ""), self.after.get(k, ""))
            for k in keys
            if self.before.get(k, "") != self.after.get(k, "")
        ]


class Presence(models.Model):
    """Who has a project open in their browser, and where, as of their last heartbeat."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="presence")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    where = models.CharField(max_length=40, blank=True)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_presence_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.project}"
