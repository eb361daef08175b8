"""The blueprint as one immutable document: loaded in a fixed number of queries,
serialised as canonical JSON, and built back into models.

Every reader (readiness, sign-off snapshots, the version diff, JSON export, the PDF)
reads a `Document`; nothing else walks the blueprint's tables.

Items refer to each other by `id`. A document loaded from the database uses the rows'
primary keys; a document written by hand (a template, the demo) may use readable string
keys instead. Canonical JSON sorts every list by id, so the same blueprint always gives
the same bytes, whatever order the database returns rows in.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import types
import typing
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import models
from django.db.models import F, IntegerField, Value

from blueprint.models import (
    Attribute,
    AuditItem,
    Automation,
    CategoryNotApplicable,
    ContractItem,
    DeliveryPhase,
    Entity,
    EntityCopy,
    ExceptionRule,
    FieldMapping,
    Guardrail,
    JourneyStep,
    Membership,
    Note,
    Outcome,
    OwnershipRule,
    Project,
    ReasonCode,
    Relationship,
    Report,
    ReportDimension,
    Scenario,
    System,
)

Key = int | str
FORMAT_VERSION = 1


@dataclass(frozen=True)
class ProjectDoc:
    name: str
    summary: str = ""
    business_question: str = ""


@dataclass(frozen=True)
class MemberDoc:
    email: str
    display_name: str
    job_title: str
    role: str


@dataclass(frozen=True)
class SystemDoc:
    id: Key
    name: str
    kind: str = "other"
    description: str = ""
    api_maturity: str = "developing"
    api_documentation: str = "unknown"
    test_environment: str = "unknown"


@dataclass(frozen=True)
class ScenarioDoc:
    id: Key
    category: str
    title: str
    narrative: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    system_ids: tuple[Key, ...] = ()
    # Trace links: what the scenario moves and produces.
    entity_ids: tuple[Key, ...] = ()
    attribute_ids: tuple[Key, ...] = ()
    outcome_ids: tuple[Key, ...] = ()
    acceptance_text: str = ""  # the acceptance test as the people edited it ("" generated)


@dataclass(frozen=True)
class StepDoc:
    id: Key
    scenario_id: Key
    position: int
    system_id: Key | None
    description: str
    actor: str = "human"


@dataclass(frozen=True)
class NotApplicableDoc:
    id: Key
    category: str
    reason: str


@dataclass(frozen=True)
class EntityDoc:
    id: Key
    name: str
    kind: str = "person"
    description: str = ""
    home_system_id: Key | None = None
    link_method: str = ""
    sync_state: str = "unknown"
    history_decision: str = ""
    duplicate_rule: str = ""
    identifier_issuer_id: Key | None = None
    identity_attribute_ids: tuple[Key, ...] = ()
    identifier_acceptor_ids: tuple[Key, ...] = ()


@dataclass(frozen=True)
class CopyDoc:
    id: Key
    entity_id: Key
    system_id: Key
    reason: str = ""


@dataclass(frozen=True)
class AttributeDoc:
    id: Key
    entity_id: Key
    name: str
    kind: str = "other"
    description: str = ""
    source_of_truth_id: Key | None = None
    display_system_ids: tuple[Key, ...] = ()
    update_system_ids: tuple[Key, ...] = ()


@dataclass(frozen=True)
class RelationshipDoc:
    id: Key
    from_entity_id: Key
    to_entity_id: Key
    description: str
    maintained_in_id: Key | None = None
    change_behaviour: str = ""
    synced_system_ids: tuple[Key, ...] = ()


@dataclass(frozen=True)
class OutcomeDoc:
    id: Key
    name: str
    polarity: str = "success"
    entity_id: Key | None = None
    recorded_in_id: Key | None = None
    sync_behaviour: str = ""


@dataclass(frozen=True)
class ReasonDoc:
    id: Key
    outcome_id: Key
    code: str
    description: str = ""


@dataclass(frozen=True)
class MappingDoc:
    id: Key
    source_system_id: Key
    target_system_id: Key
    source_field: str = ""
    target_field: str = ""
    transformation: str = ""
    required: bool = False
    conflict_rule: str = ""
    direction: str = ""
    attribute_id: Key | None = None
    scenario_ids: tuple[Key, ...] = ()


@dataclass(frozen=True)
class OwnershipDoc:
    id: Key
    area: str
    system_id: Key | None = None
    owner_name: str = ""
    owner_role: str = ""
    notes: str = ""


@dataclass(frozen=True)
class ExceptionDoc:
    id: Key
    situation: str
    situation_other: str = ""
    auto_log: bool = False
    auto_alert: bool = False
    auto_review_queue: bool = False
    auto_retry: bool = False
    retry_policy: str = ""
    auto_fail: bool = False
    manual_handling: str = ""
    manual_owner: str = ""
    tracking: str = ""
    scenario_ids: tuple[Key, ...] = ()
    acceptance_text: str = ""


@dataclass(frozen=True)
class GuardrailDoc:
    id: Key
    kind: str
    attribute_id: Key | None = None
    system_id: Key | None = None
    data_description: str = ""
    rationale: str = ""
    forbidden_system_ids: tuple[Key, ...] = ()
    # For "never overwrite": the systems it protects; none named means the attribute's
    # source of truth (see `protected_systems`).
    protected_system_ids: tuple[Key, ...] = ()


@dataclass(frozen=True)
class ReportDoc:
    id: Key
    name: str
    question: str = ""
    measures: str = ""
    time_windows: tuple[str, ...] = ()
    custom_window: str = ""
    audience: str = ""


@dataclass(frozen=True)
class DimensionDoc:
    id: Key
    report_id: Key
    name: str
    attribute_id: Key | None = None


@dataclass(frozen=True)
class AutomationDoc:
    id: Key
    name: str
    trigger_type: str = "outcome"
    trigger_scenario_id: Key | None = None
    trigger_attribute_id: Key | None = None
    trigger_outcome_id: Key | None = None
    trigger_detail: str = ""
    audience: str = "internal"
    action: str = "task"
    description: str = ""
    sending_system_id: Key | None = None
    owner: str = ""
    coordination: str = ""


@dataclass(frozen=True)
class PhaseDoc:
    id: Key
    phase: str
    scope: str = ""
    exit_criteria: str = ""
    target_date: str | None = None


@dataclass(frozen=True)
class ContractDoc:
    id: Key
    system_id: Key
    topic: str
    note: str = ""
    done: bool = False


@dataclass(frozen=True)
class AuditDoc:
    id: Key
    topic: str
    note: str = ""
    done: bool = False


@dataclass(frozen=True)
class NoteDoc:
    """A question, proposed change or decision on an item (or, with no section, the
    project): `about_id` is an item of the section `about_section` names."""

    id: Key
    kind: str
    text: str
    about_section: str = ""
    about_id: Key | None = None
    raised_by: str = ""
    asked_of: str = ""
    due_date: str | None = None
    must_answer: bool = False
    status: str = "open"
    answer: str = ""
    decided_by: str = ""


@dataclass(frozen=True)
class Section:
    """How one list of the document maps to a model."""

    name: str
    model: type[models.Model]
    doc: type[Any]
    # field of the doc -> section whose ids it refers to
    refs: dict[str, str]
    # m2m doc field (…_ids) -> (model m2m field name, section)
    m2m: dict[str, tuple[str, str]] = field(default_factory=dict)
    # a reference into whichever section another field names: id field -> section field
    about: dict[str, str] = field(default_factory=dict)


# In dependency order: an item only refers to items of earlier sections (m2m excepted,
# which are set once everything exists).
SECTIONS: tuple[Section, ...] = (
    Section("systems", System, SystemDoc, {}),
    Section(
        "entities",
        Entity,
        EntityDoc,
        {"home_system_id": "systems", "identifier_issuer_id": "systems"},
        {
            "identity_attribute_ids": ("identity_attributes", "attributes"),
            "identifier_acceptor_ids": ("identifier_acceptors", "systems"),
        },
    ),
    Section(
        "attributes",
        Attribute,
        AttributeDoc,
        {"entity_id": "entities", "source_of_truth_id": "systems"},
        {
            "display_system_ids": ("display_systems", "systems"),
            "update_system_ids": ("update_systems", "systems"),
        },
    ),
    Section("copies", EntityCopy, CopyDoc, {"entity_id": "entities", "system_id": "systems"}),
    Section(
        "relationships",
        Relationship,
        RelationshipDoc,
        {"from_entity_id": "entities", "to_entity_id": "entities", "maintained_in_id": "systems"},
        {"synced_system_ids": ("synced_systems", "systems")},
    ),
    Section(
        "outcomes", Outcome, OutcomeDoc, {"entity_id": "entities", "recorded_in_id": "systems"}
    ),
    Section("reasons", ReasonCode, ReasonDoc, {"outcome_id": "outcomes"}),
    Section(
        "scenarios",
        Scenario,
        ScenarioDoc,
        {},
        {
            "system_ids": ("systems", "systems"),
            "entity_ids": ("entities", "entities"),
            "attribute_ids": ("attributes", "attributes"),
            "outcome_ids": ("outcomes", "outcomes"),
        },
    ),
    Section("steps", JourneyStep, StepDoc, {"scenario_id": "scenarios", "system_id": "systems"}),
    Section("not_applicable", CategoryNotApplicable, NotApplicableDoc, {}),
    Section(
        "mappings",
        FieldMapping,
        MappingDoc,
        {
            "source_system_id": "systems",
            "target_system_id": "systems",
            "attribute_id": "attributes",
        },
        {"scenario_ids": ("scenarios", "scenarios")},
    ),
    Section("ownership", OwnershipRule, OwnershipDoc, {"system_id": "systems"}),
    Section(
        "exceptions", ExceptionRule, ExceptionDoc, {}, {"scenario_ids": ("scenarios", "scenarios")}
    ),
    Section(
        "guardrails",
        Guardrail,
        GuardrailDoc,
        {"attribute_id": "attributes", "system_id": "systems"},
        {
            "forbidden_system_ids": ("forbidden_systems", "systems"),
            "protected_system_ids": ("protected_systems", "systems"),
        },
    ),
    Section("reports", Report, ReportDoc, {}),
    Section(
        "dimensions",
        ReportDimension,
        DimensionDoc,
        {"report_id": "reports", "attribute_id": "attributes"},
    ),
    Section(
        "automations",
        Automation,
        AutomationDoc,
        {
            "trigger_scenario_id": "scenarios",
            "trigger_attribute_id": "attributes",
            "trigger_outcome_id": "outcomes",
            "sending_system_id": "systems",
        },
    ),
    Section("phases", DeliveryPhase, PhaseDoc, {}),
    Section("contracts", ContractItem, ContractDoc, {"system_id": "systems"}),
    Section("audit_items", AuditItem, AuditDoc, {}),
    # Last: a note may be about an item of any section above.
    Section("notes", Note, NoteDoc, {}, about={"about_id": "about_section"}),
)
SECTION_BY_NAME = {s.name: s for s in SECTIONS}


@dataclass(frozen=True)
class Document:
    project: ProjectDoc
    members: tuple[MemberDoc, ...] = ()
    systems: tuple[SystemDoc, ...] = ()
    entities: tuple[EntityDoc, ...] = ()
    attributes: tuple[AttributeDoc, ...] = ()
    copies: tuple[CopyDoc, ...] = ()
    relationships: tuple[RelationshipDoc, ...] = ()
    outcomes: tuple[OutcomeDoc, ...] = ()
    reasons: tuple[ReasonDoc, ...] = ()
    scenarios: tuple[ScenarioDoc, ...] = ()
    steps: tuple[StepDoc, ...] = ()
    not_applicable: tuple[NotApplicableDoc, ...] = ()
    mappings: tuple[MappingDoc, ...] = ()
    ownership: tuple[OwnershipDoc, ...] = ()
    exceptions: tuple[ExceptionDoc, ...] = ()
    guardrails: tuple[GuardrailDoc, ...] = ()
    reports: tuple[ReportDoc, ...] = ()
    dimensions: tuple[DimensionDoc, ...] = ()
    automations: tuple[AutomationDoc, ...] = ()
    phases: tuple[PhaseDoc, ...] = ()
    contracts: tuple[ContractDoc, ...] = ()
    audit_items: tuple[AuditDoc, ...] = ()
    notes: tuple[NoteDoc, ...] = ()

    # Lookups for readers. cached_property works on frozen dataclasses because it
    # writes to the instance __dict__ directly.
    @cached_property
    def by_id(self) -> dict[str, dict[Key, Any]]:
        return {s.name: {item.id: item for item in getattr(self, s.name)} for s in SECTIONS}

    def get(self, section: str, key: Key | None) -> Any | None:
        if key is None:
            return None
        return self.by_id[section].get(key)

    def name_of(self, section: str, key: Key | None) -> str:
        item = self.get(section, key)
        if item is None:
            return ""
        return label_of(section, item, self)

    @cached_property
    def children(self) -> dict[tuple[str, str], dict[Key, list[Any]]]:
        """(section, parent field) -> parent id -> items, e.g. ("attributes", "entity_id")."""
        index: dict[tuple[str, str], dict[Key, list[Any]]] = {}
        for section, parent in (
            ("attributes", "entity_id"),
            ("copies", "entity_id"),
            ("steps", "scenario_id"),
            ("reasons", "outcome_id"),
            ("dimensions", "report_id"),
            ("contracts", "system_id"),
        ):
            groups: dict[Key, list[Any]] = defaultdict(list)
            for item in getattr(self, section):
                groups[getattr(item, parent)].append(item)
            if section == "steps":
                for items in groups.values():
                    items.sort(key=lambda s: (s.position, str(s.id)))
            index[(section, parent)] = dict(groups)
        return index

    def children_of(self, section: str, parent_field: str, key: Key) -> list[Any]:
        return self.children[(section, parent_field)].get(key, [])


def label_of(section: str, item: Any, doc: Document) -> str:
    """A person's name for an item, as the workshop writes it."""
    if section in {"systems", "entities", "outcomes", "reports", "automations", "dimensions"}:
        return item.name
    if section == "attributes":
        entity = doc.get("entities", item.entity_id)
        return f"{entity.name} · {item.name}" if entity else item.name
    if section == "scenarios":
        return item.title
    if section == "mappings":
        return (
            f"{doc.name_of('systems', item.source_system_id)}.{item.source_field or '?'} → "
            f"{doc.name_of('systems', item.target_system_id)}.{item.target_field or '?'}"
        )
    if section == "relationships":
        return (
            f"{doc.name_of('entities', item.from_entity_id)} {item.description} "
            f"{doc.name_of('entities', item.to_entity_id)}"
        )
    if section == "reasons":
        return f"{doc.name_of('outcomes', item.outcome_id)}: {item.code}"
    if section == "steps":
        return f"{doc.name_of('scenarios', item.scenario_id)}, step {item.position}"
    if section == "copies":
        return (
            f"{doc.name_of('entities', item.entity_id)} in {doc.name_of('systems', item.system_id)}"
        )
    if section == "contracts":
        topic = choice_label(section, "topic", item.topic)
        return f"{doc.name_of('systems', item.system_id)}: {topic}"
    if section == "ownership":
        area = choice_label(section, "area", item.area)
        if item.system_id is not None:
            area = f"Configuration of {doc.name_of('systems', item.system_id)}"
        owner = " – ".join(p for p in (item.owner_name, item.owner_role) if p)
        return f"{area}: {owner}" if owner else area
    if section == "exceptions":
        return item.situation_other or choice_label(section, "situation", item.situation)
    if section == "guardrails":
        kind = choice_label(section, "kind", item.kind)
        subject = doc.name_of("attributes", item.attribute_id) or item.data_description
        return f"{kind}: {subject}" if subject else kind
    if section == "not_applicable":
        return f"{choice_label(section, 'category', item.category)} (not applicable)"
    if section == "phases":
        return choice_label(section, "phase", item.phase)
    if section == "audit_items":
        return choice_label(section, "topic", item.topic)
    if section == "notes":
        text = " ".join(item.text.split())
        return f"{choice_label(section, 'kind', item.kind)}: {text[:60]}" + (
            "…" if len(text) > 60 else ""
        )
    return str(getattr(item, "name", None) or getattr(item, "title", None) or item.id)


def doc_field_name(section: Section, model_field: str) -> str:
    """The document's name for a model field: "attribute" -> "attribute_id",
    "forbidden_systems" -> "forbidden_system_ids", "rationale" stays."""
    for doc_field, (name, _target) in section.m2m.items():
        if name == model_field:
            return doc_field
    return f"{model_field}_id" if f"{model_field}_id" in section.refs else model_field


def choice_label(section: str, field_name: str, value: str) -> str:
    model_field = SECTION_BY_NAME[section].model._meta.get_field(field_name)
    return str(dict(model_field.flatchoices).get(value, value))


# --- loading -----------------------------------------------------------------------


def _scalar_fields(doc_type: type[Any], section: Section) -> list[str]:
    return [f.name for f in dataclasses.fields(doc_type) if f.name not in section.m2m]


def _m2m_union(project: Project) -> dict[tuple[str, str], dict[Any, list[Any]]]:
    """Every many-to-many link of the blueprint in one query."""
    parts = []
    for section in SECTIONS:
        for doc_field, (model_field, _target) in section.m2m.items():
            m2m = section.model._meta.get_field(model_field)
            through = m2m.remote_field.through
            parts.append(
                through.objects.filter(**{f"{m2m.m2m_field_name()}__project": project})
                .order_by()
                .annotate(
                    tag=Value(f"{section.name}.{doc_field}"),
                    owner=F(m2m.m2m_column_name()),
                    other=F(m2m.m2m_reverse_name()),
                )
                .values_list("tag", "owner", "other")
            )
    links: dict[tuple[str, str], dict[Any, list[Any]]] = defaultdict(lambda: defaultdict(list))
    if parts:
        first, *rest = parts
        for tag, owner, other in first.union(*rest, all=True):
            section_name, doc_field = tag.split(".")
            links[(section_name, doc_field)][owner].append(other)
    return links


def _delivery_union(project: Project) -> list[tuple[Any, ...]]:
    """Phases, contract items and audit items in one query (they are small)."""
    null_int = Value(None, output_field=IntegerField())
    phases = (
        DeliveryPhase.objects.filter(project=project)
        .order_by()
        .annotate(tag=Value("phases"), sys=null_int, done_=Value(False))
        .values_list("tag", "id", "sys", "phase", "scope", "exit_criteria", "target_date", "done_")
    )
    contracts = (
        ContractItem.objects.filter(project=project)
        .order_by()
        .annotate(
            tag=Value("contracts"),
            sys=F("system_id"),
            empty=Value(""),
            nodate=Value(None, output_field=models.DateField()),
        )
        .values_list("tag", "id", "sys", "topic", "note", "empty", "nodate", "done")
    )
    audits = (
        AuditItem.objects.filter(project=project)
        .order_by()
        .annotate(
            tag=Value("audit_items"),
            sys=null_int,
            empty=Value(""),
            nodate=Value(None, output_field=models.DateField()),
        )
        .values_list("tag", "id", "sys", "topic", "note", "empty", "nodate", "done")
    )
    return list(phases.union(contracts, audits, all=True))


def document_load(project: Project) -> Document:
    """Read a project's whole blueprint in a fixed number of queries (21)."""
    members = tuple(
        sorted(
            (
                MemberDoc(
                    email=m.user.email,
                    display_name=m.user.display_name,
                    job_title=m.user.job_title,
                    role=m.role,
                )
                for m in Membership.objects.filter(project=project).select_related("user")
            ),
            key=lambda m: (m.role, m.email),
        )
    )
    links = _m2m_union(project)
    sections: dict[str, tuple[Any, ...]] = {}
    for section in SECTIONS:
        if section.name in {"phases", "contracts", "audit_items"}:
            continue
        names = _scalar_fields(section.doc, section)
        rows = section.model._default_manager.filter(project=project).order_by().values(*names)
        items = []
        for row in rows:
            for doc_field in section.m2m:
                row[doc_field] = tuple(sorted(links[(section.name, doc_field)].get(row["id"], [])))
            if section.name == "reports":
                row["time_windows"] = tuple(row["time_windows"] or ())
            if section.name == "notes" and row["due_date"] is not None:
                row["due_date"] = row["due_date"].isoformat()
            if section.name == "scenarios":
                row["answers"] = {
                    k: str(v) for k, v in (row["answers"] or {}).items() if v is not None
                }
            items.append(section.doc(**row))
        items.sort(key=lambda item: item.id)
        sections[section.name] = tuple(items)
    phases, contracts, audits = [], [], []
    for tag, pk, system_id, topic, text, exit_criteria, target_date, done in _delivery_union(
        project
    ):
        if tag == "phases":
            phases.append(
                PhaseDoc(
                    id=pk,
                    phase=topic,
                    scope=text,
                    exit_criteria=exit_criteria,
                    target_date=target_date.isoformat() if target_date else None,
                )
            )
        elif tag == "contracts":
            contracts.append(
                ContractDoc(id=pk, system_id=system_id, topic=topic, note=text, done=bool(done))
            )
        else:
            audits.append(AuditDoc(id=pk, topic=topic, note=text, done=bool(done)))
    sections["phases"] = tuple(sorted(phases, key=lambda p: p.id))
    sections["contracts"] = tuple(sorted(contracts, key=lambda c: c.id))
    sections["audit_items"] = tuple(sorted(audits, key=lambda a: a.id))
    return Document(
        project=ProjectDoc(
            name=project.name, summary=project.summary, business_question=project.business_question
        ),
        members=members,
        **sections,
    )


# --- canonical JSON ----------------------------------------------------------------


def _sort_key(key: Key) -> tuple[int, int, str]:
    return (0, key, "") if isinstance(key, int) else (1, 0, str(key))


def document_to_dict(doc: Document) -> dict[str, Any]:
    """The document as plain data, every list in id order (ids sorted inside lists too)."""
    data = dataclasses.asdict(doc)
    for section in SECTIONS:
        items = sorted(data[section.name], key=lambda item: _sort_key(item["id"]))
        for item in items:
            for doc_field in section.m2m:
                item[doc_field] = sorted(item[doc_field], key=_sort_key)
        data[section.name] = items
    data["members"] = sorted(data["members"], key=lambda m: (m["role"], m["email"]))
    data["format"] = FORMAT_VERSION
    return data


def document_to_json(doc: Document) -> bytes:
    """Canonical bytes: sorted keys, no spaces, UTF-8. Hashing these is stable."""
    return json.dumps(
        document_to_dict(doc),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_json_default,
    ).encode("utf-8")


def document_hash(doc: Document) -> str:
    return hashlib.sha256(document_to_json(doc)).hexdigest()


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"Cannot serialise {type(value).__name__}")


class DocumentFormatError(ValueError):
    """The JSON is not a blueprint document this app can read.

    `messages` holds one message per problem, each naming its item, for the page to list.
    """

    def __init__(self, message: str, messages: list[str] | None = None) -> None:
        super().__init__(message)
        self.messages = messages or [message]


def _is_key(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 <= value < 2**63
    return isinstance(value, str) and 0 < len(value) <= 200


def _coerce(value: Any, hint: Any, where: str) -> Any:
    """Check one value against its declared type; explain what is wrong."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint == Key:
        if not _is_key(value):
            raise DocumentFormatError(f"{where}: expected an id (a number or a text key).")
        return value
    if origin in (typing.Union, types.UnionType) and type(None) in args:
        if value is None:
            return None
        inner = [a for a in args if a is not type(None)]
        rest = inner[0] if len(inner) == 1 else Key
        return _coerce(value, rest, where)
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise DocumentFormatError(f"{where}: expected a list.")
        return tuple(_coerce(v, args[0], f"{where}[{i}]") for i, v in enumerate(value))
    if hint is bool:
        if not isinstance(value, bool):
            raise DocumentFormatError(f"{where}: expected true or false.")
        return value
    if hint is int:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**31:
            raise DocumentFormatError(f"{where}: expected a whole number.")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise DocumentFormatError(f"{where}: expected text.")
        return value
    if origin is dict:
        if not isinstance(value, dict):
            raise DocumentFormatError(f"{where}: expected an object.")
        # A missing answer is no answer: drop nulls rather than store the text "None".
        result: dict[str, str] = {}
        for k, v in value.items():
            if v is None:
                continue
            if not isinstance(v, str):
                raise DocumentFormatError(f"{where}.{k}: expected text.")
            result[str(k)] = v
        return result
    return value


# What the workshop calls an item of each list, for messages about a file.
SECTION_NOUNS = {
    "members": "Member",
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
    "notes": "Note",
}


def _item_where(section: str, index: int, data: Any) -> str:
    """An item of the file as a person finds it: by its name, else by its place."""
    noun = SECTION_NOUNS.get(section, section)
    if isinstance(data, dict):
        for key in ("name", "title", "code", "email", "source_field"):
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return f"{noun} “{value.strip()[:80]}”"
    return f"{noun} number {index + 1} in “{section}”"


def _build(doc_type: type[Any], data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise DocumentFormatError(f"{where}: expected an object.")
    hints = typing.get_type_hints(doc_type)
    known = [f.name for f in dataclasses.fields(doc_type)]
    unknown = sorted(str(k) for k in set(data) - set(known))
    if unknown:
        listed = ", ".join(f"“{k}”" for k in unknown)
        raise DocumentFormatError(
            f"{where}: unknown field {listed}; its fields are {', '.join(known)}."
        )
    values: dict[str, Any] = {}
    for f in dataclasses.fields(doc_type):
        if f.name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise DocumentFormatError(f"{where}: missing field “{f.name}”.")
            continue
        value = data[f.name]
        hint = hints[f.name]
        values[f.name] = _coerce(value, hint, f"{where}, field “{f.name}”")
    return doc_type(**values)


def _list(data: dict[str, Any], name: str) -> list[Any]:
    raw = data.get(name, [])
    if not isinstance(raw, list):
        raise DocumentFormatError(f"“{name}” must be a list.")
    return raw


def document_from_dict(data: Any) -> Document:
    if not isinstance(data, dict) or "project" not in data:
        raise DocumentFormatError("This is not a blueprint document (no “project”).")
    if data.get("format", FORMAT_VERSION) != FORMAT_VERSION:
        raise DocumentFormatError(f"Unsupported document format {data.get('format')!r}.")
    kwargs: dict[str, Any] = {"project": _build(ProjectDoc, data["project"], "project")}
    kwargs["members"] = tuple(
        _build(MemberDoc, m, _item_where("members", i, m))
        for i, m in enumerate(_list(data, "members"))
    )
    for section in SECTIONS:
        kwargs[section.name] = tuple(
            _build(section.doc, item, _item_where(section.name, i, item))
            for i, item in enumerate(_list(data, section.name))
        )
    doc = Document(**kwargs)
    _check_references(doc)
    return doc


def document_from_json(raw: bytes | str) -> Document:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DocumentFormatError(f"Not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise DocumentFormatError("Not valid JSON: nested too deeply.") from exc
    return document_from_dict(data)


def _check_references(doc: Document) -> None:
    """Ids are unique per list; references point inside the document (rules.py words it)."""
    from blueprint.rules import reference_problems

    for section in SECTIONS:
        seen: set[Key] = set()
        for index, item in enumerate(getattr(doc, section.name)):
            if item.id in seen:
                where = _item_where(section.name, index, dataclasses.asdict(item))
                raise DocumentFormatError(
                    f"{where}: its id {item.id!r} is already used by another "
                    f"{SECTION_NOUNS[section.name].lower()} of the file."
                )
            seen.add(item.id)
    problems = reference_problems(doc)
    if problems:
        messages = [p.describe(doc) for p in problems]
        raise DocumentFormatError(" ".join(messages), messages)
