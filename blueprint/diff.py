"""What changed between two blueprint documents, per artifact, field by field."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from blueprint.document import SECTIONS, Document, Section, label_of
from blueprint.models import CATEGORY_QUESTIONS, Role

ARTIFACTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("project", "Project, people and systems", ("systems",)),
    ("scenarios", "Business scenarios", ("scenarios", "steps", "not_applicable")),
    (
        "mapping",
        "Data mapping",
        ("entities", "attributes", "copies", "relationships", "outcomes", "reasons", "mappings"),
    ),
    (
        "governance",
        "Ownership, exceptions and guardrails",
        ("ownership", "exceptions", "guardrails"),
    ),
    ("requirements", "Reporting and automation", ("reports", "dimensions", "automations")),
    ("delivery", "Delivery plan", ("phases", "contracts", "audit_items")),
    ("notes", "Questions and decisions", ("notes",)),
)
QUESTION_LABELS = {key: q for questions in CATEGORY_QUESTIONS.values() for key, q in questions}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class ItemChange:
    kind: str
    label: str
    change: str  # "added", "removed" or "changed"
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class ArtifactDiff:
    artifact: str
    label: str
    changes: tuple[ItemChange, ...]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"added": 0, "removed": 0, "changed": 0}
        for change in self.changes:
            counts[change.change] += 1
        return counts


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _field_label(section: Section, name: str) -> str:
    model_name = name.removesuffix("_ids").removesuffix("_id")
    for candidate in (name, model_name, model_name + "s"):
        try:
            return _cap(str(section.model._meta.get_field(candidate).verbose_name))
        except Exception:  # noqa: BLE001, S112 - not every doc field is a model field
            continue
    for doc_field, (model_field, _target) in section.m2m.items():
        if doc_field == name:
            return _cap(str(section.model._meta.get_field(model_field).verbose_name))
    return _cap(name.replace("_", " "))


def _display(section: Section, name: str, value: Any, doc: Document) -> str:
    if name in section.refs:
        return doc.name_of(section.refs[name], value) if value is not None else ""
    if name in section.m2m:
        target = section.m2m[name][1]
        return ", ".join(sorted(doc.name_of(target, key) for key in value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    try:
        model_field = section.model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a doc-only field
        model_field = None
    if model_field is not None and model_field.choices and value not in (None, ""):
        return str(dict(model_field.flatchoices).get(value, value))
    return "" if value is None else str(value)


def _item_fields(section: Section, item: Any, doc: Document) -> dict[str, str]:
    values: dict[str, str] = {}
    for f in dataclasses.fields(item):
        if f.name == "id":
            continue
        value = getattr(item, f.name)
        if f.name in section.about.values():
            continue  # shown with the item it names, below
        if f.name in section.about:
            target = getattr(item, section.about[f.name])
            values["About"] = (
                doc.name_of(target, value) if target and value is not None else "the project"
            )
            continue
        if f.name == "answers":
            for key, answer in sorted(value.items()):
                values[f"Answer: {QUESTION_LABELS.get(key, key)}"] = answer
            continue
        values[_field_label(section, f.name)] = _display(section, f.name, value, doc)
    return values


def _kind(section: Section) -> str:
    return _cap(str(section.model._meta.verbose_name))


def _section_changes(section: Section, old: Document, new: Document) -> list[ItemChange]:
    before = {item.id: item for item in getattr(old, section.name)}
    after = {item.id: item for item in getattr(new, section.name)}
    changes: list[ItemChange] = []
    for key, item in after.items():
        if key not in before:
            fields = _item_fields(section, item, new)
            changes.append(
                ItemChange(
                    kind=_kind(section),
                    label=label_of(section.name, item, new),
                    change="added",
                    fields=tuple(FieldChange(k, "", v) for k, v in fields.items() if v),
                )
            )
    for key, item in before.items():
        if key not in after:
            changes.append(
                ItemChange(
                    kind=_kind(section), label=label_of(section.name, item, old), change="removed"
                )
            )
            continue
        old_fields = _item_fields(section, item, old)
        new_fields = _item_fields(section, after[key], new)
        diffs = tuple(
            FieldChange(name, old_fields.get(name, ""), new_fields.get(name, ""))
            for name in dict.fromkeys([*old_fields, *new_fields])
            if old_fields.get(name, "") != new_fields.get(name, "")
        )
        if diffs:
            changes.append(
                ItemChange(
                    kind=_kind(section),
                    label=label_of(section.name, after[key], new),
                    change="changed",
                    fields=diffs,
                )
            )
    return changes


def _project_changes(old: Document, new: Document) -> list[ItemChange]:
    changes: list[ItemChange] = []
    fields = tuple(
        FieldChange(
            f.name.replace("_", " ").capitalize(),
            getattr(old.project, f.name),
            getattr(new.project, f.name),
        )
        for f in dataclasses.fields(old.project)
        if getattr(old.project, f.name) != getattr(new.project, f.name)
    )
    if fields:
        changes.append(
            ItemChange(kind="Project", label=new.project.name, change="changed", fields=fields)
        )
    roles_before = {m.email: m for m in old.members}
    roles_after = {m.email: m for m in new.members}
    for email, member in roles_after.items():
        previous = roles_before.get(email)
        if previous is None:
            changes.append(
                ItemChange(
                    kind="Member",
                    label=member.display_name,
                    change="added",
                    fields=(FieldChange("Role", "", Role(member.role).label),),
                )
            )
        elif previous.role != member.role:
            changes.append(
                ItemChange(
                    kind="Member",
                    label=member.display_name,
                    change="changed",
                    fields=(
                        FieldChange("Role", Role(previous.role).label, Role(member.role).label),
                    ),
                )
            )
    for email, member in roles_before.items():
        if email not in roles_after:
            changes.append(ItemChange(kind="Member", label=member.display_name, change="removed"))
    return changes


def document_diff(old: Document, new: Document) -> list[ArtifactDiff]:
    """Per artifact, the items added, removed and changed from `old` to `new`."""
    by_name = {s.name: s for s in SECTIONS}
    result: list[ArtifactDiff] = []
    for artifact, label, sections in ARTIFACTS:
        changes: list[ItemChange] = []
        if artifact == "project":
            changes.extend(_project_changes(old, new))
        for name in sections:
            changes.extend(_section_changes(by_name[name], old, new))
        result.append(ArtifactDiff(artifact=artifact, label=label, changes=tuple(changes)))
    return result
