"""Questions, proposed changes and decisions, attached to any item or to the project."""

from __future__ import annotations

from django.db import models

from blueprint.models.base import BlueprintItem
from blueprint.models.project import Project


class Note(BlueprintItem):
    """One note of the workshop on an item (`about_section`, `about_id`) or the project.

    - a *question*, for a person or role to answer by a date; one marked
      `must_answer` blocks sign-off until it is answered;
    - a *proposed change*, accepted or rejected by the item's owner role;
    - a *decision*: what was decided (`text`), by whom and why.

    `about_section` is a section of the blueprint document ("entities", "mappings", ...)
    and `about_id` an item of it; both empty for the project itself.
    """

    class Kind(models.TextChoices):
        QUESTION = "question", "Question"
        PROPOSAL = "proposal", "Proposed change"
        DECISION = "decision", "Decision"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        RECORDED = "recorded", "Recorded"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.QUESTION)
    about_section = models.CharField("about (list)", max_length=30, blank=True)
    about_id = models.PositiveBigIntegerField("about (item)", null=True, blank=True)
    text = models.TextField(
        "note", help_text="The question, the change proposed, or what was decided."
    )
    raised_by = models.CharField("written by", max_length=120, blank=True)
    asked_of = models.CharField(
        "who must answer (person or role)",
        max_length=120,
        blank=True,
        help_text="A question: who answers. A proposed change: the role that decides.",
    )
    due_date = models.DateField("answer by", null=True, blank=True)
    must_answer = models.BooleanField("must be answered before sign-off", default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(
        "answer or why",
        blank=True,
        help_text="The answer, the reason for a decision or a response.",
    )
    decided_by = models.CharField("decided or answered by", max_length=120, blank=True)

    # The statuses each kind may have; the first is a new note's.
    STATUSES = {
        Kind.QUESTION: (Status.OPEN, Status.ANSWERED),
        Kind.PROPOSAL: (Status.OPEN, Status.ACCEPTED, Status.REJECTED),
        Kind.DECISION: (Status.RECORDED,),
    }

    class Meta:
        ordering = ["project", "kind", "pk"]
        indexes = [models.Index(fields=["project", "about_section", "about_id"])]

    def __str__(self) -> str:
        text = " ".join(self.text.split())
        return f"{self.get_kind_display()}: {text[:60]}{'…' if len(text) > 60 else ''}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def clean(self) -> None:
        """The note's rules (`rules.note_problems`), and what it is about must be an item
        of this project."""
        from django.core.exceptions import ValidationError

        from blueprint import rules
        from blueprint.document import SECTION_BY_NAME

        super().clean()
        errors: dict[str, list[str]] = {}
        for p in rules.note_problems(self):
            errors.setdefault(p.field, []).append(p.message)
        section = SECTION_BY_NAME.get(self.about_section)
        if not errors and section is not None and self.about_id is not None:
            model = section.model
            if not model._default_manager.filter(
                project_id=self.project_id, pk=self.about_id
            ).exists():
                errors["about_id"] = ["That item is not in this project (any more)."]
        if errors:
            raise ValidationError(errors)
