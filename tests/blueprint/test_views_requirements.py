"""Artifact 4 page: reports with their dimensions, and automations, edited inline."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from blueprint.forms.base import CROSS_PROJECT_CHOICE
from blueprint.forms.requirements import (
    DIMENSION_REPORT_UNKNOWN,
    SENDING_SYSTEM_REQUIRED,
    TRIGGER_REQUIRED,
)
from blueprint.models import Automation, Project, Report, ReportDimension
from blueprint.rules import DIMENSION_NAME_TAKEN
from tests.conftest import HX
from tests.factories import (
    AttributeFactory,
    AutomationFactory,
    OutcomeFactory,
    ReportDimensionFactory,
    ReportFactory,
    ScenarioFactory,
    SystemFactory,
)
from tests.html import assert_error_at, elements, is_full_page, root, root_classes
from tests.queries import get_counting

pytestmark = pytest.mark.django_db


def url(name: str, project: Project, kind: str, *args: object) -> str:
    return reverse(f"blueprint:{name}", args=[project.pk, kind, *args])


def page(project: Project) -> str:
    return reverse("blueprint:requirements", args=[project.pk])


REPORT = {
    "name": "Pipeline by source",
    "question": "Which sources bring deals that close?",
    "measures": "volume,  revenue , win rate,",
    "time_windows": ["year_to_date", "this_quarter"],
    "custom_window": "Fiscal year from April",
    "audience": "Sales leadership",
}


class TestReports:
    def test_the_new_form_offers_time_windows(self, alice: Client, project: Project) -> None:
        response = alice.get(url("item_create", project, "report"), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body)[0] == "div" and {"item-form", "card"} <= root_classes(body)
        assert 'type="checkbox"' in body and 'value="trailing_year"' in body
        assert "Trailing twelve months" in body

    def test_saving_returns_the_card(self, alice: Client, project: Project) -> None:
        response = alice.post(url("item_create", project, "report"), REPORT, **HX)
        report = Report.objects.get(project=project)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body) == ("article", f"report-{report.pk}")
        assert "Which sources bring deals that close?" in body
        assert "This quarter" in body and "Fiscal year from April" in body
        assert report.time_windows == ["this_quarter", "year_to_date"]
        assert report.measures == "volume, revenue, win rate"
        assert "blueprint-changed" in response["HX-Trigger-After-Settle"]

    def test_the_edit_form_and_save(self, alice: Client, project: Project) -> None:
        report = ReportFactory(project=project, name="Revenue", time_windows=["this_month"])
        response = alice.get(url("item_update", project, "report", report.pk), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and 'value="Revenue"' in body
        assert re.search(r'value="this_month"[^>]*checked', body)
        data = {**REPORT, "time_windows": ["weekly"], "revision": report.revision}
        response = alice.post(url("item_update", project, "report", report.pk), data, **HX)
        assert response.status_code == 200 and "Week by week" in response.content.decode()
        report.refresh_from_db()
        assert report.time_windows == ["weekly"] and report.name == "Pipeline by source"

    def test_a_name_is_required(self, alice: Client, project: Project) -> None:
        data = {**REPORT, "name": ""}
        response = alice.post(url("item_create", project, "report"), data, **HX)
        body = response.content.decode()
        assert response.status_code == 422
        assert_error_at(body, "name", "This field is required.")
        assert "Which sources bring deals that close?" in body
        assert not Report.objects.exists()

    def test_an_unknown_time_window_is_refused(self, alice: Client, project: Project) -> None:
        data = {**REPORT, "time_windows": ["forever"]}
        response = alice.post(url("item_create", project, "report"), data, **HX)
        assert response.status_code == 422
        assert "forever is not one of the available choices" in response.content.decode()
        assert not Report.objects.exists()

    def test_another_projects_report_is_404(self, alice: Client, project: Project) -> None:
        foreign = ReportFactory(name="Theirs")
        data = {**REPORT, "revision": foreign.revision}
        response = alice.post(url("item_update", project, "report", foreign.pk), data, **HX)
        assert response.status_code == 404
        foreign.refresh_from_db()
        assert foreign.name == "Theirs"

    def test_a_viewer_is_refused(self, vera: Client, project: Project) -> None:
        assert vera.get(url("item_create", project, "report"), **HX).status_code == 403
        assert vera.post(url("item_create", project, "report"), REPORT, **HX).status_code == 403
        assert not Report.objects.exists()

    def test_delete_lists_the_dimensions(self, alice: Client, project: Project) -> None:
        report = ReportFactory(project=project, name="Pipeline")
        ReportDimensionFactory(report=report, name="Region")
        response = alice.get(url("item_delete", project, "report", report.pk), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert "Delete report “Pipeline”?" in body
        assert "Report dimensions will be deleted with it: Region" in body
        response = alice.post(url("item_delete", project, "report", report.pk), **HX)
        assert response.status_code == 200 and response.content == b""
        assert not Report.objects.exists() and not ReportDimension.objects.exists()


class TestDimensions:
    @pytest.fixture
    def report(self, project: Project) -> Report:
        return ReportFactory(project=project, name="Pipeline")

    def test_the_new_form_belongs_to_the_report(
        self, alice: Client, project: Project, report: Report
    ) -> None:
        response = alice.get(
            url("item_create", project, "dimension") + f"?parent={report.pk}", **HX
        )
        body = response.content.decode()
        assert response.status_code == 200 and root(body)[0] == "tr"
        assert elements(body, "input", type="hidden", name="report", value=str(report.pk))
        assert "No attribute provides it yet" in body

    def test_saving_returns_the_row(self, alice: Client, project: Project, report: Report) -> None:
        attribute = AttributeFactory(project=project, entity__project=project, name="Region")
        data = {"report": report.pk, "name": "Region", "attribute": attribute.pk}
        response = alice.post(url("item_create", project, "dimension"), data, **HX)
        dimension = ReportDimension.objects.get(report=report)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body) == ("tr", f"dimension-{dimension.pk}")
        assert f"from {attribute.entity.name} · Region" in body

    def test_a_dimension_no_attribute_provides_is_flagged(
        self, alice: Client, project: Project, report: Report
    ) -> None:
        data = {"report": report.pk, "name": "Campaign"}
        response = alice.post(url("item_create", project, "dimension"), data, **HX)
        assert response.status_code == 200
        assert "no attribute provides it" in response.content.decode()

    def test_the_edit_form_and_save(self, alice: Client, project: Project, report: Report) -> None:
        dimension = ReportDimensionFactory(report=report, name="Source")
        response = alice.get(url("item_update", project, "dimension", dimension.pk), **HX)
        assert response.status_code == 200 and 'value="Source"' in response.content.decode()
        data = {"report": report.pk, "name": "Lead source", "revision": dimension.revision}
        response = alice.post(url("item_update", project, "dimension", dimension.pk), data, **HX)
        assert response.status_code == 200 and "Lead source" in response.content.decode()
        dimension.refresh_from_db()
        assert dimension.name == "Lead source"

    def test_a_duplicate_name_in_a_report_is_refused(
        self, alice: Client, project: Project, report: Report
    ) -> None:
        ReportDimensionFactory(report=report, name="Region")
        data = {"report": report.pk, "name": "region"}
        response = alice.post(url("item_create", project, "dimension"), data, **HX)
        body = response.content.decode()
        assert response.status_code == 422
        assert_error_at(body, "name", DIMENSION_NAME_TAKEN.format(name="region"))
        assert 'value="region"' in body
        assert ReportDimension.objects.count() == 1

    def test_the_same_name_in_another_report_is_fine(
        self, alice: Client, project: Project, report: Report
    ) -> None:
        ReportDimensionFactory(report__project=project, name="Region")
        data = {"report": report.pk, "name": "Region"}
        assert alice.post(url("item_create", project, "dimension"), data, **HX).status_code == 200

    def test_another_projects_attribute_is_refused(
        self, alice: Client, project: Project, report: Report
    ) -> None:
        foreign = AttributeFactory()
        data = {"report": report.pk, "name": "Region", "attribute": foreign.pk}
        response = alice.post(url("item_create", project, "dimension"), data, **HX)
        assert response.status_code == 422
        assert_error_at(response.content.decode(), "attribute", CROSS_PROJECT_CHOICE)
        assert not ReportDimension.objects.exists()

    def test_another_projects_report_is_refused(self, alice: Client, project: Project) -> None:
        foreign = ReportFactory(name="Theirs")
        data = {"report": foreign.pk, "name": "Region"}
        response = alice.post(url("item_create", project, "dimension"), data, **HX)
        assert response.status_code == 422
        assert escape(DIMENSION_REPORT_UNKNOWN) in response.content.decode()
        assert not ReportDimension.objects.exists()

    def test_a_viewer_is_refused(self, vera: Client, project: Project, report: Report) -> None:
        data = {"report": report.pk, "name": "Region"}
        assert vera.post(url("item_create", project, "dimension"), data, **HX).status_code == 403
        assert not ReportDimension.objects.exists()

    def test_delete(self, alice: Client, project: Project, report: Report) -> None:
        dimension = ReportDimensionFactory(report=report, name="Region")
        response = alice.get(url("item_delete", project, "dimension", dimension.pk), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and "Delete report dimension “Region”?" in body
        response = alice.post(url("item_delete", project, "dimension", dimension.pk), **HX)
        assert response.status_code == 200 and response.content == b""
        assert not ReportDimension.objects.exists()


class TestAutomations:
    def _valid(self, project: Project) -> dict[str, object]:
        return {
            "name": "Welcome email",
            "trigger_type": "outcome",
            "trigger_outcome": OutcomeFactory(project=project, name="Won").pk,
            "trigger_detail": "Stage changes to Closed won",
            "audience": "customers",
            "action": "message",
            "description": "Sends the welcome email",
            "sending_system": SystemFactory(project=project, name="HubSpot").pk,
            "owner": "Marketing operations lead",
            "coordination": "The CRM sends nothing on this trigger",
        }

    def test_saving_returns_the_row(self, alice: Client, project: Project) -> None:
        scenario = ScenarioFactory(project=project)
        data = {**self._valid(project), "trigger_scenario": scenario.pk}
        response = alice.post(url("item_create", project, "automation"), data, **HX)
        automation = Automation.objects.get(project=project)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body) == ("tr", f"automation-{automation.pk}")
        for text in (
            "Welcome email",
            "An outcome",
            "Won",
            "Customers",
            "Send a message",
            "HubSpot",
            "Marketing operations lead",
            "The CRM sends nothing",
        ):
            assert text in body
        # The scenario does not match the trigger type, so it is not kept.
        assert automation.trigger_scenario is None and automation.trigger_outcome is not None

    def test_the_edit_form_and_save(self, alice: Client, project: Project) -> None:
        automation = AutomationFactory(project=project, name="Onboarding task")
        response = alice.get(url("item_update", project, "automation", automation.pk), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and 'value="Onboarding task"' in body
        attribute = AttributeFactory(project=project, entity__project=project, name="Stage")
        data = {
            **self._valid(project),
            "trigger_type": "attribute",
            "trigger_attribute": attribute.pk,
            "revision": automation.revision,
        }
        response = alice.post(url("item_update", project, "automation", automation.pk), data, **HX)
        assert response.status_code == 200
        assert f"{attribute.entity.name} · Stage" in response.content.decode()
        automation.refresh_from_db()
        assert automation.trigger == attribute and automation.trigger_outcome is None

    def test_the_triggering_item_is_required(self, alice: Client, project: Project) -> None:
        data = {**self._valid(project), "trigger_type": "scenario"}
        response = alice.post(url("item_create", project, "automation"), data, **HX)
        body = response.content.decode()
        assert response.status_code == 422
        assert_error_at(body, "trigger_scenario", TRIGGER_REQUIRED.format(what="scenario"))
        assert 'value="Welcome email"' in body
        assert not Automation.objects.exists()

    def test_a_sending_system_is_required(self, alice: Client, project: Project) -> None:
        data = {**self._valid(project), "sending_system": ""}
        response = alice.post(url("item_create", project, "automation"), data, **HX)
        assert response.status_code == 422
        assert_error_at(response.content.decode(), "sending_system", SENDING_SYSTEM_REQUIRED)
        assert not Automation.objects.exists()

    def test_another_projects_system_is_refused(self, alice: Client, project: Project) -> None:
        data = {**self._valid(project), "sending_system": SystemFactory(name="Foreign").pk}
        response = alice.post(url("item_create", project, "automation"), data, **HX)
        assert response.status_code == 422
        assert_error_at(response.content.decode(), "sending_system", CROSS_PROJECT_CHOICE)
        assert not Automation.objects.exists()

    def test_another_projects_outcome_is_refused(self, alice: Client, project: Project) -> None:
        data = {**self._valid(project), "trigger_outcome": OutcomeFactory(name="Theirs").pk}
        response = alice.post(url("item_create", project, "automation"), data, **HX)
        assert response.status_code == 422
        assert_error_at(response.content.decode(), "trigger_outcome", CROSS_PROJECT_CHOICE)
        assert not Automation.objects.exists()

    def test_a_viewer_is_refused(self, vera: Client, project: Project) -> None:
        automation = AutomationFactory(project=project, name="Onboarding task")
        data = {**self._valid(project), "revision": automation.revision}
        response = vera.post(url("item_update", project, "automation", automation.pk), data, **HX)
        assert response.status_code == 403
        automation.refresh_from_db()
        assert automation.name == "Onboarding task"

    def test_delete(self, alice: Client, project: Project) -> None:
        automation = AutomationFactory(project=project, name="Onboarding task")
        response = alice.get(url("item_delete", project, "automation", automation.pk), **HX)
        assert "Delete automation “Onboarding task”?" in response.content.decode()
        response = alice.post(url("item_delete", project, "automation", automation.pk), **HX)
        assert response.status_code == 200 and response.content == b""
        assert not Automation.objects.exists()


class TestPage:
    def test_a_member_sees_reports_and_automations(self, bob: Client, project: Project) -> None:
        report = ReportFactory(project=project, name="Pipeline", measures="volume, revenue")
        attribute = AttributeFactory(project=project, entity__project=project, name="Region")
        ReportDimensionFactory(report=report, name="Region", attribute=attribute)
        ReportDimensionFactory(report=report, name="Campaign")
        AutomationFactory(project=project, name="Onboarding task")
        response = bob.get(page(project))
        body = response.content.decode()
        assert response.status_code == 200 and is_full_page(response)
        for text in (
            "Pipeline",
            "Which leads turned into revenue?",
            "volume",
            "revenue",
            "This quarter",
            "Region",
            "Campaign",
            "no attribute provides it",
            "Onboarding task",
            "Add report",
            "Add dimension",
            "Add automation",
        ):
            assert text in body
        card = body[body.index(f'id="report-{report.pk}"') : body.index('id="automations"')]
        assert "Campaign" in card and f"from {attribute}" in card

    def test_empty_sections_say_what_belongs_there(self, alice: Client, project: Project) -> None:
        body = alice.get(page(project)).content.decode()
        assert "No reports yet" in body and "No automations yet" in body

    def test_it_refuses_post(self, alice: Client, project: Project) -> None:
        assert alice.post(page(project)).status_code == 405

    def test_a_viewer_sees_no_edit_controls(self, vera: Client, project: Project) -> None:
        report = ReportFactory(project=project, name="Pipeline")
        ReportDimensionFactory(report=report, name="Region")
        AutomationFactory(project=project, name="Onboarding task")
        body = vera.get(page(project)).content.decode()
        assert "Pipeline" in body and "Region" in body and "Onboarding task" in body
        assert ">Edit<" not in body and ">Delete<" not in body and "Add " not in body
        assert "/items/" not in body

    def _fill(self, project: Project, count: int) -> None:
        for _ in range(count):
            report = ReportFactory(project=project)
            attribute = AttributeFactory(project=project, entity__project=project)
            ReportDimensionFactory(report=report, attribute=attribute)
            ReportDimensionFactory(report=report)
            AutomationFactory(project=project)
            attribute_automation = AutomationFactory(
                project=project, trigger_type="attribute", trigger_outcome=None
            )
            attribute_automation.trigger_attribute = attribute
            attribute_automation.save()

    def _count(self, client: Client, project: Project) -> tuple[int, str]:
        return get_counting(client, page(project))

    def test_the_page_loads_in_a_fixed_number_of_queries(
        self, alice: Client, project: Project
    ) -> None:
        self._fill(project, 5)
        small, body = self._count(alice, project)
        assert len(re.findall(r'id="report-\d+"', body)) == 5
        self._fill(project, 195)
        large, body = self._count(alice, project)
        assert len(re.findall(r'id="report-\d+"', body)) == 200
        assert len(re.findall(r'id="dimension-\d+"', body)) == 400
        assert len(re.findall(r'id="automation-\d+"', body)) == 400
        assert small == large
