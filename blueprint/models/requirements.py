from __future__ import annotations

from django.db import models

from blueprint.models.base import BlueprintItem
from blueprint.models.mapping import Attribute, Outcome
from blueprint.models.project import Project, System
from blueprint.models.scenarios import Scenario


class TimeWindow(models.TextChoices):
    THIS_MONTH = "this_month", "This month"
    THIS_QUARTER = "this_quarter", "This quarter"
    YEAR_TO_DATE = "year_to_date", "Year to date"
    TRAILING_YEAR = "trailing_year", "Trailing twelve months"
    LAST_MONTH = "last_month", "Last month"
    LAST_QUARTER = "last_quarter", "Last quarter"
    WEEKLY = "weekly", "Week by week"


class Report(BlueprintItem):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    name = models.CharField(max_length=200)
    question = models.TextField("the question it answers", blank=True)
    measures = models.CharField(
        max_length=300,
        blank=True,
        help_text="Comma-separated, e.g. volume, revenue, margin, win rate, cycle time.",
    )
    time_windows = models.JSONField("time windows", default=list, blank=True)
    custom_window = models.CharField(
        "other time window", max_length=200, blank=True, help_text="e.g. fiscal year from April."
    )
    audience = models.CharField("who reads it", max_length=200, blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def measure_list(self) -> list[str]:
        return [m.strip() for m in self.measures.split(",") if m.strip()]

    @property
    def window_labels(self) -> list[str]:
        labels = [TimeWindow(w).label for w in self.time_windows if w in TimeWindow.values]
        if self.custom_window:
            labels.append(self.custom_window)
        return labels


class ReportDimension(BlueprintItem):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="dimensions")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="dimensions")
    name = models.CharField(max_length=120, help_text="e.g. source, campaign, product, region.")
    attribute = models.ForeignKey(
        Attribute,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dimensions",
        verbose_name="attribute that provides it",
    )

    class Meta:
        ordering = ["report", "name", "pk"]
        verbose_name = "report dimension"

    def __str__(self) -> str:
        return self.name


class Automation(BlueprintItem):
    class TriggerType(models.TextChoices):
        SCENARIO = "scenario", "A scenario"
        ATTRIBUTE = "attribute", "An attribute change"
        OUTCOME = "outcome", "An outcome"

    class Audience(models.TextChoices):
        CUSTOMERS = "customers", "Customers"
        INTERNAL = "internal", "Internal people"

    class Action(models.TextChoices):
        MESSAGE = "message", "Send a message"
        TASK = "task", "Create a task"
        ALERT = "alert", "Raise an alert"
        START_JOURNEY = "start_journey", "Start a journey"
        STOP_MESSAGING = "stop_messaging", "Stop messaging"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="automations")
    name = models.CharField(max_length=200)
    trigger_type = models.CharField(
        "trigger", max_length=20, choices=TriggerType.choices, default=TriggerType.OUTCOME
    )
    trigger_scenario = models.ForeignKey(
        Scenario,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="automations",
        verbose_name="triggering scenario",
    )
    trigger_attribute = models.ForeignKey(
        Attribute,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="automations",
        verbose_name="triggering attribute",
    )
    trigger_outcome = models.ForeignKey(
        Outcome,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="automations",
        verbose_name="triggering outcome",
    )
    trigger_detail = models.CharField(
        "trigger detail", max_length=200, blank=True, help_text="e.g. stage changes to Closed won."
    )
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.INTERNAL)
    action = models.CharField(max_length=20, choices=Action.choices, default=Action.TASK)
    description = models.TextField("what it does", blank=True)
    sending_system = models.ForeignKey(
        System,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="automations",
        verbose_name="sending system",
    )
    owner = models.CharField(max_length=120, blank=True)
    coordination = models.TextField("how duplicate or conflicting messages are avoided", blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def trigger(self) -> object | None:
        field = TRIGGER_FIELDS.get(self.trigger_type)
        return getattr(self, field) if field else None

    @staticmethod
    def trigger_noun(trigger_type: str) -> str:
        """What triggers it, in a sentence: "scenario", "attribute", "outcome"."""
        field = TRIGGER_FIELDS.get(trigger_type)
        if field is None:
            return "trigger"
        return str(Automation._meta.get_field(field).related_model._meta.verbose_name)


# The field that names the trigger of each trigger type: the form keeps only that one, and
# readiness asks for it.
TRIGGER_FIELDS: dict[str, str] = {
    Automation.TriggerType.SCENARIO: "trigger_scenario",
    Automation.TriggerType.ATTRIBUTE: "trigger_attribute",
    Automation.TriggerType.OUTCOME: "trigger_outcome",
}
