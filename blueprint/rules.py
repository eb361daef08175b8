"""What may be stored: the rules every way into a blueprint applies.

The HTMX forms and the admin reach these through the models' `clean()`; the JSON import
checks a whole document with `document_problems`; the sheet import checks its rows with
the same predicates. Each rule's wording lives here, once. (What is *missing* is not a
storage rule: readiness reports it.)
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from typing import Any

from blueprint.document import SECTIONS, Document, Key, Section, label_of

SYSTEM_NAME_TAKEN = "This project already has a system called “{name}”."
ENTITY_NAME_TAKEN = "This project already has an entity called “{name}”."
ATTRIBUTE_NAME_TAKEN = "{entity} already has an attribute called “{name}”."
OUTCOME_NAME_TAKEN = "This project already has an outcome called “{name}”."
REASON_TAKEN = "“{outcome}” already has the reason code “{name}”."
SAME_SYSTEM = "A mapping moves data between two different systems: choose another target system."
UNKNOWN_CHOICE = "“{value}” is not one of the allowed values for {field}: {allowed}."
TOO_LONG = "{field} is longer than {limit} characters."
BLANK = "{field} must not be empty."
BAD_DATE = "“{value}” is not a date: write it as YYYY-MM-DD, e.g. 2027-07-30."
NOT_IN_PROJECT = "{field}: “{key}” is not a {what} of this project."
UNKNOWN_ANSWER = "“{key}” is not a question of the category {category}; its questions are: {keys}."
IDENTITY_OTHER_ENTITY = "Choose from this entity's own attributes."

# section -> (fields compared case-insensitively, the field that scopes them, message)
UNIQUE_NAMES: dict[str, tuple[str, str | None, str]] = {
    "systems": ("name", None, SYSTEM_NAME_TAKEN),
    "entities": ("name", None, ENTITY_NAME_TAKEN),
    "attributes": ("name", "entity_id", ATTRIBUTE_NAME_TAKEN),
    "outcomes": ("name", None, OUTCOME_NAME_TAKEN),
    "reasons": ("code", "outcome_id", REASON_TAKEN),
}
_NOUN = {
    "systems": "system",
    "entities": "entity",
    "attributes": "attribute",
    "outcomes": "outcome",
    "scenarios": "scenario",
    "reports": "report",
}


def name_key(text: str) -> str:
    """How two names are compared: spaces at the ends and case do not count."""
    return " ".join(text.split()).casefold()


def same_system(source_id: Key | None, target_id: Key | None) -> bool:
    return source_id is not None and source_id == target_id


@dataclasses.dataclass(frozen=True)
class Problem:
    section: str
    item_id: Key | None
    field: str
    message: str

    def describe(self, doc: Document) -> str:
        """The problem named in the workshop's words: "System “CRM”: ..."."""
        if self.item_id is None:
            return self.message
        item = doc.get(self.section, self.item_id)
        noun = SECTION_NOUNS.get(self.section, self.section)
        name = label_of(self.section, item, doc) if item is not None else str(self.item_id)
        return f"{noun} “{name.strip()}”: {self.message}"


SECTION_NOUNS = {
    "systems": "System",
    "entities": "Entity",
    "attributes": "Attribute",
    "copies": "Copy",
    "relationships": "Relationship",
    "outcomes": "Outcome",
    "reasons": "Reason code",
    "scenarios": "Scenario",
    "steps": "Journey step",
    "not_applicable": "Category marked not applicable",
    "mappings": "Field mapping",
    "ownership": "Ownership rule",
    "exceptions": "Exception rule",
    "guardrails": "Guardrail",
    "reports": "Report",
    "dimensions": "Report dimension",
    "automations": "Automation",
    "phases": "Delivery phase",
    "contracts": "API contract item",
    "audit_items": "Audit record item",
}


def _verbose(section: Section, name: str) -> str:
    try:
        field = section.model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a document field without a model field
        return name.replace("_", " ")
    text = str(getattr(field, "verbose_name", name))
    return text[:1].upper() + text[1:]


def _field_problems(section: Section, item: Any) -> list[Problem]:
    """Choices, lengths, blanks and dates, as the model's fields define them."""
    found: list[Problem] = []
    for f in dataclasses.fields(item):
        if f.name == "id" or f.name in section.m2m or f.name in section.refs:
            continue
        try:
            model_field = section.model._meta.get_field(f.name)
        except Exception:  # noqa: BLE001
            continue
        value = getattr(item, f.name)
        label = _verbose(section, f.name)

        def problem(message: str, name: str = f.name) -> None:
            found.append(Problem(section.name, item.id, name, message))

        if model_field.get_internal_type() == "DateField" and value is not None:
            try:
                datetime.date.fromisoformat(str(value))
            except ValueError:
                problem(BAD_DATE.format(value=value))
            continue
        if model_field.choices and isinstance(value, str):
            if value == "" and model_field.blank:
                continue
            allowed = {str(c[0]): str(c[1]) for c in model_field.flatchoices}
            if value not in allowed:
                problem(
                    UNKNOWN_CHOICE.format(
                        value=value, field=label.lower(), allowed=", ".join(allowed)
                    )
                )
            continue
        limit = getattr(model_field, "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            problem(TOO_LONG.format(field=label, limit=limit))
        if isinstance(value, str) and not model_field.blank and not value.strip():
            problem(BLANK.format(field=label))
    return found


def _time_windows(item: Any) -> list[Problem]:
    from blueprint.models import TimeWindow

    return [
        Problem(
            "reports",
            item.id,
            "time_windows",
            UNKNOWN_CHOICE.format(
                value=w, field="time windows", allowed=", ".join(TimeWindow.values)
            ),
        )
        for w in item.time_windows
        if w not in TimeWindow.values
    ]


def _answers(item: Any) -> list[Problem]:
    from blueprint.models import CATEGORY_QUESTIONS, Category

    keys = [k for k, _q in CATEGORY_QUESTIONS.get(item.category, [])]
    if item.category not in Category.values:
        return []
    category = Category(item.category).label
    return [
        Problem(
            "scenarios",
            item.id,
            "answers",
            UNKNOWN_ANSWER.format(key=key, category=category, keys=", ".join(keys)),
        )
        for key in item.answers
        if key not in keys
    ]


def document_problems(doc: Document) -> list[Problem]:
    """Every storage rule a document breaks, in document order."""
    found: list[Problem] = []
    seen: dict[tuple[str, Any, str], Any] = {}
    for section in SECTIONS:
        unique = UNIQUE_NAMES.get(section.name)
        for item in getattr(doc, section.name):
            found.extend(_field_problems(section, item))
            if section.name == "reports":
                found.extend(_time_windows(item))
            if section.name == "scenarios":
                found.extend(_answers(item))
            if section.name == "mappings" and same_system(
                item.source_system_id, item.target_system_id
            ):
                found.append(Problem("mappings", item.id, "target_system_id", SAME_SYSTEM))
            if section.name == "entities":
                for key in item.identity_attribute_ids:
                    attribute = doc.get("attributes", key)
                    if attribute is not None and attribute.entity_id != item.id:
                        found.append(
                            Problem(
                                "entities", item.id, "identity_attributes", IDENTITY_OTHER_ENTITY
                            )
                        )
                        break
            if unique is not None:
                field, scope, message = unique
                scope_id = getattr(item, scope) if scope else None
                key = (section.name, scope_id, name_key(getattr(item, field)))
                if key in seen:
                    parent = ""
                    if scope == "entity_id":
                        parent = f"“{doc.name_of('entities', scope_id)}”"
                    elif scope == "outcome_id":
                        parent = doc.name_of("outcomes", scope_id)
                    found.append(
                        Problem(
                            section.name,
                            item.id,
                            field,
                            message.format(
                                name=getattr(item, field).strip(),
                                entity=parent,
                                outcome=parent,
                            ),
                        )
                    )
                else:
                    seen[key] = item
    return found


def taken_names(pairs: list[tuple[Any, str]], *, pk: Any, name: str) -> bool:
    """Whether another item (not `pk`) of the same scope already has this name."""
    wanted = name_key(name)
    return any(other != pk and name_key(text) == wanted for other, text in pairs)


def group_problems(problems: list[Problem]) -> dict[tuple[str, Key | None], list[Problem]]:
    grouped: dict[tuple[str, Key | None], list[Problem]] = defaultdict(list)
    for p in problems:
        grouped[(p.section, p.item_id)].append(p)
    return grouped
