"""The storage rules (blueprint/rules.py): the same content is refused with the same
rule's message on every way in that can carry it: a form, the JSON import, the sheet."""

from __future__ import annotations

import dataclasses
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from blueprint import rules
from blueprint.document import (
    CopyDoc,
    Document,
    DocumentFormatError,
    EntityDoc,
    MappingDoc,
    MemberDoc,
    NotApplicableDoc,
    PhaseDoc,
    ProjectDoc,
    ReportDoc,
    ScenarioDoc,
    SystemDoc,
    document_from_dict,
)
from blueprint.forms.field_mappings import FieldMappingForm
from blueprint.forms.project import SystemForm
from blueprint.interchange.json import project_import
from blueprint.interchange.sheet import sheet_parse, sheet_validate
from blueprint.models import EntityCopy, FieldMapping, Project, System
from tests import factories as f
from tests.blueprint.test_sheet import csv_bytes, row

COPY_TWICE = "This entity already has a copy in this system."


def problems(doc: Document) -> list[str]:
    return [p.describe(doc) for p in rules.document_problems(doc)]


def two_systems(*more: SystemDoc, **sections: object) -> Document:
    return Document(
        project=ProjectDoc(name="Bank"),
        systems=(SystemDoc(1, "CRM"), SystemDoc(2, "Core banking"), *more),
        **sections,  # type: ignore[arg-type]
    )


# --- a system name used twice, whatever its case -------------------------------------


def test_the_json_import_refuses_a_system_name_used_twice_in_any_case() -> None:
    doc = two_systems(SystemDoc(3, "crm "))
    assert problems(doc) == [
        "System “crm”: " + rules.SYSTEM_NAME_TAKEN.format(name="crm"),
    ]


@pytest.mark.django_db
def test_the_form_refuses_the_same_name_with_the_same_message(project: Project) -> None:
    f.SystemFactory(project=project, name="CRM")
    form = SystemForm(
        {
            "name": " crm ",
            "kind": "crm",
            "api_maturity": "mature",
            "api_documentation": "complete",
            "test_environment": "yes",
        },
        project=project,
    )
    assert not form.is_valid()
    assert form.errors["name"] == [rules.SYSTEM_NAME_TAKEN.format(name="crm")]


@pytest.mark.django_db
def test_the_database_refuses_it_too(project: Project) -> None:
    f.SystemFactory(project=project, name="CRM")
    with pytest.raises(IntegrityError), transaction.atomic():
        System.objects.create(project=project, name="cRm")


@pytest.mark.django_db
def test_the_model_refuses_it_for_the_admin(project: Project) -> None:
    f.SystemFactory(project=project, name="CRM")
    with pytest.raises(ValidationError) as raised:
        System(project=project, name="crm").full_clean()
    assert raised.value.message_dict["name"] == [rules.SYSTEM_NAME_TAKEN.format(name="crm")]


# --- a mapping from a system to itself ----------------------------------------------


def test_the_json_import_refuses_a_mapping_from_a_system_to_itself() -> None:
    doc = two_systems(mappings=(MappingDoc(1, 1, 1, "Risk", "Risk"),))
    assert problems(doc) == [f"Field mapping “CRM.Risk → CRM.Risk”: {rules.SAME_SYSTEM}"]


@pytest.mark.django_db
def test_the_form_and_the_sheet_refuse_it_with_the_same_message(project: Project) -> None:
    crm = f.SystemFactory(project=project, name="Salesforce")
    form = FieldMappingForm(
        {
            "source_system": crm.pk,
            "source_field": "Risk",
            "target_system": crm.pk,
            "target_field": "Risk",
        },
        project=project,
    )
    assert not form.is_valid()
    assert form.errors["target_system"] == [rules.SAME_SYSTEM]
    parsed = sheet_parse(filename="s.csv", content=csv_bytes(row(target_system="Salesforce")))
    from tests.blueprint.test_sheet import document

    _drafts, errors = sheet_validate(parsed, document(), replace=False)
    assert [e.message for e in errors] == [rules.SAME_SYSTEM]


@pytest.mark.django_db
def test_the_database_refuses_a_mapping_from_a_system_to_itself(project: Project) -> None:
    crm = f.SystemFactory(project=project)
    with pytest.raises(IntegrityError), transaction.atomic():
        FieldMapping.objects.create(project=project, source_system=crm, target_system=crm)


# --- values the form checks, checked in a file the same way ----------------------------


def test_a_malformed_date_is_refused_with_a_message_not_a_crash() -> None:
    doc = two_systems(phases=(PhaseDoc(1, "read_only", target_date="30/07/2027"),))
    [message] = problems(doc)
    assert message.startswith(
        "Delivery phase “1. Read-only visibility”: “30/07/2027” is not a date"
    )


def test_an_unknown_choice_names_the_item_and_the_allowed_values() -> None:
    doc = two_systems(SystemDoc(3, "Billing", kind="bank"))
    [message] = problems(doc)
    assert message.startswith("System “Billing”: “bank” is not one of the allowed values for kind")


def test_an_unknown_time_window_is_refused() -> None:
    doc = two_systems(reports=(ReportDoc(1, "Funnel", time_windows=("fortnight",)),))
    [message] = problems(doc)
    assert message.startswith("Report “Funnel”: “fortnight” is not one of the allowed values")


def test_a_misspelt_answer_key_is_reported_not_stored() -> None:
    doc = two_systems(
        scenarios=(ScenarioDoc(1, "creation", "New client", answers={"created_frist": "CRM"}),)
    )
    [message] = problems(doc)
    assert message.startswith("Scenario “New client”: “created_frist” is not a question")


def test_a_misspelt_field_is_reported_with_its_item() -> None:
    with pytest.raises(ValueError, match="unknown field"):
        document_from_dict({"project": {"name": "E"}, "systems": [{"id": 1, "nmae": "CRM"}]})


def test_a_correct_document_has_no_problems() -> None:
    from tests.blueprint.blueprints import ready_document

    assert rules.document_problems(ready_document()) == []


@pytest.mark.django_db
def test_an_import_with_problems_saves_nothing(facilitator: object) -> None:
    doc = two_systems(SystemDoc(3, "CRM"))
    before = Project.objects.count()
    with pytest.raises(ValueError) as raised:
        project_import(doc=doc, user=facilitator)  # type: ignore[arg-type]
    assert "already has a system called “CRM”" in str(raised.value)
    assert Project.objects.count() == before
    assert json.dumps(getattr(raised.value, "messages", []))


# --- references, lists and the model's own unique constraints --------------------------


def test_a_reference_outside_the_project_names_the_item_and_the_field() -> None:
    raw = {
        "project": {"name": "Bank"},
        "systems": [{"id": "crm", "name": "CRM"}],
        "entities": [{"id": "inv", "name": "Invoice", "identifier_issuer_id": "hubspot-marketing"}],
    }
    with pytest.raises(DocumentFormatError) as raised:
        document_from_dict(raw)
    assert raised.value.messages == [
        "Entity “Invoice”: the system that issues identifiers “hubspot-marketing” is not a "
        "system of this project."
    ]


def test_every_dangling_reference_is_reported_not_only_the_first() -> None:
    raw = {
        "project": {"name": "Bank"},
        "systems": [{"id": 1, "name": "CRM"}],
        "entities": [{"id": 1, "name": "Client", "home_system_id": 9}],
        "scenarios": [{"id": 1, "category": "creation", "title": "New", "system_ids": [1, 7]}],
    }
    with pytest.raises(DocumentFormatError) as raised:
        document_from_dict(raw)
    assert [m.split(":")[0] for m in raised.value.messages] == [
        "Entity “Client”",
        "Scenario “New”",
    ]


def test_a_misspelt_field_names_the_item_and_the_fields_it_has() -> None:
    with pytest.raises(DocumentFormatError) as raised:
        document_from_dict({"project": {"name": "E"}, "systems": [{"id": 1, "nmae": "CRM"}]})
    assert str(raised.value).startswith("System number 1 in “systems”: unknown field “nmae”")
    assert "its fields are id, name," in str(raised.value)


def test_a_system_listed_twice_in_one_list_is_refused() -> None:
    doc = two_systems(scenarios=(ScenarioDoc(1, "creation", "New client", system_ids=(1, 1)),))
    assert problems(doc) == ["Scenario “New client”: “CRM” is listed twice in systems involved."]


def test_two_copies_of_an_entity_in_one_system_use_the_constraint_message(
    project: Project,
) -> None:
    doc = two_systems(
        entities=(EntityDoc(1, "Client", home_system_id=1),),
        copies=(CopyDoc(1, 1, 2, "reads it"), CopyDoc(2, 1, 2, "again")),
    )
    [message] = problems(doc)
    assert message == "Copy “Client in Core banking”: " + COPY_TWICE
    # The model says the same to the admin.
    entity = f.EntityFactory(project=project)
    system = f.SystemFactory(project=project)
    EntityCopy.objects.create(project=project, entity=entity, system=system, reason="reads it")
    with pytest.raises(ValidationError) as raised:
        EntityCopy(
            project=project, entity=entity, system=system, reason="again"
        ).validate_constraints()
    assert raised.value.messages == [COPY_TWICE]


def test_one_category_marked_not_applicable_twice_is_refused() -> None:
    doc = two_systems(
        not_applicable=(
            NotApplicableDoc(1, "updates", "nothing changes"),
            NotApplicableDoc(2, "updates", "still nothing"),
        )
    )
    [message] = problems(doc)
    assert message.endswith("This category is already marked not applicable.")


# --- the people of a file ---------------------------------------------------------------


def test_a_role_that_does_not_exist_is_refused() -> None:
    doc = two_systems()
    doc = dataclasses.replace(doc, members=(MemberDoc("a@x.org", "Ann", "", "boss"),))
    [message] = problems(doc)
    assert message.startswith("Member “Ann”: “boss” is not one of the allowed values for role")


def test_two_holders_of_a_sign_off_role_are_refused_but_two_viewers_are_fine() -> None:
    doc = dataclasses.replace(
        two_systems(),
        members=(
            MemberDoc("a@x.org", "Ann", "", "process_owner"),
            MemberDoc("b@x.org", "Ben", "", "process_owner"),
            MemberDoc("c@x.org", "Cat", "", "viewer"),
            MemberDoc("d@x.org", "Dan", "", "viewer"),
        ),
    )
    assert problems(doc) == [
        "Member “Ben”: Process owner is already held by Ann: a sign-off role has one holder."
    ]


def test_one_person_named_twice_is_refused() -> None:
    doc = dataclasses.replace(
        two_systems(),
        members=(
            MemberDoc("a@x.org", "Ann", "", "viewer"),
            MemberDoc("A@X.org", "Ann again", "", "contributor"),
        ),
    )
    assert problems(doc) == ["Member “Ann again”: “a@x.org” is named twice."]
