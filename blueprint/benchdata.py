"""The large benchmark blueprint, built fast with bulk inserts.

10 systems, 60 scenarios, 40 entities, 400 attributes and 1,000 field mappings, with
owners, exception rules, guardrails, reports, automations and a delivery plan, written
with sentences of realistic length so that timing the PDF means something. Used by
`manage.py bench`; deterministic apart from the users' e-mail addresses.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from accounts.models import User
from blueprint.models import (
    CATEGORY_QUESTIONS,
    Attribute,
    AuditItem,
    AuditTopic,
    Automation,
    Category,
    ContractItem,
    ContractTopic,
    DeliveryPhase,
    Entity,
    EntityCopy,
    ExceptionRule,
    FieldMapping,
    Guardrail,
    JourneyStep,
    Membership,
    Outcome,
    OwnershipRule,
    Phase,
    Project,
    ReasonCode,
    Relationship,
    Report,
    ReportDimension,
    Role,
    Scenario,
    System,
)

SYSTEM_NAMES = (
    ("Sales CRM", "crm"),
    ("Finance ERP", "erp"),
    ("Support desk", "support"),
    ("Marketing platform", "marketing"),
    ("Data warehouse", "warehouse"),
    ("Web shop", "ecommerce"),
    ("Billing engine", "billing"),
    ("Core banking", "core_banking"),
    ("Partner portal", "other"),
    ("Field service app", "other"),
)
ENTITY_NAMES = (
    "Customer",
    "Contact",
    "Deal",
    "Quote",
    "Order",
    "Invoice",
    "Payment",
    "Subscription",
    "Product",
    "Price list",
    "Ticket",
    "Campaign",
    "Lead",
    "Contract",
    "Shipment",
    "Return",
    "Credit note",
    "Account manager",
    "Branch",
    "Partner",
    "Asset",
    "Work order",
    "Appointment",
    "Survey response",
    "Consent",
    "Loan application",
    "Bank account",
    "Card",
    "Loyalty member",
    "Voucher",
    "Warehouse stock",
    "Supplier",
    "Purchase order",
    "Budget",
    "Cost centre",
    "Employee",
    "Territory",
    "Forecast",
    "Renewal",
    "Churn case",
)
ATTRIBUTE_KINDS = ("status", "type", "priority", "date", "amount", "identifier", "other")
CONFLICT_RULES = [c.value for c in FieldMapping.ConflictRule]
ROLES = (
    (Role.FACILITATOR, "Fiona Bench", "Integration facilitator"),
    (Role.BUSINESS_LEADER, "David Bench", "Chief revenue officer"),
    (Role.PROCESS_OWNER, "Priya Bench", "Head of sales operations"),
    (Role.SYSTEMS_OWNER, "Tomás Bench", "Director of enterprise systems"),
)
NARRATIVE = (
    "A customer record moves from the system where it is born into every system that "
    "needs it, carrying the identifiers, the owner and the status. Nobody retypes it: the "
    "integration moves it within five minutes, and the people who work with it are told."
)
TRANSFORMATION = "Trim spaces, upper-case the code and map the value through the shared list."


@dataclass(frozen=True)
class BenchSize:
    systems: int = 10
    scenarios: int = 60
    entities: int = 40
    attributes: int = 400
    mappings: int = 1000


def benchmark_blueprint_create(*, project: Project, size: BenchSize | None = None) -> None:
    """Fill an empty project with the benchmark blueprint (about 40 bulk inserts)."""
    size = size or BenchSize()
    token = secrets.token_hex(4)
    users = User.objects.bulk_create(
        User(
            email=f"bench-{token}-{role.value}@example.invalid",
            display_name=name,
            job_title=title,
            password="!",  # unusable
        )
        for role, name, title in ROLES
    )
    Membership.objects.bulk_create(
        Membership(project=project, user=user, role=role)
        for user, (role, _name, _title) in zip(users, ROLES, strict=True)
    )
    systems = System.objects.bulk_create(
        System(
            project=project,
            name=SYSTEM_NAMES[i % len(SYSTEM_NAMES)][0]
            + ("" if i < len(SYSTEM_NAMES) else f" {i}"),
            kind=SYSTEM_NAMES[i % len(SYSTEM_NAMES)][1],
            description="Runs a part of the business the integration must reach.",
            api_maturity=("mature", "developing", "early")[i % 3],
            api_documentation=("complete", "partial", "missing", "unknown")[i % 4],
            test_environment=("yes", "no", "unknown")[i % 3],
        )
        for i in range(size.systems)
    )
    n_sys = len(systems)
    entities = Entity.objects.bulk_create(
        Entity(
            project=project,
            name=ENTITY_NAMES[i % len(ENTITY_NAMES)] + ("" if i < len(ENTITY_NAMES) else f" {i}"),
            kind=("person", "organisation", "transaction", "asset")[i % 4],
            description="A thing the business keeps track of across systems.",
            home_system=systems[i % n_sys],
            identifier_issuer=systems[i % n_sys],
            link_method="The home system's ID is stored as external ID in every copy.",
            sync_state=("synchronised", "manual", "not_synchronised")[i % 3],
            history_decision=("", "overwrite", "accept")[i % 3],
            duplicate_rule="Emails match but names differ: route to review, never merge.",
        )
        for i in range(size.entities)
    )
    n_ent = len(entities)
    EntityCopy.objects.bulk_create(
        EntityCopy(
            project=project,
            entity=e,
            system=systems[(i + k) % n_sys],
            reason="People there need to see it while they work.",
        )
        for i, e in enumerate(entities)
        for k in (1, 2)
    )
    attributes = Attribute.objects.bulk_create(
        Attribute(
            project=project,
            entity=entities[i % n_ent],
            name=f"{ATTRIBUTE_KINDS[i % len(ATTRIBUTE_KINDS)].title()} field {i}",
            kind=ATTRIBUTE_KINDS[i % len(ATTRIBUTE_KINDS)],
            description="Must read the same in every system that shows it.",
            source_of_truth=systems[i % n_ent % n_sys],
        )
        for i in range(size.attributes)
    )
    display = Attribute.display_systems.through
    update = Attribute.update_systems.through
    display.objects.bulk_create(
        display(attribute_id=a.pk, system_id=systems[(i % n_ent + k) % n_sys].pk)
        for i, a in enumerate(attributes)
        for k in (1, 2, 3)
    )
    update.objects.bulk_create(
        update(attribute_id=a.pk, system_id=systems[i % n_ent % n_sys].pk)
        for i, a in enumerate(attributes)
    )
    identity = Entity.identity_attributes.through
    identity.objects.bulk_create(
        identity(entity_id=attributes[i].entity_id, attribute_id=attributes[i].pk)
        for i in range(min(n_ent, len(attributes)))
    )
    acceptors = Entity.identifier_acceptors.through
    acceptors.objects.bulk_create(
        acceptors(entity_id=e.pk, system_id=systems[(i + 1) % n_sys].pk)
        for i, e in enumerate(entities)
    )
    relationships = Relationship.objects.bulk_create(
        Relationship(
            project=project,
            from_entity=entities[i],
            to_entity=entities[(i + 1) % n_ent],
            description="belongs to",
            maintained_in=systems[i % n_sys],
            change_behaviour="The copies follow within five minutes; history is kept.",
        )
        for i in range(n_ent)
    )
    synced = Relationship.synced_systems.through
    synced.objects.bulk_create(
        synced(relationship_id=r.pk, system_id=systems[(i + 1) % n_sys].pk)
        for i, r in enumerate(relationships)
    )
    outcomes = Outcome.objects.bulk_create(
        Outcome(
            project=project,
            name=name,
            polarity=polarity,
            entity=entities[2 % n_ent],
            recorded_in=systems[0],
            sync_behaviour="Sent to the other systems at once.",
        )
        for name, polarity in (
            ("Won", "success"),
            ("Lost", "negative"),
            ("Funded", "success"),
            ("Denied", "negative"),
            ("Churned", "negative"),
            ("Renewed", "success"),
        )
    )
    ReasonCode.objects.bulk_create(
        ReasonCode(project=project, outcome=o, code=code)
        for o in outcomes
        for code in ("pricing", "timing", "competition", "product fit")
    )
    categories = [c.value for c in Category]
    scenarios = Scenario.objects.bulk_create(
        Scenario(
            project=project,
            category=categories[i % len(categories)],
            title=f"Scenario {i + 1}: {ENTITY_NAMES[i % len(ENTITY_NAMES)].lower()} flow",
            narrative=NARRATIVE,
            answers={
                q: "The home system records it first; the others follow within five minutes."
                for q, _ in CATEGORY_QUESTIONS[categories[i % len(categories)]]
            },
        )
        for i in range(size.scenarios)
    )
    involved = Scenario.systems.through
    involved.objects.bulk_create(
        involved(scenario_id=s.pk, system_id=systems[(i + k) % n_sys].pk)
        for i, s in enumerate(scenarios)
        for k in (0, 1)
    )
    JourneyStep.objects.bulk_create(
        JourneyStep(
            project=project,
            scenario=s,
            position=n,
            system=systems[(i + n) % n_sys],
            description=f"Step {n}: the record moves on and the next team is told.",
            actor=("human", "automation")[n % 2],
        )
        for i, s in enumerate(scenarios)
        if s.category == Category.JOURNEY
        for n in (1, 2, 3, 4)
    )
    FieldMapping.objects.bulk_create(
        _mapping(project, i, attributes, systems, n_ent) for i in range(size.mappings)
    )
    OwnershipRule.objects.bulk_create(
        [
            OwnershipRule(
                project=project, area="data_standards", owner_name="Priya Bench", owner_role=""
            ),
            OwnershipRule(
                project=project, area="integration", owner_name="", owner_role="Integration lead"
            ),
            OwnershipRule(
                project=project, area="reporting", owner_role="Head of revenue analytics"
            ),
            *(
                OwnershipRule(
                    project=project,
                    area="system_config",
                    system=s,
                    owner_role=f"{s.name} administrator",
                )
                for s in systems
            ),
        ]
    )
    rules = ExceptionRule.objects.bulk_create(
        ExceptionRule(
            project=project,
            situation=situation,
            auto_log=True,
            auto_review_queue=True,
            auto_retry=situation == "rejected",
            retry_policy="3 times, 5 / 30 / 120 minutes apart." if situation == "rejected" else "",
            manual_handling="Someone in sales operations looks at the record and fixes it.",
            manual_owner="Sales operations analyst",
            tracking="The exception queue is reviewed every Monday.",
        )
        for situation in (s.value for s in ExceptionRule.Situation if s.value != "other")
    )
    _trace_links(scenarios, entities, attributes, rules)
    guardrails = Guardrail.objects.bulk_create(
        [
            Guardrail(
                project=project,
                kind="never_overwrite",
                attribute=attributes[4],
                rationale="Finance sets it after a check.",
            ),
            Guardrail(
                project=project,
                kind="single_system",
                attribute=attributes[0],
                system=systems[0],
                rationale="Sales runs the pipeline.",
            ),
            Guardrail(
                project=project,
                kind="no_crossing",
                data_description="Card numbers and bank details",
                rationale="PCI DSS: card data stays in the payment systems.",
            ),
        ]
    )
    forbidden = Guardrail.forbidden_systems.through
    forbidden.objects.bulk_create(
        forbidden(guardrail_id=guardrails[2].pk, system_id=s.pk) for s in systems[2:4]
    )
    reports = Report.objects.bulk_create(
        Report(
            project=project,
            name=f"Report {i + 1}: revenue by channel",
            question="Which channels and products bring the most revenue?",
            measures="revenue, win rate, cycle time",
            time_windows=["this_quarter", "year_to_date"],
            audience="Sales leadership",
        )
        for i in range(12)
    )
    ReportDimension.objects.bulk_create(
        ReportDimension(project=project, report=r, name=name, attribute=attributes[(i + k) * 7])
        for i, r in enumerate(reports)
        for k, name in enumerate(("Source", "Product", "Region"))
    )
    Automation.objects.bulk_create(
        Automation(
            project=project,
            name=f"Automation {i + 1}",
            trigger_type="outcome",
            trigger_outcome=outcomes[i % len(outcomes)],
            audience=("customers", "internal")[i % 2],
            action=("message", "task", "alert", "start_journey")[i % 4],
            description="Tells the right people at the right moment.",
            sending_system=systems[i % n_sys],
            owner="Marketing operations manager",
            coordination="Only one system sends each kind of message.",
        )
        for i in range(20)
    )
    DeliveryPhase.objects.bulk_create(
        DeliveryPhase(
            project=project,
            phase=p.value,
            scope=f"Scope of {p.label}: every entity above, system by system.",
            exit_criteria="Two quiet weeks with no exception left open.",
        )
        for p in Phase
    )
    ContractItem.objects.bulk_create(
        ContractItem(project=project, system=s, topic=t.value, note="Agreed.", done=True)
        for s in systems
        for t in ContractTopic
    )
    AuditItem.objects.bulk_create(
        AuditItem(project=project, topic=t.value, note="Logged.", done=True) for t in AuditTopic
    )


def _mapping(
    project: Project, i: int, attributes: list[Attribute], systems: list[System], n_ent: int
) -> FieldMapping:
    """Mapping i carries attribute i % 400 from its entity's home system to another one."""
    n_sys = len(systems)
    source = i % len(attributes) % n_ent % n_sys
    target = (source + 1 + (i // len(attributes)) % (n_sys - 1)) % n_sys if n_sys > 1 else source
    return FieldMapping(
        project=project,
        source_system=systems[source],
        source_field=f"source_field_{i}",
        target_system=systems[target],
        target_field=f"TARGET_FIELD_{i}",
        transformation=TRANSFORMATION,
        required=i % 3 == 0,
        conflict_rule=CONFLICT_RULES[i % len(CONFLICT_RULES)],
        direction="bidirectional" if i % 9 == 0 else "one_way",
        attribute=attributes[i % len(attributes)],
    )


def _trace_links(
    scenarios: list[Scenario],
    entities: list[Entity],
    attributes: list[Attribute],
    rules: list[ExceptionRule],
) -> None:
    """Each scenario moves the entity its title names and three of its attributes; each
    exception rule applies to every sixth scenario (the negative events among them)."""
    by_entity: dict[int, list[Attribute]] = {}
    for attribute in attributes:
        by_entity.setdefault(attribute.entity_id, []).append(attribute)
    moves = Scenario.entities.through
    moves.objects.bulk_create(
        moves(scenario_id=s.pk, entity_id=entities[i % len(ENTITY_NAMES) % len(entities)].pk)
        for i, s in enumerate(scenarios)
    )
    carried = Scenario.attributes.through
    carried.objects.bulk_create(
        carried(scenario_id=s.pk, attribute_id=a.pk)
        for i, s in enumerate(scenarios)
        for a in by_entity.get(entities[i % len(ENTITY_NAMES) % len(entities)].pk, [])[:3]
    )
    applies = ExceptionRule.scenarios.through
    applies.objects.bulk_create(
        applies(exceptionrule_id=rule.pk, scenario_id=s.pk)
        for n, rule in enumerate(rules)
        for i, s in enumerate(scenarios)
        if i % 6 == n % 6 or s.category == Category.NEGATIVE
    )
