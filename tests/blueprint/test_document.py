from __future__ import annotations

import dataclasses
import json
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blueprint.document import (
    Document,
    DocumentFormatError,
    document_from_json,
    document_hash,
    document_load,
    document_to_json,
)
from blueprint.interchange.json import project_import
from blueprint.models import Category, OwnershipRule, Project
from tests import factories as f

pytestmark = pytest.mark.django_db


Area = OwnershipRule.Area


def fill(project: Project, n: int) -> None:
    """A blueprint touching every section, n of each repeated item."""
    crm = f.SystemFactory(project=project, name=f"CRM {n}")
    erp = f.SystemFactory(project=project, name=f"ERP {n}")
    for i in range(n):
        entity = f.EntityFactory(project=project, home_system=crm, identifier_issuer=crm)
        entity.identifier_acceptors.add(erp)
        attribute = f.AttributeFactory(entity=entity, project=project, source_of_truth=crm)
        attribute.display_systems.add(crm, erp)
        attribute.update_systems.add(crm)
        entity.identity_attributes.add(attribute)
        f.EntityCopyFactory(entity=entity, project=project, system=erp)
        rel = f.RelationshipFactory(project=project, from_entity=entity, to_entity=entity)
        rel.synced_systems.add(erp)
        outcome = f.OutcomeFactory(project=project, entity=entity, recorded_in=crm)
        f.ReasonCodeFactory(outcome=outcome, project=project)
        scenario = f.ScenarioFactory(project=project, category=Category.JOURNEY)
        scenario.systems.add(crm, erp)
        f.JourneyStepFactory(scenario=scenario, project=project, system=crm)
        f.FieldMappingFactory(
            project=project, source_system=crm, target_system=erp, attribute=attribute
        )
        # One owner per area (per system for a configuration), as the rules allow.
        owners = [(Area.DATA_STANDARDS, None), (Area.INTEGRATION, None), (Area.REPORTING, None)]
        owners += [(Area.SYSTEM_CONFIG, crm), (Area.SYSTEM_CONFIG, erp)]
        if i < len(owners):
            f.OwnershipRuleFactory(project=project, area=owners[i][0], system=owners[i][1])
        f.ExceptionRuleFactory(project=project)
        guard = f.GuardrailFactory(project=project, attribute=attribute)
        guard.forbidden_systems.add(erp)
        report = f.ReportFactory(project=project)
        f.ReportDimensionFactory(report=report, project=project, attribute=attribute)
        f.AutomationFactory(project=project, trigger_outcome=outcome, sending_system=crm)
        f.ContractItemFactory(
            system=crm,
            project=project,
            topic=["payloads", "values", "rate_limits", "retries", "versioning", "auth"][i % 6],
        ) if i < 6 else None
    f.CategoryNotApplicableFactory(project=project)
    f.DeliveryPhaseFactory(project=project)
    f.AuditItemFactory(project=project)


def test_it_loads_in_the_same_21_queries_at_any_size() -> None:
    small, large = f.ProjectFactory(), f.ProjectFactory()
    fill(small, 2)
    fill(large, 12)
    with CaptureQueriesContext(connection) as few:
        document_load(small)
    with CaptureQueriesContext(connection) as many:
        doc = document_load(large)
    assert len(few) == len(many) <= 21
    assert len(doc.attributes) == 12 and len(doc.mappings) == 12


def test_it_reads_every_link() -> None:
    project = f.ProjectFactory()
    fill(project, 1)
    doc = document_load(project)
    entity, attribute = doc.entities[0], doc.attributes[0]
    crm, erp = (s.id for s in doc.systems)
    assert entity.identity_attribute_ids == (attribute.id,)
    assert entity.identifier_acceptor_ids == (erp,)
    assert attribute.display_system_ids == (crm, erp)
    assert attribute.update_system_ids == (crm,)
    assert doc.scenarios[0].system_ids == (crm, erp)
    assert doc.guardrails[0].forbidden_system_ids == (erp,)
    assert doc.relationships[0].synced_system_ids == (erp,)
    assert doc.name_of("attributes", attribute.id) == f"{entity.name} · {attribute.name}"
    assert doc.children_of("attributes", "entity_id", entity.id) == [attribute]


def test_canonical_json_round_trips() -> None:
    project = f.ProjectFactory()
    fill(project, 2)
    raw = document_to_json(document_load(project))
    assert document_to_json(document_from_json(raw)) == raw


def test_the_hash_does_not_depend_on_row_order() -> None:
    project = f.ProjectFactory()
    fill(project, 4)
    doc = document_load(project)
    shuffled = {}
    for field in dataclasses.fields(doc):
        value = getattr(doc, field.name)
        if isinstance(value, tuple):
            value = list(value)
            random.Random(7).shuffle(value)
            value = tuple(value)
        shuffled[field.name] = value
    assert document_hash(Document(**shuffled)) == document_hash(doc)
    assert len(document_hash(doc)) == 64


def test_the_hash_changes_with_any_edit() -> None:
    project = f.ProjectFactory()
    fill(project, 1)
    before = document_hash(document_load(project))
    mapping = project.mappings.get()
    mapping.transformation = "Upper-case"
    mapping.save()
    assert document_hash(document_load(project)) != before


def test_import_rebuilds_the_same_blueprint_in_a_new_project() -> None:
    project = f.ProjectFactory()
    fill(project, 3)
    doc = document_load(project)
    user = f.UserFactory()
    report = project_import(doc=doc, user=user, name="Copy")
    copy = document_load(report.project)
    assert report.project.name == "Copy"
    for section in (
        "systems",
        "entities",
        "attributes",
        "mappings",
        "scenarios",
        "steps",
        "reports",
        "dimensions",
        "automations",
        "guardrails",
        "contracts",
    ):
        assert len(getattr(copy, section)) == len(getattr(doc, section)), section
    names = sorted(copy.name_of("mappings", m.id) for m in copy.mappings)
    assert names == sorted(doc.name_of("mappings", m.id) for m in doc.mappings)
    attr = copy.attributes[0]
    assert len(attr.display_system_ids) == 2
    assert {a.entity_id for a in copy.attributes} <= {e.id for e in copy.entities}


def test_import_refuses_a_dangling_reference() -> None:
    data = {
        "project": {"name": "P"},
        "systems": [{"id": "crm", "name": "CRM"}],
        "entities": [{"id": "e", "name": "Deal", "home_system_id": "nope"}],
    }
    with pytest.raises(
        DocumentFormatError,
        match="Entity “Deal”: the home system “nope” is not a system of this project",
    ):
        document_from_json(json.dumps(data))


def test_import_refuses_an_unknown_choice_and_saves_nothing() -> None:
    data = {
        "project": {"name": "Bad"},
        "systems": [{"id": "crm", "name": "CRM", "api_maturity": "stellar"}],
    }
    doc = document_from_json(json.dumps(data))
    with pytest.raises(DocumentFormatError, match="stellar"):
        project_import(doc=doc, user=f.UserFactory())
    assert not Project.objects.filter(name="Bad").exists()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("not json", "Not valid JSON"),
        ("[]", "not a blueprint document"),
        ('{"project": {"name": "P"}, "systems": {}}', "“systems” must be a list"),
        ('{"project": {"name": "P"}, "systems": [{"id": 1}]}', "missing field “name”"),
        (
            '{"project": {"name": "P"}, "systems": [{"id": 1, "name": "A", "x": 1}]}',
            "System “A”: unknown field “x”; its fields are id, name",
        ),
        (
            '{"project": {"name": "P"}, "systems": '
            '[{"id": 1, "name": "A"}, {"id": 1, "name": "B"}]}',
            "System “B”: its id 1 is already used by another system of the file",
        ),
    ],
)
def test_it_explains_malformed_documents(raw: str, message: str) -> None:
    with pytest.raises(DocumentFormatError, match=message):
        document_from_json(raw)


@pytest.mark.parametrize(
    ("systems", "message"),
    [
        ('[{"id": [], "name": "A"}]', "expected an id"),
        ('[{"id": true, "name": "A"}]', "expected an id"),
        ('[{"id": 1, "name": 5}]', "expected text"),
    ],
)
def test_it_refuses_wrong_types_with_a_message(systems: str, message: str) -> None:
    with pytest.raises(DocumentFormatError, match=message):
        document_from_json('{"project": {"name": "P"}, "systems": ' + systems + "}")


def test_a_null_answer_is_no_answer() -> None:
    raw = json.dumps(
        {
            "project": {"name": "P"},
            "scenarios": [
                {"id": 1, "category": "creation", "title": "T", "answers": {"trigger": None}}
            ],
        }
    )
    assert document_from_json(raw).scenarios[0].answers == {}


def test_a_step_position_must_be_a_whole_number() -> None:
    raw = json.dumps(
        {
            "project": {"name": "P"},
            "scenarios": [{"id": 1, "category": "journey", "title": "T"}],
            "steps": [
                {"id": 1, "scenario_id": 1, "position": "x", "system_id": None, "description": "d"}
            ],
        }
    )
    with pytest.raises(DocumentFormatError, match="whole number"):
        document_from_json(raw)


def test_labels_use_the_workshop_words() -> None:
    data = {
        "project": {"name": "P"},
        "systems": [{"id": 1, "name": "CRM"}],
        "ownership": [{"id": 1, "area": "system_config", "system_id": 1, "owner_name": "Ana"}],
        "exceptions": [{"id": 1, "situation": "unmatched"}],
        "phases": [{"id": 1, "phase": "read_only"}],
    }
    doc = document_from_json(json.dumps(data))
    assert doc.name_of("ownership", 1) == "Configuration of CRM: Ana"
    assert doc.name_of("exceptions", 1) == "Record cannot be matched"
    assert doc.name_of("phases", 1) == "1. Read-only visibility"
