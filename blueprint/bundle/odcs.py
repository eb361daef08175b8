"""One data contract per entity in the Open Data Contract Standard (ODCS v3.2).

Each contract holds, from the document:
- a logical schema object for the entity: its attributes, each with its type (from the
  attribute kind), whether it is part of the identity, its source of truth and where it
  is displayed and updated, and the field mappings that carry it (as
  `transformSourceObjects` and `transformLogic`);
- one schema object per system that receives the entity's fields, with a property per
  field written there and where it comes from;
- quality rules from the identity and the duplicate rule, the guardrails on each
  attribute, and the exception rules (retry policies also as SLA properties);
- the people as the contract's team and the ownership rules as its roles.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from blueprint.bundle.carried import Write, kind_types, source_ref, writes
from blueprint.document import Document, EntityDoc, Key, choice_label
from blueprint.filenames import file_slug
from blueprint.models import FieldMapping

API_VERSION = "v3.2.0"
NAMESPACE = uuid.UUID("0b6f3f5e-5d0a-4c38-9a53-3f0f6d0c7a11")


def _custom(**values: Any) -> list[dict[str, Any]]:
    """ODCS custom properties from keyword arguments, leaving out empty values."""
    return [{"property": k, "value": v} for k, v in values.items() if v not in ("", None, [], ())]


def _describe_write(doc: Document, w: Write) -> str:
    rule = choice_label("mappings", "conflict_rule", w.mapping.conflict_rule)
    way = (
        "the reverse half of a bidirectional mapping"
        if w.reverse
        else (
            "bidirectional"
            if w.mapping.direction == FieldMapping.Direction.BIDIRECTIONAL
            else "one-way"
        )
    )
    parts = [f"From {source_ref(doc, w.from_system, w.from_field)} ({way})"]
    if rule:
        parts.append(f"on conflict: {rule.lower()}")
    if w.mapping.transformation:
        parts.append(f"transformation: {w.mapping.transformation.strip()}")
    text = "; ".join(parts)
    return text if text.endswith((".", "!", "?")) else text + "."


def _exception_rules(present: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The exception rules as text quality rules, and the retry policies as SLA properties."""
    quality, sla = [], []
    for x in present["exceptions"]:
        parts = []
        if x["automatic"]:
            parts.append("Automatically: " + ", ".join(x["automatic"]) + ".")
        if x["manual_handling"]:
            parts.append(f"By hand: {x['manual_handling']}")
        if x["manual_owner"]:
            parts.append(f"Handled by {x['manual_owner']}.")
        if x["tracking"]:
            parts.append(f"Tracked: {x['tracking']}")
        quality.append(
            {
                "type": "text",
                "name": f"Exception: {x['situation']}",
                "description": " ".join(parts) or "No handling written down.",
                "severity": "error" if x["stops"] else "warning",
            }
        )
        if x["retry_policy"]:
            sla.append(
                {
                    "property": "retry",
                    "value": x["retry_policy"],
                    "description": f"When: {x['situation']}",
                }
            )
    return quality, sla


def _attribute_property(
    doc: Document,
    entity: EntityDoc,
    attribute: Any,
    carried: list[Write],
    guardrails: list[dict[str, str]],
) -> dict[str, Any]:
    logical, _schema = kind_types(attribute)
    identity = list(entity.identity_attribute_ids)
    prop: dict[str, Any] = {
        "name": attribute.name,
        "businessName": attribute.name,
        "logicalType": logical,
    }
    if attribute.description:
        prop["description"] = attribute.description
    if attribute.id in identity:
        prop["primaryKey"] = True
        prop["primaryKeyPosition"] = identity.index(attribute.id) + 1
    required = any(w.mapping.required for w in carried)
    prop["required"] = required
    prop["criticalDataElement"] = required or attribute.id in identity
    if carried:
        prop["transformSourceObjects"] = sorted(
            {source_ref(doc, w.from_system, w.from_field) for w in carried}
        )
        prop["transformLogic"] = "\n".join(
            f"{source_ref(doc, w.into_system, w.into_field)}: {_describe_write(doc, w)}"
            for w in carried
        )
    quality = [
        {
            "type": "text",
            "name": g["kind"],
            "description": g["description"],
            "dimension": "consistency",
        }
        for g in guardrails
    ]
    if quality:
        prop["quality"] = quality
    prop["customProperties"] = _custom(
        attributeKind=choice_label("attributes", "kind", attribute.kind),
        sourceOfTruth=doc.name_of("systems", attribute.source_of_truth_id),
        displayedIn=sorted(doc.name_of("systems", k) for k in attribute.display_system_ids),
        updatedIn=sorted(doc.name_of("systems", k) for k in attribute.update_system_ids),
    )
    return prop


def _system_object(
    doc: Document, entity: EntityDoc, system: Key, carried: list[Write]
) -> dict[str, Any]:
    """The entity as one system receives it: a property per field written there."""
    by_field: dict[str, list[Write]] = defaultdict(list)
    for w in carried:
        by_field[w.into_field].append(w)
    properties = []
    for field, ws in sorted(by_field.items(), key=lambda item: item[0].lower()):
        attribute = doc.get("attributes", ws[0].mapping.attribute_id)
        logical, _schema = kind_types(attribute)
        prop: dict[str, Any] = {
            "name": field,
            "physicalName": field,
            "logicalType": logical,
            "required": any(w.mapping.required for w in ws),
            "transformSourceObjects": sorted(
                {source_ref(doc, w.from_system, w.from_field) for w in ws}
            ),
            "transformLogic": "\n".join(_describe_write(doc, w) for w in ws),
        }
        if not field:
            prop["description"] = "The field's name in this system is not written down yet."
        prop["customProperties"] = _custom(
            attribute=attribute.name if attribute else "",
            conflictRule=sorted(
                {choice_label("mappings", "conflict_rule", w.mapping.conflict_rule) for w in ws}
                - {""}
            ),
        )
        properties.append(prop)
    name = doc.name_of("systems", system)
    return {
        "name": f"{entity.name} in {name}",
        "physicalName": name,
        "businessName": entity.name,
        "logicalType": "object",
        "description": f"The {entity.name} fields the integration writes into {name}.",
        "properties": properties,
    }


def _entity_quality(doc: Document, entity: EntityDoc) -> list[dict[str, Any]]:
    quality = []
    identity = [
        a.name for k in entity.identity_attribute_ids if (a := doc.get("attributes", k)) is not None
    ]
    if identity:
        text = f"{entity.name}: identified by {', '.join(identity)}."
        if entity.identifier_issuer_id is not None:
            text += (
                f" Identifiers are issued by {doc.name_of('systems', entity.identifier_issuer_id)}"
            )
            acceptors = sorted(doc.name_of("systems", k) for k in entity.identifier_acceptor_ids)
            text += f" and accepted by {', '.join(acceptors)}." if acceptors else "."
        if entity.link_method:
            text += f" Linked across systems: {entity.link_method}"
        quality.append(
            {"type": "text", "name": "Identity", "description": text, "dimension": "uniqueness"}
        )
    if entity.duplicate_rule:
        quality.append(
            {
                "type": "text",
                "name": "Duplicates and conflicts",
                "description": entity.duplicate_rule,
                "dimension": "uniqueness",
            }
        )
    return quality


def entity_contracts(doc: Document, context: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """File name -> ODCS contract, one per entity of the document."""
    present = context["present"]
    by_attribute: dict[Key, list[Write]] = defaultdict(list)
    for w in writes(doc):
        if w.mapping.attribute_id is not None:
            by_attribute[w.mapping.attribute_id].append(w)
    exception_quality, sla = _exception_rules(present)
    guardrails: dict[Key, list[dict[str, str]]] = defaultdict(list)
    for g in doc.guardrails:
        if g.attribute_id is None:
            continue
        text = [g.rationale] if g.rationale else []
        protected = [doc.name_of("systems", k) for k in g.protected_system_ids]
        if protected:
            text.insert(0, f"Protected in {', '.join(sorted(protected))}.")
        guardrails[g.attribute_id].append(
            {
                "kind": choice_label("guardrails", "kind", g.kind),
                "description": " ".join(text) or choice_label("guardrails", "kind", g.kind),
            }
        )
    team = {
        "name": f"{doc.project.name} blueprint team",
        "members": [
            {
                "username": m["email"],
                "name": m["name"],
                "role": m["role"],
                **({"description": m["job_title"]} if m["job_title"] else {}),
            }
            for m in present["members"]
        ],
    }
    roles = [
        {
            "role": o["area"],
            "firstLevelApprovers": " – ".join(p for p in (o["owner_name"], o["owner_role"]) if p)
            or "not named",
            **({"description": o["notes"]} if o["notes"] else {}),
        }
        for o in present["ownership"]
    ]
    files: dict[str, dict[str, Any]] = {}
    taken: set[str] = set()
    for entity in sorted(doc.entities, key=lambda e: (e.name.lower(), str(e.id))):
        attributes = sorted(
            doc.children_of("attributes", "entity_id", entity.id), key=lambda a: a.name.lower()
        )
        carried = [w for a in attributes for w in by_attribute.get(a.id, [])]
        receivers: dict[Key, list[Write]] = defaultdict(list)
        for w in carried:
            receivers[w.into_system].append(w)
        logical = {
            "name": entity.name,
            "businessName": entity.name,
            "logicalType": "object",
            "properties": [
                _attribute_property(
                    doc, entity, a, by_attribute.get(a.id, []), guardrails.get(a.id, [])
                )
                for a in attributes
            ],
        }
        if entity.description:
            logical["description"] = entity.description
        quality = _entity_quality(doc, entity) + exception_quality
        if quality:
            logical["quality"] = quality
        schema = [logical] + [
            _system_object(doc, entity, system, ws)
            for system, ws in sorted(
                receivers.items(), key=lambda item: doc.name_of("systems", item[0]).lower()
            )
        ]
        contract: dict[str, Any] = {
            "apiVersion": API_VERSION,
            "kind": "DataContract",
            "id": str(uuid.uuid5(NAMESPACE, f"{doc.project.name}\n{entity.id}")),
            "name": entity.name,
            "version": f"{context['version_number']}.0.0",
            "status": "active" if context["signed"] else "draft",
            "domain": doc.project.name,
            "tags": [choice_label("entities", "kind", entity.kind)],
            "description": {
                "purpose": entity.description
                or f"The {entity.name} as the integration carries it between systems.",
                "usage": (
                    f"Build and test the connectors of “{doc.project.name}” from it: "
                    f"{'signed' if context['signed'] else 'DRAFT'} version "
                    f"{context['version_number']} of the blueprint."
                ),
                "limitations": (
                    "Conceptual: field names are as the workshop wrote them, and types "
                    "follow the attribute kinds; the API contract settles the rest."
                ),
            },
            "schema": schema,
            "team": team,
            "contractCreatedTs": context["date"].isoformat(),
            "customProperties": _custom(
                blueprintSha256=context["sha256"],
                homeSystem=doc.name_of("systems", entity.home_system_id),
                syncState=choice_label("entities", "sync_state", entity.sync_state),
                historyDecision=choice_label(
                    "entities", "history_decision", entity.history_decision
                ),
                copies=[
                    f"{doc.name_of('systems', c.system_id)}: {c.reason}".rstrip(": ")
                    for c in doc.children_of("copies", "entity_id", entity.id)
                ],
                relationships=[
                    f"{doc.name_of('entities', r.from_entity_id)} {r.description} "
                    f"{doc.name_of('entities', r.to_entity_id)}"
                    for r in doc.relationships
                    if entity.id in (r.from_entity_id, r.to_entity_id)
                ],
            ),
        }
        if roles:
            contract["roles"] = roles
        if sla:
            contract["slaProperties"] = sla
        slug = file_slug(entity.name, taken, fallback=f"entity-{len(taken) + 1}")
        files[f"contracts/{slug}.odcs.yaml"] = contract
    return files
