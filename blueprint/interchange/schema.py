"""The JSON Schema of the blueprint's own JSON format, derived from the document itself.

Nothing here is written twice: the shape comes from the document's dataclasses
(`blueprint.document`), and the allowed values and lengths from the model fields they
store into, the same fields `blueprint.rules` checks a file against. A vendor's tool can
validate an exported blueprint with it; the app never reads a file through it (the
import explains problems in the workshop's words, item by item).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from django.db import models

from blueprint.document import (
    FORMAT_VERSION,
    SECTION_NOUNS,
    SECTIONS,
    Key,
    MemberDoc,
    ProjectDoc,
    Section,
)
from blueprint.models import Membership, Project, Role, TimeWindow

SCHEMA_ID = "https://integration-blueprint.invalid/schema/blueprint-v{format}.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

KEY_SCHEMA: dict[str, Any] = {
    "description": "An item's id: a number, or a text key in a hand-written file.",
    "oneOf": [
        {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
        {"type": "string", "minLength": 1, "maxLength": 200},
    ],
}


def _model_field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a document field without a model field
        return None
    return field if isinstance(field, models.Field) else None


def _value_schema(hint: Any, field: models.Field | None) -> dict[str, Any]:
    """The schema of one value, from its type hint and the model field it stores into."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint == Key:
        return {"$ref": "#/$defs/key"}
    if origin in (typing.Union, types.UnionType) and type(None) in args:
        inner = [a for a in args if a is not type(None)]
        rest = inner[0] if len(inner) == 1 else Key
        return {"anyOf": [_value_schema(rest, field), {"type": "null"}]}
    if origin is tuple:
        items = _value_schema(args[0], None)
        if field is not None and field.name == "time_windows":
            # The one list of text values: Report.time_windows holds TimeWindow values.
            items = {"type": "string", "enum": list(TimeWindow.values)}
        return {"type": "array", "items": items, "uniqueItems": True}
    if origin is dict:
        return {"type": "object", "additionalProperties": {"type": "string"}}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}
    schema: dict[str, Any] = {"type": "string"}
    if field is None:
        return schema
    if field.get_internal_type() == "DateField":
        return {"type": "string", "format": "date"}
    if field.choices:
        values = [str(value) for value, _label in field.flatchoices]
        if field.blank and "" not in values:
            values.append("")
        return {"type": "string", "enum": values}
    if getattr(field, "max_length", None):
        schema["maxLength"] = field.max_length
    if not field.blank:
        schema["pattern"] = r"\S"  # not blank: some text that is not only spaces
    description = str(getattr(field, "verbose_name", "") or "")
    if description and description != field.name.replace("_", " "):
        schema["description"] = description
    return schema


def _object_schema(
    doc_type: type[Any], model: type[models.Model], *, title: str, section: Section | None = None
) -> dict[str, Any]:
    hints = typing.get_type_hints(doc_type)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for f in dataclasses.fields(doc_type):
        reference = section is not None and (f.name in section.refs or f.name in section.m2m)
        field = None if reference else _model_field(model, f.name)
        schema = _value_schema(hints[f.name], field)
        if section and f.name in section.refs:
            schema = {**schema, "description": f"The id of an item of “{section.refs[f.name]}”."}
        if section and f.name in section.m2m:
            target = section.m2m[f.name][1]
            schema = {**schema, "description": f"Ids of items of “{target}”."}
        properties[f.name] = schema
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            required.append(f.name)
    return {
        "title": title,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def document_json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of what `document_to_json` writes and the import reads."""
    defs: dict[str, Any] = {"key": KEY_SCHEMA}
    defs["project"] = _object_schema(ProjectDoc, Project, title="The project")
    members = _object_schema(MemberDoc, Membership, title="A person and their role")
    members["properties"]["role"] = {"type": "string", "enum": list(Role.values)}
    defs["member"] = members
    properties: dict[str, Any] = {
        "format": {"const": FORMAT_VERSION, "description": "The version of this format."},
        "project": {"$ref": "#/$defs/project"},
        "members": {"type": "array", "items": {"$ref": "#/$defs/member"}},
    }
    for section in SECTIONS:
        defs[section.name] = _object_schema(
            section.doc, section.model, title=SECTION_NOUNS[section.name], section=section
        )
        properties[section.name] = {
            "type": "array",
            "items": {"$ref": f"#/$defs/{section.name}"},
        }
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID.format(format=FORMAT_VERSION),
        "title": "Integration blueprint",
        "description": (
            "An integration blueprint as exported by Integration Blueprint: every list "
            "holds items that refer to each other by id."
        ),
        "type": "object",
        "properties": properties,
        "required": ["project"],
        "additionalProperties": False,
        "$defs": defs,
    }
