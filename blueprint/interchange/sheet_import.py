"""Importing the field mapping sheet: every row checked against the project's document,
each problem reported by the row and column a spreadsheet shows (the header is row 1),
and nothing created unless every row is good.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from blueprint.activity import activity_record
from blueprint.document import Document, Key, MappingDoc, document_load
from blueprint.interchange.sheet_columns import (
    COLUMN_BY_KEY,
    CONFLICT_RULES,
    DIRECTIONS,
    NO,
    YES,
    normalise,
)
from blueprint.interchange.sheet_read import ParsedSheet, SheetRow
from blueprint.items import draft_lock
from blueprint.models import FieldMapping, Project
from blueprint.rules import MAPPING_TAKEN, SAME_SYSTEM, name_key, same_system

# Row-level problems: reported by row and column.
SYSTEM_REQUIRED = "Write the name of the {which} system."
UNKNOWN_SYSTEM = "There is no system called “{name}” in this project. Systems: {known}."
FIELD_REQUIRED = "Write the field name as the {which} system calls it."
TOO_LONG = "This text has {length} characters; the most allowed is {limit}."
BAD_REQUIRED = "“{value}” is not yes or no."
BAD_CHOICE = "“{value}” is not a {what}. Use one of: {labels}, or leave it blank."
UNKNOWN_ENTITY = "There is no entity called “{name}” in this project."
ENTITY_REQUIRED = "Name the entity this attribute belongs to, or leave both blank."
ATTRIBUTE_REQUIRED = "Name the attribute of {entity}, or leave entity and attribute blank."
UNKNOWN_ATTRIBUTE = "{entity} has no attribute called “{name}”."
DUPLICATE_IN_FILE = "Row {other} already maps this source field to this target field."
# The rule every way in applies (rules.MAPPING_TAKEN), and what an import can also do.
DUPLICATE_ON_SHEET = MAPPING_TAKEN + " Or choose “Replace the whole sheet”."
SHEET_REJECTED = "Nothing was imported: {count} problem(s) in the file."


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    letter: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, column {self.letter} ({self.column}): {self.message}"


@dataclass(frozen=True)
class MappingDraft:
    """A valid row, ready to become a `FieldMapping`; ids are the document's."""

    source_system_id: Key
    source_field: str
    target_system_id: Key
    target_field: str
    transformation: str
    required: bool
    conflict_rule: str
    direction: str
    attribute_id: Key | None


@dataclass(frozen=True)
class SheetApplied:
    """What an import did: how many rows it took, and the mappings it created."""

    count: int
    created: tuple[Key, ...]


class SheetRejected(ValidationError):
    """At least one row is wrong; nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(SHEET_REJECTED.format(count=len(errors)))
        self.errors = errors


# --- validation --------------------------------------------------------------------


FIELD_LIMIT = {
    name: FieldMapping._meta.get_field(name).max_length
    for name in ("source_field", "target_field", "transformation")
}


def _pair(
    source_id: Key, target_id: Key, source_field: str, target_field: str
) -> tuple[Key, Key, str, str]:
    return (source_id, target_id, name_key(source_field), name_key(target_field))


def sheet_validate(
    sheet: ParsedSheet, doc: Document, *, replace: bool
) -> tuple[list[MappingDraft], list[RowError]]:
    """Check every row against the project's document; drafts only mean something when
    there are no errors. With `replace`, the current mappings are not duplicates."""
    systems = {s.name.casefold(): s.id for s in doc.systems}
    known_systems = ", ".join(s.name for s in sorted(doc.systems, key=lambda s: s.name.casefold()))
    entities = {e.name.casefold(): e for e in doc.entities}
    attributes = {(a.entity_id, a.name.casefold()): a.id for a in doc.attributes}
    existing: dict[tuple[Key, Key, str, str], MappingDoc] = {}
    if not replace:
        for m in doc.mappings:
            existing.setdefault(
                _pair(m.source_system_id, m.target_system_id, m.source_field, m.target_field), m
            )
    seen: dict[tuple[Key, Key, str, str], int] = {}
    drafts: list[MappingDraft] = []
    errors: list[RowError] = []

    for row in sheet.rows:
        values = row.values

        def error(key: str, message: str, row: SheetRow = row) -> None:
            errors.append(
                RowError(
                    row=row.number,
                    column=COLUMN_BY_KEY[key].header,
                    letter=sheet.letters[key],
                    message=message,
                )
            )

        before = len(errors)
        ids: dict[str, Key | None] = {}
        for key, which in (("source_system", "source"), ("target_system", "target")):
            name = values[key]
            ids[key] = systems.get(name.casefold()) if name else None
            if not name:
                error(key, SYSTEM_REQUIRED.format(which=which))
            elif ids[key] is None:
                error(key, UNKNOWN_SYSTEM.format(name=name, known=known_systems or "none yet"))
        if same_system(ids["source_system"], ids["target_system"]):
            error("target_system", SAME_SYSTEM)
        for key, which in (("source_field", "source"), ("target_field", "target")):
            if not values[key]:
                error(key, FIELD_REQUIRED.format(which=which))
        for key, limit in FIELD_LIMIT.items():
            if limit and len(values[key]) > limit:
                error(key, TOO_LONG.format(length=len(values[key]), limit=limit))

        required_text = normalise(values["required"])
        if required_text not in YES | NO:
            error("required", BAD_REQUIRED.format(value=values["required"]))
        choice: dict[str, str] = {}
        for key, lookup, enum, what in (
            ("conflict_rule", CONFLICT_RULES, FieldMapping.ConflictRule, "conflict rule"),
            ("direction", DIRECTIONS, FieldMapping.Direction, "sync direction"),
        ):
            text = values[key]
            choice[key] = lookup.get(normalise(text), "") if text else ""
            if text and not choice[key]:
                labels = ", ".join(str(label) for label in enum.labels)
                error(key, BAD_CHOICE.format(value=text, what=what, labels=labels))

        attribute_id: Key | None = None
        entity_name, attribute_name = values["entity"], values["attribute"]
        if entity_name or attribute_name:
            entity = entities.get(entity_name.casefold()) if entity_name else None
            if not entity_name:
                error("entity", ENTITY_REQUIRED)
            elif entity is None:
                error("entity", UNKNOWN_ENTITY.format(name=entity_name))
            elif not attribute_name:
                error("attribute", ATTRIBUTE_REQUIRED.format(entity=entity.name))
            else:
                attribute_id = attributes.get((entity.id, attribute_name.casefold()))
                if attribute_id is None:
                    error(
                        "attribute",
                        UNKNOWN_ATTRIBUTE.format(entity=entity.name, name=attribute_name),
                    )

        if len(errors) > before:
            continue
        source_id, target_id = ids["source_system"], ids["target_system"]
        assert source_id is not None and target_id is not None
        pair = _pair(source_id, target_id, values["source_field"], values["target_field"])
        if pair in seen:
            error("target_field", DUPLICATE_IN_FILE.format(other=seen[pair]))
            continue
        seen[pair] = row.number
        if pair in existing:
            label = doc.name_of("mappings", existing[pair].id)
            error("target_field", DUPLICATE_ON_SHEET.format(mapping=label))
            continue
        drafts.append(
            MappingDraft(
                source_system_id=source_id,
                source_field=values["source_field"],
                target_system_id=target_id,
                target_field=values["target_field"],
                transformation=values["transformation"],
                required=required_text in YES,
                conflict_rule=choice["conflict_rule"],
                direction=choice["direction"],
                attribute_id=attribute_id,
            )
        )
    return drafts, errors


# --- import ------------------------------------------------------------------------


def _mapping_key(m: MappingDoc | MappingDraft) -> tuple[Key, Key, str, str]:
    return _pair(m.source_system_id, m.target_system_id, m.source_field, m.target_field)


def mapping_import_apply(
    *, project: Project, user: User, sheet: ParsedSheet, filename: str, replace: bool
) -> SheetApplied:
    """Create every row of the sheet as a mapping, or none: raises `SheetRejected`.

    With `replace`, the sheet becomes the whole mapping sheet: rows that match an
    existing mapping update it, the others are added, and mappings the sheet no longer
    lists are removed. The check runs
    inside the transaction, against the blueprint as it is at that moment.
    """
    with transaction.atomic():
        # Hold the project row and refuse a frozen blueprint, like every other write.
        draft_lock(project)
        doc = document_load(project)
        drafts, errors = sheet_validate(sheet, doc, replace=replace)
        if errors:
            raise SheetRejected(errors)
        fields = ("transformation", "required", "conflict_rule", "direction", "attribute_id")
        existing: dict[tuple[Key, str, Key, str], MappingDoc] = {}
        if replace:
            # A row that names an existing mapping (same systems and fields) updates it in
            # place, so the version diff shows what really changed, not 75 removed and 76
            # added; existing mappings the sheet no longer lists are removed.
            existing = {_mapping_key(m): m for m in doc.mappings}
        kept: set[Key] = set()
        updates: dict[Key, MappingDraft] = {}
        new: list[FieldMapping] = []
        for d in drafts:
            current = existing.get(_mapping_key(d))
            if current is None:
                new.append(
                    FieldMapping(
                        project=project,
                        source_system_id=d.source_system_id,
                        source_field=d.source_field,
                        target_system_id=d.target_system_id,
                        target_field=d.target_field,
                        **{f: getattr(d, f) for f in fields},
                    )
                )
                continue
            kept.add(current.id)
            if any(getattr(current, f) != getattr(d, f) for f in fields):
                updates[current.id] = d
        # The changed rows in one read and a few batched UPDATEs, each counting its
        # revision up like a save from the form would.
        changed_rows = list(FieldMapping.objects.filter(project=project, pk__in=list(updates)))
        now = timezone.now()
        for mapping in changed_rows:
            for f in fields:
                setattr(mapping, f, getattr(updates[mapping.pk], f))
            mapping.revision += 1
            mapping.updated_at = now
        FieldMapping.objects.bulk_update(
            changed_rows, [*fields, "revision", "updated_at"], batch_size=500
        )
        changed = len(changed_rows)
        removed = [m.id for m in doc.mappings if replace and m.id not in kept]
        FieldMapping.objects.filter(project=project, pk__in=removed).delete()
        FieldMapping.objects.bulk_create(new, batch_size=500)
        activity_record(
            project=project,
            user=user,
            action="imported",
            artifact="mapping",
            # The label says what was imported; no item kind before it.
            item_kind="",
            item_label=f"{len(drafts)} field mappings from {filename}",
            before={"Field mappings": str(len(doc.mappings))},
            after={
                "Field mappings": str(len(doc.mappings) - len(removed) + len(new)),
                # What a replace did, which the counts alone cannot show.
                **(
                    {"Added": str(len(new)), "Changed": str(changed), "Removed": str(len(removed))}
                    if replace
                    else {}
                ),
            },
        )
    return SheetApplied(count=len(drafts), created=tuple(m.pk for m in new))
