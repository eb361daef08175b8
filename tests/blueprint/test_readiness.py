from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from blueprint.document import (
    AttributeDoc,
    AutomationDoc,
    Document,
    ExceptionDoc,
    MappingDoc,
    NotApplicableDoc,
    OwnershipDoc,
    ProjectDoc,
    SystemDoc,
)
from blueprint.interchange.json import project_import
from blueprint.models import Category, Project, Role
from blueprint.readiness import (
    ADVISORY,
    ARTIFACTS,
    BLOCKING,
    CHECKS,
    GENERAL,
    Finding,
    is_acronym,
    link_target,
    readiness_compute,
    readiness_evaluate,
    readiness_for_project,
)
from tests import factories as f
from tests.blueprint.blueprints import (
    adding,
    change,
    large_blueprint_create,
    ready_document,
    without,
)


def fired(doc: Document, check: str) -> list[Finding]:
    """The findings of a document broken one way: all of them from `check`."""
    findings = readiness_evaluate(doc).findings
    assert findings, f"{check} did not fire"
    assert {x.check for x in findings} == {check}, [x.message for x in findings]
    assert all(x.severity == CHECKS[check].severity for x in findings)
    return list(findings)


def one(doc: Document, check: str, *also: str) -> Finding:
    """The one finding of `check`; `also` names the checks the same break sets off too
    (a bidirectional mapping on a one-system attribute also writes into its source)."""
    if also:
        findings = [x for x in readiness_evaluate(doc).findings if x.check == check]
        others = {x.check for x in readiness_evaluate(doc).findings} - {check}
        assert others == set(also), others
    else:
        findings = fired(doc, check)
    assert len(findings) == 1, [x.message for x in findings]
    return findings[0]


@pytest.fixture
def doc() -> Document:
    return ready_document()


# --- the ready blueprint ----------------------------------------------------------


def test_a_ready_blueprint_has_no_findings_at_all(doc: Document) -> None:
    readiness = readiness_evaluate(doc)
    assert [x.message for x in readiness.findings] == []
    assert readiness.ready
    assert [a.artifact for a in readiness.artifacts] == list(ARTIFACTS)
    assert [a.label for a in readiness.artifacts] == [
        "Business scenarios",
        "Data mapping",
        "Ownership and exceptions",
        "Reporting and automation",
    ]
    for artifact in readiness.artifacts + readiness.general:
        assert artifact.ready
        assert artifact.passed == artifact.total > 0


def test_every_check_has_a_test_here() -> None:
    here = Path(__file__).parent
    source = "".join(p.read_text() for p in (here.glob("test_readiness*.py")))
    assert [check for check in CHECKS if f'"{check}"' not in source] == []


def test_the_check_table_names_an_artifact_and_a_severity_for_each_check() -> None:
    for check, info in CHECKS.items():
        assert check.split(".")[0] == info.artifact
        assert info.artifact in ARTIFACTS or info.artifact in GENERAL
        assert info.severity in (BLOCKING, ADVISORY)
        assert info.title
    assert {i.severity for i in CHECKS.values() if i.artifact == "delivery"} == {ADVISORY}


def test_an_empty_blueprint_is_blocked_in_every_artifact() -> None:
    readiness = readiness_evaluate(Document(project=ProjectDoc(name="Empty")))
    checks = {x.check for x in readiness.findings}
    assert {
        "mapping.no_entities",
        "requirements.no_reports",
        "project.too_few_systems",
        "scenarios.category_uncovered",
        "governance.owner_missing",
        "governance.exception_missing",
        "project.signoff_role_vacant",
    } <= checks
    assert not readiness.ready
    assert all(not a.ready and a.passed < a.total for a in readiness.artifacts)


# --- progress ---------------------------------------------------------------------


def test_progress_counts_each_item_checked(doc: Document) -> None:
    before = readiness_evaluate(doc).for_artifact("mapping")
    broken = change(doc, "attributes", "deal_amount", source_of_truth_id=None)
    after = readiness_evaluate(broken).for_artifact("mapping")
    assert after.passed == after.total - 1
    # Checks that need a source of truth ("updates allowed in it"...) wait until it is set.
    assert after.total < before.total
    grown = adding(
        doc,
        "attributes",
        AttributeDoc("deal_owner", "deal", "Owner", source_of_truth_id="crm"),
    )
    more = readiness_evaluate(grown).for_artifact("mapping")
    # Its source, whether it may be updated there, and whether its home holds it.
    assert more.total == before.total + 3 and more.passed == before.passed + 2
    assert more.percent < 100 and before.percent == 100


def test_a_blueprint_with_only_advisories_is_ready(doc: Document) -> None:
    readiness = readiness_evaluate(change(doc, "guardrails", "stage_in_crm", rationale=""))
    assert readiness.ready and readiness.blockers == ()
    assert [x.check for x in readiness.advisories] == ["governance.guardrail_without_rationale"]
    assert readiness.for_artifact("governance").ready
    assert readiness.for_artifact("governance").advisories == readiness.advisories


def test_a_blocker_makes_its_artifact_and_the_blueprint_not_ready(doc: Document) -> None:
    readiness = readiness_evaluate(change(doc, "scenarios", "deal_won", narrative=""))
    assert not readiness.ready
    assert not readiness.for_artifact("scenarios").ready
    assert readiness.for_artifact("mapping").ready
    with pytest.raises(KeyError):
        readiness.for_artifact("nonsense")


def test_links_are_made_by_the_given_function(doc: Document) -> None:
    broken = change(doc, "steps", "step_3", system_id=None)
    readiness = readiness_evaluate(broken, link_for=lambda section, key: f"/{section}/{key}")
    assert [x.link for x in readiness.findings] == ["/scenarios/lead_to_cash"]
    assert readiness_evaluate(broken).findings[0].link == ""


def test_link_targets_name_the_page_and_the_anchor() -> None:
    assert link_target("categories", "negative") == ("blueprint:scenarios", "category-negative")
    assert link_target("identity", 7) == ("blueprint:data_model", "identity-7")
    assert link_target("ownership", None) == ("blueprint:governance", "ownership")
    assert link_target("exceptions", None) == ("blueprint:governance", "exceptions")
    assert link_target("members", None) == ("blueprint:project_detail", "members")
    assert link_target("dimensions", 3) == ("blueprint:requirements", "dimension-3")


# --- business scenarios -----------------------------------------------------------


def test_it_blocks_a_category_with_no_scenario(doc: Document) -> None:
    finding = one(without(doc, "scenarios", "deal_lost"), "scenarios.category_uncovered")
    assert finding.severity == BLOCKING
    assert (finding.section, finding.item_id) == ("categories", Category.NEGATIVE)
    assert "“Negative or exception events” has no scenario" in finding.message


def test_a_category_marked_not_applicable_with_a_reason_needs_no_scenario(doc: Document) -> None:
    marked = adding(
        without(doc, "scenarios", "deal_lost"),
        "not_applicable",
        NotApplicableDoc("na_negative", "negative", "Nothing is ever denied here."),
    )
    assert readiness_evaluate(marked).findings == ()


def test_it_blocks_not_applicable_without_a_reason(doc: Document) -> None:
    marked = adding(
        without(doc, "scenarios", "deal_lost"),
        "not_applicable",
        NotApplicableDoc("na_negative", "negative", "  "),
    )
    finding = one(marked, "scenarios.not_applicable_without_reason")
    assert finding.severity == BLOCKING
    assert "“Negative or exception events” is marked not applicable" in finding.message


def test_it_notes_a_category_marked_not_applicable_that_has_scenarios(doc: Document) -> None:
    marked = adding(doc, "not_applicable", NotApplicableDoc("na", "negative", "Out of scope."))
    finding = one(marked, "scenarios.not_applicable_but_described")
    assert finding.severity == ADVISORY
    assert "“A deal is lost”" in finding.message


def test_it_blocks_a_scenario_without_a_story(doc: Document) -> None:
    finding = one(
        change(doc, "scenarios", "deal_won", narrative=" "), "scenarios.scenario_without_narrative"
    )
    assert finding.severity == BLOCKING
    assert (finding.section, finding.item_id) == ("scenarios", "deal_won")
    assert "“A deal is won”" in finding.message


def test_it_blocks_a_scenario_that_names_no_systems(doc: Document) -> None:
    finding = one(
        change(doc, "scenarios", "deal_won", system_ids=()), "scenarios.scenario_without_systems"
    )
    assert finding.severity == BLOCKING
    assert "“A deal is won” names no systems" in finding.message


def test_it_blocks_each_unanswered_question_of_the_category(doc: Document) -> None:
    answers = {"created_first": "In the marketing platform.", "trigger": ""}
    finding_list = fired(
        change(doc, "scenarios", "new_lead", answers=answers), "scenarios.question_unanswered"
    )
    assert [x.severity for x in finding_list] == [BLOCKING] * 3
    assert [x.message for x in finding_list] == [
        "Scenario “A web lead” does not answer “When should it appear in the other systems?”",
        "Scenario “A web lead” does not answer “Which data must travel with it?”",
        "Scenario “A web lead” does not answer “What triggers the movement?”",
    ]


def test_it_blocks_a_journey_with_fewer_than_two_steps(doc: Document) -> None:
    finding = one(
        without(doc, "steps", "step_2", "step_3", "step_4"), "scenarios.journey_too_short"
    )
    assert finding.severity == BLOCKING
    assert "Journey “Lead to cash” has 1 step(s) in 1 system(s)" in finding.message


def test_it_blocks_a_journey_that_stays_in_one_system(doc: Document) -> None:
    one_system = doc
    for step in ("step_1", "step_3", "step_4"):
        one_system = change(one_system, "steps", step, system_id="crm")
    finding = one(one_system, "scenarios.journey_too_short")
    assert "4 step(s) in 1 system(s)" in finding.message


def test_it_blocks_a_step_without_a_system_and_links_to_its_journey(doc: Document) -> None:
    finding = one(change(doc, "steps", "step_3", system_id=None), "scenarios.step_without_system")
    assert finding.severity == BLOCKING
    assert (finding.section, finding.item_id) == ("scenarios", "lead_to_cash")
    assert "Step 3 of “Lead to cash” (“Finance invoices.”) has no system" in finding.message


# --- data mapping -----------------------------------------------------------------


def test_it_blocks_a_data_model_without_entities() -> None:
    findings = readiness_evaluate(Document(project=ProjectDoc(name="Empty"))).findings
    finding = next(x for x in findings if x.check == "mapping.no_entities")
    assert finding.severity == BLOCKING and finding.artifact == "mapping"


def test_it_blocks_an_entity_without_a_home_system(doc: Document) -> None:
    finding = one(
        change(doc, "entities", "deal", home_system_id=None), "mapping.entity_without_home"
    )
    assert finding.severity == BLOCKING
    assert finding.message == "Entity “Deal” has no home system"


def test_it_blocks_an_entity_that_does_not_say_how_records_are_linked(doc: Document) -> None:
    finding = one(
        change(doc, "entities", "deal", link_method=""), "mapping.entity_without_link_method"
    )
    assert "“Deal”" in finding.message and finding.severity == BLOCKING


def test_it_blocks_an_entity_without_identity_attributes(doc: Document) -> None:
    finding = one(
        change(doc, "entities", "deal", identity_attribute_ids=()),
        "mapping.entity_without_identity",
    )
    assert (finding.section, finding.item_id) == ("identity", "deal")
    assert "“Deal”" in finding.message and finding.severity == BLOCKING


def test_it_blocks_an_identity_made_of_another_entitys_attribute(doc: Document) -> None:
    finding = one(
        change(doc, "entities", "deal", identity_attribute_ids=("deal_id", "customer_email")),
        "mapping.identity_of_other_entity",
    )
    assert finding.severity == BLOCKING
    assert "“Deal” uses “Customer · Email”" in finding.message


def test_it_blocks_an_entity_without_a_duplicate_rule(doc: Document) -> None:
    finding = one(
        change(doc, "entities", "invoice", duplicate_rule=""),
        "mapping.entity_without_duplicate_rule",
    )
    assert (finding.section, finding.item_id) == ("identity", "invoice")
    assert "“Invoice”" in finding.message and finding.severity == BLOCKING


def test_it_blocks_an_entity_that_names_no_identifier_issuer(doc: Document) -> None:
    finding = one(
        change(doc, "entities", "invoice", identifier_issuer_id=None),
        "mapping.entity_without_issuer",
    )
    assert "“Invoice” does not say which system issues" in finding.message


def test_it_blocks_an_entity_whose_sync_state_is_unknown(doc: Document) -> None:
    finding = one(
        change(doc, "entities", "customer", sync_state="unknown", history_decision="cleanup"),
        "mapping.entity_sync_unknown",
    )
    assert finding.severity == BLOCKING
    assert finding.message == "Nobody has said whether “Customer” is synchronised today"


def test_it_blocks_an_unsynchronised_entity_without_a_history_decision(doc: Document) -> None:
    finding = one(
        change(doc, "entities", "deal", history_decision=""),
        "mapping.entity_without_history_decision",
    )
    assert finding.severity == BLOCKING
    assert "“Deal” is not synchronised today (kept in step by hand)" in finding.message


def test_a_synchronised_entity_needs_no_history_decision(doc: Document) -> None:
    assert doc.get("entities", "customer").history_decision == ""
    assert readiness_evaluate(doc).findings == ()


def test_it_notes_a_copy_that_does_not_say_why(doc: Document) -> None:
    finding = one(change(doc, "copies", "deal_in_erp", reason=""), "mapping.copy_without_reason")
    assert finding.severity == ADVISORY
    assert "copy of “Deal” in “Finance ERP”" in finding.message


def test_it_blocks_an_attribute_without_a_source_of_truth(doc: Document) -> None:
    finding = one(
        change(doc, "attributes", "deal_stage", source_of_truth_id=None),
        "mapping.attribute_without_source",
    )
    assert finding.severity == BLOCKING
    assert (finding.section, finding.item_id) == ("attributes", "deal_stage")
    assert finding.message == "Attribute “Stage” of “Deal” has no source of truth"


def test_it_blocks_an_attribute_that_may_not_be_updated_in_its_source(doc: Document) -> None:
    finding = one(
        change(doc, "attributes", "customer_name", update_system_ids=()),
        "mapping.source_not_updatable",
    )
    assert finding.severity == BLOCKING
    assert "“Name” of “Customer”" in finding.message and "“Sales CRM”" in finding.message


def test_it_blocks_two_attributes_of_one_entity_with_one_name_and_two_sources(
    doc: Document,
) -> None:
    twin = AttributeDoc(
        "deal_stage_erp", "deal", " stage", source_of_truth_id="erp", update_system_ids=("erp",)
    )
    finding = one(adding(doc, "attributes", twin), "mapping.attribute_claimed_twice")
    assert finding.severity == BLOCKING
    assert finding.item_id == "deal_stage_erp"
    assert "“Deal” has attributes with the same name" in finding.message
    assert "“Stage” from “Sales CRM”" in finding.message
    assert "“ stage” from “Finance ERP”" in finding.message


def test_two_attributes_with_one_name_and_one_source_are_not_a_conflict(doc: Document) -> None:
    twin = AttributeDoc(
        "deal_stage_2", "deal", "STAGE", source_of_truth_id="crm", update_system_ids=("crm",)
    )
    assert readiness_evaluate(adding(doc, "attributes", twin)).findings == ()


def test_it_blocks_a_relationship_that_does_not_say_where_it_is_maintained(
    doc: Document,
) -> None:
    finding = one(
        change(doc, "relationships", "deal_customer", maintained_in_id=None),
        "mapping.relationship_without_maintainer",
    )
    assert "“Deal belongs to Customer”" in finding.message and finding.severity == BLOCKING


def test_it_notes_a_relationship_without_a_change_rule(doc: Document) -> None:
    finding = one(
        change(doc, "relationships", "invoice_deal", change_behaviour=""),
        "mapping.relationship_without_change_rule",
    )
    assert "“Invoice bills Deal”" in finding.message and finding.severity == BLOCKING


def test_it_blocks_an_outcome_without_reason_codes(doc: Document) -> None:
    broken = without(doc, "reasons", "lost_price", "lost_timing", "lost_competition")
    finding = one(broken, "mapping.outcome_without_reasons")
    assert finding.message == "Outcome “Lost” has no reason codes"
    assert finding.severity == BLOCKING


def test_it_blocks_an_outcome_that_does_not_say_where_it_is_recorded(doc: Document) -> None:
    finding = one(
        change(doc, "outcomes", "won", recorded_in_id=None), "mapping.outcome_without_record"
    )
    assert "“Won”" in finding.message and finding.severity == BLOCKING


def test_it_blocks_a_field_mapping_with_parts_missing(doc: Document) -> None:
    finding = one(
        change(doc, "mappings", "map_amount", target_field="", direction=""),
        "mapping.mapping_incomplete",
    )
    assert finding.severity == BLOCKING
    assert finding.message == (
        "Field mapping “Sales CRM.Amount → Finance ERP.?” has no target field, no sync direction"
    )


def test_it_notes_a_field_mapping_that_carries_no_attribute(doc: Document) -> None:
    finding = one(
        change(doc, "mappings", "map_amount", attribute_id=None),
        "mapping.mapping_without_attribute",
        # The ERP shows the amount, and now nothing says a mapping takes it there.
        "mapping.attribute_not_fed",
        # And no scenario moves what it carries: nothing ties it to one.
        "mapping.mapping_not_needed",
    )
    assert finding.severity == ADVISORY
    assert "“Sales CRM.Amount → Finance ERP.NETWR”" in finding.message


def _credit_limit_mapping(doc: Document, conflict_rule: str) -> Document:
    doc = change(doc, "attributes", "credit_limit", display_system_ids=("crm",))
    return adding(
        doc,
        "mappings",
        MappingDoc(
            "map_credit",
            "erp",
            "crm",
            "KLIMK",
            "Credit_Limit__c",
            conflict_rule=conflict_rule,
            direction="one_way",
            attribute_id="credit_limit",
        ),
    )


def test_keeping_a_read_only_copy_current_respects_never_overwrite(doc: Document) -> None:
    # The guardrail protects the credit limit where it is decided, the ERP; the CRM's
    # read-only copy may be kept current (issue 9: a correct blueprint had a blocker).
    assert readiness_evaluate(_credit_limit_mapping(doc, "source_wins")).findings == ()


def test_it_blocks_a_mapping_that_overwrites_a_never_overwrite_attribute(doc: Document) -> None:
    protected = change(doc, "guardrails", "keep_credit_limit", protected_system_ids=("crm",))
    finding = one(
        _credit_limit_mapping(protected, "source_wins"), "mapping.mapping_overwrites_guarded"
    )
    assert finding.severity == BLOCKING
    assert (finding.section, finding.item_id) == ("mappings", "map_credit")
    assert finding.message == (
        "Field mapping “Finance ERP.KLIMK → Sales CRM.Credit_Limit__c” overwrites "
        "“Customer · Credit limit” in “Sales CRM”, where the integration must never overwrite it"
    )


def test_never_overwrite_protects_the_source_of_truth_by_default(doc: Document) -> None:
    back = MappingDoc(
        "map_credit_back",
        "crm",
        "erp",
        "Credit_Limit__c",
        "KLIMK",
        conflict_rule="most_recent",
        direction="one_way",
        attribute_id="credit_limit",
    )
    broken = adding(
        change(doc, "attributes", "credit_limit", display_system_ids=("crm",)), "mappings", back
    )
    finding = one(
        broken,
        "mapping.mapping_overwrites_guarded",
        # The CRM may not update the credit limit, and it is not fed there either.
        "mapping.truth_written_by_outsider",
        "mapping.attribute_not_fed",
    )
    assert "in “Finance ERP”" in finding.message


def test_a_mapping_that_only_fills_empty_fields_respects_never_overwrite(doc: Document) -> None:
    assert readiness_evaluate(_credit_limit_mapping(doc, "never_overwrite")).findings == ()


def test_it_blocks_a_bidirectional_mapping_on_a_single_system_attribute(doc: Document) -> None:
    finding = one(
        change(doc, "mappings", "map_stage_erp", direction="bidirectional"),
        "mapping.mapping_against_single_system",
        "mapping.truth_written_by_outsider",
    )
    assert finding.severity == BLOCKING
    assert "is bidirectional, but “Deal · Stage” may change in “Sales CRM” only" in (
        finding.message
    )


def test_it_blocks_a_mapping_that_writes_back_into_the_one_system(doc: Document) -> None:
    back = MappingDoc(
        "map_stage_back",
        "erp",
        "crm",
        "DEAL_STAGE",
        "StageName",
        conflict_rule="most_recent",
        direction="one_way",
        attribute_id="deal_stage",
    )
    finding = one(
        adding(doc, "mappings", back),
        "mapping.mapping_against_single_system",
        "mapping.truth_written_by_outsider",
    )
    assert "writes into “Sales CRM”" in finding.message


def test_it_blocks_a_mapping_that_carries_data_across_a_forbidden_boundary(
    doc: Document,
) -> None:
    guarded = change(doc, "guardrails", "no_cards_in_marketing", attribute_id="customer_email")
    finding = one(
        guarded,
        "mapping.mapping_crosses_boundary",
        # The data model itself puts the email in the marketing platform.
        "governance.no_crossing_contradicted",
    )
    assert finding.severity == BLOCKING
    assert finding.item_id == "map_email_mkt"
    assert "carries “Customer · Email” into “Marketing platform”" in finding.message


def test_it_blocks_a_mapping_into_a_system_that_neither_shows_nor_updates_it(
    doc: Document,
) -> None:
    finding = one(
        change(doc, "mappings", "map_amount", target_system_id="support"),
        "mapping.mapping_target_not_listed",
        "mapping.attribute_not_fed",
        "mapping.system_without_entity",
    )
    assert finding.severity == BLOCKING
    assert "writes “Deal · Amount” into “Support desk”, which neither displays" in (finding.message)


def test_it_blocks_a_target_field_fed_from_two_sources_of_truth(doc: Document) -> None:
    second = MappingDoc(
        "map_paid_too",
        "marketing",
        "crm",
        "paid",
        " PAID__C",
        conflict_rule="source_wins",
        direction="one_way",
        attribute_id="lead_source",
    )
    finding = one(adding(doc, "mappings", second), "mapping.field_fed_by_two_sources")
    assert finding.severity == BLOCKING
    assert finding.item_id == "map_paid_too"
    assert finding.message.startswith("“Sales CRM.Paid__c” is fed from different sources")
    assert "“Finance ERP” via" in finding.message
    assert "“Marketing platform” via" in finding.message


# --- ownership, exceptions, guardrails --------------------------------------------


def test_it_blocks_an_area_nobody_owns(doc: Document) -> None:
    finding = one(without(doc, "ownership", "own_reporting"), "governance.owner_missing")
    assert finding.severity == BLOCKING
    assert (finding.section, finding.item_id) == ("ownership", None)
    assert finding.message == "Nobody owns reporting and dashboard interpretation"


def test_it_blocks_a_system_whose_configuration_nobody_owns(doc: Document) -> None:
    finding = one(without(doc, "ownership", "own_erp"), "governance.owner_missing")
    assert finding.message == "Nobody owns the configuration of “Finance ERP”"


def test_it_blocks_an_ownership_rule_without_a_person_or_role(doc: Document) -> None:
    finding = one(
        change(doc, "ownership", "own_erp", owner_role=" "), "governance.ownership_without_owner"
    )
    assert finding.severity == BLOCKING
    assert "configuration of “Finance ERP” names no person or role" in finding.message


def test_it_blocks_an_owner_written_as_an_acronym(doc: Document) -> None:
    finding = one(
        change(doc, "ownership", "own_integration", owner_role="IT"),
        "governance.owner_is_acronym",
    )
    assert finding.severity == BLOCKING
    assert finding.message.startswith("“IT” owns the integration layer")


def test_it_blocks_an_exception_handled_by_an_acronym(doc: Document) -> None:
    finding = one(
        change(doc, "exceptions", "exc_unmatched", manual_owner="BA"),
        "governance.owner_is_acronym",
    )
    assert (finding.section, finding.item_id) == ("exceptions", "exc_unmatched")
    assert "“Record cannot be matched” is handled by “BA”" in finding.message


@pytest.mark.parametrize(
    ("owner", "acronym"),
    [
        ("IT", True),
        ("BA", True),
        (" CRM ", True),
        ("R&D", True),
        ("B.A.", True),
        ("PMs", True),
        ("CRM team", False),
        ("IT service desk", False),
        ("Head of IT", False),
        ("Priya", False),
        ("RevOps", False),
        ("A", False),
        ("FINANCE", False),
    ],
)
def test_an_acronym_is_one_word_of_two_to_five_capitals(owner: str, acronym: bool) -> None:
    assert is_acronym(owner) is acronym


def test_it_notes_a_system_ownership_rule_that_names_no_system(doc: Document) -> None:
    vague = OwnershipDoc("own_some", "system_config", None, "Lena Vogel", "")
    finding = one(adding(doc, "ownership", vague), "governance.system_rule_without_system")
    assert finding.severity == ADVISORY and "does not say which system" in finding.message


def test_it_blocks_a_missing_exception_rule(doc: Document) -> None:
    finding = one(
        without(doc, "exceptions", "exc_multiple_matches"), "governance.exception_missing"
    )
    assert finding.severity == BLOCKING
    assert (finding.section, finding.item_id) == ("exceptions", None)
    assert finding.message == "No exception rule for “Several records match one customer”"


def test_conflicting_automations_need_a_rule_only_when_there_are_two(doc: Document) -> None:
    broken = without(doc, "exceptions", "exc_conflicting_automations")
    assert "Automations trigger conflicting" in one(broken, "governance.exception_missing").message
    alone = without(broken, "automations", "onboarding_task", "stop_campaigns", "overdue_alert")
    checks = {x.check for x in readiness_evaluate(alone).findings}
    # The lost deal no longer stops the messaging, which is a gap of its own.
    assert checks == {"scenarios.negative_without_handling"}


def test_it_blocks_an_exception_rule_without_someone_handling_it(doc: Document) -> None:
    finding = one(
        change(doc, "exceptions", "exc_missing_data", manual_owner=""),
        "governance.exception_without_manual_owner",
    )
    assert finding.severity == BLOCKING
    assert finding.message == (
        "Exception rule “Required data missing” does not say who handles it by hand"
    )


def test_it_blocks_an_exception_rule_that_is_not_tracked(doc: Document) -> None:
    finding = one(
        change(doc, "exceptions", "exc_already_exists", tracking=""),
        "governance.exception_without_tracking",
    )
    assert "“Record already exists in the target”" in finding.message


def test_it_blocks_an_exception_rule_whose_only_handling_is_to_fail(doc: Document) -> None:
    broken = change(
        doc,
        "exceptions",
        "exc_rejected",
        auto_log=False,
        auto_review_queue=False,
        auto_retry=False,
        auto_fail=True,
        manual_handling="",
    )
    findings = {x.check: x for x in readiness_evaluate(broken).findings}
    assert set(findings) == {
        "governance.exception_only_fails",
        "governance.exception_without_manual_owner",
    }
    finding = findings["governance.exception_only_fails"]
    assert finding.severity == BLOCKING
    assert "“Target rejects the payload” only stops the sync" in finding.message


def test_failing_the_sync_is_fine_when_someone_picks_it_up(doc: Document) -> None:
    handled = change(
        doc, "exceptions", "exc_unmatched", auto_log=False, auto_review_queue=False, auto_fail=True
    )
    assert readiness_evaluate(handled).findings == ()


def test_it_notes_a_retry_without_a_policy(doc: Document) -> None:
    finding = one(
        change(doc, "exceptions", "exc_rejected", retry_policy=""),
        "governance.retry_without_policy",
    )
    assert finding.severity == ADVISORY and "retries without saying" in finding.message


def test_it_notes_an_exception_rule_for_an_unnamed_situation(doc: Document) -> None:
    other = ExceptionDoc(
        "exc_other",
        "other",
        auto_log=True,
        manual_handling="Looked at",
        manual_owner="Integration lead",
        tracking="Weekly",
    )
    finding = one(adding(doc, "exceptions", other), "governance.exception_unnamed")
    assert finding.severity == ADVISORY


def test_it_blocks_a_guardrail_that_does_not_say_where(doc: Document) -> None:
    finding = one(
        change(doc, "guardrails", "stage_in_crm", system_id=None), "governance.guardrail_incomplete"
    )
    assert finding.severity == BLOCKING
    assert finding.message == (
        "The guardrail “This stage may change in one system only” on “Deal · Stage” does not "
        "say the one system where it may change"
    )


def test_it_blocks_a_guardrail_that_does_not_say_what(doc: Document) -> None:
    finding = one(
        change(doc, "guardrails", "no_cards_in_marketing", forbidden_system_ids=()),
        "governance.guardrail_incomplete",
    )
    assert "keeping “Card numbers and bank details” out does not say which systems" in (
        finding.message
    )


def test_it_notes_a_guardrail_without_a_rationale(doc: Document) -> None:
    finding = one(
        change(doc, "guardrails", "keep_credit_limit", rationale=""),
        "governance.guardrail_without_rationale",
    )
    assert finding.severity == ADVISORY
    assert "“Never overwrite this attribute” on “Customer · Credit limit”" in finding.message


def test_it_blocks_a_single_system_attribute_the_data_model_lets_others_update(
    doc: Document,
) -> None:
    finding = one(
        change(doc, "attributes", "deal_stage", update_system_ids=("crm", "erp")),
        "governance.single_system_contradicted",
    )
    assert finding.severity == BLOCKING
    assert finding.message == (
        "“Deal · Stage” may change in “Sales CRM” only, but the data model allows updates in "
        "“Finance ERP”"
    )


# --- reporting and automation -----------------------------------------------------


def test_it_blocks_a_blueprint_without_reports(doc: Document) -> None:
    broken = without(
        without(doc, "dimensions", "dim_source", "dim_product", "dim_status"),
        "reports",
        "revenue_by_channel",
        "unpaid",
    )
    finding = one(broken, "requirements.no_reports")
    assert finding.severity == BLOCKING and (finding.section, finding.item_id) == ("reports", None)


def test_it_blocks_a_report_without_a_question(doc: Document) -> None:
    finding = one(
        change(doc, "reports", "unpaid", question=""), "requirements.report_without_question"
    )
    assert finding.message == "Report “Unpaid invoices” has no question"


def test_it_blocks_a_report_without_a_dimension(doc: Document) -> None:
    finding = one(without(doc, "dimensions", "dim_status"), "requirements.report_without_dimension")
    assert finding.message == "Report “Unpaid invoices” has no dimension"


def test_it_blocks_a_report_without_a_measure(doc: Document) -> None:
    finding = one(
        change(doc, "reports", "unpaid", measures=" "), "requirements.report_without_measure"
    )
    assert finding.message == "Report “Unpaid invoices” has no measure"


def test_it_blocks_a_report_without_a_time_window(doc: Document) -> None:
    finding = one(
        change(doc, "reports", "unpaid", custom_window=""), "requirements.report_without_window"
    )
    assert finding.message == "Report “Unpaid invoices” has no time window"
    assert finding.severity == BLOCKING


def test_it_blocks_a_report_dimension_no_attribute_provides(doc: Document) -> None:
    finding = one(
        change(doc, "dimensions", "dim_product", attribute_id=None),
        "requirements.dimension_without_attribute",
    )
    assert finding.severity == BLOCKING
    assert (finding.section, finding.item_id) == ("dimensions", "dim_product")
    assert finding.message == (
        "Dimension “Product” of report “Revenue by channel and product” is not provided by any "
        "attribute"
    )


def test_it_blocks_an_automation_without_its_trigger(doc: Document) -> None:
    finding = one(
        change(doc, "automations", "onboarding_task", trigger_outcome_id=None),
        "requirements.automation_without_trigger",
    )
    assert finding.severity == BLOCKING
    assert finding.message == "Automation “Onboarding task” does not say which outcome triggers it"


def test_the_trigger_must_match_the_trigger_type(doc: Document) -> None:
    mismatched = change(doc, "automations", "overdue_alert", trigger_type="scenario")
    finding = one(mismatched, "requirements.automation_without_trigger")
    assert "which scenario triggers it" in finding.message


def test_it_blocks_an_automation_without_a_sending_system(doc: Document) -> None:
    finding = one(
        change(doc, "automations", "overdue_alert", sending_system_id=None),
        "requirements.automation_without_sender",
    )
    assert "“Overdue invoice alert” does not say which system" in finding.message


def test_it_blocks_an_automation_without_an_owner(doc: Document) -> None:
    finding = one(
        change(doc, "automations", "overdue_alert", owner=""),
        "requirements.automation_without_owner",
    )
    assert finding.message == "Automation “Overdue invoice alert” has no owner"


def test_it_blocks_an_automation_owned_by_an_acronym(doc: Document) -> None:
    finding = one(
        change(doc, "automations", "overdue_alert", owner="AR"),
        "requirements.automation_owner_is_acronym",
    )
    assert finding.severity == BLOCKING
    assert "“Overdue invoice alert” is owned by “AR”" in finding.message


def test_it_blocks_two_systems_sending_the_same_message_on_one_trigger(doc: Document) -> None:
    echo = AutomationDoc(
        id="crm_welcome",
        name="CRM welcome",
        trigger_type="outcome",
        trigger_outcome_id="won",
        audience="customers",
        action="message",
        sending_system_id="crm",
        owner="Sales operations lead",
        coordination="None yet.",
    )
    finding = one(adding(doc, "automations", echo), "requirements.automation_duplicated")
    assert finding.severity == BLOCKING
    assert finding.item_id == "crm_welcome"
    assert finding.message == (
        "Automation “CRM welcome” (“Sales CRM”) and “Welcome email” (“Marketing platform”) "
        "both send a message for customers when “Won” happens"
    )


def test_different_actions_on_one_trigger_are_not_duplicates(doc: Document) -> None:
    welcome, task = doc.get("automations", "welcome"), doc.get("automations", "onboarding_task")
    assert welcome.trigger_outcome_id == task.trigger_outcome_id
    assert welcome.sending_system_id != task.sending_system_id
    assert readiness_evaluate(doc).findings == ()


def test_it_notes_a_customer_automation_without_coordination(doc: Document) -> None:
    finding = one(
        change(doc, "automations", "welcome", coordination=""),
        "requirements.customer_automation_uncoordinated",
    )
    assert finding.severity == ADVISORY and "“Welcome email” reaches customers" in finding.message


# --- systems, people, delivery ----------------------------------------------------


def test_it_blocks_a_project_with_fewer_than_two_systems() -> None:
    findings = readiness_evaluate(Document(project=ProjectDoc(name="Empty"))).findings
    finding = next(x for x in findings if x.check == "project.too_few_systems")
    assert finding.severity == BLOCKING and "the project lists 0" in finding.message


def test_it_blocks_a_vacant_signoff_role(doc: Document) -> None:
    members = tuple(m for m in doc.members if m.role != Role.PROCESS_OWNER)
    finding = one(dataclasses.replace(doc, members=members), "project.signoff_role_vacant")
    assert finding.severity == BLOCKING
    assert (finding.section, finding.item_id) == ("members", None)
    assert finding.message == "Nobody holds the process owner role; sign-off needs one"


def test_it_notes_a_system_nothing_refers_to(doc: Document) -> None:
    warehouse = SystemDoc("dwh", "Data warehouse", "warehouse", "", "mature", "complete", "yes")
    owned = adding(doc, "ownership", OwnershipDoc("own_dwh", "system_config", "dwh", "", "BI lead"))
    finding = one(adding(owned, "systems", warehouse), "project.system_unused")
    assert finding.severity == ADVISORY
    assert (finding.section, finding.item_id) == ("systems", "dwh")
    assert finding.message.startswith("System “Data warehouse” takes part in no scenario")


def test_it_notes_a_system_without_a_test_environment(doc: Document) -> None:
    finding = one(
        change(doc, "systems", "erp", test_environment="no"),
        "project.system_without_test_environment",
    )
    assert finding.severity == ADVISORY and "“Finance ERP” has no test environment" in (
        finding.message
    )
    unknown = one(
        change(doc, "systems", "erp", test_environment="unknown"),
        "project.system_without_test_environment",
    )
    assert "Nobody has said whether “Finance ERP”" in unknown.message


def test_it_notes_a_system_whose_api_is_undocumented(doc: Document) -> None:
    finding = one(
        change(doc, "systems", "support", api_documentation="missing"),
        "project.system_api_undocumented",
    )
    assert finding.severity == ADVISORY
    assert finding.message == "The API of “Support desk” has no documentation"


def test_it_notes_a_delivery_phase_without_exit_criteria(doc: Document) -> None:
    finding = one(
        change(doc, "phases", "phase_write_path", exit_criteria=""),
        "delivery.phase_without_exit_criteria",
    )
    assert finding.severity == ADVISORY
    assert finding.message == "Phase “2. Controlled write path” has no exit criteria"


def test_it_notes_an_api_contract_left_open(doc: Document) -> None:
    broken = change(
        without(doc, "contracts", "erp_versioning"), "contracts", "erp_rate_limits", done=False
    )
    finding = one(broken, "delivery.contract_open")
    assert finding.severity == ADVISORY
    assert (finding.section, finding.item_id) == ("contracts", "erp")
    assert finding.message == (
        "The API contract of “Finance ERP” does not yet settle: rate limits, versioning"
    )


def test_it_notes_an_audit_record_left_open(doc: Document) -> None:
    finding = one(without(doc, "audit_items", "audit_retry_history"), "delivery.audit_open")
    assert finding.severity == ADVISORY
    assert finding.message == "The audit record does not yet cover: retry history"


# --- from the database --------------------------------------------------------------


@pytest.mark.django_db
def test_the_ready_blueprint_stays_ready_through_the_database() -> None:
    doc = ready_document()
    users = [f.UserFactory(email=m.email) for m in doc.members]
    project = project_import(doc=doc, user=users[0], with_members=True).project
    assert readiness_for_project(project).findings == ()


@pytest.mark.django_db
def test_findings_link_to_the_page_where_each_is_fixed(project: Project) -> None:
    crm = f.SystemFactory(project=project, test_environment="no")
    entity = f.EntityFactory(project=project, home_system=crm, duplicate_rule="")
    attribute = f.AttributeFactory(project=project, entity=entity, source_of_truth=None)
    copy = f.EntityCopyFactory(project=project, entity=entity, system=crm, reason="")
    relationship = f.RelationshipFactory(
        project=project, from_entity=entity, to_entity=entity, maintained_in=None
    )
    outcome = f.OutcomeFactory(project=project, entity=entity, recorded_in=None)
    step = f.JourneyStepFactory(project=project, scenario__project=project, system=None)
    mapping = f.FieldMappingFactory(
        project=project,
        source_system=crm,
        target_system=f.SystemFactory(project=project, test_environment="yes"),
        direction="",
    )
    guardrail = f.GuardrailFactory(project=project, attribute=attribute, rationale="")
    exception = f.ExceptionRuleFactory(project=project, tracking="")
    ownership = f.OwnershipRuleFactory(project=project, owner_name="", owner_role="IT")
    report = f.ReportFactory(project=project, question="")
    dimension = f.ReportDimensionFactory(project=project, report=report, attribute=None)
    automation = f.AutomationFactory(project=project, sending_system=crm, owner="")

    links = {(x.check, x.link) for x in readiness_for_project(project).findings}

    def page(name: str) -> str:
        return reverse(f"blueprint:{name}", args=[project.pk])

    expected = {
        ("project.system_without_test_environment", f"{page('project_detail')}#system-{crm.pk}"),
        ("project.signoff_role_vacant", f"{page('project_detail')}#members"),
        ("scenarios.category_uncovered", f"{page('scenarios')}#category-creation"),
        ("scenarios.step_without_system", f"{page('scenarios')}#scenario-{step.scenario_id}"),
        ("mapping.entity_without_duplicate_rule", f"{page('data_model')}#identity-{entity.pk}"),
        ("mapping.attribute_without_source", f"{page('data_model')}#attribute-{attribute.pk}"),
        ("mapping.copy_without_reason", f"{page('data_model')}#copy-{copy.pk}"),
        (
            "mapping.relationship_without_maintainer",
            f"{page('data_model')}#relationship-{relationship.pk}",
        ),
        ("mapping.outcome_without_reasons", f"{page('data_model')}#outcome-{outcome.pk}"),
        ("mapping.mapping_incomplete", f"{page('mappings')}#mapping-{mapping.pk}"),
        ("governance.owner_missing", f"{page('governance')}#ownership"),
        ("governance.owner_is_acronym", f"{page('governance')}#ownership-{ownership.pk}"),
        ("governance.exception_missing", f"{page('governance')}#exceptions"),
        (
            "governance.exception_without_tracking",
            f"{page('governance')}#exception-{exception.pk}",
        ),
        (
            "governance.guardrail_without_rationale",
            f"{page('governance')}#guardrail-{guardrail.pk}",
        ),
        ("requirements.report_without_question", f"{page('requirements')}#report-{report.pk}"),
        (
            "requirements.dimension_without_attribute",
            f"{page('requirements')}#dimension-{dimension.pk}",
        ),
        (
            "requirements.automation_without_owner",
            f"{page('requirements')}#automation-{automation.pk}",
        ),
    }
    assert expected <= links, expected - links


@pytest.mark.django_db
def test_a_large_blueprint_is_checked_in_21_queries_whatever_its_size(
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    owner = f.UserFactory()
    small = project_import(doc=ready_document(), user=owner, with_members=True).project
    large = f.ProjectFactory(name="Large")
    large_blueprint_create(project=large)
    with CaptureQueriesContext(connection) as few:
        readiness_compute(small)
    # How long it takes is measured by `make bench`, not asserted here.
    with django_assert_max_num_queries(21) as many:
        readiness = readiness_compute(large)
    assert len(few) == len(many)
    # Through the cache: one query more (the change number) the first time, one in all
    # after that, until the project changes.
    with django_assert_max_num_queries(22):
        assert readiness_for_project(large) == readiness
    with django_assert_max_num_queries(1):
        assert readiness_for_project(large) == readiness
    mapping = readiness.for_artifact("mapping")
    assert mapping.total > 1000 * 3


def test_a_large_correct_document_has_no_findings(doc: Document) -> None:
    # Pure evaluation, no database: the same blueprint repeated many times over.
    mappings = tuple(
        MappingDoc(
            f"m{i}",
            "crm",
            "erp",
            f"f{i}",
            f"F{i}",
            conflict_rule="source_wins",
            direction="one_way",
            attribute_id="deal_amount",
        )
        for i in range(5000)
    )
    big = adding(doc, "mappings", *mappings)
    readiness = readiness_evaluate(big)
    assert readiness.findings == ()
    assert readiness.for_artifact("mapping").total > 5000
