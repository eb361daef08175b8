"""A complete, consistent blueprint written by hand, for tests to break one way at a time.

`ready_document()` passes every readiness check, advisories included. Ids are readable
strings, so a test can say `doc.get("attributes", "deal_stage")` and
`dataclasses.replace` an item without a database.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from blueprint.document import (
    AttributeDoc,
    AuditDoc,
    AutomationDoc,
    ContractDoc,
    CopyDoc,
    DimensionDoc,
    Document,
    EntityDoc,
    ExceptionDoc,
    GuardrailDoc,
    Key,
    MappingDoc,
    MemberDoc,
    NoteDoc,
    OutcomeDoc,
    OwnershipDoc,
    PhaseDoc,
    ProjectDoc,
    ReasonDoc,
    RelationshipDoc,
    ReportDoc,
    ScenarioDoc,
    StepDoc,
    SystemDoc,
)
from blueprint.models import (
    CATEGORY_QUESTIONS,
    Attribute,
    AuditTopic,
    Category,
    ContractTopic,
    Entity,
    ExceptionRule,
    FieldMapping,
    JourneyStep,
    Phase,
    Project,
    Scenario,
    System,
)

SYSTEMS = ("crm", "erp", "support", "marketing")


def _system(key: str, name: str, kind: str) -> SystemDoc:
    return SystemDoc(
        id=key,
        name=name,
        kind=kind,
        api_maturity="mature",
        api_documentation="complete",
        test_environment="yes",
    )


def _scenario(
    key: str,
    category: str,
    title: str,
    *systems: str,
    moves: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
    produces: tuple[str, ...] = (),
) -> ScenarioDoc:
    """A scenario that answers every question; `moves` is (entities, attributes)."""
    return ScenarioDoc(
        id=key,
        category=category,
        title=title,
        narrative=f"The story of {title.lower()}, told in plain words.",
        answers={
            q: f"The answer to {q.replace('_', ' ')}." for q, _ in CATEGORY_QUESTIONS[category]
        },
        system_ids=systems,
        entity_ids=moves[0],
        attribute_ids=moves[1],
        outcome_ids=produces,
    )


def _attribute(
    key: str, entity: str, name: str, kind: str, truth: str, *display: str
) -> AttributeDoc:
    return AttributeDoc(
        id=key,
        entity_id=entity,
        name=name,
        kind=kind,
        source_of_truth_id=truth,
        display_system_ids=display,
        update_system_ids=(truth,),
    )


def _mapping(
    key: str, source: str, source_field: str, target: str, target_field: str, attribute: str
) -> MappingDoc:
    return MappingDoc(
        id=key,
        source_system_id=source,
        source_field=source_field,
        target_system_id=target,
        target_field=target_field,
        transformation="Copy as is",
        required=True,
        conflict_rule="source_wins",
        direction="one_way",
        attribute_id=attribute,
    )


def _exception(situation: str, **handling: Any) -> ExceptionDoc:
    values: dict[str, Any] = {
        "auto_log": True,
        "auto_review_queue": True,
        "manual_handling": "Someone looks at the record and fixes it by hand.",
        "manual_owner": "Sales operations analyst",
        "tracking": "The exception queue is reviewed every Monday.",
    }
    values.update(handling)
    return ExceptionDoc(id=f"exc_{situation}", situation=situation, **values)


def ready_document() -> Document:
    """Lead to cash across a CRM, an ERP, a support desk and a marketing platform."""
    return Document(
        project=ProjectDoc(
            name="Lead to cash",
            summary="Connect sales, finance, support and marketing.",
            business_question="Which leads turned into revenue by channel and product?",
        ),
        members=(
            MemberDoc("alice@example.com", "Alice Moreau", "Facilitator", "facilitator"),
            MemberDoc("bianca@example.com", "Bianca Rossi", "Sales director", "business_leader"),
            MemberDoc("pedro@example.com", "Pedro Alves", "Sales operations", "process_owner"),
            MemberDoc("sven@example.com", "Sven Berg", "Head of IT", "systems_owner"),
        ),
        systems=(
            _system("crm", "Sales CRM", "crm"),
            _system("erp", "Finance ERP", "erp"),
            _system("support", "Support desk", "support"),
            _system("marketing", "Marketing platform", "marketing"),
        ),
        entities=(
            EntityDoc(
                id="customer",
                name="Customer",
                kind="organisation",
                home_system_id="crm",
                link_method="The CRM account ID is stored on the ERP customer as external ID.",
                sync_state="synchronised",
                duplicate_rule="Emails match but names differ: route to review, never merge.",
                identifier_issuer_id="crm",
                identity_attribute_ids=("customer_id", "customer_email"),
                identifier_acceptor_ids=("erp", "support", "marketing"),
            ),
            EntityDoc(
                id="deal",
                name="Deal",
                kind="transaction",
                home_system_id="crm",
                link_method="The CRM deal ID travels to the ERP sales order.",
                sync_state="manual",
                history_decision="overwrite",
                duplicate_rule="One deal per quote; a second one goes to review.",
                identifier_issuer_id="crm",
                identity_attribute_ids=("deal_id",),
                identifier_acceptor_ids=("erp",),
            ),
            EntityDoc(
                id="invoice",
                name="Invoice",
                kind="transaction",
                home_system_id="erp",
                link_method="The ERP invoice number is shown on the CRM deal.",
                sync_state="not_synchronised",
                history_decision="accept",
                duplicate_rule="Invoice numbers are unique in the ERP.",
                identifier_issuer_id="erp",
                identity_attribute_ids=("invoice_number",),
                identifier_acceptor_ids=("crm",),
            ),
        ),
        attributes=(
            _attribute("customer_id", "customer", "CRM account ID", "identifier", "crm", "erp"),
            _attribute(
                "customer_email", "customer", "Email", "identifier", "crm", "erp", "marketing"
            ),
            _attribute("customer_name", "customer", "Name", "other", "crm", "erp", "support"),
            _attribute("credit_limit", "customer", "Credit limit", "amount", "erp"),
            _attribute("lead_source", "customer", "Lead source", "type", "marketing", "crm"),
            _attribute("deal_id", "deal", "CRM deal ID", "identifier", "crm", "erp"),
            _attribute("deal_stage", "deal", "Stage", "status", "crm", "erp", "marketing"),
            _attribute("deal_amount", "deal", "Amount", "amount", "crm", "erp"),
            _attribute("deal_product", "deal", "Product", "type", "crm", "erp"),
            _attribute("invoice_number", "invoice", "Invoice number", "identifier", "erp", "crm"),
            _attribute("invoice_status", "invoice", "Payment status", "status", "erp", "crm"),
        ),
        copies=(
            CopyDoc("customer_in_erp", "customer", "erp", "Finance invoices the customer."),
            CopyDoc("customer_in_support", "customer", "support", "Agents see the account."),
            CopyDoc("customer_in_marketing", "customer", "marketing", "Campaigns reach them."),
            CopyDoc("deal_in_erp", "deal", "erp", "A won deal becomes a sales order."),
            CopyDoc("deal_in_marketing", "deal", "marketing", "Nurture follows the stage."),
            CopyDoc("invoice_in_crm", "invoice", "crm", "Sales sees whether it was paid."),
        ),
        relationships=(
            RelationshipDoc(
                id="deal_customer",
                from_entity_id="deal",
                to_entity_id="customer",
                description="belongs to",
                maintained_in_id="crm",
                change_behaviour="The ERP order moves to the new customer after review.",
                synced_system_ids=("erp",),
            ),
            RelationshipDoc(
                id="invoice_deal",
                from_entity_id="invoice",
                to_entity_id="deal",
                description="bills",
                maintained_in_id="erp",
                change_behaviour="Never changes once the invoice is issued.",
                synced_system_ids=("crm",),
            ),
        ),
        outcomes=(
            OutcomeDoc("won", "Won", "success", "deal", "crm", "Sent to the ERP at once."),
            OutcomeDoc("lost", "Lost", "negative", "deal", "crm", "Sent to marketing nightly."),
        ),
        reasons=(
            ReasonDoc("won_price", "won", "pricing"),
            ReasonDoc("won_fit", "won", "product fit"),
            ReasonDoc("lost_price", "lost", "pricing"),
            ReasonDoc("lost_timing", "lost", "timing"),
            ReasonDoc("lost_competition", "lost", "competition"),
        ),
        scenarios=(
            _scenario(
                "new_lead",
                Category.CREATION,
                "A web lead",
                "marketing",
                "crm",
                moves=(("customer",), ("lead_source", "customer_email")),
            ),
            _scenario(
                "stage_change",
                Category.UPDATES,
                "A deal changes stage",
                "crm",
                "erp",
                moves=(("deal",), ("deal_stage", "deal_amount", "deal_id", "deal_product")),
            ),
            _scenario(
                "deal_lost",
                Category.NEGATIVE,
                "A deal is lost",
                "crm",
                "marketing",
                moves=(("deal",), ("deal_stage",)),
                produces=("lost",),
            ),
            _scenario(
                "deal_won",
                Category.SUCCESS,
                "A deal is won",
                "crm",
                "erp",
                "marketing",
                moves=(("deal", "customer"), ("deal_stage", "deal_amount")),
                produces=("won",),
            ),
            _scenario(
                "lead_to_cash",
                Category.JOURNEY,
                "Lead to cash",
                *SYSTEMS,
                moves=(
                    ("customer", "deal", "invoice"),
                    ("customer_id", "customer_name", "invoice_number", "invoice_status"),
                ),
                produces=("won",),
            ),
        ),
        steps=(
            StepDoc("step_1", "lead_to_cash", 1, "marketing", "A lead fills in the form."),
            StepDoc("step_2", "lead_to_cash", 2, "crm", "Sales qualifies and wins the deal."),
            StepDoc("step_3", "lead_to_cash", 3, "erp", "Finance invoices.", "automation"),
            StepDoc("step_4", "lead_to_cash", 4, "support", "Support onboards the customer."),
        ),
        mappings=(
            _mapping("map_id", "crm", "AccountId", "erp", "EXTERNAL_ID", "customer_id"),
            _mapping("map_email_erp", "crm", "Email", "erp", "EMAIL", "customer_email"),
            _mapping("map_email_mkt", "crm", "Email", "marketing", "email", "customer_email"),
            _mapping("map_name_erp", "crm", "Name", "erp", "NAME1", "customer_name"),
            _mapping("map_name_support", "crm", "Name", "support", "org_name", "customer_name"),
            _mapping("map_source", "marketing", "source", "crm", "LeadSource", "lead_source"),
            _mapping("map_deal_id", "crm", "Id", "erp", "BSTNK", "deal_id"),
            _mapping("map_stage_erp", "crm", "StageName", "erp", "DEAL_STAGE", "deal_stage"),
            _mapping("map_stage_mkt", "crm", "StageName", "marketing", "stage", "deal_stage"),
            _mapping("map_amount", "crm", "Amount", "erp", "NETWR", "deal_amount"),
            _mapping("map_product", "crm", "Product__c", "erp", "MATNR", "deal_product"),
            _mapping("map_invoice", "erp", "VBELN", "crm", "Invoice__c", "invoice_number"),
            _mapping("map_paid", "erp", "PAY_STATUS", "crm", "Paid__c", "invoice_status"),
        ),
        ownership=(
            OwnershipDoc(
                "own_standards", "data_standards", None, "Priya Raman", "Head of Sales Ops"
            ),
            OwnershipDoc(
                "own_integration", "integration", None, "Tomás Ortega", "Integration lead"
            ),
            OwnershipDoc("own_reporting", "reporting", None, "", "Head of Revenue Analytics"),
            OwnershipDoc("own_crm", "system_config", "crm", "Lena Vogel", "CRM administrator"),
            OwnershipDoc("own_erp", "system_config", "erp", "", "ERP team lead"),
            OwnershipDoc("own_support", "system_config", "support", "", "Support desk admin"),
            OwnershipDoc("own_mkt", "system_config", "marketing", "", "Marketing operations"),
        ),
        exceptions=(
            _exception(ExceptionRule.Situation.UNMATCHED, scenario_ids=("lead_to_cash",)),
            _exception(ExceptionRule.Situation.MISSING_DATA, auto_alert=True),
            _exception(ExceptionRule.Situation.ALREADY_EXISTS, scenario_ids=("new_lead",)),
            _exception(ExceptionRule.Situation.MULTIPLE_MATCHES),
            _exception(
                ExceptionRule.Situation.REJECTED,
                auto_retry=True,
                retry_policy="3 times, 5 / 30 / 120 minutes apart, then to the review queue.",
            ),
            _exception(
                ExceptionRule.Situation.CONFLICTING_AUTOMATIONS,
                manual_owner="Marketing operations manager",
            ),
        ),
        guardrails=(
            GuardrailDoc(
                id="keep_credit_limit",
                kind="never_overwrite",
                attribute_id="credit_limit",
                rationale="Finance sets credit limits after a credit check.",
            ),
            GuardrailDoc(
                id="stage_in_crm",
                kind="single_system",
                attribute_id="deal_stage",
                system_id="crm",
                rationale="Sales runs the pipeline; forecasts depend on it.",
            ),
            GuardrailDoc(
                id="no_cards_in_marketing",
                kind="no_crossing",
                data_description="Card numbers and bank details",
                forbidden_system_ids=("marketing", "support"),
                rationale="PCI DSS: card data stays in the ERP.",
            ),
        ),
        reports=(
            ReportDoc(
                id="revenue_by_channel",
                name="Revenue by channel and product",
                question="Which channels and products bring the most revenue?",
                measures="revenue of won deals, win rate (won against lost)",
                time_windows=("this_quarter", "year_to_date"),
                audience="Sales leadership",
            ),
            ReportDoc(
                id="unpaid",
                name="Unpaid invoices",
                question="Which won deals are not paid yet?",
                measures="volume of deals, amount",
                custom_window="Fiscal year from April",
                audience="Finance",
            ),
        ),
        dimensions=(
            DimensionDoc("dim_source", "revenue_by_channel", "Lead source", "lead_source"),
            DimensionDoc("dim_product", "revenue_by_channel", "Product", "deal_product"),
            DimensionDoc("dim_status", "unpaid", "Payment status", "invoice_status"),
        ),
        automations=(
            AutomationDoc(
                id="welcome",
                name="Welcome email",
                trigger_type="outcome",
                trigger_outcome_id="won",
                audience="customers",
                action="message",
                sending_system_id="marketing",
                owner="Customer marketing manager",
                coordination="Only the marketing platform emails customers.",
            ),
            AutomationDoc(
                id="onboarding_task",
                name="Onboarding task",
                trigger_type="outcome",
                trigger_outcome_id="won",
                audience="internal",
                action="task",
                sending_system_id="crm",
                owner="Sales operations lead",
            ),
            AutomationDoc(
                id="stop_campaigns",
                name="Stop campaigns",
                trigger_type="outcome",
                trigger_outcome_id="lost",
                audience="customers",
                action="stop_messaging",
                sending_system_id="marketing",
                owner="Customer marketing manager",
                coordination="The CRM sends nothing to lost customers.",
            ),
            AutomationDoc(
                id="overdue_alert",
                name="Overdue invoice alert",
                trigger_type="attribute",
                trigger_attribute_id="invoice_status",
                trigger_detail="Payment status changes to overdue.",
                audience="internal",
                action="alert",
                sending_system_id="erp",
                owner="Accounts receivable team",
            ),
        ),
        phases=tuple(
            PhaseDoc(f"phase_{p.value}", p.value, f"Scope of {p.label}", "Two quiet weeks.")
            for p in Phase
        ),
        contracts=tuple(
            ContractDoc(f"{system}_{topic.value}", system, topic.value, "Agreed.", done=True)
            for system in SYSTEMS
            for topic in ContractTopic
        ),
        audit_items=tuple(
            AuditDoc(f"audit_{topic.value}", topic.value, "Logged.", done=True)
            for topic in AuditTopic
        ),
        notes=(
            NoteDoc(
                id="q_tier",
                kind="question",
                text="Does the ERP accept the CRM account ID as its external ID?",
                about_section="attributes",
                about_id="customer_id",
                raised_by="Alice Moreau",
                asked_of="Sven Berg",
                due_date="2027-01-15",
                must_answer=True,
                status="answered",
                answer="Yes: the field KUNNR_EXT holds it, 18 characters.",
                decided_by="Sven Berg",
            ),
            NoteDoc(
                id="d_credit",
                kind="decision",
                text="Finance alone sets credit limits; the CRM only shows them.",
                about_section="attributes",
                about_id="credit_limit",
                raised_by="Pedro Alves",
                status="recorded",
                answer="Credit checks are a finance control.",
                decided_by="Bianca Rossi",
            ),
        ),
    )


def change(doc: Document, section: str, key: Key, **values: Any) -> Document:
    """The document with one item changed."""
    items = tuple(
        dataclasses.replace(item, **values) if item.id == key else item
        for item in getattr(doc, section)
    )
    return dataclasses.replace(doc, **{section: items})


def without(doc: Document, section: str, *keys: Key) -> Document:
    """The document without some items of one section."""
    items = tuple(item for item in getattr(doc, section) if item.id not in keys)
    return dataclasses.replace(doc, **{section: items})


def adding(doc: Document, section: str, *items: Any) -> Document:
    """The document with more items in one section."""
    return dataclasses.replace(doc, **{section: getattr(doc, section) + items})


def large_blueprint_create(
    *,
    project: Project,
    systems: int = 10,
    entities: int = 40,
    attributes: int = 400,
    mappings: int = 1000,
    scenarios: int = 60,
) -> None:
    """Fill a project with a big blueprint fast (bulk inserts), for query and time budgets."""
    made = System.objects.bulk_create(
        System(project=project, name=f"System {i}", test_environment="yes") for i in range(systems)
    )
    made_entities = Entity.objects.bulk_create(
        Entity(
            project=project,
            name=f"Entity {i}",
            home_system=made[i % systems],
            identifier_issuer=made[i % systems],
            link_method="By external ID",
            sync_state="synchronised",
            duplicate_rule="Review",
        )
        for i in range(entities)
    )
    made_attributes = Attribute.objects.bulk_create(
        Attribute(
            project=project,
            entity=made_entities[i % entities],
            name=f"Attribute {i}",
            source_of_truth=made[i % systems],
        )
        for i in range(attributes)
    )
    display = Attribute.display_systems.through
    update = Attribute.update_systems.through
    display.objects.bulk_create(
        display(attribute_id=a.pk, system_id=made[(i + 1) % systems].pk)
        for i, a in enumerate(made_attributes)
    )
    update.objects.bulk_create(
        update(attribute_id=a.pk, system_id=made[i % systems].pk)
        for i, a in enumerate(made_attributes)
    )
    identity = Entity.identity_attributes.through
    identity.objects.bulk_create(
        identity(entity_id=made_attributes[i].entity_id, attribute_id=made_attributes[i].pk)
        for i in range(min(entities, attributes))
    )
    FieldMapping.objects.bulk_create(
        FieldMapping(
            project=project,
            source_system=made[i % systems],
            source_field=f"field_{i}",
            target_system=made[(i + 1) % systems],
            target_field=f"FIELD_{i}",
            conflict_rule="source_wins",
            direction="one_way",
            attribute=made_attributes[i % attributes],
        )
        for i in range(mappings)
    )
    categories = [c.value for c in Category]
    made_scenarios = Scenario.objects.bulk_create(
        Scenario(
            project=project,
            category=categories[i % len(categories)],
            title=f"Scenario {i}",
            narrative="A story.",
            answers={q: "Yes." for q, _ in CATEGORY_QUESTIONS[categories[i % len(categories)]]},
        )
        for i in range(scenarios)
    )
    involved = Scenario.systems.through
    involved.objects.bulk_create(
        involved(scenario_id=s.pk, system_id=made[i % systems].pk)
        for i, s in enumerate(made_scenarios)
    )
    JourneyStep.objects.bulk_create(
        JourneyStep(
            project=project,
            scenario=s,
            position=n,
            system=made[(i + n) % systems],
            description=f"Step {n}",
        )
        for i, s in enumerate(made_scenarios)
        if s.category == Category.JOURNEY
        for n in (1, 2, 3)
    )


def signed_version_create(doc: Document | None = None) -> Any:
    """Import a blueprint with an account per member and have the three role holders sign
    it; returns the signed Version."""
    from blueprint.interchange.json import project_import
    from blueprint.models import Role
    from blueprint.workflow import signoff_approve, signoff_request
    from tests.factories import PASSWORD, UserFactory

    doc = doc or ready_document()
    users = {
        m.role: UserFactory(email=m.email, display_name=m.display_name, job_title=m.job_title)
        for m in doc.members
    }
    project = project_import(doc=doc, user=users[Role.FACILITATOR], with_members=True).project
    signoff_request(project=project, user=users[Role.FACILITATOR], blockers=lambda p: 0)
    project.refresh_from_db()
    result = None
    for role in (Role.BUSINESS_LEADER, Role.PROCESS_OWNER, Role.SYSTEMS_OWNER):
        result = signoff_approve(
            project=project,
            user=users[role],
            role=role,
            password=PASSWORD,
            seen_hash=project.review_hash,
        )
    assert result is not None and result.signed is not None
    return result.signed
