from __future__ import annotations

from django.db import models

from blueprint.models.base import BlueprintItem
from blueprint.models.project import Project, System


class Category(models.TextChoices):
    CREATION = "creation", "Creation and flow of new records"
    UPDATES = "updates", "Updates and status changes"
    NEGATIVE = "negative", "Negative or exception events"
    SUCCESS = "success", "Success and lifecycle completion"
    JOURNEY = "journey", "Multi-system journeys"


# The questions each category's story must answer (seed 000), keyed for storage.
CATEGORY_QUESTIONS: dict[str, list[tuple[str, str]]] = {
    Category.CREATION: [
        ("created_first", "Where is the record created first?"),
        ("appears_when", "When should it appear in the other systems?"),
        ("data_travels", "Which data must travel with it?"),
        ("trigger", "What triggers the movement?"),
    ],
    Category.UPDATES: [
        ("who_updates", "Which system may update which statuses?"),
        ("shown_elsewhere", "How do updates show up in the other systems?"),
        ("triggers_actions", "Which actions do updates trigger (notifications, tasks)?"),
    ],
    Category.NEGATIVE: [
        (
            "recorded_first",
            "Where is the event (denied, cancelled, churned, do-not-contact) recorded first?",
        ),
        ("mirrored", "How is it mirrored in the other systems?"),
        ("must_stop", "What must stop immediately?"),
        ("should_start", "What should start (retention, win-back)?"),
    ],
    Category.SUCCESS: [
        ("defined", "How is success defined and recorded?"),
        ("receivers", "Which systems must receive the signal?"),
        ("follow_up", "Which follow-up actions happen automatically?"),
    ],
    Category.JOURNEY: [
        ("status_visibility", "Which systems must see the record's current status?"),
    ],
}

CATEGORY_HINTS: dict[str, str] = {
    Category.CREATION: "How a new lead, customer or order comes to exist and travels.",
    Category.UPDATES: "Who may change statuses, and how the change shows up elsewhere.",
    Category.NEGATIVE: "Denied, cancelled, churned, do-not-contact: what stops and what starts.",
    Category.SUCCESS: "Closed won, funded, delivered: who hears about it and what follows.",
    Category.JOURNEY: "Every step a record takes, in order, with the system and who acts.",
}


class Scenario(BlueprintItem):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="scenarios")
    category = models.CharField(max_length=20, choices=Category.choices)
    title = models.CharField(max_length=200)
    narrative = models.TextField("plain-language story", blank=True)
    systems = models.ManyToManyField(
        System, blank=True, related_name="scenarios", verbose_name="systems involved"
    )
    answers = models.JSONField(default=dict, blank=True)
    # Trace links: what the scenario moves and produces (chosen from the project's items).
    entities = models.ManyToManyField(
        "blueprint.Entity", blank=True, related_name="scenarios", verbose_name="entities it moves"
    )
    attributes = models.ManyToManyField(
        "blueprint.Attribute",
        blank=True,
        related_name="scenarios",
        verbose_name="attributes it moves",
    )
    outcomes = models.ManyToManyField(
        "blueprint.Outcome",
        blank=True,
        related_name="scenarios",
        verbose_name="outcomes it produces",
    )
    acceptance_text = models.TextField(
        "acceptance test, as edited",
        blank=True,
        help_text="Gherkin. Empty: the test generated from the blueprint.",
    )

    class Meta:
        ordering = ["category", "title", "pk"]

    def __str__(self) -> str:
        return self.title

    def questions(self) -> list[tuple[str, str, str]]:
        """(key, question, answer) for each clarifying question of the category."""
        return [
            (key, question, str(self.answers.get(key, "") or ""))
            for key, question in CATEGORY_QUESTIONS.get(self.category, [])
        ]


class JourneyStep(BlueprintItem):
    class Actor(models.TextChoices):
        HUMAN = "human", "A person"
        AUTOMATION = "automation", "Automation"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="journey_steps")
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(default=0)
    system = models.ForeignKey(
        System, on_delete=models.SET_NULL, null=True, blank=False, related_name="journey_steps"
    )
    description = models.CharField("what happens", max_length=500)
    actor = models.CharField("who acts", max_length=20, choices=Actor.choices, default=Actor.HUMAN)

    class Meta:
        ordering = ["scenario", "position", "pk"]
        verbose_name = "journey step"

    def __str__(self) -> str:
        return f"{self.position}. {self.description}"


class CategoryNotApplicable(BlueprintItem):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="not_applicable")
    category = models.CharField(max_length=20, choices=Category.choices)
    reason = models.TextField()

    class Meta:
        ordering = ["category"]
        verbose_name = "category marked not applicable"
        verbose_name_plural = "categories marked not applicable"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "category"],
                name="one_na_per_category",
                violation_error_message="This category is already marked not applicable.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: not applicable"
