"""The delivery plan (seed 002): phases, API contract checklist, audit record checklist.

Advisory: nothing here blocks sign-off, so the forms only keep the checklist coherent
(one row per phase, per system and contract topic, per audit topic).
"""

from __future__ import annotations

from typing import Any

from django import forms

from blueprint.forms.base import ItemForm
from blueprint.models import (
    AuditItem,
    AuditTopic,
    ContractItem,
    ContractTopic,
    DeliveryPhase,
    Phase,
)

DONE_NEEDS_NOTE = "Write down what was agreed before ticking it off: the builders read this note."

# What each phase proves, in the words of seed 002.
PHASE_GUIDES: dict[str, str] = {
    Phase.READ_ONLY: "Fetch and show data without writing back: proves connectivity, "
    "authentication, pagination and the field mapping assumptions.",
    Phase.WRITE_PATH: "One write path with limited scope (e.g. create a lead or update a "
    "sales stage), with logging and rollback rules before widening it.",
    Phase.EXCEPTIONS: "Retry policies, dead-letter handling, alerts and operator tooling: "
    "the integration becomes operational, not merely functional.",
    Phase.ROLLOUT: "More entities, recurring sync jobs automated, ownership documented for "
    "long-term maintenance.",
}

# The question each contract topic answers, so a change never surprises production.
CONTRACT_PROMPTS: dict[str, str] = {
    ContractTopic.PAYLOADS: "Which fields each request and response carries, which are "
    "required, and who hears about it when that changes?",
    ContractTopic.VALUES: "Which values (statuses, picklists, codes) are allowed, and what "
    "happens when one is renamed or added?",
    ContractTopic.RATE_LIMITS: "How many calls per minute or day are allowed, and how does "
    "the integration stay under that?",
    ContractTopic.RETRIES: "Which failures are retried, how often and how far apart, and "
    "when does a record go to a review queue instead?",
    ContractTopic.VERSIONING: "Which API version is used, how are breaking changes "
    "announced, and how long do old versions keep working?",
    ContractTopic.AUTH: "How are credentials issued, rotated and revoked, when do tokens "
    "expire, and who renews them?",
}

# What the audit log must let a support person answer (seed 002, "at minimum, log").
AUDIT_PROMPTS: dict[str, str] = {
    AuditTopic.SOURCE_ID: "Which record, in the system it came from, started this?",
    AuditTopic.TARGET_ID: "Which record did it create or change in the target system?",
    AuditTopic.ACTION: "What did the integration try to do: create, update, link, delete?",
    AuditTopic.PAYLOAD_VERSION: "Which version of the payload was sent, so a contract "
    "change can be traced?",
    AuditTopic.OUTCOME: "Did it succeed, get skipped, fail, or go to review?",
    AuditTopic.FAILURE_REASON: "Why did it fail, in words a support person can act on?",
    AuditTopic.RETRY_HISTORY: "When was it retried, how many times, with what result?",
}


def _note_widget() -> forms.Textarea:
    return forms.Textarea(attrs={"rows": 2})


class PhaseForm(ItemForm):
    """Scope, exit criteria and date of one of the four phases.

    The phase itself is fixed once the row exists; it is chosen only when a missing
    phase is planned again.
    """

    class Meta:
        model = DeliveryPhase
        fields = ["phase", "scope", "exit_criteria", "target_date"]
        widgets = {
            "scope": _note_widget(),
            "exit_criteria": _note_widget(),
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "scope": "What this phase covers: which entities, systems and write paths.",
            "exit_criteria": "How will everyone know the phase is done and the next may "
            "start? E.g. “two weeks without mismatches”.",
            "target_date": "When the phase should be finished (optional).",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["phase"]
            guide = PHASE_GUIDES.get(self.instance.phase)
            if guide:
                self.fields["scope"].help_text = guide


class _ChecklistForm(ItemForm):
    """A checklist entry: a note on what was agreed, and whether it is done."""

    prompts: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            topic = self.instance.topic
        else:
            topic = (self.data if self.is_bound else self.initial).get("topic")
        prompt = self.prompts.get(topic or "")
        if prompt:
            self.fields["note"].help_text = prompt

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("done") and not (cleaned.get("note") or "").strip():
            self.add_error("note", DONE_NEEDS_NOTE)
        return cleaned


class ContractForm(_ChecklistForm):
    prompts = CONTRACT_PROMPTS

    class Meta:
        model = ContractItem
        fields = ["system", "topic", "note", "done"]
        widgets = {"note": _note_widget()}
        labels = {"note": "What was agreed", "done": "Agreed and written down"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The matrix is keyed by system and topic: an item stays in its cell.
            del self.fields["system"]
            del self.fields["topic"]


class AuditForm(_ChecklistForm):
    prompts = AUDIT_PROMPTS

    class Meta:
        model = AuditItem
        fields = ["topic", "note", "done"]
        widgets = {"note": _note_widget()}
        labels = {"note": "How it is logged", "done": "Decided: the integration logs this"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["topic"]
