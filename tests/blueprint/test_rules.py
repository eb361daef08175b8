"""The storage rules (blueprint/rules.py): the same content is refused with the same
rule's message on every way in that can carry it: a form, the JSON import, the sheet."""

from __future__ import annotations

import dataclasses
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from blueprint import rules
from blueprint.document import (
    Document,
    DocumentFormatError,
    MappingDoc,
    MemberDoc,
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
from blueprint.interchange.sheet import COLUMN_BY_KEY, sheet_parse, sheet_validate
from blueprint.models import FieldMapping, Project, System
from tests import factories as f
from tests.blueprint.test_sheet import csv_bytes, row


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


@pytest.mark.django_db
def test_the_model_checks_a_related_item_exists_unless_it_was_just_read(
    project: Project,
) -> None:
    """A related item read from the database is not looked up again; an id alone, or an
    item never saved, or one deleted since it was read, is."""
    crm = f.SystemFactory(project=project, name="CRM")
    entity = f.EntityFactory(project=project)
    attribute = f.AttributeFactory(project=project, entity=entity, source_of_truth=crm)
    attribute.source_of_truth = System.objects.get(pk=crm.pk)
    attribute.full_clean()
    attribute.source_of_truth_id = 10**9
    with pytest.raises(ValidationError) as raised:
        attribute.full_clean()
    assert "source_of_truth" in raised.value.message_dict
    attribute.source_of_truth = System(project=project, name="Never saved", pk=10**9 + 1)
    with pytest.raises(ValidationError) as raised:
        attribute.full_clean()
    assert "source_of_truth" in raised.value.message_dict
    gone = f.SystemFactory(project=project, name="Gone")
    attribute.source_of_truth = gone
    System.objects.filter(pk=gone.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        attribute.save()  # the database's foreign key is the last word (at the commit)
        connection.check_constraints()


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


# --- what no two items of a project may share: one rule, every way in ---------------


@pytest.fixture
def stored(project: Project) -> dict[str, object]:
    """One stored item of every section that has a rule in rules.UNIQUE."""
    crm = f.SystemFactory(project=project, name="Salesforce")
    erp = f.SystemFactory(project=project, name="NetSuite")
    client = f.EntityFactory(project=project, name="Client", home_system=crm)
    outcome = f.OutcomeFactory(project=project, name="Won", entity=client, recorded_in=crm)
    report = f.ReportFactory(project=project, name="Pipeline")
    return {
        "systems": crm,
        "entities": client,
        "attributes": f.AttributeFactory(project=project, entity=client, name="Status"),
        "copies": f.EntityCopyFactory(project=project, entity=client, system=erp),
        "outcomes": outcome,
        "reasons": f.ReasonCodeFactory(project=project, outcome=outcome, code="Pricing"),
        "mappings": f.FieldMappingFactory(
            project=project,
            source_system=crm,
            source_field="Risk level",
            target_system=erp,
            target_field="Risk",
        ),
        "ownership": f.OwnershipRuleFactory(project=project, owner_name="Priya"),
        "not_applicable": f.CategoryNotApplicableFactory(project=project, category="updates"),
        "dimensions": f.ReportDimensionFactory(project=project, report=report, name="Region"),
        "phases": f.DeliveryPhaseFactory(project=project, phase="read_only"),
        "contracts": f.ContractItemFactory(project=project, system=crm, topic="versioning"),
        "audit_items": f.AuditItemFactory(project=project, topic="action"),
    }


# What a second item with the same key (its text in capitals, with spaces) is told.
TAKEN = {
    "systems": ("name", "This project already has a system called “SALESFORCE”."),
    "entities": ("name", "This project already has an entity called “CLIENT”."),
    "attributes": ("name", "Client already has an attribute called “STATUS”."),
    "copies": ("system", "Client already has a copy in NetSuite."),
    "outcomes": ("name", "This project already has an outcome called “WON”."),
    "reasons": ("code", "“Won” already has the reason code “PRICING”."),
    "mappings": (
        "target_field",
        "This pair is already on the sheet: “Salesforce.Risk level → NetSuite.Risk”. "
        "Edit that row instead.",
    ),
    "ownership": (
        "area",
        "Data standards and definitions already has an owner: Priya – Head of Sales "
        "Operations. Edit that rule instead.",
    ),
    "not_applicable": (
        "category",
        "“Updates and status changes” is already marked not applicable. Edit its reason instead.",
    ),
    "dimensions": ("name", "This report already has a dimension called “REGION”."),
    "phases": ("phase", "This phase is already in the plan; edit it there instead."),
    "contracts": (
        "topic",
        "Salesforce already has a note on “Versioning”; edit that one instead.",
    ),
    "audit_items": (
        "topic",
        "The audit record already has a note on “Action taken”; edit that one instead.",
    ),
}


def test_every_uniqueness_rule_is_tested() -> None:
    assert set(TAKEN) == set(rules.UNIQUE)


def _shouted(section: str, model_field: str, value: object) -> object:
    """The value a clashing second item carries: text in capitals with spaces around."""
    from blueprint.document import SECTION_BY_NAME

    field = SECTION_BY_NAME[section].model._meta.get_field(model_field)
    if isinstance(value, str) and not field.choices:
        return f"  {value.upper()} "
    return value


def _second(section: str, first: object) -> object:
    """An unsaved copy of `first`, its key text in capitals: the same item to the rule."""
    model = type(first)
    values = {
        field.attname: _shouted(section, field.name, getattr(first, field.attname))
        for field in model._meta.concrete_fields
        if not field.primary_key
    }
    return model(**values)


@pytest.mark.django_db
@pytest.mark.parametrize("section", sorted(TAKEN))
def test_the_model_refuses_a_second_item_with_the_rule_message(
    section: str, stored: dict[str, object]
) -> None:
    field, message = TAKEN[section]
    with pytest.raises(ValidationError) as raised:
        _second(section, stored[section]).full_clean()
    assert message in raised.value.message_dict[field]


@pytest.mark.django_db
@pytest.mark.parametrize("section", sorted(TAKEN))
def test_a_file_with_a_second_item_is_refused_with_the_rule_message(
    section: str, project: Project, stored: dict[str, object]
) -> None:
    from blueprint.document import SECTION_BY_NAME, SECTION_NOUNS, document_load

    doc = document_load(project)
    first = next(iter(getattr(doc, section)))
    shouted = {
        name: _shouted(section, name, value)
        for name, value in dataclasses.asdict(first).items()
        if isinstance(value, str)
        and name != "id"
        and name in {f.name for f in SECTION_BY_NAME[section].model._meta.concrete_fields}
    }
    second = dataclasses.replace(first, id=99_999, **shouted)
    doc = dataclasses.replace(doc, **{section: (first, second)})
    found = [p for p in rules.document_problems(doc) if p.item_id == 99_999]
    field, message = TAKEN[section]
    assert [(p.field.removesuffix("_id"), p.message) for p in found] == [(field, message)]
    assert found[0].describe(doc).startswith(f"{SECTION_NOUNS[section]} “")


@pytest.mark.django_db
@pytest.mark.parametrize("section", sorted(TAKEN))
def test_the_form_refuses_a_second_item_with_the_rule_message(
    section: str, project: Project, stored: dict[str, object]
) -> None:
    from django.forms.models import model_to_dict

    import blueprint.urls  # noqa: F401 - the views register the item kinds
    from blueprint.items import REGISTRY

    first = stored[section]
    field, message = TAKEN[section]
    # The form that edits the field (an entity's identity has a form of its own).
    [kind] = {
        k.form_class
        for k in REGISTRY.values()
        if k.model is type(first) and field in k.form_class.base_fields
    }
    data = {
        name: _shouted(section, name, value)
        for name, value in model_to_dict(first).items()
        if value is not None
    }
    form = kind(data, project=project)
    assert not form.is_valid()
    if field in form.fields and not form.fields[field].widget.is_hidden:
        assert message in form.errors[field]
    else:
        assert message in form.non_field_errors()


@pytest.mark.django_db
def test_the_sheet_refuses_a_pair_already_on_the_sheet_with_the_rule_message(
    project: Project, stored: dict[str, object]
) -> None:
    from blueprint.document import document_load

    content = csv_bytes(
        row(
            source_system="Salesforce",
            source_field="RISK LEVEL",
            target_system="NetSuite",
            target_field=" risk ",
            entity="",
            attribute="",
        )
    )
    parsed = sheet_parse(filename="s.csv", content=content)
    _drafts, errors = sheet_validate(parsed, document_load(project), replace=False)
    [error] = errors
    assert error.column == COLUMN_BY_KEY["target_field"].header
    assert error.message.startswith(TAKEN["mappings"][1])
