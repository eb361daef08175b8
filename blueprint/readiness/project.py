"""Checks on the project itself: its systems and people, and the delivery plan."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from blueprint.document import Document, Key
from blueprint.models import SIGNOFF_ROLES, AuditTopic, ContractTopic, Phase, Role, System
from blueprint.readiness.base import _blank, _label, _lower, _q, _Run


def _used_systems(doc: Document) -> set[Key]:
    """Systems something in the blueprint refers to (owners and contracts do not count:
    every system gets those)."""
    used: set[Key] = set()
    for scenario in doc.scenarios:
        used.update(scenario.system_ids)
    used.update(s.system_id for s in doc.steps)
    for entity in doc.entities:
        used.update((entity.home_system_id, entity.identifier_issuer_id))
        used.update(entity.identifier_acceptor_ids)
    used.update(c.system_id for c in doc.copies)
    for attribute in doc.attributes:
        used.add(attribute.source_of_truth_id)
        used.update(attribute.display_system_ids)
        used.update(attribute.update_system_ids)
    for rel in doc.relationships:
        used.add(rel.maintained_in_id)
        used.update(rel.synced_system_ids)
    used.update(o.recorded_in_id for o in doc.outcomes)
    for mapping in doc.mappings:
        used.update((mapping.source_system_id, mapping.target_system_id))
    for guard in doc.guardrails:
        used.add(guard.system_id)
        used.update(guard.forbidden_system_ids)
    used.update(a.sending_system_id for a in doc.automations)
    used.discard(None)
    return used


def _project(run: _Run) -> None:
    doc = run.doc
    run.check(
        "project.too_few_systems",
        len(doc.systems) >= 2,
        "systems",
        None,
        f"An integration needs at least two systems; the project lists {len(doc.systems)}",
    )
    held = {member.role for member in doc.members}
    for role in SIGNOFF_ROLES:
        run.check(
            "project.signoff_role_vacant",
            role in held,
            "members",
            None,
            f"Nobody holds the {_lower(Role(role).label)} role; sign-off needs one",
        )
    used = _used_systems(doc)
    for system in doc.systems:
        name = _q(system.name)
        run.check(
            "project.system_unused",
            system.id in used,
            "systems",
            system.id,
            f"System {name} takes part in no scenario, entity, attribute, mapping or automation",
        )
        run.check(
            "project.system_without_test_environment",
            system.test_environment == System.TestEnv.YES,
            "systems",
            system.id,
            f"Nobody has said whether {name} has a test environment"
            if system.test_environment == System.TestEnv.UNKNOWN
            else f"{name} has no test environment to try the integration in",
        )
        run.check(
            "project.system_api_undocumented",
            system.api_documentation
            not in (System.Documentation.MISSING, System.Documentation.UNKNOWN),
            "systems",
            system.id,
            f"Nobody knows whether the API of {name} is documented"
            if system.api_documentation == System.Documentation.UNKNOWN
            else f"The API of {name} has no documentation",
        )


def _open_topics(done: Iterable[str], choices: type[Any]) -> list[str]:
    settled = set(done)
    return [label for value, label in choices.choices if value not in settled]


def _delivery(run: _Run) -> None:
    doc = run.doc
    for phase in doc.phases:
        run.check(
            "delivery.phase_without_exit_criteria",
            not _blank(phase.exit_criteria),
            "phases",
            phase.id,
            f"Phase {_q(_label(Phase, phase.phase))} has no exit criteria",
        )
    done_by_system: dict[Key, list[str]] = defaultdict(list)
    for item in doc.contracts:
        if item.done:
            done_by_system[item.system_id].append(item.topic)
    integrated = {m.source_system_id for m in doc.mappings} | {
        m.target_system_id for m in doc.mappings
    }
    for system in doc.systems:
        if system.id not in integrated:
            continue
        missing = _open_topics(done_by_system[system.id], ContractTopic)
        run.check(
            "delivery.contract_open",
            not missing,
            "contracts",
            system.id,
            f"The API contract of {_q(system.name)} does not yet settle: "
            + ", ".join(_lower(m) for m in missing),
        )
    missing = _open_topics((a.topic for a in doc.audit_items if a.done), AuditTopic)
    run.check(
        "delivery.audit_open",
        not missing,
        "audit_items",
        None,
        "The audit record does not yet cover: " + ", ".join(_lower(m) for m in missing),
    )
