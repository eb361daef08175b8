"""Readiness: the checks a blueprint must pass before it can be signed off.

Every check is a pure function of a `Document`: no queries, no HTTP. `CHECKS` says, for
each check, which artifact it belongs to (the one where the fix is made), whether it is
blocking (a vendor could not build from the blueprint as written) or advisory, and the
rule in the workshop's words, so the UI can show the table.

Progress counts evaluations: each check applied to each item it looks at (each
attribute, each mapping, each category, each clarifying question...) is one evaluation,
passed or not. So progress moves with every item filled in, and grows as the workshop
adds items that still need work.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.urls import reverse

from blueprint.document import Document, Key, document_load
from blueprint.models import (
    CATEGORY_QUESTIONS,
    SIGNOFF_ROLES,
    AuditTopic,
    Automation,
    Category,
    ContractTopic,
    Entity,
    ExceptionRule,
    FieldMapping,
    Guardrail,
    OwnershipRule,
    Phase,
    Project,
    Role,
    System,
)

BLOCKING = "blocking"
ADVISORY = "advisory"

# The four artifacts, in the order the workshop fills them in.
ARTIFACTS: dict[str, str] = {
    "scenarios": "Business scenarios",
    "mapping": "Data mapping",
    "governance": "Ownership and exceptions",
    "requirements": "Reporting and automation",
}
# Findings that belong to none of the four: the project's systems and people (blocking
# where sign-off needs them) and the delivery plan (advisory only, see DESIGN.md).
GENERAL: dict[str, str] = {
    "project": "Systems and people",
    "delivery": "Delivery plan",
}


@dataclass(frozen=True)
class CheckInfo:
    artifact: str
    severity: str
    title: str


def _b(artifact: str, title: str) -> CheckInfo:
    return CheckInfo(artifact, BLOCKING, title)


def _a(artifact: str, title: str) -> CheckInfo:
    return CheckInfo(artifact, ADVISORY, title)


CHECKS: dict[str, CheckInfo] = {
    # Business scenarios
    "scenarios.category_uncovered": _b(
        "scenarios", "Each category has a scenario or is marked not applicable"
    ),
    "scenarios.not_applicable_without_reason": _b(
        "scenarios", "A category marked not applicable says why"
    ),
    "scenarios.not_applicable_but_described": _a(
        "scenarios", "A category marked not applicable has no scenarios"
    ),
    "scenarios.scenario_without_narrative": _b("scenarios", "Each scenario tells its story"),
    "scenarios.scenario_without_systems": _b("scenarios", "Each scenario names its systems"),
    "scenarios.question_unanswered": _b(
        "scenarios", "Each scenario answers every question of its category"
    ),
    "scenarios.journey_too_short": _b(
        "scenarios", "Each journey has at least two steps across at least two systems"
    ),
    "scenarios.step_without_system": _b("scenarios", "Each journey step names its system"),
    # Data mapping
    "mapping.no_entities": _b("mapping", "The data model has at least one entity"),
    "mapping.entity_without_home": _b("mapping", "Each entity has a home system"),
    "mapping.entity_without_link_method": _b(
        "mapping", "Each entity says how its records are linked across systems"
    ),
    "mapping.entity_without_identity": _b(
        "mapping", "Each entity names the attributes that make up its identity"
    ),
    "mapping.identity_of_other_entity": _b(
        "mapping", "An entity's identity is made of its own attributes"
    ),
    "mapping.entity_without_duplicate_rule": _b(
        "mapping", "Each entity says how duplicates and conflicts are handled"
    ),
    "mapping.entity_without_issuer": _b(
        "mapping", "Each entity says which system issues its identifiers"
    ),
    "mapping.entity_sync_unknown": _b(
        "mapping", "Each entity says whether it is synchronised today"
    ),
    "mapping.entity_without_history_decision": _b(
        "mapping", "An entity not synchronised today has a decision for its historical data"
    ),
    "mapping.copy_without_reason": _a("mapping", "Each copy in another system says why"),
    "mapping.attribute_without_source": _b(
        "mapping", "Each attribute has exactly one source of truth"
    ),
    "mapping.source_not_updatable": _b(
        "mapping", "Updates to an attribute are allowed in its source of truth"
    ),
    "mapping.attribute_claimed_twice": _b(
        "mapping", "Attributes of one entity with the same name share a source of truth"
    ),
    "mapping.relationship_without_maintainer": _b(
        "mapping", "Each relationship says where it is maintained"
    ),
    "mapping.relationship_without_change_rule": _a(
        "mapping", "Each relationship says what happens when it changes in one system"
    ),
    "mapping.outcome_without_reasons": _b("mapping", "Each outcome has reason codes"),
    "mapping.outcome_without_record": _b("mapping", "Each outcome says where it is recorded"),
    "mapping.mapping_incomplete": _b(
        "mapping", "Each field mapping has both fields, a sync direction and a conflict rule"
    ),
    "mapping.mapping_without_attribute": _a(
        "mapping", "Each field mapping says which attribute it carries"
    ),
    "mapping.mapping_overwrites_guarded": _b(
        "mapping", "No field mapping overwrites an attribute that must never be overwritten"
    ),
    "mapping.mapping_against_single_system": _b(
        "mapping", "No field mapping changes an attribute outside the one system allowed"
    ),
    "mapping.mapping_crosses_boundary": _b(
        "mapping", "No field mapping carries data into a system it must not reach"
    ),
    "mapping.mapping_target_not_listed": _b(
        "mapping", "A field mapping writes only into systems that display or update the attribute"
    ),
    "mapping.field_fed_by_two_sources": _b(
        "mapping", "No target field is fed from two different sources of truth"
    ),
    # Ownership, exceptions and guardrails
    "governance.owner_missing": _b(
        "governance",
        "Someone owns data standards, the integration layer, reporting and each system",
    ),
    "governance.ownership_without_owner": _b(
        "governance", "Each ownership rule names a person or a role"
    ),
    "governance.owner_is_acronym": _b(
        "governance", "Owners are people or roles written out, not acronyms"
    ),
    "governance.system_rule_without_system": _a(
        "governance", "An ownership rule for a system's configuration names the system"
    ),
    "governance.exception_missing": _b(
        "governance", "Each situation the integration will meet has an exception rule"
    ),
    "governance.exception_without_manual_owner": _b(
        "governance", "Each exception rule says what is handled by hand, and by whom"
    ),
    "governance.exception_without_tracking": _b(
        "governance", "Each exception rule says how exceptions are tracked and reviewed"
    ),
    "governance.exception_only_fails": _b(
        "governance", "No exception rule only fails or drops the record"
    ),
    "governance.retry_without_policy": _a(
        "governance", "An exception rule that retries says how often and how far apart"
    ),
    "governance.exception_unnamed": _a(
        "governance", "An exception rule for another situation names the situation"
    ),
    "governance.guardrail_incomplete": _b(
        "governance", "Each guardrail says what it protects and where"
    ),
    "governance.guardrail_without_rationale": _a("governance", "Each guardrail says why"),
    "governance.single_system_contradicted": _b(
        "governance", "An attribute that may change in one system only is updated nowhere else"
    ),
    # Reporting and automation
    "requirements.no_reports": _b("requirements", "At least one report is written down"),
    "requirements.report_without_question": _b(
        "requirements", "Each report says which question it answers"
    ),
    "requirements.report_without_dimension": _b(
        "requirements", "Each report has at least one dimension"
    ),
    "requirements.report_without_measure": _b(
        "requirements", "Each report has at least one measure"
    ),
    "requirements.report_without_window": _b("requirements", "Each report has a time window"),
    "requirements.dimension_without_attribute": _b(
        "requirements", "Each report dimension is provided by an attribute"
    ),
    "requirements.automation_without_trigger": _b(
        "requirements", "Each automation names the event that triggers it"
    ),
    "requirements.automation_without_sender": _b(
        "requirements", "Each automation says which system sends it"
    ),
    "requirements.automation_without_owner": _b("requirements", "Each automation has an owner"),
    "requirements.automation_owner_is_acronym": _b(
        "requirements", "Automation owners are people or roles written out, not acronyms"
    ),
    "requirements.automation_duplicated": _b(
        "requirements",
        "No two systems send the same kind of action to the same audience on one trigger",
    ),
    "requirements.customer_automation_uncoordinated": _a(
        "requirements", "An automation that reaches customers says how duplicates are avoided"
    ),
    # Systems and people
    "project.too_few_systems": _b("project", "The project lists at least two systems"),
    "project.signoff_role_vacant": _b(
        "project", "Someone holds each sign-off role: business leader, process owner, systems owner"
    ),
    "project.system_unused": _a("project", "Each system takes part in the blueprint"),
    "project.system_without_test_environment": _a("project", "Each system has a test environment"),
    "project.system_api_undocumented": _a(
        "project", "Each system's API documentation is known to exist"
    ),
    # Delivery plan (advisory by design)
    "delivery.phase_without_exit_criteria": _a("delivery", "Each delivery phase has exit criteria"),
    "delivery.contract_open": _a(
        "delivery", "The API contract of each integrated system is settled"
    ),
    "delivery.audit_open": _a("delivery", "The audit record covers every item"),
}


@dataclass(frozen=True)
class Finding:
    check: str
    artifact: str
    severity: str
    message: str
    # What to link to: a document section ("attributes", or a page area such as
    # "categories", "identity", "members") and the item's id, None for the area itself.
    section: str
    item_id: Key | None
    link: str = ""

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCKING

    @property
    def title(self) -> str:
        return CHECKS[self.check].title


@dataclass(frozen=True)
class ArtifactReadiness:
    artifact: str
    label: str
    passed: int
    total: int
    blockers: tuple[Finding, ...] = ()
    advisories: tuple[Finding, ...] = ()

    @property
    def ready(self) -> bool:
        return not self.blockers

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.blockers + self.advisories

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.passed * 100 // self.total


@dataclass(frozen=True)
class Readiness:
    findings: tuple[Finding, ...]
    artifacts: tuple[ArtifactReadiness, ...]
    general: tuple[ArtifactReadiness, ...] = ()

    @property
    def ready(self) -> bool:
        return not self.blockers

    @property
    def blockers(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocking)

    @property
    def advisories(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.blocking)

    def for_artifact(self, key: str) -> ArtifactReadiness:
        for artifact in self.artifacts + self.general:
            if artifact.artifact == key:
                return artifact
        raise KeyError(key)


# --- helpers -----------------------------------------------------------------------


def _q(text: Any) -> str:
    return f"“{text}”"


def _label(choices: type[Any], value: str) -> str:
    """A choice's label, or the raw value for a document written by hand."""
    return dict(choices.choices).get(value, value)


def _lower(label: str) -> str:
    """A label inside a sentence: "Rate limits" -> "rate limits", "Source record ID" stays ID."""
    return label[:1].lower() + label[1:]


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


# One word of two to five capitals, dots and ampersands allowed, maybe a plural "s":
# "IT", "BA", "CRM", "R&D", "B.A.", "PMs". Mixed-case words ("RevOps", "McKay") are
# not flagged, so that a person's single name or surname never is.
_ACRONYM = re.compile(r"[A-Z](?:[A-Z]|[.&]){1,9}s?")


def is_acronym(text: str) -> bool:
    """True for an owner written as a bare acronym ("IT", "BA"); "CRM team" is fine."""
    text = text.strip()
    if not _ACRONYM.fullmatch(text):
        return False
    letters = [c for c in text.rstrip("s") if c.isalpha()]
    return 2 <= len(letters) <= 5


class _Run:
    """Collects findings and counts evaluations while the checks run."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.findings: list[Finding] = []
        self.evaluated: Counter[str] = Counter()

    def check(self, check: str, ok: bool, section: str, item_id: Key | None, message: str) -> bool:
        self.evaluated[check] += 1
        if not ok:
            info = CHECKS[check]
            self.findings.append(
                Finding(check, info.artifact, info.severity, message, section, item_id)
            )
        return ok

    def system(self, key: Key | None) -> str:
        return _q(self.doc.name_of("systems", key) or "?")

    def attribute(self, key: Key | None) -> str:
        return _q(self.doc.name_of("attributes", key) or "?")


# --- business scenarios ------------------------------------------------------------


def _scenarios(run: _Run) -> None:
    doc = run.doc
    by_category: dict[str, list[Any]] = defaultdict(list)
    for scenario in doc.scenarios:
        by_category[scenario.category].append(scenario)
    not_applicable = {na.category: na for na in doc.not_applicable}
    for category in Category:
        run.check(
            "scenarios.category_uncovered",
            bool(by_category[category]) or category in not_applicable,
            "categories",
            category.value,
            f"{_q(category.label)} has no scenario and is not marked not applicable",
        )
    for na in doc.not_applicable:
        name = _q(_label(Category, na.category))
        run.check(
            "scenarios.not_applicable_without_reason",
            not _blank(na.reason),
            "categories",
            na.category,
            f"{name} is marked not applicable without saying why",
        )
        described = by_category.get(na.category, [])
        run.check(
            "scenarios.not_applicable_but_described",
            not described,
            "categories",
            na.category,
            f"{name} is marked not applicable but has scenario "
            f"{_q(described[0].title) if described else ''}",
        )
    for scenario in doc.scenarios:
        title = _q(scenario.title)
        run.check(
            "scenarios.scenario_without_narrative",
            not _blank(scenario.narrative),
            "scenarios",
            scenario.id,
            f"Scenario {title} does not tell its story yet",
        )
        run.check(
            "scenarios.scenario_without_systems",
            bool(scenario.system_ids),
            "scenarios",
            scenario.id,
            f"Scenario {title} names no systems",
        )
        for key, question in CATEGORY_QUESTIONS.get(scenario.category, []):
            run.check(
                "scenarios.question_unanswered",
                not _blank(scenario.answers.get(key)),
                "scenarios",
                scenario.id,
                f"Scenario {title} does not answer {_q(question)}",
            )
        if scenario.category == Category.JOURNEY:
            steps = doc.children_of("steps", "scenario_id", scenario.id)
            systems = {s.system_id for s in steps if s.system_id is not None}
            run.check(
                "scenarios.journey_too_short",
                len(steps) >= 2 and len(systems) >= 2,
                "scenarios",
                scenario.id,
                f"Journey {title} has {len(steps)} step(s) in {len(systems)} system(s); a "
                "journey needs at least two steps across at least two systems",
            )
    for step in doc.steps:
        run.check(
            "scenarios.step_without_system",
            step.system_id is not None,
            "scenarios",
            step.scenario_id,
            f"Step {step.position} of {_q(doc.name_of('scenarios', step.scenario_id))} "
            f"({_q(step.description)}) has no system",
        )


# --- data mapping ------------------------------------------------------------------


def _entities(run: _Run) -> None:
    doc = run.doc
    run.check(
        "mapping.no_entities",
        bool(doc.entities),
        "entities",
        None,
        "No entities yet: which people, organisations, transactions or assets move?",
    )
    for entity in doc.entities:
        name = _q(entity.name)
        run.check(
            "mapping.entity_without_home",
            entity.home_system_id is not None,
            "entities",
            entity.id,
            f"Entity {name} has no home system",
        )
        run.check(
            "mapping.entity_without_link_method",
            not _blank(entity.link_method),
            "entities",
            entity.id,
            f"Entity {name} does not say how its records are linked across systems",
        )
        run.check(
            "mapping.entity_without_identity",
            bool(entity.identity_attribute_ids),
            "identity",
            entity.id,
            f"Entity {name} names no attributes that make up its identity",
        )
        for key in entity.identity_attribute_ids:
            attribute = doc.get("attributes", key)
            run.check(
                "mapping.identity_of_other_entity",
                attribute is None or attribute.entity_id == entity.id,
                "identity",
                entity.id,
                f"The identity of {name} uses {run.attribute(key)}, an attribute of another entity",
            )
        run.check(
            "mapping.entity_without_duplicate_rule",
            not _blank(entity.duplicate_rule),
            "identity",
            entity.id,
            f"Entity {name} does not say how duplicates and conflicts are handled",
        )
        run.check(
            "mapping.entity_without_issuer",
            entity.identifier_issuer_id is not None,
            "identity",
            entity.id,
            f"Entity {name} does not say which system issues its identifiers",
        )
        run.check(
            "mapping.entity_sync_unknown",
            entity.sync_state != Entity.SyncState.UNKNOWN,
            "entities",
            entity.id,
            f"Nobody has said whether {name} is synchronised today",
        )
        if entity.sync_state != Entity.SyncState.SYNCHRONISED:
            state = _lower(_label(Entity.SyncState, entity.sync_state))
            run.check(
                "mapping.entity_without_history_decision",
                not _blank(entity.history_decision),
                "entities",
                entity.id,
                f"{name} is not synchronised today ({state}) and has no decision for its "
                "historical data",
            )
    for copy in doc.copies:
        run.check(
            "mapping.copy_without_reason",
            not _blank(copy.reason),
            "copies",
            copy.id,
            f"The copy of {_q(doc.name_of('entities', copy.entity_id))} in "
            f"{run.system(copy.system_id)} does not say why it is needed",
        )


def _attributes(run: _Run) -> None:
    doc = run.doc
    by_name: dict[tuple[Key, str], list[Any]] = defaultdict(list)
    for attribute in doc.attributes:
        entity = _q(doc.name_of("entities", attribute.entity_id))
        name = f"Attribute {_q(attribute.name)} of {entity}"
        by_name[(attribute.entity_id, attribute.name.strip().casefold())].append(attribute)
        has_source = run.check(
            "mapping.attribute_without_source",
            attribute.source_of_truth_id is not None,
            "attributes",
            attribute.id,
            f"{name} has no source of truth",
        )
        if has_source:
            run.check(
                "mapping.source_not_updatable",
                attribute.source_of_truth_id in attribute.update_system_ids,
                "attributes",
                attribute.id,
                f"{name} may not be updated in its own source of truth, "
                f"{run.system(attribute.source_of_truth_id)}",
            )
    for (entity_id, _name), group in by_name.items():
        if len(group) < 2:
            continue
        sources = {a.source_of_truth_id for a in group if a.source_of_truth_id is not None}
        claims = ", ".join(f"{_q(a.name)} from {run.system(a.source_of_truth_id)}" for a in group)
        run.check(
            "mapping.attribute_claimed_twice",
            len(sources) < 2,
            "attributes",
            group[1].id,
            f"{_q(doc.name_of('entities', entity_id))} has attributes with the same name from "
            f"different sources of truth: {claims}",
        )
    for rel in doc.relationships:
        name = _q(doc.name_of("relationships", rel.id))
        run.check(
            "mapping.relationship_without_maintainer",
            rel.maintained_in_id is not None,
            "relationships",
            rel.id,
            f"Relationship {name} does not say where it is maintained",
        )
        run.check(
            "mapping.relationship_without_change_rule",
            not _blank(rel.change_behaviour),
            "relationships",
            rel.id,
            f"Relationship {name} does not say what happens when it changes in one system",
        )
    for outcome in doc.outcomes:
        run.check(
            "mapping.outcome_without_reasons",
            bool(doc.children_of("reasons", "outcome_id", outcome.id)),
            "outcomes",
            outcome.id,
            f"Outcome {_q(outcome.name)} has no reason codes",
        )
        run.check(
            "mapping.outcome_without_record",
            outcome.recorded_in_id is not None,
            "outcomes",
            outcome.id,
            f"Outcome {_q(outcome.name)} does not say where it is recorded",
        )


_MAPPING_PARTS = (
    ("source_field", "no source field"),
    ("target_field", "no target field"),
    ("direction", "no sync direction"),
    ("conflict_rule", "no conflict rule"),
)


def _mappings(run: _Run) -> None:
    doc = run.doc
    guards: dict[Key, list[Any]] = defaultdict(list)
    for guardrail in doc.guardrails:
        if guardrail.attribute_id is not None:
            guards[guardrail.attribute_id].append(guardrail)
    # (system, field) written into -> {source of truth: first mapping that carries it}
    feeds: dict[tuple[Key, str], dict[Key, Any]] = defaultdict(dict)
    fields: dict[tuple[Key, str], str] = {}
    for mapping in doc.mappings:
        name = _q(doc.name_of("mappings", mapping.id))
        missing = [text for part, text in _MAPPING_PARTS if _blank(getattr(mapping, part))]
        run.check(
            "mapping.mapping_incomplete",
            not missing,
            "mappings",
            mapping.id,
            f"Field mapping {name} has {', '.join(missing)}",
        )
        attribute = doc.get("attributes", mapping.attribute_id)
        run.check(
            "mapping.mapping_without_attribute",
            attribute is not None,
            "mappings",
            mapping.id,
            f"Field mapping {name} does not say which attribute it carries",
        )
        if attribute is None:
            continue
        both_ways = mapping.direction == FieldMapping.Direction.BIDIRECTIONAL
        # A bidirectional mapping writes into both ends.
        writes = [(mapping.target_system_id, mapping.target_field)]
        if both_ways:
            writes.append((mapping.source_system_id, mapping.source_field))
        carried = run.attribute(attribute.id)
        never = [g for g in guards[attribute.id] if g.kind == Guardrail.Kind.NEVER_OVERWRITE]
        # A "never overwrite" conflict rule only fills empty fields, which the guardrail allows.
        run.check(
            "mapping.mapping_overwrites_guarded",
            not never or mapping.conflict_rule == FieldMapping.ConflictRule.NEVER_OVERWRITE,
            "mappings",
            mapping.id,
            f"Field mapping {name} overwrites {carried}, which the integration must never "
            "overwrite",
        )
        for guard in guards[attribute.id]:
            if guard.kind == Guardrail.Kind.SINGLE_SYSTEM:
                # Writing into the one system (or the source of truth) changes the value
                # from outside it; a bidirectional mapping always does.
                home = guard.system_id or attribute.source_of_truth_id
                into = [s for s, _f in writes if s in (home, attribute.source_of_truth_id)]
                how = (
                    "is bidirectional"
                    if both_ways
                    else f"writes into {run.system(into[0] if into else None)}"
                )
                run.check(
                    "mapping.mapping_against_single_system",
                    not (both_ways or into),
                    "mappings",
                    mapping.id,
                    f"Field mapping {name} {how}, but {carried} may change in "
                    f"{run.system(home)} only",
                )
            elif guard.kind == Guardrail.Kind.NO_CROSSING:
                crossed = [s for s, _f in writes if s in guard.forbidden_system_ids]
                run.check(
                    "mapping.mapping_crosses_boundary",
                    not crossed,
                    "mappings",
                    mapping.id,
                    f"Field mapping {name} carries {carried} into "
                    f"{run.system(crossed[0] if crossed else None)}, which it must not reach",
                )
        allowed = set(attribute.display_system_ids) | set(attribute.update_system_ids)
        strangers = [s for s, _f in writes if s not in allowed]
        run.check(
            "mapping.mapping_target_not_listed",
            not strangers,
            "mappings",
            mapping.id,
            f"Field mapping {name} writes {carried} into "
            f"{run.system(strangers[0] if strangers else None)}, which neither displays it nor "
            "may update it",
        )
        if attribute.source_of_truth_id is not None:
            for system, written in writes:
                if not _blank(written):
                    key = (system, written.strip().casefold())
                    feeds[key].setdefault(attribute.source_of_truth_id, mapping)
                    fields.setdefault(key, f"{doc.name_of('systems', system)}.{written.strip()}")
    for key, sources in feeds.items():
        first, *others = sources.values()
        run.check(
            "mapping.field_fed_by_two_sources",
            not others,
            "mappings",
            others[0].id if others else first.id,
            f"{_q(fields[key])} is fed from different sources of truth: "
            + ", ".join(
                f"{run.system(truth)} via {_q(doc.name_of('mappings', m.id))}"
                for truth, m in sources.items()
            ),
        )


# --- ownership, exceptions, guardrails ----------------------------------------------

# Every integration meets these (seed 002); "conflicting automations" joins them as soon
# as there are two automations to conflict.
REQUIRED_SITUATIONS = (
    ExceptionRule.Situation.UNMATCHED,
    ExceptionRule.Situation.MISSING_DATA,
    ExceptionRule.Situation.ALREADY_EXISTS,
    ExceptionRule.Situation.MULTIPLE_MATCHES,
    ExceptionRule.Situation.REJECTED,
)
OWNED_AREAS = (
    OwnershipRule.Area.DATA_STANDARDS,
    OwnershipRule.Area.INTEGRATION,
    OwnershipRule.Area.REPORTING,
)


def _ownership(run: _Run) -> None:
    doc = run.doc
    areas = {rule.area for rule in doc.ownership}
    owned_systems = {
        rule.system_id for rule in doc.ownership if rule.area == OwnershipRule.Area.SYSTEM_CONFIG
    }
    for area in OWNED_AREAS:
        run.check(
            "governance.owner_missing",
            area in areas,
            "ownership",
            None,
            f"Nobody owns {_lower(area.label)}",
        )
    for system in doc.systems:
        run.check(
            "governance.owner_missing",
            system.id in owned_systems,
            "ownership",
            None,
            f"Nobody owns the configuration of {_q(system.name)}",
        )
    for rule in doc.ownership:
        if rule.area == OwnershipRule.Area.SYSTEM_CONFIG:
            what = (
                f"the configuration of {run.system(rule.system_id)}"
                if rule.system_id is not None
                else "the configuration of a system"
            )
            run.check(
                "governance.system_rule_without_system",
                rule.system_id is not None,
                "ownership",
                rule.id,
                "An ownership rule for the configuration of a system does not say which system",
            )
        else:
            label = _label(OwnershipRule.Area, rule.area)
            what = _lower(label)
        run.check(
            "governance.ownership_without_owner",
            not (_blank(rule.owner_name) and _blank(rule.owner_role)),
            "ownership",
            rule.id,
            f"The ownership rule for {what} names no person or role",
        )
        for owner in (rule.owner_name, rule.owner_role):
            if not _blank(owner):
                run.check(
                    "governance.owner_is_acronym",
                    not is_acronym(owner),
                    "ownership",
                    rule.id,
                    f"{_q(owner.strip())} owns {what}: write a person's name or a role, not an "
                    "acronym",
                )


def _situation(rule: Any) -> str:
    if rule.situation == ExceptionRule.Situation.OTHER and not _blank(rule.situation_other):
        return _q(rule.situation_other.strip())
    return _q(_label(ExceptionRule.Situation, rule.situation))


def _exceptions(run: _Run) -> None:
    doc = run.doc
    covered = {rule.situation for rule in doc.exceptions}
    required = list(REQUIRED_SITUATIONS)
    if len(doc.automations) >= 2:
        required.append(ExceptionRule.Situation.CONFLICTING_AUTOMATIONS)
    for situation in required:
        run.check(
            "governance.exception_missing",
            situation in covered,
            "exceptions",
            None,
            f"No exception rule for {_q(situation.label)}",
        )
    for rule in doc.exceptions:
        name = f"Exception rule {_situation(rule)}"
        if rule.situation == ExceptionRule.Situation.OTHER:
            run.check(
                "governance.exception_unnamed",
                not _blank(rule.situation_other),
                "exceptions",
                rule.id,
                "An exception rule for another situation does not say which situation",
            )
        has_manual = not _blank(rule.manual_handling)
        run.check(
            "governance.exception_without_manual_owner",
            has_manual and not _blank(rule.manual_owner),
            "exceptions",
            rule.id,
            f"{name} does not say what is handled by hand"
            if not has_manual
            else f"{name} does not say who handles it by hand",
        )
        if not _blank(rule.manual_owner):
            run.check(
                "governance.owner_is_acronym",
                not is_acronym(rule.manual_owner),
                "exceptions",
                rule.id,
                f"{name} is handled by {_q(rule.manual_owner.strip())}: write a person's name "
                "or a role, not an acronym",
            )
        run.check(
            "governance.exception_without_tracking",
            not _blank(rule.tracking),
            "exceptions",
            rule.id,
            f"{name} does not say how exceptions are tracked and reviewed",
        )
        handled = rule.auto_log or rule.auto_alert or rule.auto_review_queue or rule.auto_retry
        run.check(
            "governance.exception_only_fails",
            not (rule.auto_fail and not handled and not has_manual),
            "exceptions",
            rule.id,
            f"{name} only stops the sync or drops the record; “the integration should just "
            "fail” is not an answer",
        )
        if rule.auto_retry:
            run.check(
                "governance.retry_without_policy",
                not _blank(rule.retry_policy),
                "exceptions",
                rule.id,
                f"{name} retries without saying how often or how far apart",
            )


def _guardrails(run: _Run) -> None:
    doc = run.doc
    for guard in doc.guardrails:
        attribute = doc.get("attributes", guard.attribute_id)
        missing = []
        if guard.kind == Guardrail.Kind.NO_CROSSING:
            name = f"The guardrail keeping {_q(guard.data_description.strip() or '?')} out"
            if _blank(guard.data_description) and attribute is None:
                missing.append("which data")
            if not guard.forbidden_system_ids:
                missing.append("which systems it must not cross into")
        else:
            name = f"The guardrail {_q(_label(Guardrail.Kind, guard.kind))}"
            if attribute is not None:
                name += f" on {run.attribute(attribute.id)}"
            if attribute is None:
                missing.append("which attribute")
            if guard.kind == Guardrail.Kind.SINGLE_SYSTEM and guard.system_id is None:
                missing.append("the one system where it may change")
        run.check(
            "governance.guardrail_incomplete",
            not missing,
            "guardrails",
            guard.id,
            f"{name} does not say {' or '.join(missing)}",
        )
        run.check(
            "governance.guardrail_without_rationale",
            not _blank(guard.rationale),
            "guardrails",
            guard.id,
            f"{name} does not say why",
        )
        if guard.kind == Guardrail.Kind.SINGLE_SYSTEM and attribute and guard.system_id:
            others = [s for s in attribute.update_system_ids if s != guard.system_id]
            run.check(
                "governance.single_system_contradicted",
                not others,
                "guardrails",
                guard.id,
                f"{run.attribute(attribute.id)} may change in {run.system(guard.system_id)} "
                "only, but the data model allows updates in "
                + ", ".join(run.system(s) for s in others),
            )


# --- reporting and automation ------------------------------------------------------

_TRIGGER_FIELD = {
    Automation.TriggerType.SCENARIO: ("trigger_scenario_id", "scenarios", "scenario"),
    Automation.TriggerType.ATTRIBUTE: ("trigger_attribute_id", "attributes", "attribute"),
    Automation.TriggerType.OUTCOME: ("trigger_outcome_id", "outcomes", "outcome"),
}


def _reports(run: _Run) -> None:
    doc = run.doc
    run.check(
        "requirements.no_reports",
        bool(doc.reports),
        "reports",
        None,
        "No reports yet: which questions must the integration make answerable?",
    )
    for report in doc.reports:
        name = f"Report {_q(report.name)}"
        dimensions = doc.children_of("dimensions", "report_id", report.id)
        for check, ok, text in (
            ("requirements.report_without_question", not _blank(report.question), "question"),
            ("requirements.report_without_dimension", bool(dimensions), "dimension"),
            ("requirements.report_without_measure", not _blank(report.measures), "measure"),
            (
                "requirements.report_without_window",
                bool(report.time_windows) or not _blank(report.custom_window),
                "time window",
            ),
        ):
            run.check(check, ok, "reports", report.id, f"{name} has no {text}")
    for dimension in doc.dimensions:
        run.check(
            "requirements.dimension_without_attribute",
            dimension.attribute_id is not None,
            "dimensions",
            dimension.id,
            f"Dimension {_q(dimension.name)} of report "
            f"{_q(doc.name_of('reports', dimension.report_id))} is not provided by any attribute",
        )


def _automations(run: _Run) -> None:
    doc = run.doc
    # (trigger, action, audience) -> sending system -> first automation sending it
    senders: dict[tuple[str, Key, str, str], dict[Key, Any]] = defaultdict(dict)
    for automation in doc.automations:
        name = f"Automation {_q(automation.name)}"
        id_field, section, noun = _TRIGGER_FIELD.get(
            automation.trigger_type, ("trigger_outcome_id", "outcomes", "trigger")
        )
        trigger = getattr(automation, id_field)
        run.check(
            "requirements.automation_without_trigger",
            trigger is not None,
            "automations",
            automation.id,
            f"{name} does not say which {noun} triggers it",
        )
        run.check(
            "requirements.automation_without_sender",
            automation.sending_system_id is not None,
            "automations",
            automation.id,
            f"{name} does not say which system sends it",
        )
        has_owner = run.check(
            "requirements.automation_without_owner",
            not _blank(automation.owner),
            "automations",
            automation.id,
            f"{name} has no owner",
        )
        if has_owner:
            run.check(
                "requirements.automation_owner_is_acronym",
                not is_acronym(automation.owner),
                "automations",
                automation.id,
                f"{name} is owned by {_q(automation.owner.strip())}: write a person's name or a "
                "role, not an acronym",
            )
        if automation.audience == Automation.Audience.CUSTOMERS:
            run.check(
                "requirements.customer_automation_uncoordinated",
                not _blank(automation.coordination),
                "automations",
                automation.id,
                f"{name} reaches customers but does not say how duplicate or conflicting "
                "messages are avoided",
            )
        if trigger is not None and automation.sending_system_id is not None:
            key = (section, trigger, automation.action, automation.audience)
            first = senders[key].setdefault(automation.sending_system_id, automation)
            others = [a for s, a in senders[key].items() if s != automation.sending_system_id]
            action = _lower(_label(Automation.Action, automation.action))
            audience = _lower(_label(Automation.Audience, automation.audience))
            run.check(
                "requirements.automation_duplicated",
                first is not automation or not others,
                "automations",
                automation.id,
                f"{name} ({run.system(automation.sending_system_id)}) and "
                f"{_q(others[0].name) if others else ''} "
                f"({run.system(others[0].sending_system_id) if others else ''}) both "
                f"{action} for {audience} when "
                f"{_q(doc.name_of(section, trigger))} happens",
            )


# --- systems, people, delivery -----------------------------------------------------


def _used_systems(doc: Document) -> set[Key]:
    """Systems something in the blueprint refers to (owners and contracts do not count:
    every system gets those)."""
    used: set[Key] = set()
    for scenario in doc.scenarios:
        used.update(scenario.system_ids)
    used.update(s.system_id for s in doc.steps)
    for entity in doc.entities:
        used.update((entity.home_system_id, entity.identifier_issuer_id))
        used.update(entity.identifier_acceptor_ids)
    used.update(c.system_id for c in doc.copies)
    for attribute in doc.attributes:
        used.add(attribute.source_of_truth_id)
        used.update(attribute.display_system_ids)
        used.update(attribute.update_system_ids)
    for rel in doc.relationships:
        used.add(rel.maintained_in_id)
        used.update(rel.synced_system_ids)
    used.update(o.recorded_in_id for o in doc.outcomes)
    for mapping in doc.mappings:
        used.update((mapping.source_system_id, mapping.target_system_id))
    for guard in doc.guardrails:
        used.add(guard.system_id)
        used.update(guard.forbidden_system_ids)
    used.update(a.sending_system_id for a in doc.automations)
    used.discard(None)
    return used


def _project(run: _Run) -> None:
    doc = run.doc
    run.check(
        "project.too_few_systems",
        len(doc.systems) >= 2,
        "systems",
        None,
        f"An integration needs at least two systems; the project lists {len(doc.systems)}",
    )
    held = {member.role for member in doc.members}
    for role in SIGNOFF_ROLES:
        run.check(
            "project.signoff_role_vacant",
            role in held,
            "members",
            None,
            f"Nobody holds the {_lower(Role(role).label)} role; sign-off needs one",
        )
    used = _used_systems(doc)
    for system in doc.systems:
        name = _q(system.name)
        run.check(
            "project.system_unused",
            system.id in used,
            "systems",
            system.id,
            f"System {name} takes part in no scenario, entity, attribute, mapping or automation",
        )
        run.check(
            "project.system_without_test_environment",
            system.test_environment == System.TestEnv.YES,
            "systems",
            system.id,
            f"Nobody has said whether {name} has a test environment"
            if system.test_environment == System.TestEnv.UNKNOWN
            else f"{name} has no test environment to try the integration in",
        )
        run.check(
            "project.system_api_undocumented",
            system.api_documentation
            not in (System.Documentation.MISSING, System.Documentation.UNKNOWN),
            "systems",
            system.id,
            f"Nobody knows whether the API of {name} is documented"
            if system.api_documentation == System.Documentation.UNKNOWN
            else f"The API of {name} has no documentation",
        )


def _open_topics(done: Iterable[str], choices: type[Any]) -> list[str]:
    settled = set(done)
    return [label for value, label in choices.choices if value not in settled]


def _delivery(run: _Run) -> None:
    doc = run.doc
    for phase in doc.phases:
        run.check(
            "delivery.phase_without_exit_criteria",
            not _blank(phase.exit_criteria),
            "phases",
            phase.id,
            f"Phase {_q(_label(Phase, phase.phase))} has no exit criteria",
        )
    done_by_system: dict[Key, list[str]] = defaultdict(list)
    for item in doc.contracts:
        if item.done:
            done_by_system[item.system_id].append(item.topic)
    integrated = {m.source_system_id for m in doc.mappings} | {
        m.target_system_id for m in doc.mappings
    }
    for system in doc.systems:
        if system.id not in integrated:
            continue
        missing = _open_topics(done_by_system[system.id], ContractTopic)
        run.check(
            "delivery.contract_open",
            not missing,
            "contracts",
            system.id,
            f"The API contract of {_q(system.name)} does not yet settle: "
            + ", ".join(_lower(m) for m in missing),
        )
    missing = _open_topics((a.topic for a in doc.audit_items if a.done), AuditTopic)
    run.check(
        "delivery.audit_open",
        not missing,
        "audit_items",
        None,
        "The audit record does not yet cover: " + ", ".join(_lower(m) for m in missing),
    )


# --- evaluation ----------------------------------------------------------------------

_CHECK_GROUPS: tuple[Callable[[_Run], None], ...] = (
    _project,
    _scenarios,
    _entities,
    _attributes,
    _mappings,
    _ownership,
    _exceptions,
    _guardrails,
    _reports,
    _automations,
    _delivery,
)


def readiness_evaluate(
    doc: Document, *, link_for: Callable[[str, Key | None], str] | None = None
) -> Readiness:
    """Run every check over a document. `link_for(section, item_id)` makes each link."""
    run = _Run(doc)
    for group in _CHECK_GROUPS:
        group(run)
    findings = run.findings
    if link_for is not None:
        findings = [replace(f, link=link_for(f.section, f.item_id)) for f in findings]
    order = {check: i for i, check in enumerate(CHECKS)}
    findings.sort(key=lambda f: order[f.check])  # stable: items keep document order

    by_artifact: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_artifact[finding.artifact].append(finding)
    evaluated: Counter[str] = Counter()
    for check, count in run.evaluated.items():
        evaluated[CHECKS[check].artifact] += count

    def summary(key: str, label: str) -> ArtifactReadiness:
        mine = by_artifact[key]
        return ArtifactReadiness(
            artifact=key,
            label=label,
            passed=evaluated[key] - len(mine),
            total=evaluated[key],
            blockers=tuple(f for f in mine if f.blocking),
            advisories=tuple(f for f in mine if not f.blocking),
        )

    return Readiness(
        findings=tuple(findings),
        artifacts=tuple(summary(k, label) for k, label in ARTIFACTS.items()),
        general=tuple(summary(k, label) for k, label in GENERAL.items()),
    )


# Where each kind of finding is fixed: section -> (page URL name, anchor prefix). Findings
# without an item link to the area's own anchor in NO_ITEM_ANCHORS.
PAGES: dict[str, tuple[str, str]] = {
    "systems": ("blueprint:project_detail", "system"),
    "members": ("blueprint:project_detail", "member"),
    "categories": ("blueprint:scenarios", "category"),
    "scenarios": ("blueprint:scenarios", "scenario"),
    "entities": ("blueprint:data_model", "entity"),
    "identity": ("blueprint:data_model", "identity"),
    "copies": ("blueprint:data_model", "copy"),
    "attributes": ("blueprint:data_model", "attribute"),
    "relationships": ("blueprint:data_model", "relationship"),
    "outcomes": ("blueprint:data_model", "outcome"),
    "reasons": ("blueprint:data_model", "reason"),
    "mappings": ("blueprint:mappings", "mapping"),
    "ownership": ("blueprint:governance", "ownership"),
    "exceptions": ("blueprint:governance", "exception"),
    "guardrails": ("blueprint:governance", "guardrail"),
    "reports": ("blueprint:requirements", "report"),
    "dimensions": ("blueprint:requirements", "dimension"),
    "automations": ("blueprint:requirements", "automation"),
    "phases": ("blueprint:delivery", "phase"),
    "contracts": ("blueprint:delivery", "contract-system"),
    "audit_items": ("blueprint:delivery", "audit"),
}
NO_ITEM_ANCHORS: dict[str, str] = {
    "systems": "systems-heading",
    "members": "members",
    "entities": "entities",
    "ownership": "ownership",
    "exceptions": "exceptions",
    "reports": "reports",
    "audit_items": "audit-heading",
}


def link_target(section: str, item_id: Key | None) -> tuple[str, str]:
    """(URL name, fragment) of the place where a finding is fixed."""
    url_name, prefix = PAGES[section]
    if item_id is None:
        return url_name, NO_ITEM_ANCHORS.get(section, prefix)
    return url_name, f"{prefix}-{item_id}"


def readiness_for_project(project: Project) -> Readiness:
    """Load the project's document (a fixed number of queries) and check it."""
    pages: dict[str, str] = {}

    def link_for(section: str, item_id: Key | None) -> str:
        url_name, fragment = link_target(section, item_id)
        if url_name not in pages:
            pages[url_name] = reverse(url_name, args=[project.pk])
        return f"{pages[url_name]}#{fragment}"

    return readiness_evaluate(document_load(project), link_for=link_for)
