from __future__ import annotations

import dataclasses

import pytest

from blueprint.diff import document_diff
from blueprint.document import (
    AttributeDoc,
    Document,
    EntityDoc,
    MappingDoc,
    MemberDoc,
    ProjectDoc,
    ScenarioDoc,
    SystemDoc,
    document_load,
)
from tests import factories as f


def base() -> Document:
    return Document(
        project=ProjectDoc(name="P", business_question="Q?"),
        members=(MemberDoc("a@x.io", "Ana", "CFO", "business_leader"),),
        systems=(SystemDoc(id=1, name="CRM", kind="crm"), SystemDoc(id=2, name="ERP")),
        entities=(EntityDoc(id=1, name="Deal", home_system_id=1),),
        attributes=(
            AttributeDoc(
                id=1,
                entity_id=1,
                name="Stage",
                kind="status",
                source_of_truth_id=1,
                display_system_ids=(1,),
            ),
        ),
        mappings=(
            MappingDoc(
                id=1,
                source_system_id=1,
                target_system_id=2,
                source_field="StageName",
                target_field="STAGE",
                direction="one_way",
            ),
        ),
        scenarios=(
            ScenarioDoc(
                id=1, category="creation", title="New lead", answers={"trigger": "Form submitted"}
            ),
        ),
    )


def changes_of(diff: list, artifact: str) -> list:
    return next(a for a in diff if a.artifact == artifact).changes


def test_identical_documents_have_no_changes() -> None:
    assert all(not a.changes for a in document_diff(base(), base()))


def test_added_removed_and_changed_items_are_listed_with_names() -> None:
    old = base()
    new = dataclasses.replace(
        old,
        systems=(*old.systems, SystemDoc(id=3, name="Snowflake", kind="warehouse")),
        mappings=(),
        attributes=(
            dataclasses.replace(old.attributes[0], source_of_truth_id=2, display_system_ids=(1, 2)),
        ),
    )
    diff = document_diff(old, new)
    project = changes_of(diff, "project")
    assert [(c.change, c.label) for c in project] == [("added", "Snowflake")]
    assert ("Kind", "", "Data warehouse") in [(f.field, f.old, f.new) for f in project[0].fields]
    mapping = changes_of(diff, "mapping")
    changed = next(c for c in mapping if c.change == "changed")
    assert changed.label == "Deal · Stage"
    fields = {f.field: (f.old, f.new) for f in changed.fields}
    assert fields["Source of truth"] == ("CRM", "ERP")
    assert fields["Systems that display it"] == ("CRM", "CRM, ERP")
    removed = next(c for c in mapping if c.change == "removed")
    assert removed.label == "CRM.StageName → ERP.STAGE"


def test_scenario_answers_are_compared_question_by_question() -> None:
    old = base()
    new = dataclasses.replace(
        old, scenarios=(dataclasses.replace(old.scenarios[0], answers={"trigger": "Form or chat"}),)
    )
    change = changes_of(document_diff(old, new), "scenarios")[0]
    assert change.fields == (
        type(change.fields[0])(
            "Answer: What triggers the movement?", "Form submitted", "Form or chat"
        ),
    )


def test_role_changes_show_in_the_project_section() -> None:
    old = base()
    new = dataclasses.replace(old, members=(MemberDoc("a@x.io", "Ana", "CFO", "process_owner"),))
    change = changes_of(document_diff(old, new), "project")[0]
    assert (change.change, change.fields[0].old, change.fields[0].new) == (
        "changed",
        "Business leader",
        "Process owner",
    )


def test_project_field_changes_show_in_the_project_section() -> None:
    old = base()
    new = dataclasses.replace(
        old, project=dataclasses.replace(old.project, name="Pipeline", business_question="Why?")
    )
    change = changes_of(document_diff(old, new), "project")[0]
    assert (change.kind, change.label, change.change) == ("Project", "Pipeline", "changed")
    assert [(f.field, f.old, f.new) for f in change.fields] == [
        ("Name", "P", "Pipeline"),
        ("Business question", "Q?", "Why?"),
    ]


@pytest.mark.django_db
def test_it_diffs_every_kind_of_item_loaded_from_the_database() -> None:
    project = f.ProjectFactory()
    empty = document_load(project)
    mapping = f.FieldMappingFactory(project=project)
    for factory in (
        f.ScenarioFactory,
        f.ExceptionRuleFactory,
        f.OwnershipRuleFactory,
        f.ReportFactory,
        f.AutomationFactory,
        f.GuardrailFactory,
        f.DeliveryPhaseFactory,
        f.AuditItemFactory,
        f.RelationshipFactory,
    ):
        factory(project=project)
    f.ReasonCodeFactory(outcome__project=project, project=project)
    f.JourneyStepFactory(scenario__project=project, project=project)
    f.ReportDimensionFactory(report__project=project, project=project)
    f.EntityCopyFactory(entity__project=project, project=project)
    f.ContractItemFactory(system=mapping.source_system, project=project)
    f.CategoryNotApplicableFactory(project=project)
    full = document_load(project)
    added = {c.kind for a in document_diff(empty, full) for c in a.changes if c.change == "added"}
    assert {
        "Field mapping",
        "Scenario",
        "Exception rule",
        "Ownership rule",
        "Report",
        "Automation",
        "Guardrail",
        "Delivery phase",
        "Audit record item",
        "Relationship",
        "Reason code",
        "Journey step",
        "Report dimension",
        "Copy in another system",
        "API contract item",
        "Category marked not applicable",
        "Entity",
        "Attribute",
        "System",
        "Outcome",
    } <= added
    removed = {c.kind for a in document_diff(full, empty) for c in a.changes}
    assert removed == added
