"""The rules of the ownership, exception rule and guardrail forms."""

from __future__ import annotations

from typing import Any

import pytest

from blueprint.forms.base import CROSS_PROJECT_CHOICE
from blueprint.forms.governance import (
    GUARDRAIL_ATTRIBUTE_REQUIRED,
    GUARDRAIL_DATA_REQUIRED,
    GUARDRAIL_FORBIDDEN_REQUIRED,
    GUARDRAIL_NO_SYSTEMS,
    GUARDRAIL_SYSTEM_REQUIRED,
    MANUAL_OWNER_REQUIRED,
    OWNER_MISSING,
    OWNER_SYSTEM_REQUIRED,
    RETRY_POLICY_REQUIRED,
    SITUATION_OTHER_REQUIRED,
    ExceptionRuleForm,
    GuardrailForm,
    OwnershipRuleForm,
)
from blueprint.models import Guardrail, OwnershipRule, Project
from blueprint.rules import OWNER_TAKEN
from tests.factories import (
    AttributeFactory,
    ExceptionRuleFactory,
    GuardrailFactory,
    OwnershipRuleFactory,
    SystemFactory,
)

pytestmark = pytest.mark.django_db


class TestOwnershipRuleForm:
    def form(self, project: Project, instance: Any = None, **data: Any) -> OwnershipRuleForm:
        values = {"area": "integration", "owner_name": "", "owner_role": "", "notes": ""}
        return OwnershipRuleForm({**values, **data}, project=project, instance=instance)

    def test_a_role_alone_is_enough(self, project: Project) -> None:
        form = self.form(project, owner_role=" Head of Sales Operations ")
        assert form.is_valid(), form.errors
        assert form.cleaned_data["owner_role"] == "Head of Sales Operations"

    def test_someone_must_own_it(self, project: Project) -> None:
        form = self.form(project, owner_name="  ")
        assert not form.is_valid()
        assert form.errors["owner_name"] == [OWNER_MISSING]

    def test_configuration_needs_a_system(self, project: Project) -> None:
        form = self.form(project, area="system_config", owner_name="Sam")
        assert not form.is_valid()
        assert form.errors["system"] == [OWNER_SYSTEM_REQUIRED]

    def test_other_areas_drop_the_system(self, project: Project) -> None:
        system = SystemFactory(project=project)
        form = self.form(project, area="reporting", system=system.pk, owner_name="Rita")
        assert form.is_valid(), form.errors
        assert form.save().system is None

    def test_one_owner_per_area(self, project: Project) -> None:
        OwnershipRuleFactory(
            project=project, area="integration", owner_name="Ian", owner_role="Architect"
        )
        form = self.form(project, owner_name="Olga")
        assert not form.is_valid()
        scope = OwnershipRule.Area.INTEGRATION.label
        assert form.errors["area"] == [OWNER_TAKEN.format(scope=scope, owner="Ian – Architect")]

    def test_one_configuration_owner_per_system(self, project: Project) -> None:
        crm, erp = SystemFactory(project=project, name="CRM"), SystemFactory(project=project)
        OwnershipRuleFactory(
            project=project, area="system_config", system=crm, owner_name="Cleo", owner_role=""
        )
        form = self.form(project, area="system_config", system=crm.pk, owner_name="Olga")
        assert not form.is_valid()
        message = OWNER_TAKEN.format(scope="The configuration of CRM", owner="Cleo")
        assert form.errors["system"] == [message]
        other = self.form(project, area="system_config", system=erp.pk, owner_name="Olga")
        assert other.is_valid(), other.errors

    def test_the_rule_itself_is_no_duplicate(self, project: Project) -> None:
        rule = OwnershipRuleFactory(project=project, area="integration")
        form = self.form(project, instance=rule, owner_name="Ian", revision=rule.revision)
        assert form.is_valid(), form.errors

    def test_other_projects_do_not_count(self, project: Project) -> None:
        OwnershipRuleFactory(area="integration")
        assert self.form(project, owner_name="Ian").is_valid()

    def test_a_system_of_another_project_is_refused(self, project: Project) -> None:
        foreign = SystemFactory()
        form = self.form(project, area="system_config", system=foreign.pk, owner_name="Sam")
        assert not form.is_valid()
        assert form.errors["system"] == [CROSS_PROJECT_CHOICE]


class TestExceptionRuleForm:
    def form(self, project: Project, **data: Any) -> ExceptionRuleForm:
        return ExceptionRuleForm({"situation": "unmatched", **data}, project=project)

    def test_other_needs_a_description(self, project: Project) -> None:
        form = self.form(project, situation="other", auto_log="on")
        assert not form.is_valid()
        assert form.errors["situation_other"] == [SITUATION_OTHER_REQUIRED]
        form = self.form(project, situation="other", situation_other="Duplicate webhooks")
        assert form.is_valid(), form.errors

    def test_a_standard_situation_drops_the_other_text(self, project: Project) -> None:
        form = self.form(project, situation_other="stale text", auto_log="on")
        assert form.is_valid(), form.errors
        assert form.save().situation_other == ""

    def test_retry_needs_a_policy(self, project: Project) -> None:
        form = self.form(project, auto_retry="on", retry_policy=" ")
        assert not form.is_valid()
        assert form.errors["retry_policy"] == [RETRY_POLICY_REQUIRED]

    def test_without_retry_the_policy_is_dropped(self, project: Project) -> None:
        form = self.form(project, auto_log="on", retry_policy="3 times")
        assert form.is_valid(), form.errors
        assert form.save().retry_policy == ""

    def test_manual_handling_needs_someone(self, project: Project) -> None:
        form = self.form(project, manual_handling="Match it by hand")
        assert not form.is_valid()
        assert form.errors["manual_owner"] == [MANUAL_OWNER_REQUIRED]
        form = self.form(project, manual_handling="Match it by hand", manual_owner="Sales ops")
        assert form.is_valid(), form.errors

    def test_the_booleans_are_saved(self, project: Project) -> None:
        form = self.form(project, auto_alert="on", auto_retry="on", retry_policy="twice")
        rule = form.save() if form.is_valid() else None
        assert rule is not None
        assert rule.automatic_handling == ["alert", "retry (twice)"]

    def test_the_booleans_sit_under_one_heading(self, project: Project) -> None:
        rule = ExceptionRuleFactory(project=project)
        form = ExceptionRuleForm(project=project, instance=rule)
        fieldset = form.helper.layout[2]
        assert "What happens automatically" in fieldset.legend
        names = set(fieldset.fields[0].fields)
        assert names == {"auto_log", "auto_alert", "auto_review_queue", "auto_retry", "auto_fail"}


class TestGuardrailForm:
    def form(self, project: Project, instance: Any = None, **data: Any) -> GuardrailForm:
        return GuardrailForm(data, project=project, instance=instance)

    def test_never_overwrite_needs_an_attribute(self, project: Project) -> None:
        form = self.form(project, kind="never_overwrite")
        assert not form.is_valid()
        assert form.errors["attribute"] == [GUARDRAIL_ATTRIBUTE_REQUIRED]

    def test_never_overwrite_clears_the_rest(self, project: Project) -> None:
        attribute = AttributeFactory(project=project, entity__project=project)
        system = SystemFactory(project=project)
        form = self.form(
            project,
            kind="never_overwrite",
            attribute=attribute.pk,
            system=system.pk,
            data_description="stale",
            forbidden_systems=[system.pk],
        )
        assert form.is_valid(), form.errors
        guardrail = form.save()
        assert guardrail.attribute == attribute and guardrail.system is None
        assert guardrail.data_description == "" and not guardrail.forbidden_systems.exists()

    def test_one_system_only_needs_the_attribute_and_the_system(self, project: Project) -> None:
        form = self.form(project, kind="single_system")
        assert not form.is_valid()
        assert form.errors["attribute"] == [GUARDRAIL_ATTRIBUTE_REQUIRED]
        assert form.errors["system"] == [GUARDRAIL_SYSTEM_REQUIRED]

    def test_no_crossing_needs_data_and_systems(self, project: Project) -> None:
        SystemFactory(project=project)
        form = self.form(project, kind="no_crossing", data_description=" ")
        assert not form.is_valid()
        assert form.errors["data_description"] == [GUARDRAIL_DATA_REQUIRED]
        assert form.errors["forbidden_systems"] == [GUARDRAIL_FORBIDDEN_REQUIRED]
        assert GUARDRAIL_NO_SYSTEMS not in form.non_field_errors()

    def test_no_crossing_without_systems_says_to_add_them(self, project: Project) -> None:
        form = self.form(project, kind="no_crossing", data_description="PII")
        assert not form.is_valid()
        assert form.non_field_errors() == [GUARDRAIL_NO_SYSTEMS]

    def test_no_crossing_clears_attribute_and_system(self, project: Project) -> None:
        guardrail = GuardrailFactory(project=project, kind="single_system")
        system = SystemFactory(project=project)
        form = self.form(
            project,
            instance=guardrail,
            kind="no_crossing",
            attribute=guardrail.attribute_id,
            system=system.pk,
            data_description="Health data",
            forbidden_systems=[system.pk],
        )
        assert form.is_valid(), form.errors
        saved = form.save()
        assert saved.kind == Guardrail.Kind.NO_CROSSING
        assert saved.attribute is None and saved.system is None
        assert list(saved.forbidden_systems.all()) == [system]

    def test_another_projects_attribute_is_refused(self, project: Project) -> None:
        form = self.form(project, kind="never_overwrite", attribute=AttributeFactory().pk)
        assert not form.is_valid()
        assert form.errors["attribute"] == [CROSS_PROJECT_CHOICE]
