"""The rules of the report, report dimension and automation forms."""

from __future__ import annotations

from typing import Any

import pytest

from blueprint.forms.base import CROSS_PROJECT_CHOICE
from blueprint.forms.requirements import (
    DIMENSION_REPORT_UNKNOWN,
    SENDING_SYSTEM_REQUIRED,
    TRIGGER_REQUIRED,
    AutomationForm,
    ReportDimensionForm,
    ReportForm,
)
from blueprint.models import Automation, Project, TimeWindow
from blueprint.rules import DIMENSION_NAME_TAKEN
from tests.factories import (
    AttributeFactory,
    AutomationFactory,
    OutcomeFactory,
    ReportDimensionFactory,
    ReportFactory,
    ScenarioFactory,
    SystemFactory,
)

pytestmark = pytest.mark.django_db


class TestReportForm:
    def form(self, project: Project, **data: Any) -> ReportForm:
        return ReportForm({"name": "Pipeline", **data}, project=project)

    def test_time_windows_are_checkboxes_of_every_window(self, project: Project) -> None:
        field = self.form(project).fields["time_windows"]
        assert [value for value, _ in field.choices] == TimeWindow.values
        assert field.widget.input_type == "checkbox"

    def test_time_windows_are_stored_as_a_list_in_a_fixed_order(self, project: Project) -> None:
        form = self.form(project, time_windows=["weekly", "this_month"])
        assert form.is_valid(), form.errors
        assert form.save().time_windows == ["this_month", "weekly"]

    def test_no_time_window_is_fine(self, project: Project) -> None:
        form = self.form(project, custom_window="Fiscal year from April")
        assert form.is_valid(), form.errors
        report = form.save()
        assert report.time_windows == [] and report.window_labels == ["Fiscal year from April"]

    def test_an_unknown_window_is_refused(self, project: Project) -> None:
        form = self.form(project, time_windows=["forever"])
        assert not form.is_valid() and "time_windows" in form.errors

    def test_the_edit_form_ticks_the_saved_windows(self, project: Project) -> None:
        report = ReportFactory(project=project, time_windows=["year_to_date"])
        form = ReportForm(project=project, instance=report)
        assert form["time_windows"].value() == ["year_to_date"]

    def test_measures_are_tidied(self, project: Project) -> None:
        form = self.form(project, measures=" volume,,revenue ,  win rate, ")
        assert form.is_valid(), form.errors
        assert form.cleaned_data["measures"] == "volume, revenue, win rate"


class TestReportDimensionForm:
    def form(self, project: Project, instance: Any = None, **data: Any) -> ReportDimensionForm:
        return ReportDimensionForm(data, project=project, instance=instance)

    def test_the_attribute_is_optional(self, project: Project) -> None:
        report = ReportFactory(project=project)
        form = self.form(project, report=report.pk, name="Campaign")
        assert form.is_valid(), form.errors
        assert form.save().attribute is None

    def test_a_duplicate_name_in_the_report_is_refused(self, project: Project) -> None:
        dimension = ReportDimensionFactory(report__project=project, name="Region")
        form = self.form(project, report=dimension.report_id, name=" REGION ")
        assert not form.is_valid()
        assert form.errors["name"] == [DIMENSION_NAME_TAKEN.format(name="REGION")]

    def test_renaming_to_its_own_name_is_fine(self, project: Project) -> None:
        dimension = ReportDimensionFactory(report__project=project, name="Region")
        form = self.form(
            project,
            instance=dimension,
            report=dimension.report_id,
            name="Region",
            revision=dimension.revision,
        )
        assert form.is_valid(), form.errors

    def test_another_projects_report_is_refused_visibly(self, project: Project) -> None:
        form = self.form(project, report=ReportFactory().pk, name="Region")
        assert not form.is_valid()
        assert form.errors["report"] == [CROSS_PROJECT_CHOICE]
        assert form.non_field_errors() == [DIMENSION_REPORT_UNKNOWN]

    def test_another_projects_attribute_is_refused(self, project: Project) -> None:
        report = ReportFactory(project=project)
        form = self.form(project, report=report.pk, name="Region", attribute=AttributeFactory().pk)
        assert not form.is_valid()
        assert form.errors["attribute"] == [CROSS_PROJECT_CHOICE]


class TestAutomationForm:
    def data(self, project: Project, **data: Any) -> dict[str, Any]:
        return {
            "name": "Welcome email",
            "trigger_type": "outcome",
            "trigger_outcome": OutcomeFactory(project=project).pk,
            "audience": "customers",
            "action": "message",
            "sending_system": SystemFactory(project=project).pk,
            **data,
        }

    @pytest.mark.parametrize(
        ("trigger_type", "field", "what"),
        [
            ("scenario", "trigger_scenario", "scenario"),
            ("attribute", "trigger_attribute", "attribute"),
            ("outcome", "trigger_outcome", "outcome"),
        ],
    )
    def test_the_matching_trigger_is_required(
        self, project: Project, trigger_type: str, field: str, what: str
    ) -> None:
        data = self.data(project, trigger_type=trigger_type, trigger_outcome="")
        form = AutomationForm(data, project=project)
        assert not form.is_valid()
        assert form.errors[field] == [TRIGGER_REQUIRED.format(what=what)]

    def test_the_other_triggers_are_cleared(self, project: Project) -> None:
        scenario = ScenarioFactory(project=project)
        attribute = AttributeFactory(project=project, entity__project=project)
        data = self.data(
            project,
            trigger_type="scenario",
            trigger_scenario=scenario.pk,
            trigger_attribute=attribute.pk,
        )
        form = AutomationForm(data, project=project)
        assert form.is_valid(), form.errors
        automation = form.save()
        assert automation.trigger == scenario
        assert automation.trigger_attribute is None and automation.trigger_outcome is None

    def test_a_sending_system_is_required(self, project: Project) -> None:
        form = AutomationForm(self.data(project, sending_system=""), project=project)
        assert not form.is_valid()
        assert form.errors["sending_system"] == [SENDING_SYSTEM_REQUIRED]

    def test_choices_come_from_this_project_only(self, project: Project) -> None:
        ScenarioFactory(title="Foreign scenario")
        mine = ScenarioFactory(project=project, title="Mine")
        form = AutomationForm(project=project)
        assert list(form.fields["trigger_scenario"].queryset) == [mine]
        data = self.data(project, trigger_outcome=OutcomeFactory().pk)
        form = AutomationForm(data, project=project)
        assert not form.is_valid()
        assert form.errors["trigger_outcome"] == [CROSS_PROJECT_CHOICE]

    def test_editing_keeps_the_instance(self, project: Project) -> None:
        automation = AutomationFactory(project=project)
        data = self.data(project, name="Renamed", revision=automation.revision)
        form = AutomationForm(data, project=project, instance=automation)
        assert form.is_valid(), form.errors
        assert form.save().pk == automation.pk
        assert Automation.objects.get().name == "Renamed"
