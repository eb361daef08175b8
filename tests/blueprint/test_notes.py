"""Questions, proposed changes and decisions: the services (blueprint.notes), the page and
its writes (blueprint.views.notes), and the open-notes badge on every item row."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from blueprint import rules
from blueprint.access import ProjectFrozen
from blueprint.document import SECTIONS, document_load
from blueprint.models import ActivityEntry, Note, Project, Role, Scenario
from blueprint.notes import (
    NOT_A_PROPOSAL,
    NOT_A_QUESTION,
    OWNER_ROLES,
    note_answer,
    note_create,
    note_decide,
    note_delete,
    owner_role,
    owner_sections_missing,
)
from blueprint.rules import note_targets
from blueprint.views import notes as notes_views
from tests.conftest import HX, client_for
from tests.factories import (
    EntityFactory,
    FieldMappingFactory,
    JourneyStepFactory,
    MembershipFactory,
    ProjectFactory,
    ScenarioFactory,
)
from tests.html import (
    assert_error_at,
    element,
    elements,
    headings,
    is_full_page,
    root,
    visible_text,
)
from tests.queries import get_counting

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def page(project: Project, **query: str) -> str:
    url = reverse("blueprint:notes", args=[project.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def url(name: str, note: Note) -> str:
    return reverse(f"blueprint:{name}", args=[note.project_id, note.pk])


def create_url(project: Project) -> str:
    return reverse("blueprint:note_create", args=[project.pk])


def a_note(project: Project, **values: Any) -> Note:
    """A note stored as the app stores them (through the model's rules)."""
    values = {"kind": Note.Kind.QUESTION, "text": "Who decides the tier?", **values}
    kind = values["kind"]
    values.setdefault("status", Note.STATUSES[kind][0])
    note = Note(project=project, **values)
    note.full_clean()
    note.save()
    return note


def about(item: Any, section: str) -> dict[str, Any]:
    return {"about_section": section, "about_id": item.pk}


def shown_ids(body: str) -> list[int]:
    return [
        int(a["id"].removeprefix("note-")) for a in elements(body, "article", class_="note-row")
    ]


def frozen(project: Project, state: str = Project.State.AWAITING) -> None:
    Project.objects.filter(pk=project.pk).update(state=state)
    project.refresh_from_db()


# --- the owner roles ----------------------------------------------------------------


def test_every_list_a_note_can_be_about_has_an_owner_role() -> None:
    assert owner_sections_missing() == set()
    assert set(OWNER_ROLES) == set(note_targets())
    assert set(note_targets()) == {s.name for s in SECTIONS} - {"notes"}


@pytest.mark.parametrize(
    ("section", "role"),
    [
        ("scenarios", Role.BUSINESS_LEADER),
        ("automations", Role.BUSINESS_LEADER),
        ("exceptions", Role.PROCESS_OWNER),
        ("guardrails", Role.PROCESS_OWNER),
        ("mappings", Role.SYSTEMS_OWNER),
        ("audit_items", Role.SYSTEMS_OWNER),
        ("", Role.FACILITATOR),
    ],
)
def test_the_owner_role_of_a_list(section: str, role: Role) -> None:
    assert owner_role(section) == role


# --- creating -------------------------------------------------------------------------


def test_a_question_is_created_open_written_by_its_author_and_logged(
    project: Project, facilitator: User
) -> None:
    scenario = ScenarioFactory(project=project)
    number = project.change_number
    note = note_create(
        project=project,
        user=facilitator,
        kind=Note.Kind.QUESTION,
        about_section="scenarios",
        about_id=scenario.pk,
        text="  Which system sends the welcome email?  ",
        asked_of="Bianca",
        due_date=TODAY,
        must_answer=True,
    )
    note.refresh_from_db()
    assert (note.status, note.raised_by, note.text) == (
        Note.Status.OPEN,
        "Alice",
        "Which system sends the welcome email?",
    )
    assert (note.asked_of, note.due_date, note.must_answer) == ("Bianca", TODAY, True)
    entry = ActivityEntry.objects.get(project=project)
    assert (entry.action, entry.artifact, entry.item_kind, entry.item_pk) == (
        ActivityEntry.Action.CREATED,
        "notes",
        "question",
        note.pk,
    )
    project.refresh_from_db()
    assert project.change_number == number + 1
    assert document_load(project).notes[0].text == note.text


def test_a_decision_is_recorded_and_keeps_only_what_a_decision_says(
    project: Project, contributor: User
) -> None:
    note = note_create(
        project=project,
        user=contributor,
        kind=Note.Kind.DECISION,
        about_section="",
        about_id=None,
        text="Invoices stay in the ERP.",
        asked_of="Sven",
        due_date=TODAY,
        must_answer=True,
        answer="Finance audits them there.",
    )
    note.refresh_from_db()
    assert note.status == Note.Status.RECORDED
    assert (note.asked_of, note.due_date, note.must_answer) == ("", None, False)
    assert (note.decided_by, note.answer) == ("Bob", "Finance audits them there.")


def test_a_proposed_change_is_asked_of_the_role_that_owns_the_item(
    project: Project, contributor: User
) -> None:
    mapping = FieldMappingFactory(project=project)
    on_mapping = note_create(
        project=project,
        user=contributor,
        kind=Note.Kind.PROPOSAL,
        about_section="mappings",
        about_id=mapping.pk,
        text="Map the tier both ways.",
        answer="ignored: a proposal has no answer yet",
    )
    on_project = note_create(
        project=project,
        user=contributor,
        kind=Note.Kind.PROPOSAL,
        about_section="",
        about_id=None,
        text="Add the support platform.",
    )
    assert (on_mapping.status, on_mapping.asked_of, on_mapping.answer) == (
        Note.Status.OPEN,
        "Systems owner",
        "",
    )
    assert on_project.asked_of == "Facilitator"


def test_a_note_on_an_item_of_another_project_is_refused_and_nothing_is_saved(
    project: Project, facilitator: User
) -> None:
    theirs = ScenarioFactory(project=ProjectFactory())
    with pytest.raises(ValidationError) as refused:
        note_create(
            project=project,
            user=facilitator,
            kind=Note.Kind.QUESTION,
            about_section="scenarios",
            about_id=theirs.pk,
            text="Is this ours?",
        )
    assert "about_id" in refused.value.message_dict
    assert not Note.objects.exists() and not ActivityEntry.objects.exists()


def test_a_viewer_cannot_write_answer_decide_or_delete(
    project: Project, viewer: User, facilitator: User
) -> None:
    question = a_note(project)
    proposal = a_note(project, kind=Note.Kind.PROPOSAL)
    with pytest.raises(PermissionDenied):
        note_create(
            project=project,
            user=viewer,
            kind=Note.Kind.QUESTION,
            about_section="",
            about_id=None,
            text="Can I?",
        )
    with pytest.raises(PermissionDenied):
        note_answer(note=question, user=viewer, answer="Yes")
    with pytest.raises(PermissionDenied):
        note_decide(note=proposal, user=viewer, accepted=True)
    with pytest.raises(PermissionDenied):
        note_delete(note=question, user=viewer)
    assert Note.objects.filter(status=Note.Status.OPEN).count() == 2
    assert not ActivityEntry.objects.exists()


def test_an_outsider_cannot_write_notes(project: Project, outsider: User) -> None:
    with pytest.raises(PermissionDenied):
        note_create(
            project=project,
            user=outsider,
            kind=Note.Kind.DECISION,
            about_section="",
            about_id=None,
            text="We decided.",
        )


@pytest.mark.parametrize("state", [Project.State.AWAITING, Project.State.SIGNED])
def test_a_frozen_or_signed_project_refuses_every_change(
    project: Project, facilitator: User, state: str
) -> None:
    question = a_note(project)
    proposal = a_note(project, kind=Note.Kind.PROPOSAL)
    frozen(project, state)
    question.project = proposal.project = project
    with pytest.raises(ProjectFrozen):
        note_create(
            project=project,
            user=facilitator,
            kind=Note.Kind.QUESTION,
            about_section="",
            about_id=None,
            text="Now?",
        )
    with pytest.raises(ProjectFrozen):
        note_answer(note=question, user=facilitator, answer="Yes")
    with pytest.raises(ProjectFrozen):
        note_decide(note=proposal, user=facilitator, accepted=False)
    with pytest.raises(ProjectFrozen):
        note_delete(note=question, user=facilitator)
    assert Note.objects.filter(status=Note.Status.OPEN).count() == 2


# --- answering and deciding -----------------------------------------------------------


def test_answering_a_question_records_the_answer_and_who_gave_it(
    project: Project, contributor: User
) -> None:
    question = a_note(project, raised_by="Alice")
    answered = note_answer(note=question, user=contributor, answer=" Gold, silver, bronze. ")
    question.refresh_from_db()
    assert (question.status, question.answer, question.decided_by) == (
        Note.Status.ANSWERED,
        "Gold, silver, bronze.",
        "Bob",
    )
    assert answered.pk == question.pk
    entry = ActivityEntry.objects.get(project=project)
    assert entry.action == ActivityEntry.Action.UPDATED
    assert entry.before["Status"] == "Open" and entry.after["Status"] == "Answered"


def test_an_empty_answer_is_refused_with_the_models_words(
    project: Project, contributor: User
) -> None:
    question = a_note(project)
    with pytest.raises(ValidationError) as refused:
        note_answer(note=question, user=contributor, answer="   ")
    assert refused.value.message_dict["answer"] == [rules.NOTE_ANSWER_NEEDED]
    question.refresh_from_db()
    assert question.is_open and not ActivityEntry.objects.exists()


def test_a_question_is_answered_once_and_only_questions_are_answered(
    project: Project, contributor: User
) -> None:
    question = a_note(project)
    note_answer(note=question, user=contributor, answer="Yes.")
    with pytest.raises(ValidationError, match="already answered"):
        note_answer(note=question, user=contributor, answer="No.")
    proposal = a_note(project, kind=Note.Kind.PROPOSAL)
    with pytest.raises(ValidationError) as refused:
        note_answer(note=proposal, user=contributor, answer="Sure.")
    assert refused.value.messages == [NOT_A_QUESTION]
    with pytest.raises(ValidationError) as refused:
        note_decide(note=question, user=contributor, accepted=True)
    assert refused.value.messages == [NOT_A_PROPOSAL]


def test_only_the_owner_role_or_the_facilitator_decides_a_proposed_change(
    project: Project,
    facilitator: User,
    contributor: User,
    process_owner: User,
    systems_owner: User,
) -> None:
    mapping = FieldMappingFactory(project=project)
    first = a_note(project, kind=Note.Kind.PROPOSAL, **about(mapping, "mappings"))
    second = a_note(project, kind=Note.Kind.PROPOSAL, **about(mapping, "mappings"))
    for someone in (contributor, process_owner):
        with pytest.raises(PermissionDenied, match="systems owner"):
            note_decide(note=first, user=someone, accepted=True)
    first.refresh_from_db()
    assert first.is_open and not ActivityEntry.objects.exists()
    note_decide(note=first, user=systems_owner, accepted=True, answer="Sales needs it.")
    note_decide(note=second, user=facilitator, accepted=False)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.decided_by, first.answer) == ("accepted", "Sven", "Sales needs it.")
    assert (second.status, second.decided_by) == ("rejected", "Alice")
    with pytest.raises(ValidationError, match="already accepted"):
        note_decide(note=first, user=systems_owner, accepted=False)


def test_deleting_a_note_logs_what_it_said(project: Project, contributor: User) -> None:
    note = a_note(project, text="Drop the fax channel?")
    note_delete(note=note, user=contributor)
    assert not Note.objects.exists()
    entry = ActivityEntry.objects.get(project=project)
    assert (entry.action, entry.item_label, entry.item_pk) == ("deleted", note.text, note.pk)
    assert entry.before["Note"] == note.text


# --- the page -------------------------------------------------------------------------


class TestNotesPage:
    def test_a_member_reads_every_note_with_what_it_is_about(
        self, alice: Client, project: Project
    ) -> None:
        scenario = ScenarioFactory(project=project, title="A lead arrives")
        step = JourneyStepFactory(scenario__project=project)
        on_scenario = a_note(project, **about(scenario, "scenarios"), asked_of="Bianca")
        on_step = a_note(project, kind=Note.Kind.PROPOSAL, **about(step, "steps"))
        on_project = a_note(project, kind=Note.Kind.DECISION, decided_by="Sven")
        response = alice.get(page(project))
        assert response.status_code == 200
        assert is_full_page(response)
        assert "blueprint/notes.html" in [t.name for t in response.templates]
        body = response.content.decode()
        assert headings(body)[0] == "Questions & decisions"
        links = {a["href"] for a in elements(body, "a", class_="note-about")}
        assert links == {
            f"/p/{project.pk}/scenarios/#scenario-{scenario.pk}",
            f"/p/{project.pk}/scenarios/#step-{step.pk}",
            f"/p/{project.pk}/",
        }
        text = visible_text(body)
        assert "Question on Scenario “A lead arrives”" in text
        assert sorted(shown_ids(body)) == sorted([on_scenario.pk, on_step.pk, on_project.pk])
        nav = elements(body, "a", href=page(project))
        assert nav and nav[0].get("aria-current") == "page"

    def test_open_questions_come_first_those_that_block_sign_off_first_of_all(
        self, alice: Client, project: Project
    ) -> None:
        decision = a_note(project, kind=Note.Kind.DECISION)
        answered = a_note(project, status=Note.Status.ANSWERED, answer="Yes.")
        proposal = a_note(project, kind=Note.Kind.PROPOSAL)
        later = a_note(project, due_date=TODAY + datetime.timedelta(days=9))
        sooner = a_note(project, due_date=TODAY + datetime.timedelta(days=1))
        blocking = a_note(project, must_answer=True)
        body = alice.get(page(project)).content.decode()
        assert shown_ids(body) == [
            blocking.pk,
            sooner.pk,
            later.pk,
            proposal.pk,
            decision.pk,
            answered.pk,
        ]

    def test_an_overdue_question_is_highlighted_and_a_must_answer_one_badged(
        self, alice: Client, project: Project
    ) -> None:
        late = a_note(project, due_date=TODAY - datetime.timedelta(days=1), must_answer=True)
        due = a_note(project, due_date=TODAY)
        done = a_note(
            project,
            due_date=TODAY - datetime.timedelta(days=3),
            status=Note.Status.ANSWERED,
            answer="Done.",
        )
        body = alice.get(page(project)).content.decode()
        overdue = {int(a["id"].split("-")[1]) for a in elements(body, class_="note-overdue")}
        assert overdue == {late.pk}
        assert len(elements(body, class_="note-overdue-badge")) == 1
        badges = elements(body, class_="note-must-answer")
        assert len(badges) == 1
        assert due.pk not in overdue and done.pk not in overdue
        assert element(body, "notes-summary")
        assert "1 overdue" in visible_text(body)

    def test_the_person_filter_matches_who_answers_or_who_wrote_in_any_case(
        self, alice: Client, project: Project, systems_owner: User
    ) -> None:
        asked = a_note(project, asked_of="Bianca Rossi", raised_by="Alice")
        wrote = a_note(project, asked_of="Pedro", raised_by="bianca rossi")
        of_role = a_note(project, asked_of="Systems owner", raised_by="Alice")
        a_note(project, asked_of="Pedro", raised_by="Alice")
        body = alice.get(page(project, person="BIANCA%20ROSSI")).content.decode()
        assert sorted(shown_ids(body)) == sorted([asked.pk, wrote.pk])
        # Sven holds the systems owner role: what is asked of the role is his too.
        body = alice.get(page(project, person="sven")).content.decode()
        assert shown_ids(body) == [of_role.pk]

    def test_the_kind_status_and_item_filters(self, alice: Client, project: Project) -> None:
        entity = EntityFactory(project=project)
        question = a_note(project, **about(entity, "entities"))
        answered = a_note(project, status=Note.Status.ANSWERED, answer="Yes.")
        proposal = a_note(project, kind=Note.Kind.PROPOSAL, **about(entity, "entities"))
        decision = a_note(project, kind=Note.Kind.DECISION)

        def shown(**query: str) -> list[int]:
            return sorted(shown_ids(alice.get(page(project, **query)).content.decode()))

        assert shown(kind="proposal") == [proposal.pk]
        assert shown(status="open") == sorted([question.pk, proposal.pk])
        assert shown(status="closed") == sorted([answered.pk, decision.pk])
        assert shown(about=f"entities:{entity.pk}") == sorted([question.pk, proposal.pk])
        assert shown(about="project") == sorted([answered.pk, decision.pk])
        assert shown(about=f"entities:{entity.pk}", kind="question") == [question.pk]
        # What is not a filter is no filter.
        assert len(shown(kind="rumour", status="maybe", about="nothing:1")) == 4

    def test_a_filtered_list_keeps_the_filters_in_the_forms_and_the_choice_shown(
        self, alice: Client, project: Project
    ) -> None:
        entity = EntityFactory(project=project, name="Customer")
        response = alice.get(page(project, about=f"entities:{entity.pk}"))
        body = response.content.decode()
        assert response.context["form"]["about"].value() == f"entities:{entity.pk}"
        selected = elements(body, "option", value=f"entities:{entity.pk}", selected=None)
        assert len(selected) == 2  # the filter and the add form
        assert elements(body, "input", name="q", value=f"about=entities%3A{entity.pk}")

    def test_the_add_form_says_which_fields_follow_the_kind(
        self, bob: Client, project: Project, business_leader: User
    ) -> None:
        EntityFactory(project=project, name="Customer")
        ScenarioFactory(project=project, title="A lead arrives")
        body = bob.get(page(project)).content.decode()
        (form,) = elements(body, "form", action=create_url(project))
        assert form["data-follows"] == "kind"
        shown = json.loads(form["data-shown-for"] or "")
        assert shown["must_answer"] == ["question"]
        assert shown["decided_by"] == ["decision"]
        groups = [g["label"] for g in elements(body, "optgroup")]
        assert "Entities" in groups and "Scenarios" in groups
        people = {o["value"] for o in elements(body, "option") if o.get("value") == "Bianca"}
        assert people == {"Bianca"}
        assert element(body, "note-people")
        assert element(body, "id_asked_of")["list"] == "note-people"
        assert element(body, "id_due_date")["type"] == "date"

    def test_a_viewer_reads_but_gets_no_forms(self, vera: Client, project: Project) -> None:
        a_note(project)
        a_note(project, kind=Note.Kind.PROPOSAL)
        body = vera.get(page(project)).content.decode()
        assert len(shown_ids(body)) == 2
        posts = {f["action"] for f in elements(body, "form", method="post")}
        assert posts == {reverse("accounts:logout")}

    def test_a_frozen_project_shows_no_forms(self, alice: Client, project: Project) -> None:
        a_note(project)
        frozen(project)
        body = alice.get(page(project)).content.decode()
        assert not elements(body, "form", action=create_url(project))
        assert not elements(body, class_="note-actions")

    def test_a_proposal_shows_its_decision_buttons_only_to_who_decides(
        self, bob: Client, alice: Client, project: Project
    ) -> None:
        proposal = a_note(project, kind=Note.Kind.PROPOSAL)
        body = bob.get(page(project)).content.decode()
        assert not elements(body, "form", action=url("note_decide", proposal))
        assert "The facilitator (or the facilitator)" not in visible_text(body)
        assert elements(body, class_="note-waiting")
        body = alice.get(page(project)).content.decode()
        assert elements(body, "form", action=url("note_decide", proposal))
        assert elements(body, "button", name="decision", value="accept")

    def test_the_summary_refreshes_as_its_own_piece(self, alice: Client, project: Project) -> None:
        a_note(project)
        response = alice.get(page(project), HTTP_HX_TARGET="notes-summary", **HX)
        assert not is_full_page(response)
        assert root(response.content.decode()) == ("div", "notes-summary")
        assert "HX-Request" in response["Vary"]

    def test_anonymous_outsider_and_wrong_method(
        self, client: Client, charlie: Client, alice: Client, project: Project
    ) -> None:
        response = client.get(page(project))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert charlie.get(page(project)).status_code == 404
        assert alice.post(page(project)).status_code == 405


# --- adding ---------------------------------------------------------------------------


def valid(**values: str) -> dict[str, str]:
    return {"kind": "question", "about": "", "text": "Who owns the tier?", **values}


class TestAdd:
    def test_with_htmx_the_form_comes_back_fresh_and_the_list_out_of_band(
        self, bob: Client, project: Project
    ) -> None:
        entity = EntityFactory(project=project)
        data = valid(about=f"entities:{entity.pk}", asked_of="Sven", due_date="2030-01-31")
        response = bob.post(create_url(project), {**data, "must_answer": "on"}, **HX)
        assert response.status_code == 200
        note = Note.objects.get()
        assert (note.about_section, note.about_id, note.raised_by) == ("entities", entity.pk, "Bob")
        assert (note.due_date, note.must_answer) == (datetime.date(2030, 1, 31), True)
        body = response.content.decode()
        assert root(body) == ("section", "note-form")
        assert element(body, "notes-list")["hx-swap-oob"] == "true"
        assert shown_ids(body) == [note.pk]
        assert response.context["form"]["about"].value() == f"entities:{entity.pk}"
        assert "blueprint-changed" in response["HX-Trigger-After-Settle"]

    def test_without_htmx_it_goes_back_to_the_page_and_its_filters(
        self, bob: Client, project: Project
    ) -> None:
        response = bob.post(create_url(project), valid(kind="decision", q="kind=decision"))
        note = Note.objects.get()
        assert response.status_code == 302
        assert response["Location"] == page(project, kind="decision") + f"#note-{note.pk}"
        assert note.status == Note.Status.RECORDED and note.decided_by == "Bob"

    def test_errors_show_at_the_field_and_nothing_is_saved(
        self, bob: Client, project: Project
    ) -> None:
        theirs = EntityFactory(project=ProjectFactory())
        data = valid(text="  ", about=f"entities:{theirs.pk}", due_date="soon")
        response = bob.post(create_url(project), data, **HX)
        assert response.status_code == 422
        body = response.content.decode()
        assert root(body) == ("section", "note-form")
        assert_error_at(body, "text", "This field is required.")
        assert "Select a valid choice" in visible_text(body)
        assert_error_at(body, "due_date", "Enter a valid date.")
        assert not Note.objects.exists() and not ActivityEntry.objects.exists()
        response = bob.post(create_url(project), data)
        assert response.status_code == 422 and is_full_page(response)

    def test_the_models_rules_show_at_the_about_field(
        self, bob: Client, project: Project, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The item is deleted between the page offering it and the note being checked."""
        entity = EntityFactory(project=project)
        before, value = document_load(project), f"entities:{entity.pk}"
        entity.delete()
        monkeypatch.setattr(notes_views, "document_load", lambda _project: before)
        response = bob.post(create_url(project), valid(about=value), **HX)
        assert response.status_code == 422
        assert_error_at(
            response.content.decode(), "about", "That item is not in this project (any more)."
        )
        assert not Note.objects.exists()

    def test_viewers_and_frozen_projects_are_refused(
        self, vera: Client, alice: Client, project: Project
    ) -> None:
        assert vera.post(create_url(project), valid()).status_code == 403
        frozen(project)
        assert alice.post(create_url(project), valid(), **HX).status_code == 403
        assert not Note.objects.exists()

    def test_only_post(self, alice: Client, project: Project) -> None:
        assert alice.get(create_url(project)).status_code == 405


# --- answering, deciding, deleting ----------------------------------------------------


class TestRowWrites:
    def test_answering_with_htmx_swaps_the_row(self, bob: Client, project: Project) -> None:
        question = a_note(project)
        response = bob.post(url("note_answer", question), {"answer": "Gold."}, **HX)
        assert response.status_code == 200 and not is_full_page(response)
        body = response.content.decode()
        assert root(body) == ("article", f"note-{question.pk}")
        assert "Answer by Bob" in visible_text(body)
        assert not elements(body, "form", action=url("note_answer", question))
        question.refresh_from_db()
        assert question.status == Note.Status.ANSWERED
        assert "blueprint-changed" in response["HX-Trigger-After-Settle"]

    def test_answering_without_htmx_goes_back_to_the_row(
        self, bob: Client, project: Project
    ) -> None:
        question = a_note(project)
        response = bob.post(url("note_answer", question), {"answer": "Gold.", "q": "status=open"})
        assert response.status_code == 302
        assert response["Location"] == page(project, status="open") + f"#note-{question.pk}"

    def test_an_empty_answer_shows_its_error_in_the_row(
        self, bob: Client, project: Project
    ) -> None:
        question = a_note(project)
        response = bob.post(url("note_answer", question), {"answer": ""}, **HX)
        assert response.status_code == 422
        body = response.content.decode()
        assert root(body) == ("article", f"note-{question.pk}")
        assert_error_at(body, f"note{question.pk}_answer", rules.NOTE_ANSWER_NEEDED)
        assert elements(body, "details", open=None)
        response = bob.post(url("note_answer", question), {"answer": ""})
        assert response.status_code == 422 and is_full_page(response)
        question.refresh_from_db()
        assert question.is_open and not ActivityEntry.objects.exists()

    def test_an_answer_to_a_question_answered_meanwhile_says_so(
        self, bob: Client, alice: Client, project: Project
    ) -> None:
        question = a_note(project)
        alice.post(url("note_answer", question), {"answer": "First."}, **HX)
        response = bob.post(url("note_answer", question), {"answer": "Second."}, **HX)
        assert response.status_code == 422
        assert "already answered" in visible_text(response.content.decode())
        question.refresh_from_db()
        assert question.answer == "First."

    def test_the_owner_role_accepts_with_htmx(self, project: Project, systems_owner: User) -> None:
        mapping = FieldMappingFactory(project=project)
        proposal = a_note(project, kind=Note.Kind.PROPOSAL, **about(mapping, "mappings"))
        client = client_for(systems_owner)
        data = {"decision": "accept", "answer": "Needed."}
        response = client.post(url("note_decide", proposal), data, **HX)
        assert response.status_code == 200
        assert root(response.content.decode()) == ("article", f"note-{proposal.pk}")
        proposal.refresh_from_db()
        assert (proposal.status, proposal.decided_by) == ("accepted", "Sven")

    def test_someone_else_is_refused_and_a_missing_decision_is_said(
        self, bob: Client, alice: Client, project: Project
    ) -> None:
        proposal = a_note(project, kind=Note.Kind.PROPOSAL)
        assert bob.post(url("note_decide", proposal), {"decision": "accept"}).status_code == 403
        response = alice.post(url("note_decide", proposal), {"answer": "Hm."}, **HX)
        assert response.status_code == 422
        assert "Choose whether the change is accepted or rejected." in visible_text(
            response.content.decode()
        )
        response = alice.post(url("note_decide", proposal), {"decision": "reject"})
        assert response.status_code == 302
        proposal.refresh_from_db()
        assert proposal.status == Note.Status.REJECTED

    def test_deleting_with_and_without_htmx(self, bob: Client, project: Project) -> None:
        first, second = a_note(project), a_note(project)
        response = bob.post(url("note_delete", first), **HX)
        assert response.status_code == 200 and response.content == b""
        response = bob.post(url("note_delete", second))
        assert response.status_code == 302 and response["Location"] == page(project)
        assert not Note.objects.exists()

    def test_viewers_outsiders_and_frozen_projects_are_refused(
        self, vera: Client, charlie: Client, alice: Client, project: Project
    ) -> None:
        question = a_note(project)
        for name in ("note_answer", "note_delete"):
            assert vera.post(url(name, question), {"answer": "x"}).status_code == 403
            assert charlie.post(url(name, question), {"answer": "x"}).status_code == 404
            assert alice.get(url(name, question)).status_code == 405
        frozen(project, Project.State.SIGNED)
        assert alice.post(url("note_answer", question), {"answer": "x"}, **HX).status_code == 403
        assert alice.post(url("note_delete", question), **HX).status_code == 403
        question.refresh_from_db()
        assert question.is_open

    def test_a_note_of_another_project_is_not_found(self, alice: Client, project: Project) -> None:
        theirs = a_note(ProjectFactory())
        path = reverse("blueprint:note_answer", args=[project.pk, theirs.pk])
        assert alice.post(path, {"answer": "x"}).status_code == 404


# --- query counts ---------------------------------------------------------------------


def _notes_on_scenarios(project: Project, n: int) -> None:
    for i in range(n):
        scenario = ScenarioFactory(project=project)
        kind = Note.Kind.PROPOSAL if i % 2 else Note.Kind.QUESTION
        a_note(project, kind=kind, **about(scenario, "scenarios"), due_date=TODAY)
        a_note(project, kind=Note.Kind.DECISION, **about(scenario, "scenarios"))


def _two_sizes(facilitator: User, project: Project, path: Any) -> tuple[int, int]:
    big = ProjectFactory(name="Big")
    MembershipFactory(project=big, user=facilitator, role=Role.FACILITATOR)
    _notes_on_scenarios(project, 3)
    _notes_on_scenarios(big, 30)
    client = client_for(facilitator)
    client.get(path(project))  # session and caches warm up once
    small, _ = get_counting(client, path(project))
    large, body = get_counting(client, path(big))
    return small, large


def test_the_notes_page_costs_the_same_for_60_notes_as_for_6(
    facilitator: User, project: Project
) -> None:
    small, large = _two_sizes(facilitator, project, page)
    assert small == large


def test_a_page_of_rows_costs_one_query_for_its_badges_at_any_size(
    facilitator: User, project: Project
) -> None:
    def scenarios(p: Project) -> str:
        # Every card whole, as a small project shows them (a big one shows summaries).
        return reverse("blueprint:scenarios", args=[p.pk]) + "?all=1"

    small, large = _two_sizes(facilitator, project, scenarios)
    assert small == large
    plain = ProjectFactory(name="No notes")
    MembershipFactory(project=plain, user=facilitator, role=Role.FACILITATOR)
    ScenarioFactory(project=plain)
    client = client_for(facilitator)
    client.get(scenarios(plain))
    without, _ = get_counting(client, scenarios(plain))
    assert without == small  # the badges' one query runs with or without notes


def test_the_badges_of_a_page_cost_one_query_of_the_notes(alice: Client, project: Project) -> None:
    _notes_on_scenarios(project, 12)
    with CaptureQueriesContext(connection) as queries:
        response = alice.get(reverse("blueprint:scenarios", args=[project.pk]))
    assert len(elements(response.content.decode(), "a", class_="note-badge")) == 12
    table = Note._meta.db_table
    assert len([q for q in queries if f'"{table}"' in q["sql"]]) == 1


# --- the badge on item rows -----------------------------------------------------------


class TestBadge:
    def test_a_scenario_with_an_open_question_shows_how_many_and_links_to_them(
        self, bob: Client, project: Project
    ) -> None:
        asked = ScenarioFactory(project=project, title="A lead arrives")
        quiet = ScenarioFactory(project=project, title="A deal is won")
        a_note(project, **about(asked, "scenarios"))
        a_note(project, kind=Note.Kind.PROPOSAL, **about(asked, "scenarios"))
        a_note(project, status=Note.Status.ANSWERED, answer="Yes.", **about(quiet, "scenarios"))
        body = bob.get(reverse("blueprint:scenarios", args=[project.pk])).content.decode()
        (badge,) = elements(body, "a", class_="note-badge")
        assert badge["href"] == page(project, about=f"scenarios:{asked.pk}")
        assert badge["aria-label"] == "2 open questions or proposals on A lead arrives"
        adds = {
            a["aria-label"]: a["href"]
            for a in elements(body, "a")
            if "Add note" in (a.get("aria-label") or "")
        }
        assert adds == {
            "Add note to A lead arrives": page(project, about=f"scenarios:{asked.pk}")
            + "#note-form",
            "Add note to A deal is won": page(project, about=f"scenarios:{quiet.pk}")
            + "#note-form",
        }

    def test_a_reader_sees_the_badge_but_cannot_add(self, vera: Client, project: Project) -> None:
        scenario = ScenarioFactory(project=project, title="A lead arrives")
        a_note(project, **about(scenario, "scenarios"))
        body = vera.get(reverse("blueprint:scenarios", args=[project.pk])).content.decode()
        (badge,) = elements(body, "a", class_="note-badge")
        assert badge["aria-label"] == "1 open question or proposal on A lead arrives"
        assert not [
            a for a in elements(body, "a") if a.get("aria-label", "").startswith("Add note")
        ]
        assert not elements(body, "a", aria_label="Edit A lead arrives")

    def test_the_badge_follows_the_row_after_an_inline_save(
        self, bob: Client, project: Project
    ) -> None:
        scenario = ScenarioFactory(project=project, title="A lead arrives")
        a_note(project, **about(scenario, "scenarios"))
        path = reverse("blueprint:item_hx_row", args=[project.pk, "scenario", scenario.pk])
        body = bob.get(path, **HX).content.decode()
        assert len(elements(body, "a", class_="note-badge")) == 1
        assert Scenario.objects.count() == 1
