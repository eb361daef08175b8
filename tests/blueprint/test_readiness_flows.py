"""Readiness over the blueprint as one model: where data lives, flows that can happen,
and answers that are not answers. Each check fires on one break of the ready blueprint
and stays silent on the correct variant next to it."""

from __future__ import annotations

import pytest

from blueprint.document import (
    AutomationDoc,
    CopyDoc,
    Document,
    MappingDoc,
    NotApplicableDoc,
    ScenarioDoc,
    StepDoc,
    SystemDoc,
)
from blueprint.readiness import BLOCKING, readiness_evaluate
from blueprint.readiness.base import non_answer
from tests.blueprint.blueprints import adding, change, ready_document, without
from tests.blueprint.test_readiness import one


@pytest.fixture
def doc() -> Document:
    return ready_document()


def checks(doc: Document) -> set[str]:
    return {x.check for x in readiness_evaluate(doc).findings}


def _mapping(key: str, source: str, target: str, attribute: str, **values: object) -> MappingDoc:
    fields = {
        "source_field": f"{key}_from",
        "target_field": f"{key}_to",
        "conflict_rule": "source_wins",
        "direction": "one_way",
        "attribute_id": attribute,
    }
    fields.update(values)
    return MappingDoc(key, source, target, **fields)  # type: ignore[arg-type]


# --- where data lives ------------------------------------------------------------


def test_it_blocks_a_system_that_displays_an_entity_it_does_not_hold(doc: Document) -> None:
    broken = without(doc, "copies", "deal_in_marketing")
    findings = [
        x for x in readiness_evaluate(broken).findings if x.check == "mapping.system_without_entity"
    ]
    assert {(x.section, x.item_id) for x in findings} == {
        ("attributes", "deal_stage"),
        ("mappings", "map_stage_mkt"),
    }
    assert findings[0].severity == BLOCKING
    assert findings[0].message == (
        "“Deal · Stage” is displayed in “Marketing platform”, which holds no “Deal”: make it "
        "the home system or add a copy there, with its reason"
    )


def test_it_blocks_an_identifier_issuer_that_does_not_hold_the_entity(doc: Document) -> None:
    finding = one(
        change(doc, "entities", "invoice", identifier_issuer_id="support"),
        "mapping.system_without_entity",
    )
    assert (finding.section, finding.item_id) == ("identity", "invoice")
    assert finding.message.startswith(
        "The identifiers of “Invoice” are issued by “Support desk”, which holds no “Invoice”"
    )


def test_it_blocks_an_identifier_acceptor_that_does_not_hold_the_entity(doc: Document) -> None:
    finding = one(
        change(doc, "entities", "deal", identifier_acceptor_ids=("erp", "support")),
        "mapping.system_without_entity",
    )
    assert "must be accepted by “Support desk”, which holds no “Deal”" in finding.message


def test_it_blocks_an_outcome_recorded_where_its_entity_is_not(doc: Document) -> None:
    finding = one(
        change(doc, "outcomes", "lost", recorded_in_id="support"),
        "mapping.system_without_entity",
    )
    assert finding.message.startswith(
        "The outcome “Lost” is recorded in “Support desk”, which holds no “Deal”"
    )


def test_it_blocks_a_relationship_kept_in_a_system_without_both_entities(doc: Document) -> None:
    broken = change(doc, "relationships", "invoice_deal", synced_system_ids=("crm", "support"))
    findings = readiness_evaluate(broken).findings
    # The support desk holds customers, not invoices or deals: named once per entity.
    assert {x.check for x in findings} == {"mapping.system_without_entity"}
    assert [x.message.split(":")[0] for x in findings] == [
        "The relationship “Invoice bills Deal” is kept in “Support desk”, which holds no “Invoice”",
        "The relationship “Invoice bills Deal” is kept in “Support desk”, which holds no “Deal”",
    ]


def test_it_blocks_a_source_of_truth_that_does_not_hold_the_entity(doc: Document) -> None:
    broken = change(doc, "attributes", "deal_amount", source_of_truth_id="support")
    assert "mapping.system_without_entity" in checks(broken)


def test_a_copy_makes_a_system_hold_the_entity(doc: Document) -> None:
    broken = change(doc, "entities", "invoice", identifier_acceptor_ids=("crm", "support"))
    fixed = adding(broken, "copies", CopyDoc("invoice_in_support", "invoice", "support", "Why."))
    assert "mapping.system_without_entity" in checks(broken)
    assert readiness_evaluate(fixed).findings == ()


def test_it_asks_about_a_system_that_only_appears_in_stories(doc: Document) -> None:
    storied = adding(
        adding(
            doc,
            "systems",
            SystemDoc(
                "slack", "Team chat", "other", test_environment="yes", api_documentation="complete"
            ),
        ),
        "steps",
        StepDoc("step_5", "lead_to_cash", 5, "slack", "The team is told."),
    )
    findings = {x.check: x for x in readiness_evaluate(storied).findings}
    assert findings["project.system_only_in_stories"].severity == "advisory"
    assert findings["project.system_only_in_stories"].message.startswith(
        "“Team chat” takes part in scenario “Lead to cash” but holds no entity"
    )


# --- flows that can actually happen -----------------------------------------------


def test_it_blocks_a_display_system_no_mapping_feeds(doc: Document) -> None:
    finding = one(without(doc, "mappings", "map_product"), "mapping.attribute_not_fed")
    assert (finding.section, finding.item_id) == ("attributes", "deal_product")
    assert finding.message == (
        "“Finance ERP” shows or updates “Deal · Product”, but no field mapping carries it "
        "there from its source of truth “Sales CRM”"
    )


def test_a_chain_of_mappings_feeds_a_display_system(doc: Document) -> None:
    # CRM -> ERP -> support: the support desk gets the amount through the ERP.
    shown = change(doc, "attributes", "deal_amount", display_system_ids=("erp", "support"))
    shown = adding(shown, "copies", CopyDoc("deal_in_support", "deal", "support", "Why."))
    assert "mapping.attribute_not_fed" in checks(shown)
    chained = adding(shown, "mappings", _mapping("amount_on", "erp", "support", "deal_amount"))
    assert readiness_evaluate(chained).findings == ()


def test_a_bidirectional_mapping_feeds_both_ends(doc: Document) -> None:
    # Lead source lives in marketing; a two-way mapping written from the CRM side feeds it.
    both = change(
        doc,
        "mappings",
        "map_source",
        source_system_id="crm",
        source_field="LeadSource",
        target_system_id="marketing",
        target_field="source",
        direction="bidirectional",
    )
    both = change(both, "attributes", "lead_source", update_system_ids=("marketing", "crm"))
    assert "mapping.attribute_not_fed" not in checks(both)


def test_it_blocks_a_required_mapping_reading_from_an_unfed_system(doc: Document) -> None:
    # The ERP's email is read for marketing, but nothing brings the email to the ERP.
    broken = change(
        without(doc, "mappings", "map_email_erp"),
        "mappings",
        "map_email_mkt",
        source_system_id="erp",
        source_field="EMAIL",
        required=True,
    )
    findings = list(readiness_evaluate(broken).findings)
    required = [x for x in findings if x.check == "mapping.required_from_unfed_source"]
    assert len(required) == 1 and required[0].item_id == "map_email_mkt"
    assert required[0].message == (
        "The required field mapping “Finance ERP.EMAIL → Marketing platform.email” reads "
        "“Customer · Email” from “Finance ERP”, which is not its source of truth “Sales CRM” "
        "and is not fed from it"
    )


def test_a_required_mapping_may_read_from_a_system_fed_by_the_source(doc: Document) -> None:
    relayed = change(doc, "mappings", "map_email_mkt", source_system_id="erp", source_field="EMAIL")
    assert readiness_evaluate(relayed).findings == ()


def test_it_blocks_a_write_into_the_source_of_truth_from_a_system_not_allowed_to(
    doc: Document,
) -> None:
    finding = one(
        change(doc, "mappings", "map_amount", direction="bidirectional"),
        "mapping.truth_written_by_outsider",
    )
    assert finding.message == (
        "Field mapping “Sales CRM.Amount → Finance ERP.NETWR” writes “Deal · Amount” into its "
        "source of truth “Sales CRM” from “Finance ERP”, where updates to it are not allowed"
    )


def test_a_write_back_from_a_system_allowed_to_update_is_fine(doc: Document) -> None:
    both = change(doc, "mappings", "map_amount", direction="bidirectional")
    allowed = change(both, "attributes", "deal_amount", update_system_ids=("crm", "erp"))
    assert readiness_evaluate(allowed).findings == ()


def test_writing_the_value_onto_another_record_of_the_source_is_not_a_write_into_it(
    doc: Document,
) -> None:
    # The ERP's invoice number, read from VBELN, is put on the ERP's payment advice by the
    # CRM: another field of the source of truth, not the truth itself.
    advice = _mapping(
        "advice",
        "crm",
        "erp",
        "invoice_number",
        source_field="Invoice__c",
        target_field="REGUH-XBLNR",
    )
    assert readiness_evaluate(adding(doc, "mappings", advice)).findings == ()
    onto_truth = _mapping(
        "onto", "crm", "erp", "invoice_number", source_field="Invoice__c", target_field=" vbeln"
    )
    assert "mapping.truth_written_by_outsider" in checks(adding(doc, "mappings", onto_truth))


def test_it_blocks_a_journey_that_never_reaches_a_system_that_must_see_its_status(
    doc: Document,
) -> None:
    journey = doc.get("scenarios", "new_lead")
    assert journey is not None
    watched = adding(
        doc,
        "scenarios",
        ScenarioDoc(
            "support_case",
            "journey",
            "A support case",
            "A customer opens a case and it is solved.",
            {"status_visibility": "Support desk and the marketing platform, so nobody nags."},
            ("support", "marketing"),
        ),
    )
    watched = adding(
        watched,
        "steps",
        StepDoc("case_1", "support_case", 1, "support", "The customer writes in."),
        StepDoc("case_2", "support_case", 2, "support", "An agent solves it.", "automation"),
    )
    findings = list(readiness_evaluate(watched).findings)
    misses = [x for x in findings if x.check == "scenarios.journey_misses_watcher"]
    assert len(misses) == 1
    assert misses[0].message.startswith(
        "Journey “A support case” says “Marketing platform” must see the current status"
    )
    # A mapping from the support desk to the marketing platform closes the gap.
    fed = adding(
        watched, "mappings", _mapping("case_status", "support", "marketing", "customer_name")
    )
    assert "scenarios.journey_misses_watcher" not in checks(fed)


def test_it_blocks_an_automation_sent_from_a_system_that_never_hears_of_its_event(
    doc: Document,
) -> None:
    finding = one(
        change(doc, "automations", "overdue_alert", sending_system_id="support"),
        "requirements.automation_event_unreachable",
    )
    assert finding.message == (
        "Automation “Overdue invoice alert” is sent from “Support desk” on a change of "
        "“Invoice · Payment status”, but no field mapping or scenario brings that event to "
        "“Support desk”"
    )


def test_an_outcome_reaches_a_sender_through_a_scenario_or_a_mapping(doc: Document) -> None:
    # "Won" is recorded in the CRM; the marketing platform hears of it (scenario "A deal is
    # won" names both), and so does the ERP (a mapping of the deal's stage).
    assert readiness_evaluate(doc).findings == ()
    from_support = AutomationDoc(
        "survey",
        "Satisfaction survey",
        trigger_outcome_id="won",
        audience="internal",
        action="task",
        sending_system_id="support",
        owner="Support team lead",
    )
    # The lead-to-cash journey names every system, so the support desk hears of it...
    assert "requirements.automation_event_unreachable" not in checks(
        adding(doc, "automations", from_support)
    )
    # ...until the journey leaves the support desk out.
    short = change(doc, "scenarios", "lead_to_cash", system_ids=("marketing", "crm", "erp"))
    short = without(short, "steps", "step_4")
    assert "requirements.automation_event_unreachable" in checks(
        adding(short, "automations", from_support)
    )


def test_a_scenario_trigger_reaches_the_systems_of_the_scenario(doc: Document) -> None:
    scenario_triggered = AutomationDoc(
        "nudge",
        "Nudge the rep",
        trigger_type="scenario",
        trigger_scenario_id="stage_change",
        audience="internal",
        action="task",
        sending_system_id="erp",
        owner="Sales operations lead",
    )
    assert readiness_evaluate(adding(doc, "automations", scenario_triggered)).findings == ()
    elsewhere = change(
        adding(doc, "automations", scenario_triggered),
        "automations",
        "nudge",
        sending_system_id="support",
    )
    assert "requirements.automation_event_unreachable" in checks(elsewhere)


def test_it_blocks_data_kept_out_of_a_system_the_data_model_puts_it_in(doc: Document) -> None:
    guarded = change(doc, "guardrails", "no_cards_in_marketing", attribute_id="customer_name")
    finding = one(
        guarded,
        "governance.no_crossing_contradicted",
        "mapping.mapping_crosses_boundary",
    )
    assert "keeps “Customer · Name” out of “Support desk”" in finding.message


# --- answers that are not answers --------------------------------------------------


@pytest.mark.parametrize("text", ["n/a", "TBD", "see above", "?", "???", " tbc. ", "To do"])
def test_a_placeholder_is_no_answer(text: str) -> None:
    assert non_answer(text)


@pytest.mark.parametrize("text", ["None", "Nothing must stop.", "No", "Priya", "IT"])
def test_a_short_real_answer_is_an_answer(text: str) -> None:
    assert not non_answer(text)


def test_a_placeholder_does_not_answer_a_scenario_question(doc: Document) -> None:
    scenario = doc.get("scenarios", "deal_lost")
    assert scenario is not None
    answers = {**scenario.answers, "must_stop": "tbd"}
    finding = one(
        change(doc, "scenarios", "deal_lost", answers=answers), "scenarios.question_unanswered"
    )
    assert "What must stop immediately?" in finding.message


def test_a_placeholder_is_no_reason_for_not_applicable(doc: Document) -> None:
    marked = adding(
        without(doc, "scenarios", "deal_lost"),
        "not_applicable",
        NotApplicableDoc("na_negative", "negative", "N/A"),
    )
    assert "scenarios.not_applicable_without_reason" in checks(marked)


def test_it_blocks_an_outcome_that_does_not_say_how_it_syncs(doc: Document) -> None:
    finding = one(
        change(doc, "outcomes", "won", sync_behaviour="see above"),
        "mapping.outcome_without_sync",
    )
    assert finding.message == "Outcome “Won” does not say how it syncs to the other systems"


def test_a_placeholder_owner_owns_nothing(doc: Document) -> None:
    finding = one(
        change(doc, "ownership", "own_reporting", owner_role="TBD"),
        "governance.ownership_without_owner",
    )
    assert "reporting and dashboard interpretation" in finding.message
