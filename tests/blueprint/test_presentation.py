"""blueprint/presentation.py: the document resolved to names and labels for readers."""

from __future__ import annotations

import dataclasses

from blueprint.document import MemberDoc, NotApplicableDoc, ScenarioDoc
from blueprint.models import CATEGORY_QUESTIONS, Category
from blueprint.presentation import document_present
from tests.blueprint.blueprints import ready_document


def test_systems_are_sorted_by_name_with_their_labels_not_their_codes() -> None:
    doc = ready_document()
    shown = document_present(doc)["systems"]
    assert [s["name"] for s in shown] == sorted((s.name for s in doc.systems), key=str.lower)
    codes = {s.id: s.kind for s in doc.systems}
    for system in shown:
        assert system["kind"] and system["kind"] != codes[system["id"]]


def test_every_category_is_there_in_order_with_every_question_even_unanswered() -> None:
    doc = ready_document()
    extra = ScenarioDoc("extra", Category.UPDATES, "A late update", answers={})
    doc = dataclasses.replace(doc, scenarios=(*doc.scenarios, extra))
    categories = document_present(doc)["categories"]
    assert len(categories) == len(Category)
    updates = categories[list(Category).index(Category.UPDATES)]
    late = next(s for s in updates["scenarios"] if s["title"] == "A late update")
    assert [q for q, _answer in late["answers"]] == [
        q for _key, q in CATEGORY_QUESTIONS[Category.UPDATES]
    ]
    assert all(answer == "" for _q, answer in late["answers"])


def test_a_category_marked_not_applicable_carries_its_reason() -> None:
    doc = ready_document()
    na = NotApplicableDoc("na", Category.NEGATIVE, "No negative events in scope")
    doc = dataclasses.replace(
        doc,
        scenarios=tuple(s for s in doc.scenarios if s.category != Category.NEGATIVE),
        not_applicable=(na,),
    )
    negative = document_present(doc)["categories"][list(Category).index(Category.NEGATIVE)]
    assert negative["not_applicable"] == "No negative events in scope"
    assert negative["scenarios"] == []


def test_members_show_the_role_label_and_counts_match_the_document() -> None:
    doc = dataclasses.replace(
        ready_document(), members=(MemberDoc("a@x.io", "Ana", "CFO", "business_leader"),)
    )
    shown = document_present(doc)
    assert shown["members"] == [
        {"name": "Ana", "job_title": "CFO", "role": "Business leader", "email": "a@x.io"}
    ]
    assert shown["counts"]["Systems"] == len(doc.systems)
    assert shown["counts"]["Attributes"] == len(doc.attributes)


def test_an_unknown_code_is_shown_as_written_rather_than_crashing() -> None:
    doc = ready_document()
    system = dataclasses.replace(doc.systems[0], api_maturity="legacy-x")
    doc = dataclasses.replace(doc, systems=(system, *doc.systems[1:]))
    [shown] = [s for s in document_present(doc)["systems"] if s["id"] == system.id]
    assert shown["api_maturity"] == "legacy-x"
