"""Checks on ownership, exception rules and guardrails."""

from __future__ import annotations

from typing import Any

from blueprint.document import SECTION_BY_NAME, doc_field_name
from blueprint.models import ExceptionRule, Guardrail, OwnershipRule
from blueprint.readiness.base import _blank, _label, _lower, _q, _Run, _what, is_acronym

_GUARDRAILS = SECTION_BY_NAME["guardrails"]

# Every integration meets these (seed 002); "conflicting automations" joins them as soon
# as there are two automations to conflict.
REQUIRED_SITUATIONS = (
    ExceptionRule.Situation.UNMATCHED,
    ExceptionRule.Situation.MISSING_DATA,
    ExceptionRule.Situation.ALREADY_EXISTS,
    ExceptionRule.Situation.MULTIPLE_MATCHES,
    ExceptionRule.Situation.REJECTED,
)
OWNED_AREAS = (
    OwnershipRule.Area.DATA_STANDARDS,
    OwnershipRule.Area.INTEGRATION,
    OwnershipRule.Area.REPORTING,
)


def _ownership(run: _Run) -> None:
    doc = run.doc
    areas = {rule.area for rule in doc.ownership}
    owned_systems = {
        rule.system_id for rule in doc.ownership if rule.area == OwnershipRule.Area.SYSTEM_CONFIG
    }
    for area in OWNED_AREAS:
        run.check(
            "governance.owner_missing",
            area in areas,
            "ownership",
            None,
            f"Nobody owns {_lower(area.label)}",
            subject=area.value,
        )
    for system in doc.systems:
        run.check(
            "governance.owner_missing",
            system.id in owned_systems,
            "ownership",
            None,
            f"Nobody owns the configuration of {_q(system.name)}",
            subject=system.id,
        )
    for rule in doc.ownership:
        if rule.area == OwnershipRule.Area.SYSTEM_CONFIG:
            what = (
                f"the configuration of {run.system(rule.system_id)}"
                if rule.system_id is not None
                else "the configuration of a system"
            )
            run.check(
                "governance.system_rule_without_system",
                rule.system_id is not None,
                "ownership",
                rule.id,
                "An ownership rule for the configuration of a system does not say which system",
            )
        else:
            label = _label(OwnershipRule.Area, rule.area)
            what = _lower(label)
        run.check(
            "governance.ownership_without_owner",
            not (_blank(rule.owner_name) and _blank(rule.owner_role)),
            "ownership",
            rule.id,
            f"The ownership rule for {what} names no person or role",
        )
        for owner in (rule.owner_name, rule.owner_role):
            if not _blank(owner):
                run.check(
                    "governance.owner_is_acronym",
                    not is_acronym(owner),
                    "ownership",
                    rule.id,
                    f"{_q(owner.strip())} owns {what}: write a person's name or a role, not an "
                    "acronym",
                )


def _situation(rule: Any) -> str:
    if rule.situation == ExceptionRule.Situation.OTHER and not _blank(rule.situation_other):
        return _q(rule.situation_other.strip())
    return _q(_label(ExceptionRule.Situation, rule.situation))


def _exceptions(run: _Run) -> None:
    doc = run.doc
    covered = {rule.situation for rule in doc.exceptions}
    required = list(REQUIRED_SITUATIONS)
    if len(doc.automations) >= 2:
        required.append(ExceptionRule.Situation.CONFLICTING_AUTOMATIONS)
    for situation in required:
        run.check(
            "governance.exception_missing",
            situation in covered,
            "exceptions",
            None,
            f"No exception rule for {_q(situation.label)}",
            subject=situation.value,
        )
    for rule in doc.exceptions:
        name = f"Exception rule {_situation(rule)}"
        if rule.situation == ExceptionRule.Situation.OTHER:
            run.check(
                "governance.exception_unnamed",
                not _blank(rule.situation_other),
                "exceptions",
                rule.id,
                "An exception rule for another situation does not say which situation",
            )
        has_manual = not _blank(rule.manual_handling)
        run.check(
            "governance.exception_without_manual_owner",
            has_manual and not _blank(rule.manual_owner),
            "exceptions",
            rule.id,
            f"{name} does not say what is handled by hand"
            if not has_manual
            else f"{name} does not say who handles it by hand",
        )
        if not _blank(rule.manual_owner):
            run.check(
                "governance.owner_is_acronym",
                not is_acronym(rule.manual_owner),
                "exceptions",
                rule.id,
                f"{name} is handled by {_q(rule.manual_owner.strip())}: write a person's name "
                "or a role, not an acronym",
            )
        run.check(
            "governance.exception_without_tracking",
            not _blank(rule.tracking),
            "exceptions",
            rule.id,
            f"{name} does not say how exceptions are tracked and reviewed",
        )
        handled = rule.auto_log or rule.auto_alert or rule.auto_review_queue or rule.auto_retry
        run.check(
            "governance.exception_only_fails",
            not (rule.auto_fail and not handled and not has_manual),
            "exceptions",
            rule.id,
            f"{name} only stops the sync or drops the record; “the integration should just "
            "fail” is not an answer",
        )
        if rule.auto_retry:
            run.check(
                "governance.retry_without_policy",
                not _blank(rule.retry_policy),
                "exceptions",
                rule.id,
                f"{name} retries without saying how often or how far apart",
            )


def _guardrails(run: _Run) -> None:
    doc = run.doc
    for guard in doc.guardrails:
        attribute = doc.get("attributes", guard.attribute_id)
        if guard.kind == Guardrail.Kind.NO_CROSSING:
            name = f"The guardrail keeping {_q(guard.data_description.strip() or '?')} out"
        else:
            name = f"The guardrail {_q(_label(Guardrail.Kind, guard.kind))}"
            if attribute is not None:
                name += f" on {run.attribute(attribute.id)}"

        def value(field: str, guard: Any = guard) -> Any:
            return getattr(guard, doc_field_name(_GUARDRAILS, field))

        missing = [
            _what(Guardrail, field) for field in Guardrail.unanswered(guard.kind, value, _blank)
        ]
        run.check(
            "governance.guardrail_incomplete",
            not missing,
            "guardrails",
            guard.id,
            f"{name} does not say {' or '.join(missing)}",
        )
        run.check(
            "governance.guardrail_without_rationale",
            not _blank(guard.rationale),
            "guardrails",
            guard.id,
            f"{name} does not say why",
        )
        if guard.kind == Guardrail.Kind.NO_CROSSING and attribute is not None:
            inside = {
                attribute.source_of_truth_id,
                *attribute.display_system_ids,
                *attribute.update_system_ids,
            }
            breached = [s for s in guard.forbidden_system_ids if s in inside]
            run.check(
                "governance.no_crossing_contradicted",
                not breached,
                "guardrails",
                guard.id,
                f"{name} keeps {run.attribute(attribute.id)} out of "
                + ", ".join(run.system(s) for s in breached)
                + ", but the data model has it there (as source of truth, displayed or updated)",
            )
        if guard.kind == Guardrail.Kind.SINGLE_SYSTEM and attribute and guard.system_id:
            others = [s for s in attribute.update_system_ids if s != guard.system_id]
            run.check(
                "governance.single_system_contradicted",
                not others,
                "guardrails",
                guard.id,
                f"{run.attribute(attribute.id)} may change in {run.system(guard.system_id)} "
                "only, but the data model allows updates in "
                + ", ".join(run.system(s) for s in others),
            )
