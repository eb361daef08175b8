"""The conceptual data mapping page and its inline editors: entities (with identity,
copies and attributes), relationships, outcomes and reason codes."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertInHTML

from accounts.models import User
from blueprint.forms.base import CROSS_PROJECT_CHOICE
from blueprint.forms.mapping import (
    ATTRIBUTE_IN_IDENTITY,
    COPY_IS_HOME,
    HISTORY_DECISION_REQUIRED,
    HOME_ALREADY_A_COPY,
    IDENTITY_NEEDS_ENTITY,
    IDENTITY_OTHER_ENTITY,
)
from blueprint.models import (
    Attribute,
    Entity,
    EntityCopy,
    Outcome,
    Project,
    ReasonCode,
    Relationship,
    Role,
    System,
)
from blueprint.rules import (
    ATTRIBUTE_NAME_TAKEN,
    COPY_TAKEN,
    ENTITY_NAME_TAKEN,
    OUTCOME_NAME_TAKEN,
    REASON_TAKEN,
)
from tests.conftest import HX, client_for
from tests.factories import (
    AttributeFactory,
    AutomationFactory,
    EntityCopyFactory,
    EntityFactory,
    FieldMappingFactory,
    MembershipFactory,
    OutcomeFactory,
    ProjectFactory,
    ReasonCodeFactory,
    RelationshipFactory,
    SystemFactory,
)
from tests.html import elements, headings, is_full_page, root, root_classes
from tests.queries import get_counting

pytestmark = pytest.mark.django_db


def page_url(project: Project) -> str:
    return reverse("blueprint:data_model", args=[project.pk])


def url(name: str, project: Project, kind: str, *args: object) -> str:
    return reverse(f"blueprint:{name}", args=[project.pk, kind, *args])


def field_block(body: str, field: str) -> str:
    """The rendered form group of one field, from its wrapper to the next field's."""
    start = body.index(f'id="div_id_{field}"')
    end = body.find('id="div_id_', start + 1)
    return body[start:] if end == -1 else body[start:end]


def assert_field_error(response: Any, field: str, message: str) -> None:
    body = response.content.decode()
    assert response.status_code == 422
    assert not is_full_page(response)
    block = field_block(body, field)
    assert f'id="id_{field}_error"' in block
    assert escape(message) in block


@pytest.fixture
def crm(project: Project) -> System:
    return SystemFactory(project=project, name="Salesforce")


@pytest.fixture
def erp(project: Project) -> System:
    return SystemFactory(project=project, name="NetSuite", kind=System.Kind.ERP)


@pytest.fixture
def foreign_system(db: None) -> System:
    return SystemFactory(name="Their CRM")


@pytest.fixture
def contact(project: Project, crm: System) -> Entity:
    return EntityFactory(project=project, name="Contact", home_system=crm)


@pytest.fixture
def company(project: Project, crm: System) -> Entity:
    return EntityFactory(
        project=project, name="Company", kind=Entity.Kind.ORGANISATION, home_system=crm
    )


@pytest.fixture
def email(contact: Entity) -> Attribute:
    return AttributeFactory(entity=contact, name="Email", kind=Attribute.Kind.IDENTIFIER)


@pytest.fixture
def won(project: Project, contact: Entity) -> Outcome:
    return OutcomeFactory(project=project, name="Won", entity=contact)


# ---------------------------------------------------------------------------------------
# The page


class TestPage:
    def test_a_member_sees_the_whole_page(
        self, alice: Client, project: Project, contact: Entity, email: Attribute, won: Outcome
    ) -> None:
        relationship = RelationshipFactory(
            project=project, from_entity=contact, description="works for"
        )
        response = alice.get(page_url(project))
        body = response.content.decode()
        assert response.status_code == 200 and is_full_page(response)
        assert {"Entities", "Relationships", "Outcomes and reasons"} <= set(headings(body))
        assert f'id="entity-{contact.pk}"' in body and f'id="identity-{contact.pk}"' in body
        assert f'id="attribute-{email.pk}"' in body and f'id="outcome-{won.pk}"' in body
        assertInHTML(
            f"<td><strong>Contact</strong> works for"
            f" <strong>{relationship.to_entity.name}</strong></td>",
            body,
        )
        assert "Add entity" in body and "Add relationship" in body and "Add outcome" in body

    def test_empty_sections_say_what_belongs_there(self, alice: Client, project: Project) -> None:
        body = alice.get(page_url(project)).content.decode()
        assert "No entities yet." in body
        assert "No relationships yet." in body
        assert "No outcomes yet." in body
        assert "This project has no systems yet." in body

    def test_missing_important_values_are_visible(
        self, alice: Client, project: Project, contact: Entity
    ) -> None:
        AttributeFactory(entity=contact, name="Stage", source_of_truth=None)
        Entity.objects.filter(pk=contact.pk).update(
            sync_state=Entity.SyncState.MANUAL, history_decision="", home_system=None
        )
        body = alice.get(page_url(project)).content.decode()
        assert "No source of truth yet" in body
        assert "No decision on historical data yet" in body
        assert "No home system yet" in body
        assert "Kept in step by hand" in body and "No identity fields yet" in body

    def test_choice_labels_are_shown_not_raw_values(
        self, alice: Client, project: Project, contact: Entity, email: Attribute
    ) -> None:
        OutcomeFactory(project=project, name="Lost", polarity=Outcome.Polarity.NEGATIVE)
        body = alice.get(page_url(project)).content.decode()
        assert "Identifier" in body and "Negative" in body and "Synchronised" in body
        assert ">not_synchronised<" not in body

    def test_it_refuses_post(self, alice: Client, project: Project) -> None:
        assert alice.post(page_url(project)).status_code == 405

    def test_a_viewer_reads_everything_without_edit_controls(
        self, vera: Client, project: Project, contact: Entity, email: Attribute, won: Outcome
    ) -> None:
        ReasonCodeFactory(outcome=won, code="pricing")
        EntityCopyFactory(entity=contact)
        RelationshipFactory(project=project, from_entity=contact)
        body = vera.get(page_url(project)).content.decode()
        assert "Contact" in body and "Email" in body and "pricing" in body
        assert "/items/" not in body
        assert "item-actions" not in body
        for label in ("Add entity", "Add copy", "Add attribute", "Add reason", "Edit"):
            assert label not in body

    def test_a_frozen_project_shows_no_edit_controls(
        self, alice: Client, project: Project, contact: Entity
    ) -> None:
        Project.objects.filter(pk=project.pk).update(state=Project.State.AWAITING)
        body = alice.get(page_url(project)).content.decode()
        assert "Contact" in body and "/items/" not in body


def _fill(project: Project, n: int) -> None:
    """n rows of every kind on the page, with every relation the rows show."""
    systems = [SystemFactory(project=project) for _ in range(3)]
    home, other, third = systems
    entities = Entity.objects.bulk_create(
        Entity(
            project=project,
            name=f"Entity {i}",
            home_system=home,
            identifier_issuer=home,
            sync_state=Entity.SyncState.MANUAL,
            history_decision=Entity.HistoryDecision.ACCEPT,
        )
        for i in range(n)
    )
    attributes = Attribute.objects.bulk_create(
        Attribute(
            project=project,
            entity=entities[i % n],
            name=f"Attribute {i}",
            source_of_truth=home if i % 2 else None,
        )
        for i in range(n)
    )
    through = Attribute.display_systems.through
    through.objects.bulk_create(through(attribute=a, system=other) for a in attributes)
    through = Attribute.update_systems.through
    through.objects.bulk_create(through(attribute=a, system=third) for a in attributes)
    through = Entity.identity_attributes.through
    through.objects.bulk_create(through(entity=a.entity, attribute=a) for a in attributes)
    through = Entity.identifier_acceptors.through
    through.objects.bulk_create(through(entity=e, system=other) for e in entities)
    EntityCopy.objects.bulk_create(
        EntityCopy(project=project, entity=e, system=other) for e in entities
    )
    relationships = Relationship.objects.bulk_create(
        Relationship(
            project=project,
            from_entity=entities[i],
            to_entity=entities[(i + 1) % n],
            description="belongs to",
            maintained_in=home,
        )
        for i in range(n)
    )
    through = Relationship.synced_systems.through
    through.objects.bulk_create(through(relationship=r, system=other) for r in relationships)
    outcomes = Outcome.objects.bulk_create(
        Outcome(project=project, name=f"Outcome {i}", entity=entities[i], recorded_in=home)
        for i in range(n)
    )
    ReasonCode.objects.bulk_create(
        ReasonCode(project=project, outcome=outcomes[i], code=f"code-{i}") for i in range(n)
    )


def _queries(client: Client, target: str) -> tuple[int, str]:
    return get_counting(client, target)


class TestQueryCount:
    def test_the_page_runs_as_many_queries_for_200_rows_as_for_5(
        self, facilitator: User, project: Project
    ) -> None:
        big = ProjectFactory(name="Big")
        MembershipFactory(project=big, user=facilitator, role=Role.FACILITATOR)
        _fill(project, 5)
        _fill(big, 200)
        client = client_for(facilitator)
        client.get(page_url(project))  # session and caches warm up once
        small_count, small_body = _queries(client, page_url(project) + "?all=1")
        big_count, big_body = _queries(client, page_url(big) + "?all=1")
        assert small_count == big_count
        for kind in ("entity", "identity", "copy", "attribute", "relationship", "outcome"):
            assert len(re.findall(rf'id="{kind}-\d+"', big_body)) == 200
            assert len(re.findall(rf'id="{kind}-\d+"', small_body)) == 5
        assert len(re.findall(r'id="reason-\d+"', big_body)) == 200

    def test_a_big_data_model_shows_summaries_that_cost_the_same_at_any_size(
        self, facilitator: User, project: Project
    ) -> None:
        from blueprint.views.mapping import WHOLE_CARDS_UP_TO
        from blueprint.views.tails import SHOWN_FIRST

        small = project
        big = ProjectFactory(name="Big")
        MembershipFactory(project=big, user=facilitator, role=Role.FACILITATOR)
        _fill(small, 5)
        _fill(big, 200)
        client = client_for(facilitator)
        whole_count, whole_body = _queries(client, page_url(small))
        assert 'class="item-row card mb-3 shadow-sm entity-card"' in whole_body  # small: whole
        middle = ProjectFactory(name="Middle")
        MembershipFactory(project=middle, user=facilitator, role=Role.FACILITATOR)
        _fill(middle, WHOLE_CARDS_UP_TO + 5)
        middle_count, _ = _queries(client, page_url(middle))
        big_count, big_body = _queries(client, page_url(big))
        assert middle_count == big_count
        # The first entities as summaries, the rest as one placeholder that knows every
        # anchor inside them; the same for relationships and outcomes.
        summaries = elements(big_body, "article", class_="entity-summary")
        assert len(summaries) == SHOWN_FIRST
        (tail,) = elements(big_body, id="tail-entities")
        assert tail["hx-get"] == page_url(big) + "?rest=entities"
        assert "lazy-summary" in tail["class"].split()
        for attribute in Attribute.objects.filter(project=big):
            holders = [
                s["id"]
                for s in summaries
                if f"attribute-{attribute.pk}" in s["data-anchors"].split()
            ]
            if f"attribute-{attribute.pk}" in tail["data-anchors"].split():
                holders.append(tail["id"])
            assert len(holders) == 1, attribute
        attribute = Attribute.objects.filter(project=big).order_by("entity__name", "pk").first()
        holder = next(
            s for s in summaries if f"attribute-{attribute.pk}" in s["data-anchors"].split()
        )
        assert holder["id"] == f"entity-{attribute.entity_id}"
        assert holder["hx-get"] == url("item_hx_row", big, "entity", attribute.entity_id)
        assert f"identity-{attribute.entity_id}" in holder["data-anchors"].split()
        assert len(re.findall(r'id="relationship-\d+"', big_body)) == SHOWN_FIRST
        (relationships,) = elements(big_body, "tr", id="tail-relationships")
        assert len(relationships["data-anchors"].split()) == 200 - SHOWN_FIRST
        (outcomes,) = elements(big_body, id="tail-outcomes")
        assert len(re.findall(r"reason-\d+", outcomes["data-anchors"])) == 200 - SHOWN_FIRST
        assert 'id="attribute-' not in big_body
        # Each rest comes whole, for the browser to add what it does not show yet.
        for part, pattern in (
            ("entities", r'<article id="entity-\d+"'),
            ("relationships", r'id="relationship-\d+"'),
            ("outcomes", r'id="outcome-\d+"'),
        ):
            rest = client.get(page_url(big) + f"?rest={part}", **HX)
            assert rest.status_code == 200 and not is_full_page(rest)
            assert len(re.findall(pattern, rest.content.decode())) == 200

    def test_an_entity_card_loads_in_a_fixed_number_of_queries(
        self, alice: Client, project: Project
    ) -> None:
        _fill(project, 2)
        small, large = Entity.objects.filter(project=project).order_by("pk")
        system = System.objects.filter(project=project).first()
        for i in range(30):
            attribute = AttributeFactory(entity=large, name=f"Extra {i}", source_of_truth=system)
            attribute.display_systems.add(system)
            EntityCopyFactory(entity=large, system=SystemFactory(project=project))
        with CaptureQueriesContext(connection) as small_q:
            alice.get(url("item_hx_row", project, "entity", small.pk), **HX)
        with CaptureQueriesContext(connection) as large_q:
            response = alice.get(url("item_hx_row", project, "entity", large.pk), **HX)
        assert response.content.decode().count('id="attribute-') == 31
        assert len(small_q) == len(large_q)


# ---------------------------------------------------------------------------------------
# Entities


def entity_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Customer",
        "kind": "organisation",
        "home_system": "",
        "sync_state": "manual",
        "history_decision": "cleanup",
        "link_method": "ERP customer number stored on the CRM account",
        "description": "A company that buys from us",
    }
    data.update(overrides)
    return data


class TestEntity:
    def test_the_new_form_is_a_card_partial(self, alice: Client, project: Project) -> None:
        response = alice.get(url("item_create", project, "entity"), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body)[0] == "div" and {"item-form", "card"} <= root_classes(body)
        assert "Synchronised today?" in body and "Kept in step by hand is not" in body

    def test_saving_returns_the_whole_card(
        self, alice: Client, project: Project, crm: System
    ) -> None:
        response = alice.post(
            url("item_create", project, "entity"), entity_data(home_system=crm.pk), **HX
        )
        entity = Entity.objects.get(project=project)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body) == ("article", f"entity-{entity.pk}") and "item-row" in root_classes(body)
        assert f'id="identity-{entity.pk}"' in body
        assert f'id="entity-{entity.pk}-copies"' in body
        assert f'id="entity-{entity.pk}-attributes"' in body
        assert "Clean up by hand" in body and "Salesforce" in body
        assert "blueprint-changed" in response["HX-Trigger-After-Settle"]
        assert entity.history_decision == "cleanup" and entity.home_system == crm

    def test_without_htmx_saving_redirects_to_the_card(
        self, alice: Client, project: Project
    ) -> None:
        response = alice.post(url("item_create", project, "entity"), entity_data())
        entity = Entity.objects.get(project=project)
        assert response.status_code == 302
        assert response["Location"].endswith(f"{page_url(project)}#entity-{entity.pk}")

    def test_an_unsynchronised_entity_needs_a_history_decision(
        self, alice: Client, project: Project
    ) -> None:
        data = entity_data(sync_state="not_synchronised", history_decision="")
        response = alice.post(url("item_create", project, "entity"), data, **HX)
        assert_field_error(response, "history_decision", HISTORY_DECISION_REQUIRED)
        assert 'value="Customer"' in response.content.decode()
        assert not Entity.objects.exists()

    def test_a_synchronised_entity_keeps_no_history_decision(
        self, alice: Client, project: Project, contact: Entity
    ) -> None:
        data = entity_data(name="Contact", sync_state="synchronised", history_decision="overwrite")
        data["revision"] = contact.revision
        response = alice.post(url("item_update", project, "entity", contact.pk), data, **HX)
        assert response.status_code == 200
        contact.refresh_from_db()
        assert contact.sync_state == "synchronised" and contact.history_decision == ""

    def test_the_edit_form_replaces_the_card_and_saving_brings_it_back(
        self, alice: Client, project: Project, contact: Entity, email: Attribute
    ) -> None:
        response = alice.get(url("item_update", project, "entity", contact.pk), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert 'value="Contact"' in body and 'name="revision"' in body
        data = entity_data(name="Person", revision=contact.revision)
        response = alice.post(url("item_update", project, "entity", contact.pk), data, **HX)
        body = response.content.decode()
        assert response.status_code == 200
        assert "Person" in body and f'id="attribute-{email.pk}"' in body
        contact.refresh_from_db()
        assert contact.name == "Person" and contact.revision == 2

    def test_cancel_returns_the_card(
        self, alice: Client, project: Project, contact: Entity
    ) -> None:
        response = alice.get(url("item_hx_row", project, "entity", contact.pk), **HX)
        assert response.status_code == 200
        assert root(response.content.decode()) == ("article", f"entity-{contact.pk}")

    def test_a_duplicate_name_is_refused_at_the_field(
        self, alice: Client, project: Project, contact: Entity
    ) -> None:
        response = alice.post(
            url("item_create", project, "entity"), entity_data(name="contact"), **HX
        )
        assert_field_error(response, "name", ENTITY_NAME_TAKEN.format(name="contact"))
        assert Entity.objects.filter(project=project).count() == 1

    def test_a_home_system_of_another_project_is_refused(
        self, alice: Client, project: Project, foreign_system: System
    ) -> None:
        data = entity_data(home_system=foreign_system.pk)
        response = alice.post(url("item_create", project, "entity"), data, **HX)
        assert_field_error(response, "home_system", CROSS_PROJECT_CHOICE)
        assert not Entity.objects.filter(project=project).exists()

    def test_the_home_system_cannot_already_hold_a_copy(
        self, alice: Client, project: Project, contact: Entity, erp: System
    ) -> None:
        EntityCopyFactory(entity=contact, system=erp)
        data = entity_data(name="Contact", home_system=erp.pk, revision=contact.revision)
        response = alice.post(url("item_update", project, "entity", contact.pk), data, **HX)
        message = HOME_ALREADY_A_COPY.format(entity="Contact", system="NetSuite")
        assert_field_error(response, "home_system", message)
        contact.refresh_from_db()
        assert contact.home_system.name == "Salesforce"

    def test_the_delete_confirmation_says_what_depends_on_it(
        self, alice: Client, project: Project, contact: Entity, company: Entity, erp: System
    ) -> None:
        AttributeFactory(entity=contact, name="Email")
        EntityCopyFactory(entity=contact, system=erp)
        RelationshipFactory(project=project, from_entity=contact, to_entity=company)
        OutcomeFactory(project=project, name="Won", entity=contact)
        response = alice.get(url("item_delete", project, "entity", contact.pk), **HX)
        body = escape_free(response.content.decode())
        assert response.status_code == 200 and not is_full_page(response)
        assert "Delete entity “Contact”?" in body
        assert "Attributes will be deleted with it: Contact · Email" in body
        assert "Copies in other systems will be deleted with it: Contact in NetSuite" in body
        assert "Relationships will be deleted with it: Contact belongs to Company" in body
        assert "Outcomes will be left without it (to be filled in again): Won" in body

    def test_deleting_a_system_says_which_entities_and_attributes_use_it(
        self, alice: Client, project: Project, contact: Entity, crm: System
    ) -> None:
        AttributeFactory(entity=contact, name="Email", source_of_truth=crm)
        response = alice.get(reverse("blueprint:item_delete", args=[project.pk, "system", crm.pk]))
        body = escape_free(response.content.decode())
        assert "Entities will be left without it (to be filled in again): Contact" in body
        assert "Attributes will be left without it (to be filled in again): Contact · Email" in body

    def test_identity_and_header_edits_of_one_entity_do_not_overwrite_each_other(
        self, alice: Client, bob: Client, project: Project, contact: Entity
    ) -> None:
        opened = contact.revision
        header = entity_data(name="Contact", description="Bob's words", revision=opened)
        assert (
            bob.post(url("item_update", project, "entity", contact.pk), header, **HX).status_code
            == 200
        )
        identity = {"duplicate_rule": "Alice's rule", "revision": opened}
        response = alice.post(url("item_update", project, "identity", contact.pk), identity, **HX)
        assert response.status_code == 409
        assert "Someone else saved this item" in response.content.decode()
        contact.refresh_from_db()
        assert contact.description == "Bob's words" and contact.duplicate_rule != "Alice's rule"

    def test_deleting_removes_the_card(
        self, alice: Client, project: Project, contact: Entity, email: Attribute
    ) -> None:
        response = alice.post(url("item_delete", project, "entity", contact.pk), **HX)
        assert response.status_code == 200 and response.content == b""
        assert not Entity.objects.filter(pk=contact.pk).exists()
        assert not Attribute.objects.filter(pk=email.pk).exists()


def escape_free(body: str) -> str:
    return body.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")


# ---------------------------------------------------------------------------------------
# Identity and keys


class TestIdentity:
    def test_the_form_offers_only_this_entitys_attributes(
        self, alice: Client, project: Project, contact: Entity, company: Entity, email: Attribute
    ) -> None:
        AttributeFactory(entity=company, name="Registration number")
        response = alice.get(url("item_update", project, "identity", contact.pk), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert elements(body, "input", name="identity_attributes", value=str(email.pk))
        assert "Registration number" not in body
        assert 'name="name"' not in body and 'name="duplicate_rule"' in body

    def test_saving_returns_the_identity_block(
        self,
        alice: Client,
        project: Project,
        contact: Entity,
        email: Attribute,
        crm: System,
        erp: System,
    ) -> None:
        data = {
            "identity_attributes": [email.pk],
            "duplicate_rule": "Emails match, names differ: review queue",
            "identifier_issuer": crm.pk,
            "identifier_acceptors": [erp.pk],
            "revision": contact.revision,
        }
        response = alice.post(url("item_update", project, "identity", contact.pk), data, **HX)
        body = response.content.decode()
        assert response.status_code == 200
        assert root(body) == ("div", f"identity-{contact.pk}") and "item-row" in root_classes(body)
        assert "Email" in body and "review queue" in body and "NetSuite" in body
        assert "blueprint-changed" in response["HX-Trigger-After-Settle"]
        contact.refresh_from_db()
        assert list(contact.identity_attributes.all()) == [email]
        assert list(contact.identifier_acceptors.all()) == [erp]
        assert contact.name == "Contact" and contact.sync_state == "synchronised"

    def test_an_attribute_of_another_entity_is_refused(
        self, alice: Client, project: Project, contact: Entity, company: Entity, email: Attribute
    ) -> None:
        other = AttributeFactory(entity=company, name="Registration number")
        data = {
            "identity_attributes": [other.pk],
            "duplicate_rule": "My typed rule",
            "revision": contact.revision,
        }
        response = alice.post(url("item_update", project, "identity", contact.pk), data, **HX)
        assert_field_error(response, "identity_attributes", IDENTITY_OTHER_ENTITY)
        assert "My typed rule" in response.content.decode()
        contact.refresh_from_db()
        assert not contact.identity_attributes.exists()
        assert contact.duplicate_rule != "My typed rule"

    def test_a_system_of_another_project_is_refused(
        self, alice: Client, project: Project, contact: Entity, foreign_system: System
    ) -> None:
        data = {"identifier_acceptors": [foreign_system.pk], "revision": contact.revision}
        response = alice.post(url("item_update", project, "identity", contact.pk), data, **HX)
        assert_field_error(response, "identifier_acceptors", CROSS_PROJECT_CHOICE)
        assert not contact.identifier_acceptors.exists()

    def test_identity_cannot_be_created_without_an_entity(
        self, alice: Client, project: Project
    ) -> None:
        response = alice.post(
            url("item_create", project, "identity"), {"duplicate_rule": "x"}, **HX
        )
        assert response.status_code == 422
        assert escape(IDENTITY_NEEDS_ENTITY) in response.content.decode()
        assert not Entity.objects.exists()

    def test_cancel_returns_the_block(
        self, alice: Client, project: Project, contact: Entity
    ) -> None:
        response = alice.get(url("item_hx_row", project, "identity", contact.pk), **HX)
        assert root(response.content.decode()) == ("div", f"identity-{contact.pk}")


# ---------------------------------------------------------------------------------------
# Copies in other systems


class TestCopy:
    def test_the_new_form_is_a_row_with_the_entity_chosen(
        self, alice: Client, project: Project, contact: Entity
    ) -> None:
        response = alice.get(url("item_create", project, "copy") + f"?parent={contact.pk}", **HX)
        body = response.content.decode()
        assert response.status_code == 200 and root(body)[0] == "tr"
        assertInHTML(f'<option value="{contact.pk}" selected>Contact</option>', body)

    def test_saving_returns_the_row(
        self, alice: Client, project: Project, contact: Entity, erp: System
    ) -> None:
        data = {"entity": contact.pk, "system": erp.pk, "reason": "Invoices need the buyer"}
        response = alice.post(url("item_create", project, "copy"), data, **HX)
        copy = EntityCopy.objects.get(entity=contact)
        body = response.content.decode()
        assert response.status_code == 200
        assert root(body) == ("tr", f"copy-{copy.pk}") and "item-row" in root_classes(body)
        assert "NetSuite" in body and "Invoices need the buyer" in body

    def test_a_second_copy_in_the_same_system_is_refused(
        self, alice: Client, project: Project, contact: Entity, erp: System
    ) -> None:
        EntityCopyFactory(entity=contact, system=erp)
        data = {"entity": contact.pk, "system": erp.pk, "reason": "Typed again"}
        response = alice.post(url("item_create", project, "copy"), data, **HX)
        message = COPY_TAKEN.format(entity="Contact", system="NetSuite")
        assert_field_error(response, "system", message)
        assert "Typed again" in response.content.decode()
        assert EntityCopy.objects.filter(entity=contact).count() == 1

    def test_the_home_system_is_not_a_copy(
        self, alice: Client, project: Project, contact: Entity, crm: System
    ) -> None:
        data = {"entity": contact.pk, "system": crm.pk, "reason": ""}
        response = alice.post(url("item_create", project, "copy"), data, **HX)
        message = COPY_IS_HOME.format(system="Salesforce", entity="Contact")
        assert_field_error(response, "system", message)
        assert not EntityCopy.objects.exists()

    def test_a_system_or_entity_of_another_project_is_refused(
        self, alice: Client, project: Project, contact: Entity, erp: System, foreign_system: System
    ) -> None:
        data = {"entity": contact.pk, "system": foreign_system.pk}
        response = alice.post(url("item_create", project, "copy"), data, **HX)
        assert_field_error(response, "system", CROSS_PROJECT_CHOICE)
        foreign_entity = EntityFactory(name="Their contact")
        data = {"entity": foreign_entity.pk, "system": erp.pk}
        response = alice.post(url("item_create", project, "copy"), data, **HX)
        assert_field_error(response, "entity", CROSS_PROJECT_CHOICE)
        assert not EntityCopy.objects.exists()

    def test_editing_keeps_its_own_system(
        self, alice: Client, project: Project, contact: Entity, erp: System
    ) -> None:
        copy = EntityCopyFactory(entity=contact, system=erp)
        response = alice.get(url("item_update", project, "copy", copy.pk), **HX)
        assert response.status_code == 200 and "Invoicing needs it" in response.content.decode()
        data = {"entity": contact.pk, "system": erp.pk, "reason": "Dunning", "revision": 1}
        response = alice.post(url("item_update", project, "copy", copy.pk), data, **HX)
        assert response.status_code == 200 and "Dunning" in response.content.decode()
        copy.refresh_from_db()
        assert copy.reason == "Dunning"

    def test_deleting_removes_the_row(
        self, alice: Client, project: Project, contact: Entity
    ) -> None:
        copy = EntityCopyFactory(entity=contact)
        response = alice.get(url("item_delete", project, "copy", copy.pk), **HX)
        assert "Nothing else in the blueprint refers to it." in response.content.decode()
        response = alice.post(url("item_delete", project, "copy", copy.pk), **HX)
        assert response.status_code == 200 and response.content == b""
        assert not EntityCopy.objects.exists()


# ---------------------------------------------------------------------------------------
# Attributes


def attribute_data(entity: Entity, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "entity": entity.pk,
        "name": "Lifecycle stage",
        "kind": "status",
        "source_of_truth": "",
        "description": "Lead, MQL, SQL, customer",
        "display_systems": [],
        "update_systems": [],
    }
    data.update(overrides)
    return data


class TestAttribute:
    def test_the_new_form_is_a_row_with_the_entity_chosen(
        self, alice: Client, project: Project, contact: Entity
    ) -> None:
        response = alice.get(
            url("item_create", project, "attribute") + f"?parent={contact.pk}", **HX
        )
        body = response.content.decode()
        assert response.status_code == 200 and root(body)[0] == "tr"
        assert 'colspan="6"' in body
        assertInHTML(f'<option value="{contact.pk}" selected>Contact</option>', body)

    def test_saving_returns_the_row(
        self, alice: Client, project: Project, contact: Entity, crm: System, erp: System
    ) -> None:
        data = attribute_data(
            contact, source_of_truth=crm.pk, display_systems=[erp.pk], update_systems=[crm.pk]
        )
        response = alice.post(url("item_create", project, "attribute"), data, **HX)
        attribute = Attribute.objects.get(entity=contact)
        body = response.content.decode()
        assert response.status_code == 200
        assert root(body) == ("tr", f"attribute-{attribute.pk}")
        assert "item-row" in root_classes(body)
        assert "Status or stage" in body and "NetSuite" in body
        assert "No source of truth yet" not in body
        assert list(attribute.display_systems.all()) == [erp]
        assert list(attribute.update_systems.all()) == [crm]

    def test_without_a_source_of_truth_it_is_saved_and_flagged(
        self, alice: Client, project: Project, contact: Entity
    ) -> None:
        response = alice.post(url("item_create", project, "attribute"), attribute_data(contact))
        assert response.status_code == 302
        response = alice.get(
            url("item_hx_row", project, "attribute", contact.attributes.get().pk), **HX
        )
        assert "No source of truth yet" in response.content.decode()

    def test_a_duplicate_name_in_the_entity_is_refused(
        self, alice: Client, project: Project, contact: Entity, email: Attribute
    ) -> None:
        data = attribute_data(contact, name="EMAIL ")
        response = alice.post(url("item_create", project, "attribute"), data, **HX)
        message = ATTRIBUTE_NAME_TAKEN.format(entity="Contact", name="EMAIL")
        assert_field_error(response, "name", message)
        assert 'value="EMAIL' in response.content.decode()
        assert contact.attributes.count() == 1

    def test_the_same_name_in_another_entity_is_fine(
        self, alice: Client, project: Project, company: Entity, email: Attribute
    ) -> None:
        data = attribute_data(company, name="Email")
        assert alice.post(url("item_create", project, "attribute"), data, **HX).status_code == 200
        assert company.attributes.get().name == "Email"

    def test_an_entity_or_system_of_another_project_is_refused(
        self, alice: Client, project: Project, contact: Entity, foreign_system: System
    ) -> None:
        data = attribute_data(contact, display_systems=[foreign_system.pk])
        response = alice.post(url("item_create", project, "attribute"), data, **HX)
        assert_field_error(response, "display_systems", CROSS_PROJECT_CHOICE)
        data = attribute_data(EntityFactory(name="Theirs"))
        response = alice.post(url("item_create", project, "attribute"), data, **HX)
        assert_field_error(response, "entity", CROSS_PROJECT_CHOICE)
        assert not Attribute.objects.filter(project=project).exists()

    def test_editing_saves_and_returns_the_row(
        self, alice: Client, project: Project, contact: Entity, email: Attribute, erp: System
    ) -> None:
        response = alice.get(url("item_update", project, "attribute", email.pk), **HX)
        assert response.status_code == 200 and 'value="Email"' in response.content.decode()
        data = attribute_data(
            contact, name="Email address", source_of_truth=erp.pk, revision=email.revision
        )
        response = alice.post(url("item_update", project, "attribute", email.pk), data, **HX)
        assert response.status_code == 200 and "Email address" in response.content.decode()
        email.refresh_from_db()
        assert email.name == "Email address" and email.source_of_truth == erp

    def test_an_identity_attribute_cannot_move_to_another_entity(
        self, alice: Client, project: Project, contact: Entity, company: Entity, email: Attribute
    ) -> None:
        contact.identity_attributes.add(email)
        data = attribute_data(company, name="Email", revision=email.revision)
        response = alice.post(url("item_update", project, "attribute", email.pk), data, **HX)
        assert_field_error(response, "entity", ATTRIBUTE_IN_IDENTITY.format(entity="Contact"))
        email.refresh_from_db()
        assert email.entity == contact

    def test_the_delete_confirmation_lists_field_mappings_and_identity(
        self, alice: Client, project: Project, contact: Entity, email: Attribute
    ) -> None:
        mapping = FieldMappingFactory(
            project=project, attribute=email, source_field="Email", target_field="EMAIL"
        )
        contact.identity_attributes.add(email)
        response = alice.get(url("item_delete", project, "attribute", email.pk), **HX)
        body = escape_free(response.content.decode())
        assert response.status_code == 200
        assert f"Field mappings will be left without it (to be filled in again): {mapping}" in body
        assert "Entities will no longer list it: Contact" in body
        response = alice.post(url("item_delete", project, "attribute", email.pk), **HX)
        assert response.status_code == 200 and response.content == b""
        mapping.refresh_from_db()
        assert mapping.attribute is None


# ---------------------------------------------------------------------------------------
# Relationships


def relationship_data(frm: Entity, to: Entity, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "from_entity": frm.pk,
        "description": "belongs to",
        "to_entity": to.pk,
        "maintained_in": "",
        "synced_systems": [],
        "change_behaviour": "The ERP follows the CRM within an hour",
    }
    data.update(overrides)
    return data


class TestRelationship:
    def test_the_new_form_is_a_row(self, alice: Client, project: Project) -> None:
        response = alice.get(url("item_create", project, "relationship"), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and root(body)[0] == "tr"
        assert 'colspan="5"' in body

    def test_saving_returns_a_readable_row(
        self, alice: Client, project: Project, contact: Entity, company: Entity, crm: System
    ) -> None:
        data = relationship_data(contact, company, maintained_in=crm.pk, synced_systems=[crm.pk])
        response = alice.post(url("item_create", project, "relationship"), data, **HX)
        relationship = Relationship.objects.get(project=project)
        body = response.content.decode()
        assert response.status_code == 200
        assert root(body) == ("tr", f"relationship-{relationship.pk}")
        assertInHTML("<td><strong>Contact</strong> belongs to <strong>Company</strong></td>", body)
        assert list(relationship.synced_systems.all()) == [crm]

    def test_a_missing_description_is_refused_at_the_field(
        self, alice: Client, project: Project, contact: Entity, company: Entity
    ) -> None:
        data = relationship_data(contact, company, description="")
        response = alice.post(url("item_create", project, "relationship"), data, **HX)
        assert_field_error(response, "description", "This field is required.")
        assert "The ERP follows the CRM within an hour" in response.content.decode()
        assert not Relationship.objects.exists()

    def test_an_entity_of_another_project_is_refused(
        self, alice: Client, project: Project, contact: Entity
    ) -> None:
        data = relationship_data(contact, EntityFactory(name="Theirs"))
        response = alice.post(url("item_create", project, "relationship"), data, **HX)
        assert_field_error(response, "to_entity", CROSS_PROJECT_CHOICE)
        assert not Relationship.objects.filter(project=project).exists()

    def test_editing_saves(
        self, alice: Client, project: Project, contact: Entity, company: Entity
    ) -> None:
        relationship = RelationshipFactory(project=project, from_entity=contact, to_entity=company)
        response = alice.get(url("item_update", project, "relationship", relationship.pk), **HX)
        assert response.status_code == 200 and 'value="belongs to"' in response.content.decode()
        data = relationship_data(contact, company, description="works for", revision=1)
        response = alice.post(
            url("item_update", project, "relationship", relationship.pk), data, **HX
        )
        assert response.status_code == 200 and "works for" in response.content.decode()

    def test_deleting_removes_the_row(
        self, alice: Client, project: Project, contact: Entity, company: Entity
    ) -> None:
        relationship = RelationshipFactory(project=project, from_entity=contact, to_entity=company)
        response = alice.post(url("item_delete", project, "relationship", relationship.pk), **HX)
        assert response.status_code == 200 and response.content == b""
        assert not Relationship.objects.exists()


# ---------------------------------------------------------------------------------------
# Outcomes and reason codes


def outcome_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Lost",
        "polarity": "negative",
        "entity": "",
        "recorded_in": "",
        "sync_behaviour": "Closed lost in the CRM, archived in the ERP",
    }
    data.update(overrides)
    return data


class TestOutcome:
    def test_the_new_form_is_a_card(self, alice: Client, project: Project) -> None:
        response = alice.get(url("item_create", project, "outcome"), **HX)
        body = response.content.decode()
        assert response.status_code == 200
        assert root(body)[0] == "div" and {"item-form", "card"} <= root_classes(body)

    def test_saving_returns_the_card_with_its_badge(
        self, alice: Client, project: Project, contact: Entity, crm: System
    ) -> None:
        data = outcome_data(entity=contact.pk, recorded_in=crm.pk)
        response = alice.post(url("item_create", project, "outcome"), data, **HX)
        outcome = Outcome.objects.get(project=project)
        body = response.content.decode()
        assert response.status_code == 200
        assert root(body) == ("article", f"outcome-{outcome.pk}")
        assert "item-row" in root_classes(body)
        assert "text-bg-danger" in body and "Negative" in body
        assert f'id="outcome-{outcome.pk}-reasons"' in body and "Add reason" in body

    def test_a_duplicate_name_is_refused(
        self, alice: Client, project: Project, won: Outcome
    ) -> None:
        response = alice.post(
            url("item_create", project, "outcome"), outcome_data(name="WON"), **HX
        )
        assert_field_error(response, "name", OUTCOME_NAME_TAKEN.format(name="WON"))
        assert 'value="WON"' in response.content.decode()
        assert Outcome.objects.count() == 1

    def test_a_system_of_another_project_is_refused(
        self, alice: Client, project: Project, foreign_system: System
    ) -> None:
        data = outcome_data(recorded_in=foreign_system.pk)
        response = alice.post(url("item_create", project, "outcome"), data, **HX)
        assert_field_error(response, "recorded_in", CROSS_PROJECT_CHOICE)
        assert not Outcome.objects.filter(project=project).exists()

    def test_editing_saves_and_keeps_the_reasons(
        self, alice: Client, project: Project, won: Outcome
    ) -> None:
        reason = ReasonCodeFactory(outcome=won, code="pricing")
        response = alice.get(url("item_update", project, "outcome", won.pk), **HX)
        assert response.status_code == 200 and 'value="Won"' in response.content.decode()
        data = outcome_data(name="Closed won", polarity="success", revision=won.revision)
        response = alice.post(url("item_update", project, "outcome", won.pk), data, **HX)
        body = response.content.decode()
        assert response.status_code == 200
        assert "Closed won" in body and f'id="reason-{reason.pk}"' in body

    def test_the_delete_confirmation_lists_reasons_and_automations(
        self, alice: Client, project: Project, won: Outcome
    ) -> None:
        ReasonCodeFactory(outcome=won, code="pricing")
        AutomationFactory(project=project, name="Welcome pack", trigger_outcome=won)
        response = alice.get(url("item_delete", project, "outcome", won.pk), **HX)
        body = response.content.decode()
        assert "Reason codes will be deleted with it: pricing" in body
        assert "Welcome pack" in body
        response = alice.post(url("item_delete", project, "outcome", won.pk), **HX)
        assert response.status_code == 200 and not Outcome.objects.exists()
        assert not ReasonCode.objects.exists()


class TestReason:
    def test_the_new_form_is_a_row_with_the_outcome_chosen(
        self, alice: Client, project: Project, won: Outcome
    ) -> None:
        response = alice.get(url("item_create", project, "reason") + f"?parent={won.pk}", **HX)
        body = response.content.decode()
        assert response.status_code == 200 and root(body)[0] == "tr"
        assertInHTML(f'<option value="{won.pk}" selected>Won</option>', body)

    def test_saving_returns_the_row(self, alice: Client, project: Project, won: Outcome) -> None:
        data = {"outcome": won.pk, "code": "pricing", "description": "Too expensive"}
        response = alice.post(url("item_create", project, "reason"), data, **HX)
        reason = ReasonCode.objects.get(outcome=won)
        body = response.content.decode()
        assert response.status_code == 200
        assert root(body) == ("tr", f"reason-{reason.pk}") and "item-row" in root_classes(body)
        assert "pricing" in body and "Too expensive" in body

    def test_a_duplicate_code_in_the_outcome_is_refused(
        self, alice: Client, project: Project, won: Outcome
    ) -> None:
        ReasonCodeFactory(outcome=won, code="pricing")
        data = {"outcome": won.pk, "code": "Pricing", "description": "Typed"}
        response = alice.post(url("item_create", project, "reason"), data, **HX)
        message = REASON_TAKEN.format(outcome="Won", code="Pricing")
        assert_field_error(response, "code", message)
        assert 'value="Pricing"' in response.content.decode()
        assert won.reasons.count() == 1

    def test_the_same_code_under_another_outcome_is_fine(
        self, alice: Client, project: Project, won: Outcome
    ) -> None:
        ReasonCodeFactory(outcome=won, code="pricing")
        lost = OutcomeFactory(project=project, name="Lost")
        data = {"outcome": lost.pk, "code": "pricing"}
        assert alice.post(url("item_create", project, "reason"), data, **HX).status_code == 200

    def test_an_outcome_of_another_project_is_refused(
        self, alice: Client, project: Project
    ) -> None:
        theirs = OutcomeFactory(name="Their won")
        data = {"outcome": theirs.pk, "code": "pricing"}
        response = alice.post(url("item_create", project, "reason"), data, **HX)
        assert_field_error(response, "outcome", CROSS_PROJECT_CHOICE)
        assert not ReasonCode.objects.exists()

    def test_editing_saves(self, alice: Client, project: Project, won: Outcome) -> None:
        reason = ReasonCodeFactory(outcome=won, code="pricing")
        response = alice.get(url("item_update", project, "reason", reason.pk), **HX)
        assert response.status_code == 200 and 'value="pricing"' in response.content.decode()
        data = {"outcome": won.pk, "code": "price", "revision": reason.revision}
        response = alice.post(url("item_update", project, "reason", reason.pk), data, **HX)
        assert response.status_code == 200
        reason.refresh_from_db()
        assert reason.code == "price"

    def test_deleting_removes_the_row(self, alice: Client, project: Project, won: Outcome) -> None:
        reason = ReasonCodeFactory(outcome=won)
        response = alice.post(url("item_delete", project, "reason", reason.pk), **HX)
        assert response.status_code == 200 and response.content == b""
        assert not ReasonCode.objects.exists()


# ---------------------------------------------------------------------------------------
# Access, for every kind on the page


def _entity(project: Project) -> tuple[Model, dict[str, Any]]:
    entity = EntityFactory(project=project, name="Contact")
    return entity, entity_data(name="Renamed", revision=entity.revision)


def _identity(project: Project) -> tuple[Model, dict[str, Any]]:
    entity = EntityFactory(project=project, name="Contact")
    return entity, {"duplicate_rule": "Renamed", "revision": entity.revision}


def _copy(project: Project) -> tuple[Model, dict[str, Any]]:
    copy = EntityCopyFactory(entity=EntityFactory(project=project))
    return copy, {"entity": copy.entity_id, "system": copy.system_id, "reason": "Renamed"}


def _attribute(project: Project) -> tuple[Model, dict[str, Any]]:
    attribute = AttributeFactory(entity=EntityFactory(project=project))
    return attribute, attribute_data(attribute.entity, name="Renamed")


def _relationship(project: Project) -> tuple[Model, dict[str, Any]]:
    relationship = RelationshipFactory(project=project)
    data = relationship_data(
        relationship.from_entity, relationship.to_entity, description="Renamed"
    )
    return relationship, data


def _outcome(project: Project) -> tuple[Model, dict[str, Any]]:
    return OutcomeFactory(project=project), outcome_data(name="Renamed")


def _reason(project: Project) -> tuple[Model, dict[str, Any]]:
    reason = ReasonCodeFactory(outcome=OutcomeFactory(project=project))
    return reason, {"outcome": reason.outcome_id, "code": "Renamed"}


KINDS: dict[str, Callable[[Project], tuple[Model, dict[str, Any]]]] = {
    "entity": _entity,
    "identity": _identity,
    "copy": _copy,
    "attribute": _attribute,
    "relationship": _relationship,
    "outcome": _outcome,
    "reason": _reason,
}


def _unchanged(item: Model) -> None:
    before = item.revision  # type: ignore[attr-defined]
    item.refresh_from_db()
    assert item.revision == before  # type: ignore[attr-defined]
    assert "Renamed" not in str(vars(item))


@pytest.mark.parametrize("kind", KINDS)
class TestAccessForEveryKind:
    def test_a_viewer_is_refused_every_write(
        self, vera: Client, project: Project, kind: str
    ) -> None:
        item, data = KINDS[kind](project)
        model = type(item)
        count = model._default_manager.count()
        assert vera.get(url("item_create", project, kind), **HX).status_code == 403
        assert vera.post(url("item_create", project, kind), data, **HX).status_code == 403
        assert vera.get(url("item_update", project, kind, item.pk), **HX).status_code == 403
        response = vera.post(url("item_update", project, kind, item.pk), data, **HX)
        assert response.status_code == 403
        assert vera.post(url("item_delete", project, kind, item.pk), **HX).status_code == 403
        assert model._default_manager.count() == count
        _unchanged(item)

    def test_a_viewer_can_read_the_row(self, vera: Client, project: Project, kind: str) -> None:
        item, _ = KINDS[kind](project)
        response = vera.get(url("item_hx_row", project, kind, item.pk), **HX)
        body = response.content.decode()
        assert response.status_code == 200
        assert f'id="{kind}-{item.pk}"' in body and "/items/" not in body

    def test_a_contributor_can_edit(self, bob: Client, project: Project, kind: str) -> None:
        item, data = KINDS[kind](project)
        data = {**data, "revision": item.revision}  # type: ignore[attr-defined]
        response = bob.post(url("item_update", project, kind, item.pk), data, **HX)
        assert response.status_code == 200, response.content.decode()
        assert f'id="{kind}-{item.pk}"' in response.content.decode()
