"""Checks on the business scenarios: categories, scenarios, questions, journeys."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from blueprint.models import CATEGORY_QUESTIONS, Category
from blueprint.readiness.base import _blank, _label, _q, _Run


def _scenarios(run: _Run) -> None:
    doc = run.doc
    by_category: dict[str, list[Any]] = defaultdict(list)
    for scenario in doc.scenarios:
        by_category[scenario.category].append(scenario)
    not_applicable = {na.category: na for na in doc.not_applicable}
    for category in Category:
        run.check(
            "scenarios.category_uncovered",
            bool(by_category[category]) or category in not_applicable,
            "categories",
            category.value,
            f"{_q(category.label)} has no scenario and is not marked not applicable",
        )
    for na in doc.not_applicable:
        name = _q(_label(Category, na.category))
        run.check(
            "scenarios.not_applicable_without_reason",
            not _blank(na.reason),
            "categories",
            na.category,
            f"{name} is marked not applicable without saying why",
        )
        described = by_category.get(na.category, [])
        run.check(
            "scenarios.not_applicable_but_described",
            not described,
            "categories",
            na.category,
            f"{name} is marked not applicable but has scenario "
            f"{_q(described[0].title) if described else ''}",
        )
    for scenario in doc.scenarios:
        title = _q(scenario.title)
        run.check(
            "scenarios.scenario_without_narrative",
            not _blank(scenario.narrative),
            "scenarios",
            scenario.id,
            f"Scenario {title} does not tell its story yet",
        )
        run.check(
            "scenarios.scenario_without_systems",
            bool(scenario.system_ids),
            "scenarios",
            scenario.id,
            f"Scenario {title} names no systems",
        )
        for key, question in CATEGORY_QUESTIONS.get(scenario.category, []):
            run.check(
                "scenarios.question_unanswered",
                not _blank(scenario.answers.get(key)),
                "scenarios",
                scenario.id,
                f"Scenario {title} does not answer {_q(question)}",
            )
        if scenario.category == Category.JOURNEY:
            steps = doc.children_of("steps", "scenario_id", scenario.id)
            systems = {s.system_id for s in steps if s.system_id is not None}
            run.check(
                "scenarios.journey_too_short",
                len(steps) >= 2 and len(systems) >= 2,
                "scenarios",
                scenario.id,
                f"Journey {title} has {len(steps)} step(s) in {len(systems)} system(s); a "
                "journey needs at least two steps across at least two systems",
            )
    for step in doc.steps:
        run.check(
            "scenarios.step_without_system",
            step.system_id is not None,
            "scenarios",
            step.scenario_id,
            f"Step {step.position} of {_q(doc.name_of('scenarios', step.scenario_id))} "
            f"({_q(step.description)}) has no system",
        )
