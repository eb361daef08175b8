"""The rules of the scenario, journey step and not-applicable forms."""

from __future__ import annotations

import pytest

from blueprint.forms.base import CROSS_PROJECT_CHOICE
from blueprint.forms.scenarios import (
    CATEGORY_UNKNOWN,
    NO_SYSTEMS_YET,
    REASON_REQUIRED,
    STEP_NOT_JOURNEY,
    JourneyStepForm,
    NotApplicableForm,
    ScenarioForm,
)
from blueprint.models import CATEGORY_QUESTIONS, Category, Project
from blueprint.rules import CATEGORY_ALREADY_NA
from tests.factories import (
    CategoryNotApplicableFactory,
    JourneyStepFactory,
    ScenarioFactory,
    SystemFactory,
)

pytestmark = pytest.mark.django_db


class TestScenarioForm:
    @pytest.mark.parametrize("category", list(Category))
    def test_it_asks_each_question_of_the_category_in_plain_words(
        self, project: Project, category: Category
    ) -> None:
        form = ScenarioForm(project=project, initial={"category": category.value})
        asked = {name: f.label for name, f in form.fields.items() if name.startswith("answer_")}
        expected = {f"answer_{key}": q for key, q in CATEGORY_QUESTIONS[category]}
        assert asked == expected

    def test_the_posted_category_decides_the_questions(self, project: Project) -> None:
        form = ScenarioForm({"category": "success", "title": "Won"}, project=project)
        assert "answer_follow_up" in form.fields and "answer_trigger" not in form.fields

    def test_the_answers_are_kept_trimmed_and_without_blanks(self, project: Project) -> None:
        data = {
            "category": "updates",
            "title": "Status change",
            "answer_who_updates": "  Only the ERP sets invoiced. ",
            "answer_shown_elsewhere": "   ",
            "answer_not_a_question": "ignored",
        }
        form = ScenarioForm(data, project=project)
        assert form.is_valid(), form.errors
        scenario = form.save()
        assert scenario.answers == {"who_updates": "Only the ERP sets invoiced."}
        assert scenario.project == project

    @pytest.mark.parametrize("category", ["", "gossip"])
    def test_an_unknown_category_is_an_error(self, project: Project, category: str) -> None:
        form = ScenarioForm({"category": category, "title": "Odd"}, project=project)
        assert not form.is_valid()
        assert CATEGORY_UNKNOWN in form.non_field_errors()

    def test_the_category_is_fixed_once_created(self, project: Project) -> None:
        scenario = ScenarioFactory(project=project, category=Category.SUCCESS)
        data = {"category": "creation", "title": "Won", "answer_defined": "Closed won in CRM"}
        form = ScenarioForm(data, project=project, instance=scenario)
        assert form.is_valid(), form.errors
        assert "answer_created_first" not in form.fields
        saved = form.save()
        assert saved.category == Category.SUCCESS
        assert saved.answers == {"defined": "Closed won in CRM"}

    def test_an_edit_starts_from_the_saved_answers(self, project: Project) -> None:
        scenario = ScenarioFactory(
            project=project, category=Category.JOURNEY, answers={"status_visibility": "All"}
        )
        form = ScenarioForm(project=project, instance=scenario)
        assert form.fields["answer_status_visibility"].initial == "All"

    def test_only_this_projects_systems_are_offered(self, project: Project) -> None:
        mine = SystemFactory(project=project)
        theirs = SystemFactory()
        form = ScenarioForm(project=project, initial={"category": "creation"})
        assert list(form.fields["systems"].queryset) == [mine]
        data = {"category": "creation", "title": "T", "systems": [theirs.pk]}
        forged = ScenarioForm(data, project=project)
        assert not forged.is_valid()
        assert forged.errors["systems"] == [CROSS_PROJECT_CHOICE]

    def test_it_says_when_the_project_has_no_systems(self, project: Project) -> None:
        form = ScenarioForm(project=project, initial={"category": "creation"})
        assert form.fields["systems"].help_text == NO_SYSTEMS_YET


class TestJourneyStepForm:
    def test_a_step_of_a_journey_is_valid(self, project: Project) -> None:
        journey = ScenarioFactory(project=project, category=Category.JOURNEY)
        system = SystemFactory(project=project)
        data = {
            "scenario": journey.pk,
            "system": system.pk,
            "description": "Lead arrives",
            "actor": "automation",
        }
        form = JourneyStepForm(data, project=project)
        assert form.is_valid(), form.errors

    def test_a_step_of_another_category_is_refused_where_it_shows(self, project: Project) -> None:
        story = ScenarioFactory(project=project, category=Category.CREATION, title="Web lead")
        system = SystemFactory(project=project)
        data = {"scenario": story.pk, "system": system.pk, "description": "x", "actor": "human"}
        form = JourneyStepForm(data, project=project)
        assert not form.is_valid()
        # The scenario field is hidden, so the error is repeated at the top of the form.
        assert STEP_NOT_JOURNEY.format(title="Web lead") in form.non_field_errors()

    def test_another_projects_journey_is_refused(self, project: Project) -> None:
        foreign = ScenarioFactory(category=Category.JOURNEY)
        system = SystemFactory(project=project)
        data = {"scenario": foreign.pk, "system": system.pk, "description": "x", "actor": "human"}
        form = JourneyStepForm(data, project=project)
        assert not form.is_valid()
        assert CROSS_PROJECT_CHOICE in form.non_field_errors()

    def test_a_system_is_required(self, project: Project) -> None:
        journey = ScenarioFactory(project=project, category=Category.JOURNEY)
        data = {"scenario": journey.pk, "description": "x", "actor": "human"}
        form = JourneyStepForm(data, project=project)
        assert not form.is_valid() and "system" in form.errors

    def test_a_step_stays_in_its_journey(self, project: Project) -> None:
        step = JourneyStepFactory(scenario__project=project)
        other = ScenarioFactory(project=project, category=Category.JOURNEY)
        data = {
            "scenario": other.pk,
            "system": step.system.pk,
            "description": "Moved?",
            "actor": "human",
        }
        form = JourneyStepForm(data, project=project, instance=step)
        assert form.is_valid(), form.errors
        assert form.save().scenario == step.scenario


class TestNotApplicableForm:
    @pytest.mark.parametrize("reason", ["", "  \t\n "])
    def test_a_reason_is_required(self, project: Project, reason: str) -> None:
        form = NotApplicableForm({"category": "negative", "reason": reason}, project=project)
        assert not form.is_valid()
        assert form.errors["reason"] == [REASON_REQUIRED]

    def test_the_reason_is_trimmed(self, project: Project) -> None:
        form = NotApplicableForm({"category": "negative", "reason": " No churn. "}, project=project)
        assert form.is_valid(), form.errors
        assert form.save().reason == "No churn."

    def test_the_question_names_the_category(self, project: Project) -> None:
        form = NotApplicableForm(project=project, initial={"category": "journey"})
        assert "Multi-system journeys" in form.fields["reason"].label

    @pytest.mark.parametrize("category", ["", "gossip"])
    def test_an_unknown_category_is_an_error(self, project: Project, category: str) -> None:
        form = NotApplicableForm({"category": category, "reason": "No."}, project=project)
        assert not form.is_valid()
        assert CATEGORY_UNKNOWN in form.non_field_errors()

    def test_a_category_is_marked_once_per_project(self, project: Project) -> None:
        CategoryNotApplicableFactory(project=project, category=Category.SUCCESS)
        CategoryNotApplicableFactory(category=Category.NEGATIVE)
        again = NotApplicableForm({"category": "success", "reason": "No."}, project=project)
        assert not again.is_valid()
        expected = CATEGORY_ALREADY_NA.format(category="Success and lifecycle completion")
        assert expected in again.non_field_errors()
        elsewhere = NotApplicableForm({"category": "negative", "reason": "No."}, project=project)
        assert elsewhere.is_valid(), elsewhere.errors

    def test_editing_keeps_the_category(self, project: Project) -> None:
        na = CategoryNotApplicableFactory(project=project, category=Category.NEGATIVE)
        CategoryNotApplicableFactory(project=project, category=Category.SUCCESS)
        data = {"category": "success", "reason": "Changed."}
        form = NotApplicableForm(data, project=project, instance=na)
        assert form.is_valid(), form.errors
        assert form.save().category == Category.NEGATIVE


@pytest.mark.django_db
def test_a_category_with_scenarios_cannot_be_marked_not_applicable() -> None:
    from blueprint.forms.scenarios import NotApplicableForm
    from tests.factories import ProjectFactory, ScenarioFactory

    project = ProjectFactory()
    ScenarioFactory(project=project, category="negative", title="Churned customer")
    form = NotApplicableForm(
        {"category": "negative", "reason": "We never lose customers"}, project=project
    )
    assert not form.is_valid()
    assert "Churned customer" in form.errors["reason"][0]
