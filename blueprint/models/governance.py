from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from blueprint.models.base import BlueprintItem
from blueprint.models.mapping import Attribute
from blueprint.models.project import Project, System


class OwnershipRule(BlueprintItem):
    class Area(models.TextChoices):
        DATA_STANDARDS = "data_standards", "Data standards and definitions"
        SYSTEM_CONFIG = "system_config", "Configuration of a system"
        INTEGRATION = "integration", "The integration layer"
        REPORTING = "reporting", "Reporting and dashboard interpretation"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ownership_rules")
    area = models.CharField(max_length=20, choices=Area.choices)
    system = models.ForeignKey(
        System,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="owners",
        help_text="Only for the configuration of a system.",
    )
    owner_name = models.CharField(
        "owner (a named person)",
        max_length=120,
        blank=True,
        help_text="A person's name, e.g. “Priya Raman”.",
    )
    owner_role = models.CharField(
        "owner role",
        max_length=120,
        blank=True,
        help_text="A role written out, e.g. “Head of Sales Operations”, not an acronym.",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["area", "system__name", "pk"]
        verbose_name = "ownership rule"

    def __str__(self) -> str:
        area = self.get_area_display()
        if self.area == self.Area.SYSTEM_CONFIG and self.system_id:
            area = f"Configuration of {self.system.name}"
        return f"{area}: {self.owner_label}"

    @property
    def owner_label(self) -> str:
        return " – ".join(p for p in (self.owner_name, self.owner_role) if p) or "no owner"


class ExceptionRule(BlueprintItem):
    class Situation(models.TextChoices):
        UNMATCHED = "unmatched", "Record cannot be matched"
        MISSING_DATA = "missing_data", "Required data missing"
        ALREADY_EXISTS = "already_exists", "Record already exists in the target"
        MULTIPLE_MATCHES = "multiple_matches", "Several records match one customer"
        REJECTED = "rejected", "Target rejects the payload"
        CONFLICTING_AUTOMATIONS = (
            "conflicting_automations",
            "Automations trigger conflicting actions",
        )
        OTHER = "other", "Other"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="exception_rules")
    situation = models.CharField(max_length=30, choices=Situation.choices)
    situation_other = models.CharField("other situation", max_length=200, blank=True)
    auto_log = models.BooleanField("log it", default=False)
    auto_alert = models.BooleanField("alert someone", default=False)
    auto_review_queue = models.BooleanField("route to a review queue", default=False)
    auto_retry = models.BooleanField("retry", default=False)
    retry_policy = models.CharField(
        "retry policy",
        max_length=200,
        blank=True,
        help_text="e.g. 3 times, 5 / 30 / 120 minutes apart, then to the review queue.",
    )
    auto_fail = models.BooleanField("stop the sync or drop the record", default=False)
    manual_handling = models.TextField("what is handled by hand", blank=True)
    manual_owner = models.CharField("handled by (person or role)", max_length=120, blank=True)
    tracking = models.TextField("how exceptions are tracked and reviewed", blank=True)
    scenarios = models.ManyToManyField(
        "blueprint.Scenario",
        blank=True,
        related_name="exception_rules",
        verbose_name="scenarios it applies to",
    )
    acceptance_text = models.TextField(
        "acceptance test, as edited",
        blank=True,
        help_text="Gherkin. Empty: the test generated from the blueprint.",
    )

    class Meta:
        ordering = ["situation", "pk"]
        verbose_name = "exception rule"

    def __str__(self) -> str:
        if self.situation == self.Situation.OTHER and self.situation_other:
            return self.situation_other
        return self.get_situation_display()

    @property
    def automatic_handling(self) -> list[str]:
        parts = []
        if self.auto_log:
            parts.append("log")
        if self.auto_alert:
            parts.append("alert")
        if self.auto_review_queue:
            parts.append("review queue")
        if self.auto_retry:
            parts.append(f"retry ({self.retry_policy})" if self.retry_policy else "retry")
        if self.auto_fail:
            parts.append("stop / drop")
        return parts


class Guardrail(BlueprintItem):
    class Kind(models.TextChoices):
        NEVER_OVERWRITE = "never_overwrite", "Never overwrite this attribute"
        SINGLE_SYSTEM = "single_system", "This stage may change in one system only"
        NO_CROSSING = "no_crossing", "This data must not cross into some systems"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="guardrails")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    attribute = models.ForeignKey(
        Attribute, on_delete=models.CASCADE, null=True, blank=True, related_name="guardrails"
    )
    system = models.ForeignKey(
        System,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="guardrails",
        verbose_name="the one system where it may change",
    )
    data_description = models.CharField(
        "which data",
        max_length=200,
        blank=True,
        help_text="For data that must not cross, e.g. “card numbers and health data”.",
    )
    forbidden_systems = models.ManyToManyField(
        System,
        blank=True,
        related_name="forbidden_by",
        verbose_name="systems it must not cross into",
    )
    protected_systems = models.ManyToManyField(
        System,
        blank=True,
        related_name="protected_by",
        verbose_name="systems where it must never be overwritten",
        help_text="By default the attribute's source of truth: a read-only copy elsewhere may "
        "still be kept current.",
    )
    rationale = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        if self.kind == self.Kind.NO_CROSSING:
            return f"Keep {self.data_description or 'data'} out"
        target = str(self.attribute) if self.attribute_id else "an attribute"
        if self.kind == self.Kind.NEVER_OVERWRITE:
            return f"Never overwrite {target}"
        return f"{target} changes only in {self.system or 'one system'}"

    @staticmethod
    def unanswered(
        kind: str, value: Callable[[str], Any], blank: Callable[[str], bool]
    ) -> list[str]:
        """The fields a guardrail of this kind must fill and does not (`value(field)` reads
        one, by model field name): the form asks for them and readiness reports them."""
        missing = []
        for field in GUARDRAIL_NEEDS.get(kind, ()):
            answer = value(field)
            if field == "data_description" and value("attribute"):
                continue  # naming the attribute says which data
            if blank(answer) if isinstance(answer, str) else not answer:
                missing.append(field)
        return missing


# What each kind of guardrail must say, and what it may say besides; whatever else it
# carries is emptied when the form saves it.
GUARDRAIL_NEEDS: dict[str, tuple[str, ...]] = {
    Guardrail.Kind.NEVER_OVERWRITE: ("attribute",),
    Guardrail.Kind.SINGLE_SYSTEM: ("attribute", "system"),
    Guardrail.Kind.NO_CROSSING: ("data_description", "forbidden_systems"),
}
GUARDRAIL_MAY: dict[str, tuple[str, ...]] = {
    Guardrail.Kind.NEVER_OVERWRITE: ("protected_systems",),
}
