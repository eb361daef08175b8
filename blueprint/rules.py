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

from blueprint.document import SECTION_NOUNS, SECTIONS, Document, Key, Section, label_of

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
NOT_IN_PROJECT = "the {field} “{key}” is not {what} of this project."
LISTED_TWICE = "“{name}” is listed twice in {field}."
DUPLICATE = "another {noun} of the file has the same {fields}."
ROLE_TAKEN = "{role} is already held by {other}: a sign-off role has one holder."
EMAIL_TWICE = "“{email}” is named twice."
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
# What a reference must point at, in a sentence: "is not a system of this project".
_A_NOUN = {
    "systems": "a system",
    "entities": "an entity",
    "attributes": "an attribute",
    "outcomes": "an outcome",
    "scenarios": "a scenario",
    "reports": "a report",
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


def _model_field_name(section: Section, doc_field: str) -> str:
    if doc_field in section.m2m:
        return section.m2m[doc_field][0]
    return doc_field.removesuffix("_id")


def reference_problems(doc: Document) -> list[Problem]:
    """References point at items of this project, and a list names an item once."""
    found: list[Problem] = []
    for section in SECTIONS:
        for item in getattr(doc, section.name):
            for ref, target in section.refs.items():
                key = getattr(item, ref)
                if key is not None and doc.get(target, key) is None:
                    label = _verbose(section, _model_field_name(section, ref)).lower()
                    message = NOT_IN_PROJECT.format(
                        field=label, key=key, what=_A_NOUN.get(target, target)
                    )
                    found.append(Problem(section.name, item.id, ref, message))
            for doc_field, (_model_field, target) in section.m2m.items():
                label = _verbose(section, _model_field_name(section, doc_field)).lower()
                seen: set[Key] = set()
                for key in getattr(item, doc_field):
                    if doc.get(target, key) is None:
                        message = NOT_IN_PROJECT.format(
                            field=label, key=key, what=_A_NOUN.get(target, target)
                        )
                        found.append(Problem(section.name, item.id, doc_field, message))
                    elif key in seen:
                        name = doc.name_of(target, key)
                        message = LISTED_TWICE.format(field=label, name=name)
                        found.append(Problem(section.name, item.id, doc_field, message))
                    seen.add(key)
    return found


def _unique_field_sets(section: Section) -> list[tuple[tuple[str, ...], str]]:
    """The model's own unique constraints on plain fields, as document fields (the
    project is implied: a document is one project), each with the message the forms
    show for it. Name constraints are UNIQUE_NAMES."""
    sets: list[tuple[tuple[str, ...], str]] = []
    doc_fields = {f.name for f in dataclasses.fields(section.doc)}
    for constraint in section.model._meta.constraints:
        names = getattr(constraint, "fields", ())
        if not names or getattr(constraint, "condition", None) is not None:
            continue
        wanted = []
        for name in names:
            if name == "project":
                continue
            doc_name = name if name in doc_fields else f"{name}_id"
            if doc_name not in doc_fields:
                break
            wanted.append(doc_name)
        else:
            if wanted and section.name not in UNIQUE_NAMES:
                sets.append((tuple(wanted), _constraint_message(section, constraint, wanted)))
    return sets


def _constraint_message(section: Section, constraint: Any, fields: list[str]) -> str:
    """The constraint's own message, which the forms show too; else a plain one."""
    message = constraint.violation_error_message
    if message and message != constraint.default_violation_error_message:
        return str(message)
    labels = " and ".join(_verbose(section, _model_field_name(section, f)).lower() for f in fields)
    return DUPLICATE.format(noun=SECTION_NOUNS[section.name].lower(), fields=labels)


def _duplicates(section: Section, items: tuple[Any, ...]) -> list[Problem]:
    found: list[Problem] = []
    for fields, message in _unique_field_sets(section):
        seen: set[tuple[Any, ...]] = set()
        for item in items:
            value = tuple(getattr(item, f) for f in fields)
            if value in seen:
                found.append(Problem(section.name, item.id, fields[-1], message))
            seen.add(value)
    return found


def member_problems(doc: Document) -> list[Problem]:
    """The people of a file: real roles, each person once, one holder per sign-off role."""
    from blueprint.models import SIGNOFF_ROLES, Role

    found: list[Problem] = []
    holders: dict[str, str] = {}
    emails: set[str] = set()
    for member in doc.members:
        who = f"Member “{member.display_name or member.email}”: "
        if member.role not in Role.values:
            allowed = ", ".join(Role.values)
            message = UNKNOWN_CHOICE.format(value=member.role, field="role", allowed=allowed)
            found.append(Problem("members", None, "role", who + message))
            continue
        email = member.email.strip().casefold()
        if email in emails:
            found.append(Problem("members", None, "email", who + EMAIL_TWICE.format(email=email)))
            continue
        emails.add(email)
        if member.role in SIGNOFF_ROLES:
            other = holders.get(member.role)
            if other is not None:
                role = Role(member.role).label
                message = ROLE_TAKEN.format(role=role, other=other)
                found.append(Problem("members", None, "role", who + message))
                continue
            holders[member.role] = member.display_name or member.email
    return found


def document_problems(doc: Document) -> list[Problem]:
    """Every storage rule a document breaks, in document order."""
    found: list[Problem] = member_problems(doc) + reference_problems(doc)
    seen: dict[tuple[str, Any, str], Any] = {}
    for section in SECTIONS:
        unique = UNIQUE_NAMES.get(section.name)
        found.extend(_duplicates(section, getattr(doc, section.name)))
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
