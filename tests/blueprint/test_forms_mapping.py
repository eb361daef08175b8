"""The rules the data mapping forms enforce (and the ones they leave to readiness)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blueprint.forms.base import CROSS_PROJECT_CHOICE
from blueprint.forms.mapping import (
    ATTRIBUTE_IN_IDENTITY,
    COPY_IS_HOME,
    HISTORY_DECISION_REQUIRED,
    HOME_ALREADY_A_COPY,
    IDENTITY_NEEDS_ENTITY,
    IDENTITY_OTHER_ENTITY,
    AttributeForm,
    EntityCopyForm,
    EntityForm,
    IdentityForm,
    OutcomeForm,
    ReasonCodeForm,
    RelationshipForm,
)
from blueprint.models import Attribute, Entity, Project, System
from blueprint.rules import (
    ATTRIBUTE_NAME_TAKEN,
    COPY_TAKEN,
    ENTITY_NAME_TAKEN,
    OUTCOME_NAME_TAKEN,
    REASON_TAKEN,
)
from tests.factories import (
    AttributeFactory,
    EntityCopyFactory,
    EntityFactory,
    OutcomeFactory,
    ReasonCodeFactory,
    SystemFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def crm(project: Project) -> System:
    return SystemFactory(project=project, name="Salesforce")


@pytest.fixture
def erp(project: Project) -> System:
    return SystemFactory(project=project, name="NetSuite")


@pytest.fixture
def contact(project: Project, crm: System) -> Entity:
    return EntityFactory(project=project, name="Contact", home_system=crm)


def entity_form(project: Project, instance: Entity | None = None, **data: Any) -> EntityForm:
    values = {"name": "Customer", "kind": "organisation", "sync_state": "synchronised"}
    values.update(data)
    return EntityForm(values, project=project, instance=instance)


class TestEntityForm:
    @pytest.mark.parametrize("state", ["manual", "not_synchronised", "unknown"])
    def test_an_entity_not_synchronised_today_needs_a_history_decision(
        self, project: Project, state: str
    ) -> None:
        form = entity_form(project, sync_state=state)
        assert not form.is_valid()
        assert form.errors["history_decision"] == [HISTORY_DECISION_REQUIRED]

    def test_with_a_decision_it_is_valid(self, project: Project) -> None:
        form = entity_form(project, sync_state="manual", history_decision="overwrite")
        assert form.is_valid(), form.errors
        assert form.cleaned_data["history_decision"] == "overwrite"

    def test_a_synchronised_entity_drops_any_history_decision(self, project: Project) -> None:
        form = entity_form(project, sync_state="synchronised", history_decision="accept")
        assert form.is_valid(), form.errors
        assert form.cleaned_data["history_decision"] == ""
        assert form.save().history_decision == ""

    def test_names_are_unique_in_the_project_whatever_the_case(
        self, project: Project, contact: Entity
    ) -> None:
        form = entity_form(project, name="  CONTACT ")
        assert not form.is_valid()
        assert form.errors["name"] == [ENTITY_NAME_TAKEN.format(name="CONTACT")]

    def test_an_entity_keeps_its_own_name(self, project: Project, contact: Entity) -> None:
        assert entity_form(project, instance=contact, name="Contact").is_valid()

    def test_another_projects_entity_name_is_free(self, project: Project) -> None:
        EntityFactory(name="Customer")
        assert entity_form(project).is_valid()

    def test_the_home_system_must_not_already_hold_a_copy(
        self, project: Project, contact: Entity, erp: System
    ) -> None:
        EntityCopyFactory(entity=contact, system=erp)
        form = entity_form(project, instance=contact, name="Contact", home_system=erp.pk)
        assert not form.is_valid()
        assert form.errors["home_system"] == [
            HOME_ALREADY_A_COPY.format(entity="Contact", system="NetSuite")
        ]

    def test_a_home_system_of_another_project_is_refused(self, project: Project) -> None:
        form = entity_form(project, home_system=SystemFactory().pk)
        assert not form.is_valid()
        assert form.errors["home_system"] == [CROSS_PROJECT_CHOICE]


class TestIdentityForm:
    def test_it_offers_only_the_entitys_own_attributes(
        self, project: Project, contact: Entity
    ) -> None:
        email = AttributeFactory(entity=contact, name="Email")
        AttributeFactory(entity=EntityFactory(project=project), name="VAT number")
        form = IdentityForm(project=project, instance=contact)
        assert list(form.fields["identity_attributes"].queryset) == [email]
        assert [label for _, label in form.fields["identity_attributes"].choices] == ["Email"]

    def test_an_attribute_of_another_entity_is_refused(
        self, project: Project, contact: Entity
    ) -> None:
        AttributeFactory(entity=contact, name="Email")
        other = AttributeFactory(entity=EntityFactory(project=project), name="VAT number")
        form = IdentityForm({"identity_attributes": [other.pk]}, project=project, instance=contact)
        assert not form.is_valid()
        assert form.errors["identity_attributes"] == [IDENTITY_OTHER_ENTITY]

    def test_the_refusal_is_visible_even_without_attributes_to_choose(
        self, project: Project, contact: Entity
    ) -> None:
        other = AttributeFactory(entity=EntityFactory(project=project), name="VAT number")
        form = IdentityForm({"identity_attributes": [other.pk]}, project=project, instance=contact)
        assert not form.is_valid()
        assert form.non_field_errors() == [IDENTITY_OTHER_ENTITY]

    def test_it_saves_identity_without_touching_the_rest(
        self, project: Project, contact: Entity, crm: System, erp: System
    ) -> None:
        email = AttributeFactory(entity=contact, name="Email")
        data = {
            "identity_attributes": [email.pk],
            "duplicate_rule": "Review",
            "identifier_issuer": crm.pk,
            "identifier_acceptors": [erp.pk],
        }
        form = IdentityForm(data, project=project, instance=contact)
        assert form.is_valid(), form.errors
        saved = form.save()
        assert saved.name == "Contact" and saved.home_system == crm
        assert list(saved.identity_attributes.all()) == [email]

    def test_it_cannot_create_an_entity(self, project: Project) -> None:
        form = IdentityForm({"duplicate_rule": "x"}, project=project)
        assert not form.is_valid()
        assert form.non_field_errors() == [IDENTITY_NEEDS_ENTITY]


class TestEntityCopyForm:
    def test_a_copy_in_another_system_is_valid(
        self, project: Project, contact: Entity, erp: System
    ) -> None:
        form = EntityCopyForm({"entity": contact.pk, "system": erp.pk}, project=project)
        assert form.is_valid(), form.errors

    def test_one_copy_per_system(self, project: Project, contact: Entity, erp: System) -> None:
        EntityCopyFactory(entity=contact, system=erp)
        form = EntityCopyForm({"entity": contact.pk, "system": erp.pk}, project=project)
        assert not form.is_valid()
        assert form.errors["system"] == [COPY_TAKEN.format(entity="Contact", system="NetSuite")]
        assert not form.non_field_errors()

    def test_a_copy_keeps_its_own_system_when_edited(
        self, project: Project, contact: Entity, erp: System
    ) -> None:
        copy = EntityCopyFactory(entity=contact, system=erp)
        data = {"entity": contact.pk, "system": erp.pk, "reason": "Invoicing"}
        assert EntityCopyForm(data, project=project, instance=copy).is_valid()

    def test_the_home_system_is_not_a_copy(
        self, project: Project, contact: Entity, crm: System
    ) -> None:
        form = EntityCopyForm({"entity": contact.pk, "system": crm.pk}, project=project)
        assert not form.is_valid()
        assert form.errors["system"] == [COPY_IS_HOME.format(system="Salesforce", entity="Contact")]


def attribute_form(
    project: Project, entity: Entity, instance: Attribute | None = None, **data: Any
) -> AttributeForm:
    values: dict[str, Any] = {"entity": entity.pk, "name": "Stage", "kind": "status"}
    values.update(data)
    return AttributeForm(values, project=project, instance=instance)


class TestAttributeForm:
    def test_no_source_of_truth_is_advisory_not_an_error(
        self, project: Project, contact: Entity
    ) -> None:
        form = attribute_form(project, contact)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["source_of_truth"] is None

    def test_a_name_is_unique_within_its_entity_whatever_the_case(
        self, project: Project, contact: Entity
    ) -> None:
        AttributeFactory(entity=contact, name="Stage")
        form = attribute_form(project, contact, name=" stage ")
        assert not form.is_valid()
        assert form.errors["name"] == [ATTRIBUTE_NAME_TAKEN.format(entity="Contact", name="stage")]
        assert not form.non_field_errors()

    def test_the_same_name_in_another_entity_is_fine(
        self, project: Project, contact: Entity
    ) -> None:
        AttributeFactory(entity=EntityFactory(project=project), name="Stage")
        assert attribute_form(project, contact).is_valid()

    def test_an_attribute_keeps_its_own_name(self, project: Project, contact: Entity) -> None:
        stage = AttributeFactory(entity=contact, name="Stage")
        assert attribute_form(project, contact, instance=stage).is_valid()

    def test_an_identity_attribute_stays_with_its_entity(
        self, project: Project, contact: Entity
    ) -> None:
        email = AttributeFactory(entity=contact, name="Email")
        contact.identity_attributes.add(email)
        other = EntityFactory(project=project)
        form = attribute_form(project, other, instance=email, name="Email")
        assert not form.is_valid()
        assert form.errors["entity"] == [ATTRIBUTE_IN_IDENTITY.format(entity="Contact")]

    def test_an_ordinary_attribute_can_move_to_another_entity(
        self, project: Project, contact: Entity
    ) -> None:
        stage = AttributeFactory(entity=contact, name="Stage")
        other = EntityFactory(project=project)
        assert attribute_form(project, other, instance=stage).is_valid()

    def test_systems_of_another_project_are_refused(
        self, project: Project, contact: Entity
    ) -> None:
        foreign = SystemFactory()
        form = attribute_form(project, contact, update_systems=[foreign.pk])
        assert not form.is_valid()
        assert form.errors["update_systems"] == [CROSS_PROJECT_CHOICE]


class TestRelationshipForm:
    def test_entities_must_belong_to_the_project(self, project: Project, contact: Entity) -> None:
        data = {"from_entity": EntityFactory().pk, "to_entity": contact.pk, "description": "x"}
        form = RelationshipForm(data, project=project)
        assert not form.is_valid()
        assert form.errors["from_entity"] == [CROSS_PROJECT_CHOICE]

    def test_a_relationship_between_project_entities_is_valid(
        self, project: Project, contact: Entity
    ) -> None:
        company = EntityFactory(project=project, name="Company")
        data = {"from_entity": contact.pk, "to_entity": company.pk, "description": "belongs to"}
        assert RelationshipForm(data, project=project).is_valid()


class TestOutcomeForm:
    def test_names_are_unique_in_the_project(self, project: Project) -> None:
        OutcomeFactory(project=project, name="Won")
        form = OutcomeForm({"name": "won", "polarity": "success"}, project=project)
        assert not form.is_valid()
        assert form.errors["name"] == [OUTCOME_NAME_TAKEN.format(name="won")]

    def test_an_outcome_keeps_its_own_name(self, project: Project) -> None:
        won = OutcomeFactory(project=project, name="Won")
        form = OutcomeForm({"name": "Won", "polarity": "success"}, project=project, instance=won)
        assert form.is_valid(), form.errors


class TestReasonCodeForm:
    def test_a_code_is_unique_within_its_outcome_whatever_the_case(self, project: Project) -> None:
        won = OutcomeFactory(project=project, name="Won")
        ReasonCodeFactory(outcome=won, code="pricing")
        form = ReasonCodeForm({"outcome": won.pk, "code": "PRICING"}, project=project)
        assert not form.is_valid()
        assert form.errors["code"] == [REASON_TAKEN.format(outcome="Won", code="PRICING")]

    def test_the_same_code_under_another_outcome_is_fine(self, project: Project) -> None:
        ReasonCodeFactory(outcome=OutcomeFactory(project=project), code="pricing")
        lost = OutcomeFactory(project=project, name="Lost")
        assert ReasonCodeForm({"outcome": lost.pk, "code": "pricing"}, project=project).is_valid()

    def test_a_reason_keeps_its_own_code(self, project: Project) -> None:
        reason = ReasonCodeFactory(outcome=OutcomeFactory(project=project), code="pricing")
        data = {"outcome": reason.outcome_id, "code": "pricing"}
        assert ReasonCodeForm(data, project=project, instance=reason).is_valid()

    def test_an_outcome_of_another_project_is_refused(self, project: Project) -> None:
        form = ReasonCodeForm({"outcome": OutcomeFactory().pk, "code": "x"}, project=project)
        assert not form.is_valid()
        assert form.errors["outcome"] == [CROSS_PROJECT_CHOICE]


def as_the_page_loads(pk: int) -> Attribute:
    """An attribute with its related items and lists loaded, as an edit form finds it."""
    return (
        Attribute.objects.select_related("entity", "source_of_truth")
        .prefetch_related("display_systems", "update_systems")
        .get(pk=pk)
    )


class TestChoicesLeftAsLoaded:
    """A choice the person left as it was loaded is the object loaded with the item: no
    query looks it up again; a changed one, or one a form narrows, still is checked."""

    @pytest.fixture
    def loaded(self, project: Project, contact: Entity, crm: System, erp: System) -> Attribute:
        attribute = AttributeFactory(project=project, entity=contact, source_of_truth=crm)
        attribute.display_systems.add(crm, erp)
        attribute.update_systems.add(crm)
        return as_the_page_loads(attribute.pk)

    def test_unchanged_choices_are_not_looked_up_again(
        self, project: Project, loaded: Attribute, crm: System, erp: System
    ) -> None:
        data = AttributeForm.saved_values(loaded, project=project)
        form = AttributeForm({**data, "description": "New words"}, project=project, instance=loaded)
        with CaptureQueriesContext(connection) as queries:
            assert form.is_valid(), form.errors
        asked = " ".join(q["sql"] for q in queries.captured_queries)
        assert 'FROM "blueprint_system"' not in asked
        assert 'FROM "blueprint_entity"' not in asked
        assert form.cleaned_data["source_of_truth"] == crm
        assert form.cleaned_data["entity"] == loaded.entity
        assert sorted(form.cleaned_data["display_systems"], key=str) == sorted([crm, erp], key=str)
        assert list(form.cleaned_data["update_systems"].values_list("pk", flat=True)) == [crm.pk]

    def test_a_changed_choice_is_looked_up_and_checked(
        self, project: Project, loaded: Attribute, erp: System
    ) -> None:
        other = SystemFactory(name="Elsewhere")  # another project's system
        data = AttributeForm.saved_values(loaded, project=project)
        form = AttributeForm(
            {**data, "source_of_truth": erp.pk, "update_systems": [erp.pk, other.pk]},
            project=project,
            instance=loaded,
        )
        assert not form.is_valid()
        assert form.errors["update_systems"] == [CROSS_PROJECT_CHOICE]
        assert form.cleaned_data["source_of_truth"] == erp

    def test_an_unchanged_choice_of_another_project_is_refused(
        self, project: Project, loaded: Attribute
    ) -> None:
        """As the admin can store one: left as it is, it is still not this project's."""
        elsewhere = SystemFactory(name="Elsewhere")
        Attribute.objects.filter(pk=loaded.pk).update(source_of_truth=elsewhere)
        loaded.display_systems.add(SystemFactory(name="Further"))
        stray = as_the_page_loads(loaded.pk)
        data = AttributeForm.saved_values(stray, project=project)
        form = AttributeForm({**data, "description": "New"}, project=project, instance=stray)
        assert not form.is_valid()
        assert form.errors["source_of_truth"] == [CROSS_PROJECT_CHOICE]
        assert form.errors["display_systems"] == [CROSS_PROJECT_CHOICE]

    def test_a_list_that_is_not_a_list_is_left_to_django(
        self, project: Project, loaded: Attribute, crm: System
    ) -> None:
        loaded.update_systems.clear()
        empty = Attribute.objects.prefetch_related("update_systems").get(pk=loaded.pk)
        data = AttributeForm.saved_values(empty, project=project)
        form = AttributeForm(
            {**data, "update_systems": str(crm.pk)}, project=project, instance=empty
        )
        assert not form.is_valid()
        assert form.errors["update_systems"] == ["Enter a list of values."]

    def test_a_choice_a_form_narrows_is_checked_even_unchanged(
        self, project: Project, loaded: Attribute
    ) -> None:
        class Narrowed(AttributeForm):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self.fields["source_of_truth"].queryset = System.objects.none()
                self.fields["display_systems"].queryset = System.objects.none()

        data = AttributeForm.saved_values(loaded, project=project)
        form = Narrowed(data, project=project, instance=loaded)
        assert not form.is_valid()
        assert set(form.errors) == {"source_of_truth", "display_systems"}
