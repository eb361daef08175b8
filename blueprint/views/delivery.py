"""The delivery plan (advisory, seed 002): phases, API contract and audit checklists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from blueprint.access import ProjectAccess, get_project_for
from blueprint.forms.delivery import (
    AUDIT_PROMPTS,
    CONTRACT_PROMPTS,
    PHASE_GUIDES,
    AuditForm,
    ContractForm,
    PhaseForm,
)
from blueprint.items import page_kinds
from blueprint.models import (
    AuditItem,
    AuditTopic,
    ContractItem,
    ContractTopic,
    DeliveryPhase,
    Phase,
    Project,
    System,
)
from blueprint.views.types import HtmxHttpRequest, page_render

PAGE = "blueprint/delivery.html"


def _phase_guides(project: Project) -> dict[str, Any]:
    """The guide line under each phase name, for rows rendered outside the page."""
    return {"phase_guides": list(PHASE_GUIDES.items())}


page_kind = page_kinds(page="blueprint:delivery", template=PAGE, artifact="delivery")

PHASE_KIND = page_kind(
    slug="phase",
    model=DeliveryPhase,
    form_class=PhaseForm,
    columns=5,
    deletable=False,
    extra_context=_phase_guides,
)

CONTRACT_KIND = page_kind(
    slug="contract",
    model=ContractItem,
    form_class=ContractForm,
    columns=4,
    select_related=("system",),
)

AUDIT_KIND = page_kind(
    slug="audit",
    model=AuditItem,
    form_class=AuditForm,
    columns=4,
)


@dataclass(frozen=True)
class Slot:
    """One cell of a checklist: a topic (or phase) and its item, if anyone wrote one."""

    value: str
    label: str
    prompt: str
    item: Any = None


@dataclass(frozen=True)
class SystemChecklist:
    system: System
    slots: list[Slot]

    @property
    def done_count(self) -> int:
        return sum(1 for slot in self.slots if slot.item is not None and slot.item.done)


def _slots(choices: Any, prompts: dict[str, str], items: dict[str, Any]) -> list[Slot]:
    return [
        Slot(value=value, label=label, prompt=prompts.get(value, ""), item=items.get(value))
        for value, label in choices.choices
    ]


def _delivery_context(access: ProjectAccess) -> dict[str, Any]:
    project = access.project
    phases = {phase.phase: phase for phase in PHASE_KIND.queryset(project)}
    contract: dict[int, dict[str, ContractItem]] = {}
    for item in CONTRACT_KIND.queryset(project):
        contract.setdefault(item.system_id, {})[item.topic] = item
    audit = {item.topic: item for item in AUDIT_KIND.queryset(project)}
    phase_slots = _slots(Phase, PHASE_GUIDES, phases)
    audit_slots = _slots(AuditTopic, AUDIT_PROMPTS, audit)
    checklists = [
        SystemChecklist(
            system=system,
            slots=_slots(ContractTopic, CONTRACT_PROMPTS, contract.get(system.pk, {})),
        )
        for system in System.objects.filter(project=project)
    ]
    return {
        "project": project,
        "access": access,
        "nav": "delivery",
        "phase_slots": phase_slots,
        "phases_with_exit": sum(1 for s in phase_slots if s.item and s.item.exit_criteria),
        "checklists": checklists,
        "audit_slots": audit_slots,
        "audit_done": sum(1 for s in audit_slots if s.item and s.item.done),
        "contract_topic_count": len(ContractTopic.choices),
        **_phase_guides(project),
    }


@require_GET
def delivery_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    # After a save the progress counts refresh themselves: the answer is then only the
    # "delivery-progress" piece, which swaps every count out of band.
    access = get_project_for(request, pk)
    return page_render(request, PAGE, _delivery_context(access), pieces=("delivery-progress",))
