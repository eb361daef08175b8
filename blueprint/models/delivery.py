from __future__ import annotations

from django.db import models

from blueprint.models.base import BlueprintItem
from blueprint.models.project import Project, System


class Phase(models.TextChoices):
    READ_ONLY = "read_only", "1. Read-only visibility"
    WRITE_PATH = "write_path", "2. Controlled write path"
    EXCEPTIONS = "exceptions", "3. Exception handling"
    ROLLOUT = "rollout", "4. Full rollout"


class DeliveryPhase(BlueprintItem):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases")
    phase = models.CharField(max_length=20, choices=Phase.choices)
    scope = models.TextField(blank=True)
    exit_criteria = models.TextField("exit criteria", blank=True)
    target_date = models.DateField("target date", null=True, blank=True)

    class Meta:
        ordering = ["phase", "pk"]
        verbose_name = "delivery phase"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "phase"],
                name="one_row_per_phase",
                violation_error_message="This delivery phase is already in the plan.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_phase_display()


class ContractTopic(models.TextChoices):
    PAYLOADS = "payloads", "Payload shapes"
    VALUES = "values", "Allowed values"
    RATE_LIMITS = "rate_limits", "Rate limits"
    RETRIES = "retries", "Retry behaviour"
    VERSIONING = "versioning", "Versioning"
    AUTH = "auth", "Authentication lifecycle"


class ContractItem(BlueprintItem):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="contract_items")
    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="contract_items")
    topic = models.CharField(max_length=20, choices=ContractTopic.choices)
    note = models.TextField(blank=True)
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["system__name", "topic", "pk"]
        verbose_name = "API contract item"
        constraints = [
            models.UniqueConstraint(
                fields=["system", "topic"],
                name="one_contract_item_per_topic",
                violation_error_message="This system already has an answer for this topic.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.system.name}: {self.get_topic_display()}"


class AuditTopic(models.TextChoices):
    SOURCE_ID = "source_id", "Source record ID"
    TARGET_ID = "target_id", "Target record ID"
    ACTION = "action", "Action taken"
    PAYLOAD_VERSION = "payload_version", "Payload version"
    OUTCOME = "outcome", "Outcome"
    FAILURE_REASON = "failure_reason", "Failure reason"
    RETRY_HISTORY = "retry_history", "Retry history"


class AuditItem(BlueprintItem):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="audit_items")
    topic = models.CharField(max_length=20, choices=AuditTopic.choices)
    note = models.TextField(blank=True)
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["topic", "pk"]
        verbose_name = "audit record item"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "topic"],
                name="one_audit_item_per_topic",
                violation_error_message="This audit record topic already has an answer.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_topic_display()
