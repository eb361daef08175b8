"""The demo project (fixtures/demo.json): a complete lead-to-cash blueprint for Northwind.

It loads without duplicates however often it runs, and it is complete and consistent
except for exactly two deliberate gaps, left for the readiness checks to find:

1. The attribute “Account · Customer tier” has no source of truth: Sales tiers accounts by
   potential in Salesforce, Finance classifies customers by revenue in SAP, and nobody
   has decided which one wins.
2. Nobody owns the configuration of the “Snowflake warehouse” system (the other three
   systems have a configuration owner).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import User
from blueprint.demo import demo_load
from blueprint.document import SECTIONS, Document, document_load
from blueprint.models import (
    CATEGORY_QUESTIONS,
    Category,
    ExceptionRule,
    Guardrail,
    Phase,
    Project,
    TimeWindow,
)

pytestmark = pytest.mark.django_db

DEMO = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
PROJECT_NAME = "Lead-to-cash: CRM and ERP"


def demo_data() -> dict:
    return json.loads(DEMO.read_text(encoding="utf-8"))


def section_counts(project: Project) -> dict[str, int]:
    doc = document_load(project)
    return {s.name: len(getattr(doc, s.name)) for s in SECTIONS}


@pytest.fixture
def doc() -> Document:
    demo_load(data=demo_data())
    return document_load(Project.objects.get(name=PROJECT_NAME))


def by_name(doc: Document, section: str) -> dict[str, object]:
    return {doc.name_of(section, item.id): item for item in getattr(doc, section)}


def test_loading_twice_duplicates_nothing() -> None:
    data = demo_data()
    first = demo_load(data=data)
    users, projects = User.objects.count(), Project.objects.count()
    counts = section_counts(Project.objects.get(name=PROJECT_NAME))

    second = demo_load(data=data)

    assert any("Created project" in line for line in first.lines)
    assert not any(line.startswith("Created") for line in second.lines)
    assert User.objects.count() == users == len(data["users"])
    assert Project.objects.count() == projects == 1
    assert section_counts(Project.objects.get(name=PROJECT_NAME)) == counts


def test_the_import_loses_nothing_from_the_file() -> None:
    raw = demo_data()["projects"][0]
    demo_load(data=demo_data())
    counts = section_counts(Project.objects.get(name=PROJECT_NAME))
    for section in SECTIONS:
        assert counts[section.name] == len(raw.get(section.name, [])), section.name


def test_the_blueprint_has_the_minimum_content(doc: Document) -> None:
    per_category = Counter(s.category for s in doc.scenarios)
    assert all(per_category[c] >= 2 for c in Category.values), per_category
    assert {"Salesforce CRM", "SAP S/4HANA", "HubSpot Marketing", "Snowflake warehouse"} <= {
        s.name for s in doc.systems
    }
    assert len(doc.entities) >= 5
    assert len(doc.attributes) >= 25
    assert len(doc.copies) >= 5
    assert len(doc.relationships) >= 4
    assert len(doc.mappings) >= 30
    assert len(doc.guardrails) >= 3
    assert len(doc.reports) >= 4
    assert len(doc.automations) >= 4
    assert {o.polarity for o in doc.outcomes} == {"success", "negative"}
    assert all(doc.children_of("reasons", "outcome_id", o.id) for o in doc.outcomes)
    codes = {r.code for r in doc.reasons}
    assert {"pricing", "timing", "competition", "product fit", "qualification"} <= codes
    assert {p.phase for p in doc.phases} == set(Phase.values)
    assert all(p.scope and p.exit_criteria for p in doc.phases)
    assert {c.system_id for c in doc.contracts} == {s.id for s in doc.systems}
    assert {a.topic for a in doc.audit_items} >= {"source_id", "target_id", "retry_history"}


def test_every_scenario_answers_every_question_of_its_category(doc: Document) -> None:
    for scenario in doc.scenarios:
        assert scenario.narrative and scenario.system_ids, scenario.title
        for key, _question in CATEGORY_QUESTIONS[scenario.category]:
            assert scenario.answers.get(key, "").strip(), (scenario.title, key)


def test_journeys_have_four_to_seven_ordered_steps_across_systems(doc: Document) -> None:
    journeys = [s for s in doc.scenarios if s.category == Category.JOURNEY]
    for journey in journeys:
        steps = doc.children_of("steps", "scenario_id", journey.id)
        assert 4 <= len(steps) <= 7, journey.title
        assert [s.position for s in steps] == list(range(1, len(steps) + 1))
        assert len({s.system_id for s in steps}) >= 3
        assert {s.actor for s in steps} == {"human", "automation"}


def test_entities_say_how_they_are_kept_in_step(doc: Document) -> None:
    states = {e.sync_state for e in doc.entities}
    assert "manual" in states and "synchronised" in states
    for entity in doc.entities:
        assert entity.home_system_id and entity.link_method and entity.duplicate_rule
        assert entity.identifier_issuer_id and entity.identifier_acceptor_ids
        assert entity.identity_attribute_ids, entity.name
        if entity.sync_state != "synchronised":
            assert entity.history_decision, entity.name


def test_the_first_gap_customer_tier_has_no_source_of_truth(doc: Document) -> None:
    missing = [a for a in doc.attributes if a.source_of_truth_id is None]
    assert [doc.name_of("attributes", a.id) for a in missing] == ["Account · Customer tier"]
    for attribute in doc.attributes:
        if attribute.source_of_truth_id is not None:
            assert attribute.source_of_truth_id in attribute.update_system_ids
            assert attribute.source_of_truth_id in attribute.display_system_ids


def test_the_second_gap_nobody_owns_the_warehouse_configuration(doc: Document) -> None:
    owned = {o.system_id for o in doc.ownership if o.area == "system_config"}
    unowned = {s.name for s in doc.systems if s.id not in owned}
    assert unowned == {"Snowflake warehouse"}
    areas = {o.area for o in doc.ownership}
    assert {"data_standards", "integration", "reporting", "system_config"} == areas


def test_owners_are_written_out_never_as_acronyms(doc: Document) -> None:
    owners = [f"{o.owner_name} {o.owner_role}" for o in doc.ownership]
    owners += [e.manual_owner for e in doc.exceptions] + [a.owner for a in doc.automations]
    for owner in owners:
        assert owner.strip() and not re.search(r"\b[A-Z]{2,}\b", owner), owner


def test_every_standard_exception_is_handled_without_just_failing(doc: Document) -> None:
    standard = set(ExceptionRule.Situation.values) - {"other"}
    assert {e.situation for e in doc.exceptions} == standard
    for rule in doc.exceptions:
        assert not rule.auto_fail
        assert rule.auto_log or rule.auto_alert or rule.auto_review_queue or rule.auto_retry
        assert rule.manual_handling and rule.manual_owner and rule.tracking
        if rule.auto_retry:
            assert rule.retry_policy


def test_mappings_respect_attributes_and_guardrails(doc: Document) -> None:
    guards = {(g.kind, g.attribute_id) for g in doc.guardrails}
    kinds = {g.kind for g in doc.guardrails}
    assert set(Guardrail.Kind.values) <= kinds
    never = {a for k, a in guards if k == "never_overwrite"}
    single = {a for k, a in guards if k == "single_system"}
    forbidden = {s for g in doc.guardrails for s in g.forbidden_system_ids}
    warehouse = next(s.id for s in doc.systems if s.name == "Snowflake warehouse")
    assert forbidden == {warehouse}
    assert sum(1 for m in doc.mappings if m.attribute_id) >= 30
    for mapping in doc.mappings:
        assert mapping.transformation and mapping.conflict_rule and mapping.direction
        assert mapping.source_field and mapping.target_field
        if mapping.attribute_id is None:
            continue
        attribute = doc.get("attributes", mapping.attribute_id)
        shown = set(attribute.display_system_ids) | set(attribute.update_system_ids)
        assert mapping.target_system_id in shown, mapping.id
        assert mapping.attribute_id not in never, mapping.id
        if mapping.direction == "bidirectional":
            assert mapping.attribute_id not in single, mapping.id
    # Names, emails and phone numbers of people never reach the warehouse.
    people = {e.id for e in doc.entities if e.kind == "person"}
    personal = {
        a.id
        for a in doc.attributes
        if a.entity_id in people and a.name in {"Email", "Name", "Full name", "Phone"}
    }
    assert len(personal) >= 4
    for attribute_id in personal:
        attribute = doc.get("attributes", attribute_id)
        assert warehouse not in attribute.display_system_ids, attribute.name
        assert warehouse not in attribute.update_system_ids, attribute.name
    for mapping in doc.mappings:
        if mapping.target_system_id == warehouse:
            assert mapping.attribute_id not in personal, mapping.id


def test_reports_and_automations_are_consistent(doc: Document) -> None:
    for report in doc.reports:
        assert report.question and report.measures and report.time_windows
        assert set(report.time_windows) <= set(TimeWindow.values)
        dimensions = doc.children_of("dimensions", "report_id", report.id)
        assert dimensions, report.name
        for dimension in dimensions:
            assert dimension.attribute_id is not None, dimension.name
            attribute = doc.get("attributes", dimension.attribute_id)
            assert attribute.source_of_truth_id is not None, dimension.name
    triggers = Counter()
    for automation in doc.automations:
        trigger = getattr(automation, f"trigger_{automation.trigger_type}_id")
        assert trigger is not None, automation.name
        assert automation.sending_system_id and automation.owner and automation.coordination
        triggers[(automation.trigger_type, trigger, automation.action)] += 1
    assert max(triggers.values()) == 1
