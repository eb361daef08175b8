"""Checks on reporting and automation: reports, their dimensions, automations."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from blueprint.document import SECTION_BY_NAME, Key
from blueprint.models import Automation
from blueprint.models.requirements import TRIGGER_FIELDS
from blueprint.readiness.base import _blank, _label, _lower, _q, _Run, is_acronym


def _reports(run: _Run) -> None:
    doc = run.doc
    run.check(
        "requirements.no_reports",
        bool(doc.reports),
        "reports",
        None,
        "No reports yet: which questions must the integration make answerable?",
    )
    for report in doc.reports:
        name = f"Report {_q(report.name)}"
        dimensions = doc.children_of("dimensions", "report_id", report.id)
        for check, ok, text in (
            ("requirements.report_without_question", not _blank(report.question), "question"),
            ("requirements.report_without_dimension", bool(dimensions), "dimension"),
            ("requirements.report_without_measure", not _blank(report.measures), "measure"),
            (
                "requirements.report_without_window",
                bool(report.time_windows) or not _blank(report.custom_window),
                "time window",
            ),
        ):
            run.check(check, ok, "reports", report.id, f"{name} has no {text}")
    for dimension in doc.dimensions:
        run.check(
            "requirements.dimension_without_attribute",
            dimension.attribute_id is not None,
            "dimensions",
            dimension.id,
            f"Dimension {_q(dimension.name)} of report "
            f"{_q(doc.name_of('reports', dimension.report_id))} is not provided by any attribute",
        )


def _automations(run: _Run) -> None:
    doc = run.doc
    # (trigger, action, audience) -> sending system -> first automation sending it
    senders: dict[tuple[str, Key, str, str], dict[Key, Any]] = defaultdict(dict)
    for automation in doc.automations:
        name = f"Automation {_q(automation.name)}"
        noun = Automation.trigger_noun(automation.trigger_type)
        id_field = f"{TRIGGER_FIELDS.get(automation.trigger_type, 'trigger_outcome')}_id"
        section = SECTION_BY_NAME["automations"].refs[id_field]
        trigger = getattr(automation, id_field)
        run.check(
            "requirements.automation_without_trigger",
            trigger is not None,
            "automations",
            automation.id,
            f"{name} does not say which {noun} triggers it",
        )
        run.check(
            "requirements.automation_without_sender",
            automation.sending_system_id is not None,
            "automations",
            automation.id,
            f"{name} does not say which system sends it",
        )
        has_owner = run.check(
            "requirements.automation_without_owner",
            not _blank(automation.owner),
            "automations",
            automation.id,
            f"{name} has no owner",
        )
        if has_owner:
            run.check(
                "requirements.automation_owner_is_acronym",
                not is_acronym(automation.owner),
                "automations",
                automation.id,
                f"{name} is owned by {_q(automation.owner.strip())}: write a person's name or a "
                "role, not an acronym",
            )
        if automation.audience == Automation.Audience.CUSTOMERS:
            run.check(
                "requirements.customer_automation_uncoordinated",
                not _blank(automation.coordination),
                "automations",
                automation.id,
                f"{name} reaches customers but does not say how duplicate or conflicting "
                "messages are avoided",
            )
        if trigger is not None and automation.sending_system_id is not None:
            key = (section, trigger, automation.action, automation.audience)
            first = senders[key].setdefault(automation.sending_system_id, automation)
            others = [a for s, a in senders[key].items() if s != automation.sending_system_id]
            action = _lower(_label(Automation.Action, automation.action))
            audience = _lower(_label(Automation.Audience, automation.audience))
            run.check(
                "requirements.automation_duplicated",
                first is not automation or not others,
                "automations",
                automation.id,
                f"{name} ({run.system(automation.sending_system_id)}) and "
                f"{_q(others[0].name) if others else ''} "
                f"({run.system(others[0].sending_system_id) if others else ''}) both "
                f"{action} for {audience} when "
                f"{_q(doc.name_of(section, trigger))} happens",
            )
