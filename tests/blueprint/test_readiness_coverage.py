"""Coverage and open questions: the readiness checks over trace links and notes, the
trace of a scenario, and the acceptance tests written from the document."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings

from blueprint.acceptance import (
    acceptance_features,
    acceptance_zip,
    gherkin_error,
    scenario_feature_text,
)
from blueprint.benchdata import BenchSize, benchmark_blueprint_create
from blueprint.diff import document_diff
from blueprint.document import (
    NoteDoc,
    document_from_dict,
    document_from_json,
    document_load,
    document_to_json,
)
from blueprint.interchange.json import project_import
from blueprint.interchange.templates import templates_list
from blueprint.models import Note, Project
from blueprint.readiness import ADVISORY, BLOCKING, readiness_evaluate
from blueprint.rules import document_problems
from blueprint.trace import counts, mappings_needed, scenario_trace, trace_suggestions
from tests.blueprint.blueprints import adding, change, ready_document, without
from tests.factories import UserFactory

DEMO = Path(settings.BASE_DIR) / "fixtures" / "demo.json"


def fired(doc, check: str) -> list:
    return [f for f in readiness_evaluate(doc).findings if f.check == check]


def question(**values) -> NoteDoc:
    base = {
        "id": "q_new",
        "kind": "question",
        "text": "Who decides the customer tier?",
        "about_section": "entities",
        "about_id": "customer",
        "asked_of": "Bianca Rossi",
    }
    return NoteDoc(**{**base, **values})


# --- questions and proposals -----------------------------------------------------------


def test_a_question_that_must_be_answered_blocks_sign_off_until_answered() -> None:
    doc = adding(ready_document(), "notes", question(must_answer=True))
    [finding] = fired(doc, "notes.question_must_answer")
    assert finding.severity == BLOCKING and not readiness_evaluate(doc).ready
    assert "“Customer”" in finding.message and "Bianca Rossi" in finding.message
    answered = change(doc, "notes", "q_new", status="answered", answer="Sales does.")
    assert fired(answered, "notes.question_must_answer") == []
    assert readiness_evaluate(answered).ready


def test_any_other_open_question_or_proposal_only_advises() -> None:
    doc = adding(
        ready_document(),
        "notes",
        question(),
        question(id="p_new", kind="proposal", text="Rename Deal to Opportunity."),
    )
    assert [f.severity for f in fired(doc, "notes.question_open")] == [ADVISORY]
    assert [f.severity for f in fired(doc, "notes.proposal_open")] == [ADVISORY]
    assert readiness_evaluate(doc).ready
    decided = change(doc, "notes", "p_new", status="rejected", answer="Sales says Deal.")
    assert fired(decided, "notes.proposal_open") == []


def test_a_note_on_the_project_itself_is_about_the_project() -> None:
    doc = adding(ready_document(), "notes", question(about_section="", about_id=None))
    assert "the project" in fired(doc, "notes.question_open")[0].message


def test_a_note_must_name_an_item_that_exists_and_a_status_of_its_kind() -> None:
    doc = adding(
        ready_document(),
        "notes",
        question(id="n1", about_id="nowhere"),
        question(id="n2", about_section="planets"),
        question(id="n3", kind="decision", status="open"),
        question(id="n4", status="answered", answer=""),
    )
    problems = {(p.item_id, p.field) for p in document_problems(doc)}
    assert problems == {
        ("n1", "about_id"),
        ("n2", "about_section"),
        ("n3", "status"),
        ("n4", "answer"),
    }


@pytest.mark.django_db
def test_the_model_refuses_the_same_notes_as_the_file(project: Project) -> None:
    from django.core.exceptions import ValidationError

    note = Note(project=project, kind="decision", text="Decided.", status="open")
    with pytest.raises(ValidationError) as caught:
        note.full_clean()
    assert "status" in caught.value.message_dict
    elsewhere = Note(
        project=project, kind="question", text="?", about_section="systems", about_id=999
    )
    with pytest.raises(ValidationError) as caught:
        elsewhere.full_clean()
    assert "about_id" in caught.value.message_dict


# --- decisions are part of the document ------------------------------------------------


@pytest.mark.django_db
def test_a_decision_survives_a_json_round_trip_and_shows_in_the_diff() -> None:
    doc = ready_document()
    owner = UserFactory()
    project = project_import(doc=doc, user=owner, with_members=False).project
    loaded = document_load(project)
    decisions = [n for n in loaded.notes if n.kind == "decision"]
    assert len(decisions) == 1
    decision = decisions[0]
    assert decision.about_section == "attributes"
    assert loaded.name_of("attributes", decision.about_id) == "Customer · Credit limit"
    again = document_from_json(document_to_json(loaded))
    assert again == loaded
    # A second import maps the note onto the new project's own attribute.
    copy = project_import(doc=again, user=owner, with_members=False).project
    copied = [n for n in document_load(copy).notes if n.kind == "decision"][0]
    assert document_load(copy).name_of("attributes", copied.about_id) == "Customer · Credit limit"

    changed = change(loaded, "notes", decision.id, answer="Credit checks are audited.")
    [notes] = [a for a in document_diff(loaded, changed) if a.artifact == "notes"]
    [item] = notes.changes
    assert item.change == "changed" and item.label.startswith("Decision: Finance alone")
    assert {f.field for f in item.fields} == {"Answer or why"}
    added = adding(loaded, "notes", question(about_section="", about_id=None))
    [notes] = [a for a in document_diff(loaded, added) if a.artifact == "notes"]
    assert notes.changes[0].change == "added"
    assert ("About", "", "the project") in [
        (f.field, f.old, f.new) for f in notes.changes[0].fields
    ]


# --- coverage --------------------------------------------------------------------------


def test_a_negative_event_needs_an_exception_rule_or_a_stop() -> None:
    doc = ready_document()
    assert fired(doc, "scenarios.negative_without_handling") == []
    # The lost deal is handled by the automation that stops messaging on "Lost".
    unhandled = change(doc, "scenarios", "deal_lost", outcome_ids=())
    [finding] = fired(unhandled, "scenarios.negative_without_handling")
    assert finding.severity == BLOCKING and "“A deal is lost”" in finding.message
    by_rule = change(unhandled, "exceptions", "exc_unmatched", scenario_ids=("deal_lost",))
    assert fired(by_rule, "scenarios.negative_without_handling") == []
    # An automation that only starts a journey does not stop anything.
    starting = change(unhandled, "automations", "stop_campaigns", action="start_journey")
    assert len(fired(starting, "scenarios.negative_without_handling")) == 1


def test_a_mapping_no_scenario_needs_is_noted_and_a_tie_or_a_named_attribute_clears_it() -> None:
    doc = ready_document()
    assert fired(doc, "mapping.mapping_not_needed") == []
    narrower = change(doc, "scenarios", "lead_to_cash", entity_ids=("customer",), attribute_ids=())
    unneeded = {f.item_id for f in fired(narrower, "mapping.mapping_not_needed")}
    # Invoices now travel in no scenario; deals still do (stage change, won, lost).
    assert unneeded == {"map_invoice", "map_paid"}
    assert all(f.severity == ADVISORY for f in fired(narrower, "mapping.mapping_not_needed"))
    tied = change(narrower, "mappings", "map_invoice", scenario_ids=("lead_to_cash",))
    assert {f.item_id for f in fired(tied, "mapping.mapping_not_needed")} == {"map_paid"}
    named = change(
        narrower, "scenarios", "lead_to_cash", attribute_ids=("invoice_number", "invoice_status")
    )
    assert fired(named, "mapping.mapping_not_needed") == []


def test_a_mapping_is_needed_only_between_the_scenarios_own_systems() -> None:
    doc = ready_document()
    needed = mappings_needed(doc)
    # Stage change runs between the CRM and the ERP: the marketing copy is not its.
    assert "stage_change" in needed["map_stage_erp"]
    assert "stage_change" not in needed["map_stage_mkt"]


def test_a_blueprint_without_scenarios_is_not_told_every_mapping_is_unneeded() -> None:
    doc = dataclasses.replace(ready_document(), scenarios=(), steps=(), exceptions=())
    assert fired(doc, "mapping.mapping_not_needed") == []
    assert fired(doc, "requirements.measure_not_produced") == []


def test_a_report_measure_must_count_something_a_scenario_produces() -> None:
    doc = ready_document()
    assert fired(doc, "requirements.measure_not_produced") == []
    vague = change(doc, "reports", doc.reports[0].id, measures="happiness, revenue of won deals")
    [finding] = fired(vague, "requirements.measure_not_produced")
    assert "“happiness”" in finding.message and finding.severity == ADVISORY


@pytest.mark.parametrize(
    ("measure", "name", "expected"),
    [
        ("won deals", "Won", True),
        ("invoiced revenue", "Invoice", True),
        ("volume of opportunities", "Opportunity", True),
        ("share of losses", "Loss reason", True),
        ("days in stage", "Stage", True),
        ("win rate", "Won", False),  # different words: the people name the outcome
        ("days to order", "Days", False),  # counting words tie nothing
        ("sales pipeline", "Sale", True),
    ],
)
def test_what_a_measure_counts(measure: str, name: str, expected: bool) -> None:
    assert counts(measure, name) is expected


# --- the trace of a scenario -----------------------------------------------------------


def test_the_trace_of_a_scenario_runs_from_systems_to_reports() -> None:
    doc = ready_document()
    trace = scenario_trace(doc, doc.get("scenarios", "deal_won"))
    assert [s.id for s in trace.systems] == ["crm", "erp", "marketing"]
    assert {e.id for e in trace.entities} == {"deal", "customer"}
    assert {a.id for a in trace.attributes} == {"deal_stage", "deal_amount"}
    assert {m.id for m in trace.mappings} >= {"map_stage_erp", "map_amount", "map_email_erp"}
    assert [o.id for o in trace.outcomes] == ["won"]
    assert {a.id for a in trace.automations} >= {"won_message", "onboarding_task"} or (
        trace.automations
    )
    assert trace.reports and trace.gaps == ()


def test_the_trace_shows_its_gaps() -> None:
    doc = ready_document()
    bare = change(doc, "scenarios", "deal_lost", entity_ids=(), attribute_ids=(), outcome_ids=())
    gaps = dict(scenario_trace(bare, bare.get("scenarios", "deal_lost")).gaps)
    assert set(gaps) == {"entities", "attributes", "exceptions"}
    uncarried = change(doc, "attributes", "deal_stage", display_system_ids=("erp", "support"))
    uncarried = change(uncarried, "scenarios", "stage_change", system_ids=("crm", "support"))
    gaps = scenario_trace(uncarried, uncarried.get("scenarios", "stage_change")).gaps
    assert (
        "mappings",
        "No field mapping carries Deal · Stage into Support desk, which shows or updates it.",
    ) in gaps


def test_suggestions_come_from_the_scenarios_words_and_systems() -> None:
    doc = ready_document()
    scenario = dataclasses.replace(
        doc.get("scenarios", "deal_won"),
        entity_ids=(),
        attribute_ids=(),
        outcome_ids=(),
        title="A deal is won and the invoice follows",
    )
    doc = change(
        doc,
        "scenarios",
        "deal_won",
        **{
            f: getattr(scenario, f) for f in ("entity_ids", "attribute_ids", "outcome_ids", "title")
        },
    )
    suggested = trace_suggestions(doc, doc.get("scenarios", "deal_won"))
    assert set(suggested.entity_ids) == {"deal", "invoice"}
    assert "deal_stage" in suggested.attribute_ids  # carried CRM → ERP for a deal
    assert suggested.outcome_ids == ("won",)  # a success of a deal, recorded in the CRM


# --- acceptance tests ------------------------------------------------------------------


def _parses(features) -> list[tuple[str, str]]:
    return [(f.path, gherkin_error(f.text)) for f in features if gherkin_error(f.text)]


def test_a_scenario_feature_uses_answers_mappings_and_exception_rules() -> None:
    doc = ready_document()
    text = scenario_feature_text(doc, doc.get("scenarios", "new_lead"))
    assert gherkin_error(text) is None
    assert text.startswith("@creation @scenario-new_lead\nFeature: A web lead\n")
    assert "Given Marketing platform and Sales CRM are connected by the integration" in text
    assert "Then Sales CRM.LeadSource holds the value of Marketing platform.source" in text
    assert "when Marketing platform.source and Sales CRM.LeadSource both changed, " in text
    assert "Scenario: Exception: Record already exists in the target" in text
    assert "Given a customer whose crm account id and email already exist in" in text


def test_every_feature_of_the_demo_the_template_and_the_large_blueprint_parses(
    db: None,
) -> None:
    demo = document_from_dict(json.loads(DEMO.read_text(encoding="utf-8"))["projects"][0])
    template = templates_list()[0].document()
    project = Project.objects.create(name="Large")
    benchmark_blueprint_create(project=project, size=BenchSize())
    large = document_load(project)
    for doc in (demo, template, large, ready_document()):
        features = acceptance_features(doc)
        assert len(features) == len(doc.scenarios) + len(doc.exceptions)
        assert _parses(features) == []
        assert len({f.path for f in features}) == len(features)


def test_hostile_text_cannot_break_a_feature() -> None:
    doc = ready_document()
    evil = change(
        doc,
        "scenarios",
        "new_lead",
        title="Scenario: injected\nGiven nothing",
        narrative='Given a step\n"""\n| table |\n@tag\n# comment\nFeature: second',
        answers={"trigger": "When\nThen\nExamples:", "created_first": "Feature: x"},
    )
    text = scenario_feature_text(evil, evil.get("scenarios", "new_lead"))
    assert gherkin_error(text) is None
    assert text.count("Feature:") == 1 + text.count("Feature: x") + text.count("Feature: second")


def test_edited_wording_is_kept_and_must_be_gherkin() -> None:
    doc = ready_document()
    edited = "Feature: A web lead\n  Scenario: it arrives\n    Given a form\n    Then a lead\n"
    mine = change(doc, "scenarios", "new_lead", acceptance_text=edited)
    [feature] = [f for f in acceptance_features(mine) if f.item_id == "new_lead"]
    assert feature.edited and feature.text == edited
    broken = change(doc, "scenarios", "new_lead", acceptance_text="just words")
    [problem] = [p for p in document_problems(broken) if p.field == "acceptance_text"]
    assert "not a Gherkin feature" in problem.message
    archive = zipfile.ZipFile(io.BytesIO(acceptance_zip(mine)))
    assert "features/scenarios/a-web-lead.feature" in archive.namelist()
    assert archive.read("features/scenarios/a-web-lead.feature").decode() == edited


def test_an_exception_feature_has_a_scenario_per_business_scenario_it_applies_to() -> None:
    doc = ready_document()
    rule = change(doc, "exceptions", "exc_unmatched", scenario_ids=("lead_to_cash", "new_lead"))
    [feature] = [f for f in acceptance_features(rule) if f.item_id == "exc_unmatched"]
    assert feature.text.count("  Scenario: ") == 2
    assert "@scenario-lead_to_cash" in feature.text and gherkin_error(feature.text) is None
    alone = [f for f in acceptance_features(doc) if f.item_id == "exc_multiple_matches"][0]
    assert alone.text.count("  Scenario: ") == 1
    assert without(doc, "exceptions", "exc_multiple_matches") is not None


def test_decisions_print_next_to_their_item_and_in_their_chapter() -> None:
    from blueprint.presentation import document_present

    doc = ready_document()
    d = document_present(doc)
    [limit] = [a for e in d["entities"] for a in e["attributes"] if a["name"] == "Credit limit"]
    assert [n["text"] for n in limit["decisions"]] == [
        "Finance alone sets credit limits; the CRM only shows them."
    ]
    assert [n["about"] for n in d["decisions"]] == ["Customer · Credit limit"]
    assert d["open_notes"] == []
    with_question = adding(doc, "notes", question())
    assert [n["about"] for n in document_present(with_question)["open_notes"]] == ["Customer"]


@pytest.mark.django_db
def test_sign_off_cannot_be_requested_until_the_question_is_answered() -> None:
    from django.core.exceptions import ValidationError

    from blueprint.models import Role
    from blueprint.workflow import signoff_request

    doc = adding(ready_document(), "notes", question(must_answer=True))
    users = {m.role: UserFactory(email=m.email) for m in doc.members}
    project = project_import(doc=doc, user=users[Role.FACILITATOR], with_members=True).project
    with pytest.raises(ValidationError, match="1 blocking"):
        signoff_request(project=project, user=users[Role.FACILITATOR])
    Note.objects.filter(project=project, kind="question", status="open").update(
        status="answered", answer="Sales decides the tier."
    )
    from tests.conftest import touched

    touched(project)
    assert signoff_request(project=project, user=users[Role.FACILITATOR]).state == "awaiting"


@pytest.mark.django_db
def test_deleting_an_item_deletes_the_notes_about_it_and_its_parts() -> None:
    from blueprint.document import document_to_json
    from blueprint.items import item_delete
    from blueprint.models import Attribute, Entity

    doc = adding(ready_document(), "notes", question())  # about the entity "Customer"
    owner = UserFactory()
    project = project_import(doc=doc, user=owner, with_members=False).project
    assert Note.objects.filter(project=project).count() == 3
    customer = Entity.objects.get(project=project, name="Customer")
    other = Attribute.objects.filter(project=project).exclude(entity=customer).first()
    Note.objects.create(
        project=project,
        kind="question",
        text="Kept?",
        about_section="attributes",
        about_id=other.pk,
    )
    # The entity takes its attributes with it, and the notes about all of them go too.
    item_delete(obj=customer, user=owner)
    left = Note.objects.filter(project=project)
    assert [n.text for n in left] == ["Kept?"]
    # What is left still makes a document that reads back in.
    loaded = document_load(project)
    assert document_from_json(document_to_json(loaded)) == loaded
