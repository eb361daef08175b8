"""Coverage: does every part of the blueprint serve a scenario, and is every negative
event handled? And the workshop's open questions (blueprint.trace decides what a
scenario needs; these checks only ask it)."""

from __future__ import annotations

from blueprint.models import Category, Note
from blueprint.readiness.base import _q, _Run
from blueprint.trace import (
    mappings_needed,
    measure_parts,
    measure_producers,
    scenario_handled,
)


def _coverage(run: _Run) -> None:
    doc = run.doc
    for scenario in doc.scenarios:
        if scenario.category != Category.NEGATIVE:
            continue
        run.check(
            "scenarios.negative_without_handling",
            scenario_handled(doc, scenario),
            "scenarios",
            scenario.id,
            lambda: (
                f"Negative event {_q(scenario.title)} has no exception rule that applies to it "
                "and sets off no automation that stops the messaging"
            ),
        )
    if doc.scenarios:
        needed = mappings_needed(doc)
        for mapping in doc.mappings:
            run.check(
                "mapping.mapping_not_needed",
                bool(needed.get(mapping.id)),
                "mappings",
                mapping.id,
                lambda: (
                    f"No scenario needs the field mapping {_q(doc.name_of('mappings', mapping.id))}"
                    ": tie it to the scenarios it serves, or name what it carries in one"
                ),
            )
    if doc.scenarios:
        for report in doc.reports:
            for measure in measure_parts(report):
                run.check(
                    "requirements.measure_not_produced",
                    bool(measure_producers(doc, measure)),
                    "reports",
                    report.id,
                    lambda: (
                        f"No scenario produces what the measure {_q(measure)} of report "
                        f"{_q(report.name)} counts: name the outcome, attribute or entity it "
                        "counts in a scenario"
                    ),
                )


def _about(run: _Run, note: object) -> str:
    section, key = note.about_section, note.about_id  # type: ignore[attr-defined]
    if not section or key is None:
        return "the project"
    return _q(run.doc.name_of(section, key) or "?")


def _notes(run: _Run) -> None:
    for note in run.doc.notes:
        if note.kind == Note.Kind.QUESTION:
            check = "notes.question_must_answer" if note.must_answer else "notes.question_open"
            asked = f" ({note.asked_of} to answer)" if note.asked_of.strip() else ""
            run.check(
                check,
                note.status != Note.Status.OPEN,
                "notes",
                note.id,
                lambda: (
                    f"The question on {_about(run, note)}{asked} is not answered: "
                    f"{_q(' '.join(note.text.split())[:120])}"
                ),
            )
        elif note.kind == Note.Kind.PROPOSAL:
            run.check(
                "notes.proposal_open",
                note.status != Note.Status.OPEN,
                "notes",
                note.id,
                lambda: (
                    f"The proposed change to {_about(run, note)} is neither accepted nor "
                    f"rejected: {_q(' '.join(note.text.split())[:120])}"
                ),
            )
