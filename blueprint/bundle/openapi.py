"""One OpenAPI 3.1 skeleton per system that the integration writes into.

From the document: a create and an update operation per entity whose fields the
mappings write into the system (fields without an attribute go under "unassigned
fields"), the payload schema from the mapped fields (types and formats from the
attribute kinds; required where a mapping is required; where each value comes from, its
transformation and conflict rule as `x-` notes), the reason codes of the outcomes
recorded in the system as allowed values, and error responses from the exception rules.
The API contract checklist of the system goes in as `x-api-contract`.

A skeleton, not a finished API: it says what the integration will send, so the vendor
and the system's owner can agree the real endpoints against it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from blueprint.bundle.carried import (
    LISTED_KINDS,
    Write,
    kind_types,
    source_ref,
    writes,
)
from blueprint.document import Document, Key, choice_label
from blueprint.filenames import file_slug
from blueprint.models import ContractTopic, ExceptionRule, FieldMapping

OPENAPI_VERSION = "3.1.0"
S = ExceptionRule.Situation
# The HTTP answer a system gives in each situation the exception rules plan for.
SITUATION_STATUS = {
    S.UNMATCHED: "404",
    S.MISSING_DATA: "422",
    S.ALREADY_EXISTS: "409",
    S.MULTIPLE_MATCHES: "300",
    S.REJECTED: "400",
    S.CONFLICTING_AUTOMATIONS: "409",
    S.OTHER: "default",
}
# An update leaves these alone: the target's value stands.
KEEPS_TARGET = frozenset(
    {FieldMapping.ConflictRule.NEVER_OVERWRITE, FieldMapping.ConflictRule.TARGET_WINS}
)
UNASSIGNED = "Unassigned fields"


def _component_name(name: str, taken: set[str]) -> str:
    """A component name OpenAPI accepts (letters, digits, . - _), unique in the file."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    base = "".join(w[:1].upper() + w[1:] for w in words) or "Entity"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}{n}", n + 1
    taken.add(candidate)
    return candidate


def _field_schema(doc: Document, field: str, ws: list[Write], allowed: str) -> dict[str, Any]:
    attribute = doc.get("attributes", ws[0].mapping.attribute_id)
    _logical, schema = kind_types(attribute)
    if attribute is not None:
        entity = doc.name_of("entities", attribute.entity_id)
        schema["x-attribute"] = f"{entity}.{attribute.name}"
        if attribute.description:
            schema["description"] = attribute.description
        if attribute.kind in LISTED_KINDS:
            schema["x-allowed-values"] = allowed or (
                f"A list of {choice_label('attributes', 'kind', attribute.kind).lower()} "
                "values still to agree (API contract: allowed values)."
            )
    if not field:
        schema["description"] = "The field's name in this system is not written down yet."
    schema["x-source"] = sorted({source_ref(doc, w.from_system, w.from_field) for w in ws})
    transformations = sorted({w.mapping.transformation for w in ws if w.mapping.transformation})
    if transformations:
        schema["x-transformation"] = transformations
    rules = sorted(
        {choice_label("mappings", "conflict_rule", w.mapping.conflict_rule) for w in ws} - {""}
    )
    if rules:
        schema["x-conflict-rule"] = rules
    schema["x-direction"] = sorted(
        {choice_label("mappings", "direction", w.mapping.direction) or "not decided" for w in ws}
    )
    return schema


def _error_responses(present: dict[str, Any]) -> dict[str, Any]:
    by_status: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for x in present["exceptions"]:
        by_status[SITUATION_STATUS.get(x["situation_value"], "default")].append(x)
    responses = {}
    for status, rules in sorted(by_status.items()):
        notes = []
        for x in rules:
            handling = ", ".join(x["automatic"]) or "no automatic handling"
            note = {"situation": x["situation"], "automatically": handling}
            if x["manual_handling"]:
                note["byHand"] = x["manual_handling"]
            if x["manual_owner"]:
                note["owner"] = x["manual_owner"]
            notes.append(note)
        responses[status] = {
            "description": "; ".join(x["situation"] for x in rules),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            "x-exception-rules": notes,
        }
    return responses


ERROR_SCHEMA = {
    "type": "object",
    "description": "Why the system refused or could not apply a write.",
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "field": {"type": "string", "description": "The payload field at fault, if one is."},
    },
    "required": ["code", "message"],
}


def _contract_notes(doc: Document, system: Key) -> tuple[list[dict[str, Any]], str]:
    items = {c.topic: c for c in doc.children_of("contracts", "system_id", system)}
    notes = []
    for topic in ContractTopic:
        item = items.get(topic.value)
        state = "not discussed" if item is None else ("agreed" if item.done else "open")
        note = {"topic": str(topic.label), "state": state}
        if item is not None and item.note:
            note["note"] = item.note
        notes.append(note)
    values = items.get(ContractTopic.VALUES)
    return notes, values.note if values is not None else ""


def system_api(
    doc: Document, system: Key, ws: list[Write], context: dict[str, Any]
) -> dict[str, Any]:
    name = doc.name_of("systems", system)
    record = doc.get("systems", system)
    contract, allowed = _contract_notes(doc, system)
    by_entity: dict[str, dict[str, list[Write]]] = defaultdict(lambda: defaultdict(list))
    identity: dict[str, list[str]] = {}
    for w in ws:
        attribute = doc.get("attributes", w.mapping.attribute_id)
        entity = doc.get("entities", attribute.entity_id) if attribute else None
        key = entity.name if entity else UNASSIGNED
        by_entity[key][w.into_field].append(w)
        if entity is not None:
            identity[key] = [
                a.name
                for k in entity.identity_attribute_ids
                if (a := doc.get("attributes", k)) is not None
            ]
    errors = _error_responses(context["present"])
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, Any] = {}
    taken_components: set[str] = {"Error"}
    taken_paths: set[str] = set()
    for entity, fields in sorted(by_entity.items(), key=lambda item: item[0].lower()):
        component = _component_name(entity, taken_components)
        properties = {
            field: _field_schema(doc, field, fws, allowed)
            for field, fws in sorted(fields.items(), key=lambda item: item[0].lower())
        }
        required = sorted(
            field for field, fws in fields.items() if any(w.mapping.required for w in fws)
        )
        schemas[component] = {
            "type": "object",
            "description": f"{entity}: the fields the integration writes into {name}.",
            "properties": properties,
            **({"required": required} if required else {}),
        }
        kept = sorted(
            field
            for field, fws in fields.items()
            if all(w.mapping.conflict_rule in KEEPS_TARGET for w in fws)
        )
        update = {
            "type": "object",
            "description": (
                f"{entity}: the fields an update may change; "
                + (
                    f"{', '.join(kept)} keep the value in {name} (never overwrite / target wins)."
                    if kept
                    else "every mapped field."
                )
            ),
            "properties": {f: schema for f, schema in properties.items() if f not in kept},
        }
        schemas[f"{component}Update"] = update
        path = "/" + file_slug(entity, taken_paths, fallback=component.lower())
        body = {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}
            },
        }
        sources = sorted(
            {doc.name_of("systems", w.from_system) for fws in fields.values() for w in fws}
        )
        paths[path] = {
            "post": {
                "operationId": f"create{component}",
                "summary": f"Create: {entity}, in {name}",
                "description": f"Written from {', '.join(sources)}.",
                "requestBody": body,
                "responses": {"201": {"description": "Created."}, **errors},
            }
        }
        paths[f"{path}/{{id}}"] = {
            "patch": {
                "operationId": f"update{component}",
                "summary": f"Update: {entity}, in {name}",
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": (
                            f"The record's key in {name}"
                            + (
                                f", found by {', '.join(identity[entity])}"
                                if identity.get(entity)
                                else ""
                            )
                            + "."
                        ),
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{component}Update"}
                        }
                    },
                },
                "responses": {"200": {"description": "Updated."}, **errors},
            }
        }
    for outcome in sorted(doc.outcomes, key=lambda o: o.name.lower()):
        reasons = doc.children_of("reasons", "outcome_id", outcome.id)
        if outcome.recorded_in_id != system or not reasons:
            continue
        schemas[_component_name(f"{outcome.name} reason", taken_components)] = {
            "type": "string",
            "description": f"Why a record ends “{outcome.name}”, as {name} records it.",
            "enum": sorted(r.code for r in reasons),
            "x-descriptions": {r.code: r.description for r in reasons if r.description},
        }
    info: dict[str, Any] = {
        "title": f"{name}: what “{doc.project.name}” writes",
        "version": f"{context['version_number']}.0.0",
        "description": (
            f"The write operations the field mappings of “{doc.project.name}” need from "
            f"{name}, {'signed' if context['signed'] else 'DRAFT, not signed'} version "
            f"{context['version_number']}. A skeleton to agree the real API against."
        ),
        "x-blueprint-sha256": context["sha256"],
        "x-api-contract": contract,
    }
    if record is not None:
        info["x-system"] = {
            "kind": choice_label("systems", "kind", record.kind),
            "apiMaturity": choice_label("systems", "api_maturity", record.api_maturity),
            "apiDocumentation": choice_label(
                "systems", "api_documentation", record.api_documentation
            ),
            "testEnvironment": choice_label("systems", "test_environment", record.test_environment),
        }
    return {
        "openapi": OPENAPI_VERSION,
        "info": info,
        "paths": paths,
        "components": {"schemas": schemas},
    }


def system_apis(doc: Document, context: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """File name -> OpenAPI document, one per system some mapping writes into."""
    by_system: dict[Key, list[Write]] = defaultdict(list)
    for w in writes(doc):
        if doc.get("systems", w.into_system) is not None:
            by_system[w.into_system].append(w)
    files = {}
    taken: set[str] = set()
    for system, ws in sorted(
        by_system.items(), key=lambda item: doc.name_of("systems", item[0]).lower()
    ):
        slug = file_slug(doc.name_of("systems", system), taken, fallback=f"system-{len(taken) + 1}")
        files[f"openapi/{slug}.openapi.yaml"] = system_api(doc, system, ws, context)
    return files
