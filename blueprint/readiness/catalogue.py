"""The check table: for each check, the artifact where the fix is made, its severity and
the rule in the workshop's words. Its order is the order findings are reported in."""

from __future__ import annotations

from dataclasses import dataclass

BLOCKING = "blocking"
ADVISORY = "advisory"

# The four artifacts, in the order the workshop fills them in.
ARTIFACTS: dict[str, str] = {
    "scenarios": "Business scenarios",
    "mapping": "Data mapping",
    "governance": "Ownership and exceptions",
    "requirements": "Reporting and automation",
}
# Findings that belong to none of the four: the project's systems and people (blocking
# where sign-off needs them) and the delivery plan (advisory only, see DESIGN.md).
GENERAL: dict[str, str] = {
    "project": "Systems and people",
    "delivery": "Delivery plan",
    "notes": "Questions and decisions",
}


@dataclass(frozen=True)
class CheckInfo:
    artifact: str
    severity: str
    title: str


def _b(artifact: str, title: str) -> CheckInfo:
    return CheckInfo(artifact, BLOCKING, title)


def _a(artifact: str, title: str) -> CheckInfo:
    return CheckInfo(artifact, ADVISORY, title)


CHECKS: dict[str, CheckInfo] = {
    # Business scenarios
    "scenarios.category_uncovered": _b(
        "scenarios", "Each category has a scenario or is marked not applicable"
    ),
    "scenarios.not_applicable_without_reason": _b(
        "scenarios", "A category marked not applicable says why"
    ),
    "scenarios.not_applicable_but_described": _a(
        "scenarios", "A category marked not applicable has no scenarios"
    ),
    "scenarios.scenario_without_narrative": _b("scenarios", "Each scenario tells its story"),
    "scenarios.scenario_without_systems": _b("scenarios", "Each scenario names its systems"),
    "scenarios.question_unanswered": _b(
        "scenarios", "Each scenario answers every question of its category"
    ),
    "scenarios.journey_too_short": _b(
        "scenarios", "Each journey has at least two steps across at least two systems"
    ),
    "scenarios.step_without_system": _b("scenarios", "Each journey step names its system"),
    "scenarios.journey_misses_watcher": _b(
        "scenarios", "A journey reaches every system that must see the current status"
    ),
    "scenarios.negative_without_handling": _b(
        "scenarios",
        "Each negative event has an exception rule or an automation that stops the messaging",
    ),
    # Data mapping
    "mapping.no_entities": _b("mapping", "The data model has at least one entity"),
    "mapping.entity_without_home": _b("mapping", "Each entity has a home system"),
    "mapping.entity_without_link_method": _b(
        "mapping", "Each entity says how its records are linked across systems"
    ),
    "mapping.entity_without_identity": _b(
        "mapping", "Each entity names the attributes that make up its identity"
    ),
    "mapping.identity_of_other_entity": _b(
        "mapping", "An entity's identity is made of its own attributes"
    ),
    "mapping.entity_without_duplicate_rule": _b(
        "mapping", "Each entity says how duplicates and conflicts are handled"
    ),
    "mapping.entity_without_issuer": _b(
        "mapping", "Each entity says which system issues its identifiers"
    ),
    "mapping.entity_sync_unknown": _b(
        "mapping", "Each entity says whether it is synchronised today"
    ),
    "mapping.entity_without_history_decision": _b(
        "mapping", "An entity not synchronised today has a decision for its historical data"
    ),
    "mapping.copy_without_reason": _a("mapping", "Each copy in another system says why"),
    "mapping.attribute_without_source": _b(
        "mapping", "Each attribute has exactly one source of truth"
    ),
    "mapping.source_not_updatable": _b(
        "mapping", "Updates to an attribute are allowed in its source of truth"
    ),
    "mapping.attribute_claimed_twice": _b(
        "mapping", "Attributes of one entity with the same name share a source of truth"
    ),
    "mapping.relationship_without_maintainer": _b(
        "mapping", "Each relationship says where it is maintained"
    ),
    "mapping.relationship_without_change_rule": _b(
        "mapping", "Each relationship says what happens when it changes in one system"
    ),
    "mapping.outcome_without_reasons": _b("mapping", "Each outcome has reason codes"),
    "mapping.outcome_without_record": _b("mapping", "Each outcome says where it is recorded"),
    "mapping.outcome_without_sync": _b("mapping", "Each outcome says how it syncs"),
    "mapping.mapping_incomplete": _b(
        "mapping", "Each field mapping has both fields, a sync direction and a conflict rule"
    ),
    "mapping.mapping_without_attribute": _a(
        "mapping", "Each field mapping says which attribute it carries"
    ),
    "mapping.mapping_overwrites_guarded": _b(
        "mapping", "No field mapping overwrites an attribute that must never be overwritten"
    ),
    "mapping.mapping_against_single_system": _b(
        "mapping", "No field mapping changes an attribute outside the one system allowed"
    ),
    "mapping.mapping_crosses_boundary": _b(
        "mapping", "No field mapping carries data into a system it must not reach"
    ),
    "mapping.mapping_target_not_listed": _b(
        "mapping", "A field mapping writes only into systems that display or update the attribute"
    ),
    "mapping.field_fed_by_two_sources": _b(
        "mapping", "No target field is fed from two different sources of truth"
    ),
    "mapping.system_without_entity": _b(
        "mapping", "Every system named for an entity holds it: as its home or with a copy"
    ),
    "mapping.attribute_not_fed": _b(
        "mapping",
        "Every system that displays or updates an attribute is fed from its source of truth",
    ),
    "mapping.required_from_unfed_source": _b(
        "mapping", "A required field mapping reads from the source of truth or a system fed by it"
    ),
    "mapping.truth_written_by_outsider": _b(
        "mapping", "Only systems allowed to update an attribute write into its source of truth"
    ),
    "mapping.mapping_not_needed": _a("mapping", "Each field mapping is needed by a scenario"),
    # Ownership, exceptions and guardrails
    "governance.owner_missing": _b(
        "governance",
        "Someone owns data standards, the integration layer, reporting and each system",
    ),
    "governance.ownership_without_owner": _b(
        "governance", "Each ownership rule names a person or a role"
    ),
    "governance.owner_is_acronym": _b(
        "governance", "Owners are people or roles written out, not acronyms"
    ),
    "governance.system_rule_without_system": _a(
        "governance", "An ownership rule for a system's configuration names the system"
    ),
    "governance.exception_missing": _b(
        "governance", "Each situation the integration will meet has an exception rule"
    ),
    "governance.exception_without_manual_owner": _b(
        "governance", "Each exception rule says what is handled by hand, and by whom"
    ),
    "governance.exception_without_tracking": _b(
        "governance", "Each exception rule says how exceptions are tracked and reviewed"
    ),
    "governance.exception_only_fails": _b(
        "governance", "No exception rule only fails or drops the record"
    ),
    "governance.retry_without_policy": _a(
        "governance", "An exception rule that retries says how often and how far apart"
    ),
    "governance.exception_unnamed": _a(
        "governance", "An exception rule for another situation names the situation"
    ),
    "governance.guardrail_incomplete": _b(
        "governance", "Each guardrail says what it protects and where"
    ),
    "governance.guardrail_without_rationale": _a("governance", "Each guardrail says why"),
    "governance.no_crossing_contradicted": _b(
        "governance", "Data kept out of a system is not held, shown or updated there"
    ),
    "governance.single_system_contradicted": _b(
        "governance", "An attribute that may change in one system only is updated nowhere else"
    ),
    # Reporting and automation
    "requirements.no_reports": _b("requirements", "At least one report is written down"),
    "requirements.report_without_question": _b(
        "requirements", "Each report says which question it answers"
    ),
    "requirements.report_without_dimension": _b(
        "requirements", "Each report has at least one dimension"
    ),
    "requirements.report_without_measure": _b(
        "requirements", "Each report has at least one measure"
    ),
    "requirements.report_without_window": _b("requirements", "Each report has a time window"),
    "requirements.dimension_without_attribute": _b(
        "requirements", "Each report dimension is provided by an attribute"
    ),
    "requirements.automation_without_trigger": _b(
        "requirements", "Each automation names the event that triggers it"
    ),
    "requirements.automation_without_sender": _b(
        "requirements", "Each automation says which system sends it"
    ),
    "requirements.automation_without_owner": _b("requirements", "Each automation has an owner"),
    "requirements.automation_owner_is_acronym": _b(
        "requirements", "Automation owners are people or roles written out, not acronyms"
    ),
    "requirements.automation_duplicated": _b(
        "requirements",
        "No two systems send the same kind of action to the same audience on one trigger",
    ),
    "requirements.automation_event_unreachable": _b(
        "requirements", "Each automation's sending system learns of the event that triggers it"
    ),
    "requirements.customer_automation_uncoordinated": _a(
        "requirements", "An automation that reaches customers says how duplicates are avoided"
    ),
    "requirements.measure_not_produced": _a(
        "requirements", "Each report measure counts something a scenario produces"
    ),
    # Systems and people
    "project.too_few_systems": _b("project", "The project lists at least two systems"),
    "project.signoff_role_vacant": _b(
        "project", "Someone holds each sign-off role: business leader, process owner, systems owner"
    ),
    "project.system_unused": _a("project", "Each system takes part in the blueprint"),
    "project.system_only_in_stories": _a(
        "project", "A system named in a scenario holds some of the data model"
    ),
    "project.system_without_test_environment": _a("project", "Each system has a test environment"),
    "project.system_api_undocumented": _a(
        "project", "Each system's API documentation is known to exist"
    ),
    # Delivery plan (advisory by design)
    "delivery.phase_without_exit_criteria": _a("delivery", "Each delivery phase has exit criteria"),
    "delivery.contract_open": _a(
        "delivery", "The API contract of each integrated system is settled"
    ),
    "delivery.audit_open": _a("delivery", "The audit record covers every item"),
    # Questions and decisions
    "notes.question_must_answer": _b(
        "notes", "Every question that must be answered before sign-off is answered"
    ),
    "notes.question_open": _a("notes", "Every question is answered"),
    "notes.proposal_open": _a("notes", "Every proposed change is accepted or rejected"),
}
