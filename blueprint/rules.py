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
from collections.abc import Callable
from typing import Any

from blueprint.document import (
    SECTION_BY_NAME,
    SECTION_NOUNS,
    SECTIONS,
    Document,
    Key,
    Section,
    choice_label,
    label_of,
)

OTHER_PROJECT = "Choose from this project's own items."
SYSTEM_NAME_TAKEN = "This project already has a system called “{name}”."
ENTITY_NAME_TAKEN = "This project already has an entity called “{name}”."
ATTRIBUTE_NAME_TAKEN = "{entity} already has an attribute called “{name}”."
OUTCOME_NAME_TAKEN = "This project already has an outcome called “{name}”."
REASON_TAKEN = "“{outcome}” already has the reason code “{code}”."
COPY_TAKEN = "{entity} already has a copy in {system}."
DIMENSION_NAME_TAKEN = "This report already has a dimension called “{name}”."
CATEGORY_ALREADY_NA = "“{category}” is already marked not applicable. Edit its reason instead."
PHASE_ALREADY_PLANNED = "This phase is already in the plan; edit it there instead."
CONTRACT_TOPIC_TAKEN = "{system} already has a note on “{topic}”; edit that one instead."
AUDIT_TOPIC_TAKEN = "The audit record already has a note on “{topic}”; edit that one instead."
OWNER_TAKEN = "{scope} already has an owner: {owner}. Edit that rule instead."
MAPPING_TAKEN = "This pair is already on the sheet: “{mapping}”. Edit that row instead."
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
NOTE_ABOUT_UNKNOWN = "“{section}” is not a list of the blueprint that a note can be about."
NOTE_ABOUT_WHICH = "Say which item the note is about, or leave both empty for the project."
NOTE_STATUS = "A {kind} is {allowed}, not “{status}”."
NOTE_ANSWER_NEEDED = "An answered question needs its answer."
ACCEPTANCE_NOT_GHERKIN = "This is not a Gherkin feature: {error}"
# Django's own wording for the first, which every form field says too.
NUL_CHARACTER = "{field}: null characters are not allowed."
NOT_TEXT = "{field} holds a broken character (an unpaired surrogate), which is not text."


@dataclasses.dataclass(frozen=True)
class Unique:
    """Items of a section that may not share these document fields within a project.

    Text is compared the way names are (`name_key`: case and spaces do not count);
    choices and references exactly. An item with one of them blank is not compared (the
    blank is a problem of its own), except a reference in `optional`, where "none" is a
    value like any other (one owner of the data standards, whatever the system).
    """

    fields: tuple[str, ...]
    # the field the message is shown at
    at: str
    message: str
    optional: frozenset[str] = frozenset()


UNIQUE: dict[str, Unique] = {
    "systems": Unique(("name",), "name", SYSTEM_NAME_TAKEN),
    "entities": Unique(("name",), "name", ENTITY_NAME_TAKEN),
    "attributes": Unique(("entity_id", "name"), "name", ATTRIBUTE_NAME_TAKEN),
    "copies": Unique(("entity_id", "system_id"), "system_id", COPY_TAKEN),
    "outcomes": Unique(("name",), "name", OUTCOME_NAME_TAKEN),
    "reasons": Unique(("outcome_id", "code"), "code", REASON_TAKEN),
    "mappings": Unique(
        ("source_system_id", "target_system_id", "source_field", "target_field"),
        "target_field",
        MAPPING_TAKEN,
    ),
    "ownership": Unique(("area", "system_id"), "area", OWNER_TAKEN, frozenset({"system_id"})),
    "not_applicable": Unique(("category",), "category", CATEGORY_ALREADY_NA),
    "dimensions": Unique(("report_id", "name"), "name", DIMENSION_NAME_TAKEN),
    "phases": Unique(("phase",), "phase", PHASE_ALREADY_PLANNED),
    "contracts": Unique(("system_id", "topic"), "topic", CONTRACT_TOPIC_TAKEN),
    "audit_items": Unique(("topic",), "topic", AUDIT_TOPIC_TAKEN),
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
        # A name that is itself broken text is shown with the broken part replaced.
        name = name.encode("utf-8", "replace").decode("utf-8").replace("\x00", "�")
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
            for ref, target_field in section.about.items():
                key, target = getattr(item, ref), getattr(item, target_field)
                if key is None or target not in note_targets():
                    continue  # note_problems words these
                if doc.get(target, key) is None:
                    message = NOT_IN_PROJECT.format(
                        field="item it is about", key=key, what=f"an item of “{target}”"
                    )
                    found.append(Problem(section.name, item.id, ref, message))
    return found


def _is_text(section: Section, doc_field: str) -> bool:
    if doc_field in section.refs:
        return False
    return not section.model._meta.get_field(doc_field).choices


def unique_key(section: Section, item: Any) -> tuple[Any, ...] | None:
    """What two items of the section may not share, or None when a part is blank."""
    rule = UNIQUE[section.name]
    key = []
    for f in rule.fields:
        value = getattr(item, f)
        if value is None or (isinstance(value, str) and not value.strip()):
            if f not in rule.optional:
                return None
        elif isinstance(value, str) and _is_text(section, f):
            value = name_key(value)
        key.append(value)
    return tuple(key)


Names = Callable[[str, Key | None], str]


def _taken(section: Section, item: Any, other: Any, names: Names) -> tuple[str, str]:
    """(document field, message) for an item that clashes with `other`."""
    rule = UNIQUE[section.name]
    words: dict[str, str] = {}
    for f in rule.fields:
        value = getattr(item, f)
        word = f.removesuffix("_id")
        if f in section.refs:
            words[word] = names(section.refs[f], value) if value is not None else ""
        elif _is_text(section, f):
            words[word] = str(value).strip()
        else:
            words[word] = choice_label(section.name, f, value)
    at = rule.at
    words["name"] = words[at.removesuffix("_id")]
    if section.name == "mappings":
        words["mapping"] = (
            f"{names('systems', other.source_system_id)}.{other.source_field.strip()} → "
            f"{names('systems', other.target_system_id)}.{other.target_field.strip()}"
        )
    if section.name == "ownership":
        if item.system_id is not None:
            words["scope"], at = f"The configuration of {words['system']}", "system_id"
        else:
            words["scope"] = words["area"]
        words["owner"] = " – ".join(p.strip() for p in (other.owner_name, other.owner_role) if p)
    return at, rule.message.format(**words)


def unique_problems(doc: Document) -> list[Problem]:
    """Items of one section that share what UNIQUE says they may not."""
    found: list[Problem] = []
    for section in SECTIONS:
        if section.name not in UNIQUE:
            continue
        seen: dict[tuple[Any, ...], Any] = {}
        for item in getattr(doc, section.name):
            key = unique_key(section, item)
            if key is None:
                continue
            other = seen.setdefault(key, item)
            if other is not item:
                at, message = _taken(section, item, other, doc.name_of)
                found.append(Problem(section.name, item.id, at, message))
    return found


_SECTION_BY_MODEL = {s.model: s for s in SECTIONS}


def _stored_name(section: str, key: Key | None) -> str:
    item = SECTION_BY_NAME[section].model._default_manager.filter(pk=key).first()
    return str(item) if item is not None else ""


def duplicate_errors(instance: Any) -> dict[str, str]:
    """{model field: message} when a stored item of the project already has what this one
    may not share (UNIQUE), as `Model.clean()` reports it; else {}."""
    section = _SECTION_BY_MODEL.get(type(instance))
    if section is None or section.name not in UNIQUE or instance.project_id is None:
        return {}
    rule = UNIQUE[section.name]
    names = [f.name for f in dataclasses.fields(section.doc) if f.name not in section.m2m]
    empty = dict.fromkeys(section.m2m, ())
    item = section.doc(**{n: getattr(instance, "pk" if n == "id" else n) for n in names}, **empty)
    key = unique_key(section, item)
    if key is None:
        return {}
    exact = {f: getattr(item, f) for f in rule.fields if not _is_text(section, f)}
    rows = section.model._default_manager.filter(project_id=instance.project_id, **exact)
    if instance.pk is not None:
        rows = rows.exclude(pk=instance.pk)
    for row in rows.order_by("pk").values(*names):
        other = section.doc(**row, **empty)
        if unique_key(section, other) == key:
            at, message = _taken(section, item, other, _stored_name)
            return {at.removesuffix("_id"): message}
    return {}


def other_project_errors(
    instance: Any, *, project_id: int | None = None, chosen: dict[str, Any] | None = None
) -> dict[str, str]:
    """{field: message} for each item this one points at that is another project's: its
    related objects as set on it (an id alone is not read: the imports resolve ids within
    the project), and the many-to-many choices given as `chosen` (saved after the item)."""
    project_id = instance.project_id if project_id is None else project_id
    errors: dict[str, str] = {}
    for f in instance._meta.concrete_fields:
        if f.many_to_one and f.name != "project" and f.is_cached(instance):
            related = f.get_cached_value(instance)
            if related is not None and not in_project(related, project_id):
                errors[f.name] = OTHER_PROJECT
    for name, items in (chosen or {}).items():
        if not all(in_project(o, project_id) for o in items):
            errors[name] = OTHER_PROJECT
    return errors


def in_project(related: Any, project_id: int | None) -> bool:
    """Whether an item may be pointed at from the project: it is the project's own (what
    belongs to no project, such as a person, may be pointed at from any)."""
    return getattr(related, "project_id", project_id) == project_id


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


def _not_text(value: str) -> str | None:
    """NUL_CHARACTER or NOT_TEXT when a text cannot be stored as it is, else None."""
    if "\x00" in value:
        return NUL_CHARACTER
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return NOT_TEXT
    return None


def text_problems(doc: Document) -> list[Problem]:
    """Text no database stores (a NUL, an unpaired surrogate), anywhere in the document."""
    found: list[Problem] = []
    parts: list[tuple[str, Any]] = [("project", doc.project)]
    parts += [("members", m) for m in doc.members]
    parts += [(s.name, item) for s in SECTIONS for item in getattr(doc, s.name)]
    for section, item in parts:
        for f in dataclasses.fields(item):
            values = getattr(item, f.name)
            if isinstance(values, dict):
                values = [*values.keys(), *values.values()]
            for value in values if isinstance(values, list | tuple) else [values]:
                if isinstance(value, str) and (message := _not_text(value)):
                    label = f.name.replace("_", " ").capitalize()
                    key = (
                        getattr(item, "id", None) if section not in ("project", "members") else None
                    )
                    found.append(Problem(section, key, f.name, message.format(field=label)))
                    break
    return found


def note_targets() -> list[str]:
    """The lists of the document a note can be about (every one but the notes)."""
    return [s.name for s in SECTIONS if s.name != "notes"]


def note_problems(item: Any) -> list[Problem]:
    """A note's own rules: what it is about names a list, its status fits its kind."""
    from blueprint.models import Note

    found = []

    def problem(name: str, message: str) -> None:
        found.append(Problem("notes", item.id, name, message))

    if item.about_section and item.about_section not in note_targets():
        problem("about_section", NOTE_ABOUT_UNKNOWN.format(section=item.about_section))
    elif bool(item.about_section) != (item.about_id is not None):
        problem("about_id", NOTE_ABOUT_WHICH)
    allowed = Note.STATUSES.get(item.kind)
    if allowed is not None and item.status not in allowed:
        labels = " or ".join(str(Note.Status(s).label).lower() for s in allowed)
        kind = str(Note.Kind(item.kind).label).lower()
        problem("status", NOTE_STATUS.format(kind=kind, allowed=labels, status=item.status))
    if item.kind == Note.Kind.QUESTION and item.status == "answered" and not item.answer.strip():
        problem("answer", NOTE_ANSWER_NEEDED)
    return found


def acceptance_problem(text: str) -> str | None:
    """Edited acceptance text must be a Gherkin feature the official parser reads."""
    if not text.strip():
        return None
    from blueprint.acceptance import gherkin_error

    error = gherkin_error(text)
    return ACCEPTANCE_NOT_GHERKIN.format(error=error) if error else None


def document_problems(doc: Document) -> list[Problem]:
    """Every storage rule a document breaks, in document order."""
    text = text_problems(doc)
    if text:
        return text  # names and labels built from such text could not even be shown
    found: list[Problem] = member_problems(doc) + reference_problems(doc)
    found.extend(unique_problems(doc))
    for section in SECTIONS:
        for item in getattr(doc, section.name):
            found.extend(_field_problems(section, item))
            if section.name == "reports":
                found.extend(_time_windows(item))
            if section.name == "scenarios":
                found.extend(_answers(item))
            if section.name == "notes":
                found.extend(note_problems(item))
            if section.name in ("scenarios", "exceptions") and (
                message := acceptance_problem(item.acceptance_text)
            ):
                found.append(Problem(section.name, item.id, "acceptance_text", message))
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
    return found


def group_problems(problems: list[Problem]) -> dict[tuple[str, Key | None], list[Problem]]:
    grouped: dict[tuple[str, Key | None], list[Problem]] = defaultdict(list)
    for p in problems:
        grouped[(p.section, p.item_id)].append(p)
    return grouped
