from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from blueprint.models.base import BlueprintItem
from blueprint.models.project import Project, System


class Entity(BlueprintItem):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"
        TRANSACTION = "transaction", "Transaction"
        ASSET = "asset", "Asset"

    class SyncState(models.TextChoices):
        SYNCHRONISED = "synchronised", "Synchronised"
        MANUAL = "manual", "Kept in step by hand"
        NOT_SYNCHRONISED = "not_synchronised", "Not synchronised"
        UNKNOWN = "unknown", "Unknown"

    class HistoryDecision(models.TextChoices):
        OVERWRITE = "overwrite", "Overwrite from the source of truth"
        CLEANUP = "cleanup", "Clean up by hand"
        ACCEPT = "accept", "Accept unsynchronised history"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="entities")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    description = models.TextField(blank=True)
    home_system = models.ForeignKey(
        System,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="home_of",
        verbose_name="home system",
    )
    link_method = models.TextField(
        "how records are linked across systems",
        blank=True,
        help_text="e.g. the CRM account ID is stored on the ERP customer as an external ID.",
    )
    sync_state = models.CharField(
        "synchronised today?",
        max_length=20,
        choices=SyncState.choices,
        default=SyncState.UNKNOWN,
        help_text="Kept in step by hand is not synchronised.",
    )
    history_decision = models.CharField(
        "decision for historical data",
        max_length=20,
        choices=HistoryDecision.choices,
        blank=True,
    )
    # Identity and keys
    identity_attributes = models.ManyToManyField(
        "blueprint.Attribute",
        blank=True,
        related_name="identifies",
        verbose_name="attributes that make up identity",
    )
    duplicate_rule = models.TextField(
        "duplicate and conflict rule",
        blank=True,
        help_text="e.g. emails match but names differ: route to review, never merge automatically.",
    )
    identifier_issuer = models.ForeignKey(
        System,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issues_ids_for",
        verbose_name="system that issues identifiers",
    )
    identifier_acceptors = models.ManyToManyField(
        System,
        blank=True,
        related_name="accepts_ids_for",
        verbose_name="systems that must accept the identifiers",
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "entities"
        constraints = [
            models.UniqueConstraint(Lower("name"), "project", name="unique_entity_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = (self.name or "").strip()
        super().clean()

    @property
    def needs_history_decision(self) -> bool:
        return self.sync_state != self.SyncState.SYNCHRONISED


class EntityCopy(BlueprintItem):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="entity_copies")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="copies")
    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="entity_copies")
    reason = models.TextField("why this system needs a copy", blank=True)

    class Meta:
        ordering = ["entity", "system__name", "pk"]
        verbose_name = "copy in another system"
        verbose_name_plural = "copies in other systems"
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "system"],
                name="one_copy_per_system",
                violation_error_message="This entity already has a copy in this system.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity} in {self.system}"


class Attribute(BlueprintItem):
    class Kind(models.TextChoices):
        STATUS = "status", "Status or stage"
        TYPE = "type", "Type or category"
        PRIORITY = "priority", "Priority or tier"
        DATE = "date", "Lifecycle date"
        AMOUNT = "amount", "Amount or balance"
        IDENTIFIER = "identifier", "Identifier"
        OTHER = "other", "Other"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attributes")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="attributes")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(blank=True)
    source_of_truth = models.ForeignKey(
        System,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="truth_for",
        verbose_name="source of truth",
    )
    display_systems = models.ManyToManyField(
        System, blank=True, related_name="displays", verbose_name="systems that display it"
    )
    update_systems = models.ManyToManyField(
        System, blank=True, related_name="updates", verbose_name="systems where updates are allowed"
    )

    class Meta:
        ordering = ["entity__name", "name", "pk"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "entity", name="unique_attribute_name"),
        ]

    def __str__(self) -> str:
        return f"{self.entity.name} · {self.name}" if self.entity_id else self.name


class Relationship(BlueprintItem):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="relationships")
    from_entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="relationships_from", verbose_name="entity"
    )
    to_entity = models.ForeignKey(
        Entity,
        on_delete=models.CASCADE,
        related_name="relationships_to",
        verbose_name="related entity",
    )
    description = models.CharField(
        max_length=300, help_text="e.g. “belongs to”, “is billed to”, “is owned by branch”."
    )
    maintained_in = models.ForeignKey(
        System,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="maintains",
        verbose_name="maintained in",
    )
    synced_systems = models.ManyToManyField(
        System,
        blank=True,
        related_name="syncs_relationships",
        verbose_name="systems that must keep it in sync",
    )
    change_behaviour = models.TextField("what happens when it changes in one system", blank=True)

    class Meta:
        ordering = ["from_entity__name", "to_entity__name", "pk"]

    def __str__(self) -> str:
        return f"{self.from_entity.name} {self.description} {self.to_entity.name}"


class Outcome(BlueprintItem):
    class Polarity(models.TextChoices):
        SUCCESS = "success", "Success"
        NEGATIVE = "negative", "Negative"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outcomes")
    name = models.CharField(max_length=120, help_text="e.g. won, lost, funded, denied, churned.")
    polarity = models.CharField(max_length=20, choices=Polarity.choices, default=Polarity.SUCCESS)
    entity = models.ForeignKey(
        Entity, on_delete=models.SET_NULL, null=True, blank=True, related_name="outcomes"
    )
    recorded_in = models.ForeignKey(
        System,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="records_outcomes",
        verbose_name="recorded in",
    )
    sync_behaviour = models.TextField("how it syncs", blank=True)

    class Meta:
        ordering = ["polarity", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class ReasonCode(BlueprintItem):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reason_codes")
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="reasons")
    code = models.CharField(max_length=80, help_text="e.g. pricing, timing, competition.")
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["outcome", "code", "pk"]
        verbose_name = "reason code"
        constraints = [
            models.UniqueConstraint(fields=["outcome", "code"], name="unique_reason_code"),
        ]

    def __str__(self) -> str:
        return self.code


class FieldMapping(BlueprintItem):
    class ConflictRule(models.TextChoices):
        SOURCE_WINS = "source_wins", "Source wins"
        TARGET_WINS = "target_wins", "Target wins"
        MOST_RECENT = "most_recent", "Most recent wins"
        MANUAL_REVIEW = "manual_review", "Manual review"
        NEVER_OVERWRITE = "never_overwrite", "Never overwrite"

    class Direction(models.TextChoices):
        ONE_WAY = "one_way", "One-way"
        BIDIRECTIONAL = "bidirectional", "Bidirectional"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="mappings")
    source_system = models.ForeignKey(
        System, on_delete=models.CASCADE, related_name="mappings_out", verbose_name="source system"
    )
    source_field = models.CharField(max_length=200, blank=True)
    target_system = models.ForeignKey(
        System, on_delete=models.CASCADE, related_name="mappings_in", verbose_name="target system"
    )
    target_field = models.CharField(max_length=200, blank=True)
    transformation = models.TextField("transformation rule", blank=True)
    required = models.BooleanField(default=False)
    conflict_rule = models.CharField(
        max_length=20, choices=ConflictRule.choices, blank=True, verbose_name="conflict rule"
    )
    direction = models.CharField(
        "sync direction", max_length=20, choices=Direction.choices, blank=True
    )
    attribute = models.ForeignKey(
        Attribute,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mappings",
        verbose_name="attribute it carries",
    )
    scenarios = models.ManyToManyField(
        "blueprint.Scenario",
        blank=True,
        related_name="field_mappings",
        verbose_name="scenarios that need it",
    )

    class Meta:
        ordering = ["source_system__name", "source_field", "target_system__name", "pk"]
        verbose_name = "field mapping"
        constraints = [
            models.CheckConstraint(
                condition=~Q(source_system=F("target_system")), name="mapping_between_two_systems"
            ),
        ]

    def clean(self) -> None:
        from blueprint import rules

        if rules.same_system(self.source_system_id, self.target_system_id):
            raise ValidationError({"target_system": rules.SAME_SYSTEM})
        super().clean()

    def __str__(self) -> str:
        return (
            f"{self.source_system.name}.{self.source_field or '?'} → "
            f"{self.target_system.name}.{self.target_field or '?'}"
        )
