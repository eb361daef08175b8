"""What the bundle's contracts share: every field a mapping writes, read in the direction
it writes, and what each attribute kind means as a data type.

A one-way mapping writes its target field from its source field. A bidirectional one
writes both ways, so it is read twice: target from source, and source from target. The
ODCS contracts (per entity) and the OpenAPI files (per receiving system) are two views
of this one list, so they always agree on which fields arrive where.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from blueprint.document import AttributeDoc, Document, Key, MappingDoc
from blueprint.models import Attribute
from blueprint.trace import mapping_ways

# An attribute kind as a data type: the ODCS logical type, and the JSON Schema of a value.
KIND_TYPES: dict[str, tuple[str, dict[str, Any]]] = {
    Attribute.Kind.STATUS: ("string", {"type": "string"}),
    Attribute.Kind.TYPE: ("string", {"type": "string"}),
    Attribute.Kind.PRIORITY: ("string", {"type": "string"}),
    Attribute.Kind.DATE: ("date", {"type": "string", "format": "date"}),
    Attribute.Kind.AMOUNT: ("number", {"type": "number"}),
    Attribute.Kind.IDENTIFIER: ("string", {"type": "string"}),
    Attribute.Kind.OTHER: ("string", {"type": "string"}),
}
# Kinds whose values are a list the systems must agree on (the API contract's "Allowed
# values" topic).
LISTED_KINDS = frozenset({Attribute.Kind.STATUS, Attribute.Kind.TYPE, Attribute.Kind.PRIORITY})


def kind_types(attribute: AttributeDoc | None) -> tuple[str, dict[str, Any]]:
    kind = attribute.kind if attribute is not None else Attribute.Kind.OTHER
    logical, schema = KIND_TYPES.get(kind, KIND_TYPES[Attribute.Kind.OTHER])
    return logical, dict(schema)


@dataclass(frozen=True)
class Write:
    """One field written into a system by a mapping."""

    mapping: MappingDoc
    from_system: Key
    from_field: str
    into_system: Key
    into_field: str
    reverse: bool  # the target-to-source half of a bidirectional mapping


def writes(doc: Document) -> list[Write]:
    """Every field every mapping writes, in the sheet's order."""
    return [
        Write(m, src, src_field, dst, dst_field, reverse=i > 0)
        for m in sorted(doc.mappings, key=lambda m: str(m.id))
        for i, (src, src_field, dst, dst_field) in enumerate(mapping_ways(m))
    ]


def source_ref(doc: Document, system: Key, field: str) -> str:
    """How a contract names a field of a system: "System.field"."""
    return f"{doc.name_of('systems', system)}.{field}"
