"""A document arranged for reading: the one context behind the version view and the PDF."""

from __future__ import annotations

from typing import Any

from blueprint.acceptance import acceptance_features
from blueprint.document import Document, Key
from blueprint.models import (
    CATEGORY_QUESTIONS,
    Attribute,
    AuditTopic,
    Automation,
    Category,
    ContractTopic,
    Entity,
    ExceptionRule,
    FieldMapping,
    Guardrail,
    Note,
    Outcome,
    OwnershipRule,
    Phase,
    Role,
    System,
    TimeWindow,
)
from blueprint.models.scenarios import CATEGORY_HINTS


def _label(choices: type, value: str) -> str:
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def document_present(doc: Document) -> dict[str, Any]:
    """Everything a reader needs, resolved to names and labels, in reading order."""

    def names(section: str, keys: tuple[Key, ...]) -> list[str]:
        return sorted(doc.name_of(section, k) for k in keys)

    def system(key: Key | None) -> str:
        return doc.name_of("systems", key)

    notes = _notes(doc)
    decisions_on: dict[tuple[str, Key], list[dict[str, Any]]] = {}
    for note in notes:
        if note["kind_value"] == Note.Kind.DECISION and note["section"]:
            decisions_on.setdefault((note["section"], note["about_id"]), []).append(note)

    def decisions(section: str, key: Key) -> list[dict[str, Any]]:
        return decisions_on.get((section, key), [])

    systems = [
        {
            "id": s.id,
            "decisions": decisions("systems", s.id),
            "name": s.name,
            "kind": _label(System.Kind, s.kind),
            "description": s.description,
            "api_maturity": _label(System.Maturity, s.api_maturity),
            "api_maturity_value": s.api_maturity,
            "api_documentation": _label(System.Documentation, s.api_documentation),
            "test_environment": _label(System.TestEnv, s.test_environment),
        }
        for s in sorted(doc.systems, key=lambda s: s.name.lower())
    ]
    not_applicable = {n.category: n.reason for n in doc.not_applicable}
    categories = []
    for category in Category:
        scenarios = []
        for sc in sorted(
            (s for s in doc.scenarios if s.category == category), key=lambda s: s.title.lower()
        ):
            scenarios.append(
                {
                    "id": sc.id,
                    "title": sc.title,
                    "decisions": decisions("scenarios", sc.id),
                    "narrative": sc.narrative,
                    "systems": names("systems", sc.system_ids),
                    "answers": [
                        (question, sc.answers.get(key, ""))
                        for key, question in CATEGORY_QUESTIONS[category]
                    ],
                    "steps": [
                        {
                            "position": st.position,
                            "system": system(st.system_id),
                            "description": st.description,
                            "actor": "Automation" if st.actor == "automation" else "A person",
                        }
                        for st in doc.children_of("steps", "scenario_id", sc.id)
                    ],
                }
            )
        categories.append(
            {
                "key": category.value,
                "label": category.label,
                "hint": CATEGORY_HINTS[category],
                "not_applicable": not_applicable.get(category.value, ""),
                "scenarios": scenarios,
            }
        )
    entities = []
    for e in sorted(doc.entities, key=lambda e: e.name.lower()):
        entities.append(
            {
                "id": e.id,
                "name": e.name,
                "decisions": decisions("entities", e.id),
                "kind": _label(Entity.Kind, e.kind),
                "description": e.description,
                "home_system": system(e.home_system_id),
                "link_method": e.link_method,
                "sync_state": _label(Entity.SyncState, e.sync_state),
                "sync_state_value": e.sync_state,
                "history_decision": _label(Entity.HistoryDecision, e.history_decision),
                "identity": names("attributes", e.identity_attribute_ids),
                "duplicate_rule": e.duplicate_rule,
                "issuer": system(e.identifier_issuer_id),
                "acceptors": names("systems", e.identifier_acceptor_ids),
                "copies": [
                    {"system": system(c.system_id), "reason": c.reason}
                    for c in doc.children_of("copies", "entity_id", e.id)
                ],
                "attributes": [
                    {
                        "id": a.id,
                        "name": a.name,
                        "decisions": decisions("attributes", a.id),
                        "kind": _label(Attribute.Kind, a.kind),
                        "description": a.description,
                        "source_of_truth": system(a.source_of_truth_id),
                        "displays": names("systems", a.display_system_ids),
                        "updates": names("systems", a.update_system_ids),
                    }
                    for a in sorted(
                        doc.children_of("attributes", "entity_id", e.id),
                        key=lambda a: a.name.lower(),
                    )
                ],
            }
        )
    relationships = [
        {
            "from": doc.name_of("entities", r.from_entity_id),
            "description": r.description,
            "to": doc.name_of("entities", r.to_entity_id),
            "maintained_in": system(r.maintained_in_id),
            "synced": names("systems", r.synced_system_ids),
            "change_behaviour": r.change_behaviour,
        }
        for r in doc.relationships
    ]
    outcomes = [
        {
            "name": o.name,
            "polarity": _label(Outcome.Polarity, o.polarity),
            "polarity_value": o.polarity,
            "entity": doc.name_of("entities", o.entity_id),
            "recorded_in": system(o.recorded_in_id),
            "sync_behaviour": o.sync_behaviour,
            "reasons": [
                {"code": r.code, "description": r.description}
                for r in doc.children_of("reasons", "outcome_id", o.id)
            ],
        }
        for o in sorted(doc.outcomes, key=lambda o: (o.polarity, o.name.lower()))
    ]
    mappings = [
        {
            "id": m.id,
            "decisions": decisions("mappings", m.id),
            "source_system": system(m.source_system_id),
            "source_field": m.source_field,
            "target_system": system(m.target_system_id),
            "target_field": m.target_field,
            "transformation": m.transformation,
            "required": m.required,
            "conflict_rule": _label(FieldMapping.ConflictRule, m.conflict_rule),
            "direction": _label(FieldMapping.Direction, m.direction),
            "bidirectional": m.direction == FieldMapping.Direction.BIDIRECTIONAL,
            "attribute": doc.name_of("attributes", m.attribute_id),
        }
        for m in sorted(
            doc.mappings,
            key=lambda m: (
                system(m.source_system_id).lower(),
                m.source_field.lower(),
                system(m.target_system_id).lower(),
                str(m.id),
            ),
        )
    ]
    ownership = [
        {
            "decisions": decisions("ownership", o.id),
            "area": (
                f"Configuration of {system(o.system_id)}"
                if o.area == OwnershipRule.Area.SYSTEM_CONFIG and o.system_id is not None
                else _label(OwnershipRule.Area, o.area)
            ),
            "owner_name": o.owner_name,
            "owner_role": o.owner_role,
            "notes": o.notes,
        }
        for o in sorted(doc.ownership, key=lambda o: (o.area, system(o.system_id)))
    ]
    exceptions = []
    for x in sorted(doc.exceptions, key=lambda x: x.situation):
        automatic = [
            label
            for flag, label in (
                (x.auto_log, "log"),
                (x.auto_alert, "alert"),
                (x.auto_review_queue, "route to the review queue"),
                (x.auto_retry, f"retry ({x.retry_policy})" if x.retry_policy else "retry"),
                (x.auto_fail, "stop the sync or drop the record"),
            )
            if flag
        ]
        exceptions.append(
            {
                "id": x.id,
                "decisions": decisions("exceptions", x.id),
                "situation_value": x.situation,
                "situation": x.situation_other
                if x.situation == ExceptionRule.Situation.OTHER and x.situation_other
                else _label(ExceptionRule.Situation, x.situation),
                "automatic": automatic,
                "retry_policy": x.retry_policy if x.auto_retry else "",
                "stops": x.auto_fail,
                "manual_handling": x.manual_handling,
                "manual_owner": x.manual_owner,
                "tracking": x.tracking,
            }
        )
    guardrails = [
        {
            "decisions": decisions("guardrails", g.id),
            "kind": _label(Guardrail.Kind, g.kind),
            "attribute": doc.name_of("attributes", g.attribute_id),
            "system": system(g.system_id),
            "data": g.data_description,
            "forbidden": names("systems", g.forbidden_system_ids),
            "protected": names("systems", g.protected_system_ids),
            "rationale": g.rationale,
        }
        for g in doc.guardrails
    ]
    reports = [
        {
            "decisions": decisions("reports", r.id),
            "name": r.name,
            "question": r.question,
            "measures": [m.strip() for m in r.measures.split(",") if m.strip()],
            "windows": [_label(TimeWindow, w) for w in r.time_windows]
            + ([r.custom_window] if r.custom_window else []),
            "audience": r.audience,
            "dimensions": [
                {"name": d.name, "attribute": doc.name_of("attributes", d.attribute_id)}
                for d in doc.children_of("dimensions", "report_id", r.id)
            ],
        }
        for r in sorted(doc.reports, key=lambda r: r.name.lower())
    ]
    automations = []
    for a in sorted(doc.automations, key=lambda a: a.name.lower()):
        trigger_section, trigger_key = {
            "scenario": ("scenarios", a.trigger_scenario_id),
            "attribute": ("attributes", a.trigger_attribute_id),
            "outcome": ("outcomes", a.trigger_outcome_id),
        }.get(a.trigger_type, ("", None))
        automations.append(
            {
                "decisions": decisions("automations", a.id),
                "name": a.name,
                "trigger_type": _label(Automation.TriggerType, a.trigger_type),
                "trigger": doc.name_of(trigger_section, trigger_key) if trigger_section else "",
                "trigger_detail": a.trigger_detail,
                "audience": _label(Automation.Audience, a.audience),
                "action": _label(Automation.Action, a.action),
                "description": a.description,
                "sending_system": system(a.sending_system_id),
                "owner": a.owner,
                "coordination": a.coordination,
            }
        )
    phases_by_key = {p.phase: p for p in doc.phases}
    phases = [
        {
            "label": phase.label,
            "scope": getattr(phases_by_key.get(phase.value), "scope", ""),
            "exit_criteria": getattr(phases_by_key.get(phase.value), "exit_criteria", ""),
            "target_date": getattr(phases_by_key.get(phase.value), "target_date", None) or "",
        }
        for phase in Phase
    ]
    contracts = []
    for s in systems:
        items = {c.topic: c for c in doc.children_of("contracts", "system_id", s["id"])}
        contracts.append(
            {
                "system": s["name"],
                "topics": [
                    {
                        "label": topic.label,
                        "note": getattr(items.get(topic.value), "note", ""),
                        "state": ("done" if items[topic.value].done else "open")
                        if topic.value in items
                        else "not discussed",
                    }
                    for topic in ContractTopic
                ],
            }
        )
    audit_by_topic = {a.topic: a for a in doc.audit_items}
    audit = [
        {
            "label": topic.label,
            "note": getattr(audit_by_topic.get(topic.value), "note", ""),
            "state": ("done" if audit_by_topic[topic.value].done else "open")
            if topic.value in audit_by_topic
            else "not decided",
        }
        for topic in AuditTopic
    ]
    role_order = {r.value: i for i, r in enumerate(Role)}
    members = [
        {
            "name": m.display_name,
            "job_title": m.job_title,
            "role": _label(Role, m.role),
            "email": m.email,
        }
        for m in sorted(doc.members, key=lambda m: (role_order.get(m.role, 99), m.display_name))
    ]
    counts = {
        "Systems": len(doc.systems),
        "Scenarios": len(doc.scenarios),
        "Entities": len(doc.entities),
        "Attributes": len(doc.attributes),
        "Relationships": len(doc.relationships),
        "Outcomes": len(doc.outcomes),
        "Field mappings": len(doc.mappings),
        "Ownership rules": len(doc.ownership),
        "Exception rules": len(doc.exceptions),
        "Guardrails": len(doc.guardrails),
        "Reports": len(doc.reports),
        "Automations": len(doc.automations),
    }
    return {
        "project": doc.project,
        "members": members,
        "systems": systems,
        "categories": categories,
        "entities": entities,
        "relationships": relationships,
        "outcomes": outcomes,
        "mappings": mappings,
        "ownership": ownership,
        "exceptions": exceptions,
        "guardrails": guardrails,
        "reports": reports,
        "automations": automations,
        "phases": phases,
        "contracts": contracts,
        "audit": audit,
        # Whether the workshop said anything about delivery at all: an empty plan prints as
        # one line, not as empty tables.
        "delivery_discussed": any(p.scope or p.exit_criteria or p.target_date for p in doc.phases)
        or any(c.note or c.done for c in doc.contracts)
        or any(a.note or a.done for a in doc.audit_items),
        "counts": counts,
        "notes": notes,
        "decisions": [n for n in notes if n["kind_value"] == Note.Kind.DECISION],
        "open_notes": [n for n in notes if n["status_value"] == Note.Status.OPEN],
        "acceptance": acceptance_features(doc),
    }


def _notes(doc: Document) -> list[dict[str, Any]]:
    """The workshop's questions, proposals and decisions, each with what it is about."""
    found = []
    for n in sorted(doc.notes, key=lambda n: (n.kind, str(n.id))):
        about = doc.name_of(n.about_section, n.about_id) if n.about_section else ""
        found.append(
            {
                "id": n.id,
                "kind": _label(Note.Kind, n.kind),
                "kind_value": n.kind,
                "section": n.about_section,
                "about_id": n.about_id,
                "about": about or "The project",
                "text": n.text,
                "raised_by": n.raised_by,
                "asked_of": n.asked_of,
                "due_date": n.due_date or "",
                "must_answer": n.must_answer,
                "status": _label(Note.Status, n.status),
                "status_value": n.status,
                "answer": n.answer,
                "decided_by": n.decided_by,
            }
        )
    return found
