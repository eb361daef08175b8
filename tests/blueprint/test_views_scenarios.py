"""The business scenarios page: scenarios, journey steps, categories that do not apply."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from blueprint.forms.base import CROSS_PROJECT_CHOICE
from blueprint.forms.scenarios import (
    CATEGORY_UNKNOWN,
    REASON_REQUIRED,
    STEP_NOT_JOURNEY,
)
from blueprint.models import (
    Category,
    CategoryNotApplicable,
    JourneyStep,
    Project,
    Scenario,
    System,
)
from blueprint.rules import CATEGORY_ALREADY_NA
from tests.conftest import HX
from tests.factories import (
    AutomationFactory,
    CategoryNotApplicableFactory,
    JourneyStepFactory,
    ScenarioFactory,
    SystemFactory,
)
from tests.html import elements, is_full_page, oob_ids, root, root_classes

pytestmark = pytest.mark.django_db

# As the page shows it (the apostrophe is escaped).
CROSS_PROJECT = escape(CROSS_PROJECT_CHOICE)


def page(project: Project) -> str:
    return reverse("blueprint:scenarios", args=[project.pk])


def url(name: str, project: Project, kind: str, *args: object) -> str:
    return reverse(f"blueprint:{name}", args=[project.pk, kind, *args])


@pytest.fixture
def crm(project: Project) -> System:
    return SystemFactory(project=project, name="Salesforce")


@pytest.fixture
def erp(project: Project) -> System:
    return SystemFactory(project=project, name="NetSuite")


@pytest.fixture
def journey(project: Project, crm: System) -> Scenario:
    scenario = ScenarioFactory(
        project=project, category=Category.JOURNEY, title="Lead to cash", answers={}
    )
    scenario.systems.add(crm)
    return scenario


def _steps(journey: Scenario, system: System, *descriptions: str) -> list[JourneyStep]:
    return [
        JourneyStepFactory(scenario=journey, system=system, description=d, position=i)
        for i, d in enumerate(descriptions, start=1)
    ]


class TestPage:
    def test_a_member_sees_the_five_categories_in_order(
        self, bob: Client, project: Project
    ) -> None:
        response = bob.get(page(project))
        body = response.content.decode()
        assert response.status_code == 200 and is_full_page(response)
        positions = [body.index(f'id="category-{c.value}"') for c in Category]
        assert positions == sorted(positions)
        for category in Category:
            assert category.label in body
        assert "Closed won, funded, delivered: who hears about it and what follows." in body
        assert "No scenarios yet." in body

    def test_a_scenario_card_shows_systems_answers_and_gaps(
        self, bob: Client, project: Project, crm: System, erp: System
    ) -> None:
        scenario = ScenarioFactory(
            project=project,
            category=Category.CREATION,
            title="Web lead",
            narrative="A visitor fills in the form.",
            answers={"created_first": "In the CRM", "trigger": ""},
        )
        scenario.systems.add(crm, erp)
        body = bob.get(page(project)).content.decode()
        assert f'id="scenario-{scenario.pk}"' in body and "Web lead" in body
        assert "A visitor fills in the form." in body
        assert ">Salesforce<" in body and ">NetSuite<" in body
        assert "Where is the record created first?" in body and "In the CRM" in body
        assert "What triggers the movement?" in body
        assert body.count("not answered yet") == 3
        assert "Creation and flow of new records" in body

    def test_journey_steps_are_listed_in_order(
        self, bob: Client, project: Project, journey: Scenario, crm: System
    ) -> None:
        JourneyStepFactory(scenario=journey, system=crm, description="Invoice is sent", position=3)
        JourneyStepFactory(scenario=journey, system=crm, description="Lead arrives", position=1)
        JourneyStepFactory(
            scenario=journey,
            system=crm,
            description="Deal is won",
            position=2,
            actor=JourneyStep.Actor.AUTOMATION,
        )
        body = bob.get(page(project)).content.decode()
        assert f'id="steps-{journey.pk}"' in body
        assert (
            body.index("Lead arrives") < body.index("Deal is won") < body.index("Invoice is sent")
        )
        assert "Automation" in body and "A person" in body
        assert f'hx-target="#steps-{journey.pk}"' in body
        add_step = url("item_create", project, "step") + f"?parent={journey.pk}"
        assert add_step in body

    def test_a_category_not_applicable_shows_its_reason_and_its_scenarios(
        self, bob: Client, project: Project
    ) -> None:
        na = CategoryNotApplicableFactory(
            project=project, category=Category.NEGATIVE, reason="Nothing is ever cancelled."
        )
        ScenarioFactory(project=project, category=Category.NEGATIVE, title="Odd refund")
        body = bob.get(page(project)).content.decode()
        assert f'id="not-applicable-{na.pk}"' in body
        assert "Marked not applicable" in body and "Nothing is ever cancelled." in body
        assert "Odd refund" in body
        assert url("item_delete", project, "not-applicable", na.pk) in body
        # The category is already marked: no second "Mark not applicable" for it.
        assert "not-applicable/new/?initial_category=negative" not in body
        assert "not-applicable/new/?initial_category=success" in body

    def test_a_member_gets_add_buttons_per_category(self, bob: Client, project: Project) -> None:
        body = bob.get(page(project)).content.decode()
        for category in Category:
            assert f"scenario/new/?initial_category={category.value}" in body
            assert f'hx-target="#scenarios-{category.value}"' in body

    def test_a_viewer_sees_everything_without_edit_controls(
        self, vera: Client, project: Project, journey: Scenario, crm: System
    ) -> None:
        _steps(journey, crm, "Lead arrives", "Deal is won")
        CategoryNotApplicableFactory(project=project, reason="Out of scope.")
        body = vera.get(page(project)).content.decode()
        assert "Lead to cash" in body and "Lead arrives" in body and "Out of scope." in body
        for control in ("Add scenario", "Mark not applicable", "Add step", ">Edit<", ">Delete<"):
            assert control not in body
        assert ">Remove<" not in body and "/move/" not in body and "/new/" not in body

    def test_it_refuses_post(self, alice: Client, project: Project) -> None:
        assert alice.post(page(project)).status_code == 405

    def test_the_query_count_does_not_grow_with_rows(self, alice: Client, project: Project) -> None:
        def fill(count: int) -> None:
            systems = SystemFactory.create_batch(3, project=project)
            for i in range(count):
                category = list(Category)[i % len(Category)]
                scenario = ScenarioFactory(project=project, category=category)
                scenario.systems.add(*systems)
                if category == Category.JOURNEY:
                    for position in (1, 2):
                        JourneyStepFactory(
                            scenario=scenario, system=systems[position], position=position
                        )
            for category in (Category.SUCCESS, Category.UPDATES):
                CategoryNotApplicable.objects.get_or_create(
                    project=project, category=category, defaults={"reason": "No."}
                )

        def count_queries() -> int:
            with CaptureQueriesContext(connection) as queries:
                # Every card whole (a small project's page, or ?all=1 on a big one).
                assert alice.get(page(project) + "?all=1").status_code == 200
            return len(queries)

        fill(5)
        small = count_queries()
        fill(195)
        assert Scenario.objects.filter(project=project).count() == 200
        assert count_queries() == small


class TestScenario:
    VALID = {
        "category": "creation",
        "title": "Web lead",
        "narrative": "A visitor fills in the form.",
        "answer_created_first": "  In the CRM ",
        "answer_trigger": "Form submitted",
    }

    def test_the_new_form_asks_the_categorys_questions(
        self, alice: Client, project: Project, crm: System
    ) -> None:
        response = alice.get(
            url("item_create", project, "scenario") + "?initial_category=negative", **HX
        )
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body)[0] == "div" and "item-form" in root_classes(body)
        assert elements(body, "input", type="hidden", name="category", value="negative")
        assert "What must stop immediately?" in body and 'name="answer_must_stop"' in body
        assert "Where is the record created first?" not in body
        assert 'type="checkbox"' in body and "Salesforce" in body

    def test_saving_returns_the_new_card(
        self, alice: Client, project: Project, crm: System
    ) -> None:
        data = {**self.VALID, "systems": [crm.pk]}
        response = alice.post(url("item_create", project, "scenario"), data, **HX)
        scenario = Scenario.objects.get(project=project)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body) == ("article", f"scenario-{scenario.pk}")
        assert "Web lead" in body and "In the CRM" in body and "not answered yet" in body
        assert "blueprint-changed" in response["HX-Trigger-After-Settle"]
        assert scenario.category == Category.CREATION
        assert scenario.answers == {"created_first": "In the CRM", "trigger": "Form submitted"}
        assert list(scenario.systems.all()) == [crm]

    def test_without_htmx_saving_redirects_to_the_card(
        self, alice: Client, project: Project
    ) -> None:
        response = alice.post(url("item_create", project, "scenario"), self.VALID)
        scenario = Scenario.objects.get(project=project)
        assert response.status_code == 302
        assert response["Location"] == f"{page(project)}#scenario-{scenario.pk}"

    def test_a_missing_title_is_refused_at_the_field(self, alice: Client, project: Project) -> None:
        data = {**self.VALID, "title": ""}
        response = alice.post(url("item_create", project, "scenario"), data, **HX)
        body = response.content.decode()
        assert response.status_code == 422
        assert 'id="id_title_error"' in body and "This field is required." in body
        assert "A visitor fills in the form." in body and "Form submitted" in body
        assert not Scenario.objects.exists()

    def test_an_unknown_category_is_refused(self, alice: Client, project: Project) -> None:
        data = {**self.VALID, "category": "gossip"}
        response = alice.post(url("item_create", project, "scenario"), data, **HX)
        assert response.status_code == 422
        assert CATEGORY_UNKNOWN in response.content.decode()
        assert not Scenario.objects.exists()

    def test_another_projects_system_is_refused(
        self, alice: Client, project: Project, crm: System
    ) -> None:
        foreign = SystemFactory(name="Foreign CRM")
        data = {**self.VALID, "systems": [crm.pk, foreign.pk]}
        response = alice.post(url("item_create", project, "scenario"), data, **HX)
        body = response.content.decode()
        assert response.status_code == 422
        assert CROSS_PROJECT in body and 'value="Web lead"' in body
        assert not Scenario.objects.exists()

    def test_a_viewer_is_refused(self, vera: Client, project: Project) -> None:
        assert vera.get(url("item_create", project, "scenario"), **HX).status_code == 403
        assert (
            vera.post(url("item_create", project, "scenario"), self.VALID, **HX).status_code == 403
        )
        assert not Scenario.objects.exists()

    def test_the_edit_form_shows_the_answers(
        self, alice: Client, project: Project, journey: Scenario
    ) -> None:
        journey.answers = {"status_visibility": "CRM and ERP"}
        journey.save()
        response = alice.get(url("item_update", project, "scenario", journey.pk), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert 'value="Lead to cash"' in body and "CRM and ERP" in body
        assert "Which systems must see the record&#x27;s current status?" in body

    def test_saving_an_edit_keeps_the_category(
        self, alice: Client, project: Project, journey: Scenario, crm: System, erp: System
    ) -> None:
        data = {
            "category": "success",
            "title": "Lead to invoice",
            "narrative": "",
            "systems": [crm.pk, erp.pk],
            "answer_status_visibility": "Everyone",
            "revision": journey.revision,
        }
        response = alice.post(url("item_update", project, "scenario", journey.pk), data, **HX)
        assert response.status_code == 200 and "Lead to invoice" in response.content.decode()
        journey.refresh_from_db()
        assert journey.title == "Lead to invoice" and journey.category == Category.JOURNEY
        assert journey.answers == {"status_visibility": "Everyone"}
        assert journey.systems.count() == 2 and journey.revision == 2

    def test_a_second_save_of_an_old_version_is_a_conflict(
        self, alice: Client, bob: Client, project: Project, journey: Scenario
    ) -> None:
        edit = url("item_update", project, "scenario", journey.pk)
        opened = {"title": "Lead to cash", "revision": journey.revision}
        first = {**opened, "answer_status_visibility": "Alice's answer"}
        assert alice.post(edit, first, **HX).status_code == 200
        second = {**opened, "answer_status_visibility": "Bob's answer"}
        response = bob.post(edit, second, **HX)
        body = response.content.decode()
        assert response.status_code == 409 and "Someone else saved this item" in body
        assert "Bob&#x27;s answer" in body
        journey.refresh_from_db()
        assert journey.answers == {"status_visibility": "Alice's answer"}

    def test_an_edit_with_another_projects_system_is_refused(
        self, alice: Client, project: Project, journey: Scenario, crm: System
    ) -> None:
        foreign = SystemFactory(name="Foreign CRM")
        data = {"title": "Changed", "systems": [foreign.pk], "revision": journey.revision}
        response = alice.post(url("item_update", project, "scenario", journey.pk), data, **HX)
        assert response.status_code == 422 and CROSS_PROJECT in response.content.decode()
        journey.refresh_from_db()
        assert journey.title == "Lead to cash" and list(journey.systems.all()) == [crm]

    def test_a_viewer_cannot_edit(self, vera: Client, project: Project, journey: Scenario) -> None:
        edit = url("item_update", project, "scenario", journey.pk)
        assert vera.get(edit, **HX).status_code == 403
        assert vera.post(edit, {"title": "Changed"}, **HX).status_code == 403
        journey.refresh_from_db()
        assert journey.title == "Lead to cash"

    def test_another_projects_scenario_is_404(self, alice: Client, project: Project) -> None:
        foreign = ScenarioFactory(title="Foreign")
        edit = url("item_update", project, "scenario", foreign.pk)
        assert alice.post(edit, {**self.VALID, "title": "Mine"}, **HX).status_code == 404
        foreign.refresh_from_db()
        assert foreign.title == "Foreign"

    def test_cancel_returns_the_card(
        self, alice: Client, project: Project, journey: Scenario
    ) -> None:
        response = alice.get(url("item_hx_row", project, "scenario", journey.pk), **HX)
        assert response.status_code == 200
        assert root(response.content.decode()) == ("article", f"scenario-{journey.pk}")

    def test_a_card_needs_no_query_per_step(
        self, alice: Client, project: Project, journey: Scenario, crm: System, erp: System
    ) -> None:
        row = url("item_hx_row", project, "scenario", journey.pk)
        _steps(journey, crm, "One", "Two")
        with CaptureQueriesContext(connection) as few:
            alice.get(row, **HX)
        _steps(journey, erp, *[f"Step {i}" for i in range(20)])
        journey.systems.add(erp)
        with CaptureQueriesContext(connection) as many:
            assert "Step 19" in alice.get(row, **HX).content.decode()
        assert len(few) == len(many)

    def test_the_delete_confirmation_lists_steps_and_automations(
        self, alice: Client, project: Project, journey: Scenario, crm: System
    ) -> None:
        _steps(journey, crm, "Lead arrives")
        AutomationFactory(project=project, name="Welcome mail", trigger_scenario=journey)
        response = alice.get(url("item_delete", project, "scenario", journey.pk), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert "Delete scenario “Lead to cash”?" in body
        assert "Journey steps will be deleted with it: 1. Lead arrives" in body
        assert "Welcome mail" in body

    def test_deleting_removes_the_card_and_its_steps(
        self, alice: Client, project: Project, journey: Scenario, crm: System
    ) -> None:
        _steps(journey, crm, "Lead arrives")
        response = alice.post(url("item_delete", project, "scenario", journey.pk), **HX)
        assert response.status_code == 200 and response.content == b""
        assert not Scenario.objects.filter(pk=journey.pk).exists()
        assert not JourneyStep.objects.exists()

    def test_a_viewer_and_an_outsider_cannot_delete(
        self, vera: Client, charlie: Client, project: Project, journey: Scenario
    ) -> None:
        delete = url("item_delete", project, "scenario", journey.pk)
        assert vera.post(delete, **HX).status_code == 403
        assert charlie.post(delete, **HX).status_code == 404
        assert Scenario.objects.filter(pk=journey.pk).exists()


class TestStep:
    @pytest.fixture
    def valid(self, journey: Scenario, crm: System) -> dict[str, object]:
        return {
            "scenario": journey.pk,
            "system": crm.pk,
            "description": "Sales rep qualifies the lead",
            "actor": "human",
        }

    def test_the_new_form_belongs_to_its_journey(
        self, alice: Client, project: Project, journey: Scenario
    ) -> None:
        response = alice.get(url("item_create", project, "step") + f"?parent={journey.pk}", **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert elements(body, "input", type="hidden", name="scenario", value=str(journey.pk))
        assert "What happens" in body and "Who acts" in body and "Salesforce" in body

    def test_saving_appends_the_step(
        self,
        alice: Client,
        project: Project,
        journey: Scenario,
        crm: System,
        valid: dict[str, object],
    ) -> None:
        _steps(journey, crm, "Lead arrives")
        response = alice.post(url("item_create", project, "step"), valid, **HX)
        step = JourneyStep.objects.get(description="Sales rep qualifies the lead")
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body) == ("li", f"step-{step.pk}")
        assert "Salesforce" in body and "A person" in body
        assert step.position == 2 and step.project == project and step.scenario == journey

    def test_a_step_of_a_non_journey_scenario_is_refused(
        self, alice: Client, project: Project, valid: dict[str, object]
    ) -> None:
        story = ScenarioFactory(project=project, category=Category.CREATION, title="Web lead")
        response = alice.post(
            url("item_create", project, "step"), {**valid, "scenario": story.pk}, **HX
        )
        assert response.status_code == 422
        assert STEP_NOT_JOURNEY.format(title="Web lead") in response.content.decode()
        assert not JourneyStep.objects.exists()

    def test_a_missing_description_is_refused_at_the_field(
        self, alice: Client, project: Project, valid: dict[str, object]
    ) -> None:
        data = {**valid, "description": "", "actor": "automation"}
        response = alice.post(url("item_create", project, "step"), data, **HX)
        body = response.content.decode()
        assert response.status_code == 422
        assert 'id="id_description_error"' in body
        assert elements(body, "input", name="actor", value="automation", checked=None)
        assert not JourneyStep.objects.exists()

    def test_another_projects_system_is_refused(
        self, alice: Client, project: Project, valid: dict[str, object]
    ) -> None:
        foreign = SystemFactory(name="Foreign CRM")
        response = alice.post(
            url("item_create", project, "step"), {**valid, "system": foreign.pk}, **HX
        )
        body = response.content.decode()
        assert response.status_code == 422
        assert 'id="id_system_error"' in body and CROSS_PROJECT in body
        assert 'value="Sales rep qualifies the lead"' in body
        assert not JourneyStep.objects.exists()

    def test_another_projects_journey_is_refused(
        self, alice: Client, project: Project, valid: dict[str, object]
    ) -> None:
        foreign = ScenarioFactory(category=Category.JOURNEY)
        response = alice.post(
            url("item_create", project, "step"), {**valid, "scenario": foreign.pk}, **HX
        )
        assert response.status_code == 422 and CROSS_PROJECT in response.content.decode()
        assert not JourneyStep.objects.exists()

    def test_a_viewer_is_refused(
        self, vera: Client, project: Project, valid: dict[str, object]
    ) -> None:
        assert vera.post(url("item_create", project, "step"), valid, **HX).status_code == 403
        assert not JourneyStep.objects.exists()

    def test_editing_a_step_keeps_its_journey(
        self,
        alice: Client,
        project: Project,
        journey: Scenario,
        crm: System,
        erp: System,
        valid: dict[str, object],
    ) -> None:
        (step,) = _steps(journey, crm, "Lead arrives")
        other = ScenarioFactory(project=project, category=Category.JOURNEY)
        edit = url("item_update", project, "step", step.pk)
        form = alice.get(edit, **HX).content.decode()
        assert 'value="Lead arrives"' in form and 'name="revision"' in form
        data = {
            **valid,
            "scenario": other.pk,
            "system": erp.pk,
            "actor": "automation",
            "revision": step.revision,
        }
        response = alice.post(edit, data, **HX)
        assert response.status_code == 200
        assert root(response.content.decode()) == ("li", f"step-{step.pk}")
        step.refresh_from_db()
        assert step.scenario == journey and step.system == erp
        assert step.actor == JourneyStep.Actor.AUTOMATION

    def test_an_edit_with_another_projects_system_is_refused(
        self, alice: Client, project: Project, journey: Scenario, crm: System
    ) -> None:
        (step,) = _steps(journey, crm, "Lead arrives")
        foreign = SystemFactory(name="Foreign CRM")
        data = {"system": foreign.pk, "description": "x", "actor": "human"}
        response = alice.post(url("item_update", project, "step", step.pk), data, **HX)
        assert response.status_code == 422 and CROSS_PROJECT in response.content.decode()
        step.refresh_from_db()
        assert step.system == crm and step.description == "Lead arrives"

    def test_a_viewer_cannot_edit_or_delete(
        self, vera: Client, charlie: Client, project: Project, journey: Scenario, crm: System
    ) -> None:
        (step,) = _steps(journey, crm, "Lead arrives")
        data = {"system": crm.pk, "description": "x", "actor": "human"}
        assert (
            vera.post(url("item_update", project, "step", step.pk), data, **HX).status_code == 403
        )
        assert vera.post(url("item_delete", project, "step", step.pk), **HX).status_code == 403
        assert charlie.post(url("item_delete", project, "step", step.pk), **HX).status_code == 404
        step.refresh_from_db()
        assert step.description == "Lead arrives"

    def test_deleting_a_step(
        self, alice: Client, project: Project, journey: Scenario, crm: System
    ) -> None:
        (step,) = _steps(journey, crm, "Lead arrives")
        confirm = alice.get(url("item_delete", project, "step", step.pk), **HX).content.decode()
        assert "Nothing else in the blueprint refers to it." in confirm
        response = alice.post(url("item_delete", project, "step", step.pk), **HX)
        assert response.status_code == 200 and response.content == b""
        assert not JourneyStep.objects.exists()


class TestMoveStep:
    def _order(self, journey: Scenario) -> list[str]:
        return list(journey.steps.order_by("position").values_list("description", flat=True))

    def test_moving_up_answers_with_the_reordered_list(
        self, alice: Client, project: Project, journey: Scenario, crm: System
    ) -> None:
        first, second, third = _steps(journey, crm, "Lead arrives", "Deal is won", "Invoice")
        response = alice.post(url("item_hx_move", project, "step", third.pk, "up"), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body) == ("div", f"steps-{journey.pk}")
        assert body.index("Lead arrives") < body.index("Invoice") < body.index("Deal is won")
        assert "blueprint-changed" in response["HX-Trigger-After-Settle"]
        assert self._order(journey) == ["Lead arrives", "Invoice", "Deal is won"]

    def test_moving_down(
        self, alice: Client, project: Project, journey: Scenario, crm: System
    ) -> None:
        first, _, _ = _steps(journey, crm, "Lead arrives", "Deal is won", "Invoice")
        alice.post(url("item_hx_move", project, "step", first.pk, "down"), **HX)
        assert self._order(journey) == ["Deal is won", "Lead arrives", "Invoice"]

    def test_the_first_step_cannot_go_further_up(
        self, alice: Client, project: Project, journey: Scenario, crm: System
    ) -> None:
        first, _ = _steps(journey, crm, "Lead arrives", "Deal is won")
        response = alice.post(url("item_hx_move", project, "step", first.pk, "up"), **HX)
        assert response.status_code == 200
        assert self._order(journey) == ["Lead arrives", "Deal is won"]

    def test_without_htmx_moving_redirects_to_the_step(
        self, alice: Client, project: Project, journey: Scenario, crm: System
    ) -> None:
        _, second = _steps(journey, crm, "Lead arrives", "Deal is won")
        response = alice.post(url("item_hx_move", project, "step", second.pk, "up"))
        assert response.status_code == 302
        assert response["Location"] == f"{page(project)}#step-{second.pk}"
        assert self._order(journey) == ["Deal is won", "Lead arrives"]

    def test_a_viewer_and_an_outsider_cannot_move(
        self, vera: Client, charlie: Client, project: Project, journey: Scenario, crm: System
    ) -> None:
        _, second = _steps(journey, crm, "Lead arrives", "Deal is won")
        move = url("item_hx_move", project, "step", second.pk, "up")
        assert vera.post(move, **HX).status_code == 403
        assert charlie.post(move, **HX).status_code == 404
        assert self._order(journey) == ["Lead arrives", "Deal is won"]

    def test_moving_needs_post(
        self, alice: Client, project: Project, journey: Scenario, crm: System
    ) -> None:
        (step,) = _steps(journey, crm, "Lead arrives")
        assert alice.get(url("item_hx_move", project, "step", step.pk, "up")).status_code == 405


class TestNotApplicable:
    def test_the_form_asks_why(self, alice: Client, project: Project) -> None:
        response = alice.get(
            url("item_create", project, "not-applicable") + "?initial_category=success", **HX
        )
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert elements(body, "input", type="hidden", name="category", value="success")
        assert "Why does “Success and lifecycle completion” not apply to this project?" in body

    def test_marking_a_category_returns_the_reason(self, alice: Client, project: Project) -> None:
        data = {"category": "success", "reason": " We never close anything. "}
        response = alice.post(url("item_create", project, "not-applicable"), data, **HX)
        na = CategoryNotApplicable.objects.get(project=project)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body) == ("div", f"not-applicable-{na.pk}")
        assert "We never close anything." in body
        # The category's "Mark not applicable" button is swapped out of band.
        assert "na-action-success" in oob_ids(body)
        assert na.category == Category.SUCCESS and na.reason == "We never close anything."

    @pytest.mark.parametrize("reason", ["", "   \n "])
    def test_a_reason_is_required(self, alice: Client, project: Project, reason: str) -> None:
        data = {"category": "success", "reason": reason}
        response = alice.post(url("item_create", project, "not-applicable"), data, **HX)
        body = response.content.decode()
        assert response.status_code == 422
        assert 'id="id_reason_error"' in body and "silence is not the same" in body
        assert REASON_REQUIRED.startswith("Say why")
        assert not CategoryNotApplicable.objects.exists()

    def test_a_category_is_marked_only_once(self, alice: Client, project: Project) -> None:
        CategoryNotApplicableFactory(project=project, category=Category.SUCCESS)
        data = {"category": "success", "reason": "Still no."}
        response = alice.post(url("item_create", project, "not-applicable"), data, **HX)
        body = response.content.decode()
        expected = CATEGORY_ALREADY_NA.format(category="Success and lifecycle completion")
        assert response.status_code == 422 and expected in body and "Still no." in body
        assert CategoryNotApplicable.objects.count() == 1

    def test_an_unknown_category_is_refused(self, alice: Client, project: Project) -> None:
        data = {"category": "gossip", "reason": "No."}
        response = alice.post(url("item_create", project, "not-applicable"), data, **HX)
        assert response.status_code == 422 and CATEGORY_UNKNOWN in response.content.decode()
        assert not CategoryNotApplicable.objects.exists()

    def test_a_viewer_is_refused(self, vera: Client, project: Project) -> None:
        data = {"category": "success", "reason": "No."}
        assert (
            vera.post(url("item_create", project, "not-applicable"), data, **HX).status_code == 403
        )
        assert not CategoryNotApplicable.objects.exists()

    def test_editing_the_reason_keeps_the_category(self, alice: Client, project: Project) -> None:
        na = CategoryNotApplicableFactory(project=project, category=Category.NEGATIVE)
        edit = url("item_update", project, "not-applicable", na.pk)
        form = alice.get(edit, **HX).content.decode()
        assert "We have no negative events in scope." in form
        data = {"category": "success", "reason": "Churn is handled offline.", "revision": 1}
        response = alice.post(edit, data, **HX)
        assert response.status_code == 200
        assert "Churn is handled offline." in response.content.decode()
        na.refresh_from_db()
        assert na.category == Category.NEGATIVE and na.reason == "Churn is handled offline."

    def test_emptying_the_reason_is_refused(self, alice: Client, project: Project) -> None:
        na = CategoryNotApplicableFactory(project=project)
        edit = url("item_update", project, "not-applicable", na.pk)
        response = alice.post(edit, {"reason": " ", "revision": na.revision}, **HX)
        assert response.status_code == 422
        na.refresh_from_db()
        assert na.reason == "We have no negative events in scope."

    def test_another_projects_mark_is_404(self, alice: Client, project: Project) -> None:
        foreign = CategoryNotApplicableFactory(reason="Theirs.")
        edit = url("item_update", project, "not-applicable", foreign.pk)
        assert alice.post(edit, {"reason": "Mine."}, **HX).status_code == 404
        foreign.refresh_from_db()
        assert foreign.reason == "Theirs."

    def test_a_viewer_cannot_edit(self, vera: Client, project: Project) -> None:
        na = CategoryNotApplicableFactory(project=project)
        edit = url("item_update", project, "not-applicable", na.pk)
        assert vera.post(edit, {"reason": "Changed."}, **HX).status_code == 403
        na.refresh_from_db()
        assert na.reason == "We have no negative events in scope."

    def test_removing_the_mark(self, alice: Client, project: Project) -> None:
        na = CategoryNotApplicableFactory(project=project)
        ScenarioFactory(project=project, category=na.category)
        delete = url("item_delete", project, "not-applicable", na.pk)
        confirm = alice.get(delete, **HX).content.decode()
        assert "Nothing else in the blueprint refers to it." in confirm
        response = alice.post(delete, **HX)
        assert response.status_code == 200 and response.content == b""
        assert not CategoryNotApplicable.objects.exists()
        assert Scenario.objects.filter(project=project).count() == 1

    def test_a_viewer_and_an_outsider_cannot_remove(
        self, vera: Client, charlie: Client, project: Project
    ) -> None:
        na = CategoryNotApplicableFactory(project=project)
        delete = url("item_delete", project, "not-applicable", na.pk)
        assert vera.post(delete, **HX).status_code == 403
        assert charlie.post(delete, **HX).status_code == 404
        assert CategoryNotApplicable.objects.filter(pk=na.pk).exists()


class TestManyScenarios:
    def _fill(self, project: Project, count: int) -> None:
        from tests.factories import JourneyStepFactory, ScenarioFactory

        for n in range(count):
            scenario = ScenarioFactory(project=project, category="journey", title=f"Journey {n}")
            JourneyStepFactory(scenario=scenario, position=1)

    def _get(self, client: Client, project: Project, query: str = "") -> tuple[int, str]:
        url = reverse("blueprint:scenarios", args=[project.pk]) + query
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    def test_many_show_as_summaries_that_cost_the_same_at_any_size(
        self, facilitator, alice: Client, project: Project
    ) -> None:
        from blueprint.models import Role
        from blueprint.views.scenarios import WHOLE_CARDS_UP_TO
        from blueprint.views.tails import SHOWN_FIRST
        from tests.factories import MembershipFactory, ProjectFactory

        self._fill(project, 3)
        _, few = self._get(alice, project)
        assert "scenario-summary" not in few and few.count('class="step-description"') == 3
        middle, big = ProjectFactory(name="Middle"), ProjectFactory(name="Big")
        for other in (middle, big):
            MembershipFactory(project=other, user=facilitator, role=Role.FACILITATOR)
        self._fill(middle, WHOLE_CARDS_UP_TO + 5)
        self._fill(big, 120)
        middle_count, _ = self._get(alice, middle)
        big_count, body = self._get(alice, big)
        assert middle_count == big_count
        # The first of the category as summaries; the rest as one placeholder that knows
        # every scenario and step inside it, and loads them whole when scrolled to.
        summaries = elements(body, "article", class_="scenario-summary")
        assert len(summaries) == SHOWN_FIRST and 'class="step-description"' not in body
        (tail,) = elements(body, id="tail-category-journey")
        assert tail["hx-get"] == reverse("blueprint:scenarios", args=[big.pk]) + (
            "?rest=category-journey"
        )
        hidden = tail["data-anchors"].split()
        assert len([a for a in hidden if a.startswith("scenario-")]) == 120 - SHOWN_FIRST
        assert len([a for a in hidden if a.startswith("step-")]) == 120 - SHOWN_FIRST
        rest = alice.get(tail["hx-get"], **HX).content.decode()
        assert len(elements(rest, "article", class_="scenario-summary")) == 120
        assert alice.get(tail["hx-get"].replace("journey", "nonsense")).status_code == 200
        step = JourneyStep.objects.filter(project=big).order_by("scenario__title", "pk").first()
        [holder] = [s for s in summaries if f"step-{step.pk}" in s["data-anchors"].split()]
        assert holder["id"] == f"scenario-{step.scenario_id}"
        assert holder["hx-get"] == reverse(
            "blueprint:item_hx_row", args=[big.pk, "scenario", step.scenario_id]
        )
        # A card loads whole; ?all=1 shows every card, as for printing.
        card = alice.get(holder["hx-get"], **HX).content.decode()
        assert f'id="step-{step.pk}"' in card and "scenario-summary" not in card
        _, whole = self._get(alice, big, "?all=1")
        assert whole.count('class="step-description"') == 120
