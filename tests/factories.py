from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from blueprint.models import (
    CATEGORY_QUESTIONS,
    Attribute,
    AuditItem,
    AuditTopic,
    Automation,
    Category,
    CategoryNotApplicable,
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
    TimeWindow,
)

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    job_title = "Analyst"
    password = factory.django.Password(PASSWORD)


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Project {n}")
    summary = "Connect the CRM and the ERP."
    business_question = "Which leads turned into revenue?"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.CONTRIBUTOR


class SystemFactory(DjangoModelFactory):
    class Meta:
        model = System

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"System {n}")
    kind = System.Kind.CRM
    description = "Where sales works."
    api_maturity = System.Maturity.MATURE
    api_documentation = System.Documentation.COMPLETE
    test_environment = System.TestEnv.YES


class ScenarioFactory(DjangoModelFactory):
    class Meta:
        model = Scenario

    project = factory.SubFactory(ProjectFactory)
    category = Category.CREATION
    title = factory.Sequence(lambda n: f"Scenario {n}")
    narrative = "A lead fills in a form and lands in the CRM."
    answers = factory.LazyAttribute(
        lambda o: {key: f"Answer to {key}" for key, _ in CATEGORY_QUESTIONS[o.category]}
    )


class JourneyStepFactory(DjangoModelFactory):
    class Meta:
        model = JourneyStep

    scenario = factory.SubFactory(ScenarioFactory, category=Category.JOURNEY)
    project = factory.SelfAttribute("scenario.project")
    position = factory.Sequence(lambda n: n + 1)
    system = factory.SubFactory(SystemFactory, project=factory.SelfAttribute("..project"))
    description = "Something happens"
    actor = JourneyStep.Actor.HUMAN


class CategoryNotApplicableFactory(DjangoModelFactory):
    class Meta:
        model = CategoryNotApplicable

    project = factory.SubFactory(ProjectFactory)
    category = Category.NEGATIVE
    reason = "We have no negative events in scope."


class EntityFactory(DjangoModelFactory):
    class Meta:
        model = Entity

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Entity {n}")
    kind = Entity.Kind.PERSON
    home_system = factory.SubFactory(SystemFactory, project=factory.SelfAttribute("..project"))
    link_method = "CRM ID stored as external ID"
    sync_state = Entity.SyncState.SYNCHRONISED
    duplicate_rule = "Match on email, review when names differ"
    identifier_issuer = factory.SelfAttribute("home_system")


class EntityCopyFactory(DjangoModelFactory):
    class Meta:
        model = EntityCopy

    entity = factory.SubFactory(EntityFactory)
    project = factory.SelfAttribute("entity.project")
    system = factory.SubFactory(SystemFactory, project=factory.SelfAttribute("..project"))
    reason = "Invoicing needs it"


class AttributeFactory(DjangoModelFactory):
    class Meta:
        model = Attribute

    entity = factory.SubFactory(EntityFactory)
    project = factory.SelfAttribute("entity.project")
    name = factory.Sequence(lambda n: f"Attribute {n}")
    kind = Attribute.Kind.STATUS
    source_of_truth = factory.SelfAttribute("entity.home_system")


class RelationshipFactory(DjangoModelFactory):
    class Meta:
        model = Relationship

    project = factory.SubFactory(ProjectFactory)
    from_entity = factory.SubFactory(EntityFactory, project=factory.SelfAttribute("..project"))
    to_entity = factory.SubFactory(EntityFactory, project=factory.SelfAttribute("..project"))
    description = "belongs to"
    maintained_in = factory.SelfAttribute("from_entity.home_system")


class OutcomeFactory(DjangoModelFactory):
    class Meta:
        model = Outcome

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Outcome {n}")
    polarity = Outcome.Polarity.SUCCESS
    entity = factory.SubFactory(EntityFactory, project=factory.SelfAttribute("..project"))
    recorded_in = factory.SelfAttribute("entity.home_system")
    sync_behaviour = "Pushed to the ERP within a minute"


class ReasonCodeFactory(DjangoModelFactory):
    class Meta:
        model = ReasonCode

    outcome = factory.SubFactory(OutcomeFactory)
    project = factory.SelfAttribute("outcome.project")
    code = factory.Sequence(lambda n: f"reason-{n}")


class FieldMappingFactory(DjangoModelFactory):
    class Meta:
        model = FieldMapping

    project = factory.SubFactory(ProjectFactory)
    source_system = factory.SubFactory(SystemFactory, project=factory.SelfAttribute("..project"))
    source_field = factory.Sequence(lambda n: f"Source_Field_{n}__c")
    target_system = factory.SubFactory(SystemFactory, project=factory.SelfAttribute("..project"))
    target_field = factory.Sequence(lambda n: f"TARGET_FIELD_{n}")
    transformation = "Copy as is"
    required = True
    conflict_rule = FieldMapping.ConflictRule.SOURCE_WINS
    direction = FieldMapping.Direction.ONE_WAY


class OwnershipRuleFactory(DjangoModelFactory):
    class Meta:
        model = OwnershipRule

    project = factory.SubFactory(ProjectFactory)
    area = OwnershipRule.Area.DATA_STANDARDS
    owner_name = "Priya Raman"
    owner_role = "Head of Sales Operations"


class ExceptionRuleFactory(DjangoModelFactory):
    class Meta:
        model = ExceptionRule

    project = factory.SubFactory(ProjectFactory)
    situation = ExceptionRule.Situation.UNMATCHED
    auto_log = True
    auto_review_queue = True
    manual_handling = "Sales ops matches the record by hand"
    manual_owner = "Sales operations analyst"
    tracking = "Weekly review of the exception queue"


class GuardrailFactory(DjangoModelFactory):
    class Meta:
        model = Guardrail

    project = factory.SubFactory(ProjectFactory)
    kind = Guardrail.Kind.NEVER_OVERWRITE
    attribute = factory.SubFactory(
        AttributeFactory,
        project=factory.SelfAttribute("..project"),
        entity__project=factory.SelfAttribute("...project"),
    )
    rationale = "Finance owns it"


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = Report

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Report {n}")
    question = "Which leads turned into revenue?"
    measures = "revenue, win rate"
    time_windows = factory.LazyFunction(lambda: [TimeWindow.THIS_QUARTER.value])


class ReportDimensionFactory(DjangoModelFactory):
    class Meta:
        model = ReportDimension

    report = factory.SubFactory(ReportFactory)
    project = factory.SelfAttribute("report.project")
    name = factory.Sequence(lambda n: f"Dimension {n}")


class AutomationFactory(DjangoModelFactory):
    class Meta:
        model = Automation

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Automation {n}")
    trigger_type = Automation.TriggerType.OUTCOME
    trigger_outcome = factory.SubFactory(OutcomeFactory, project=factory.SelfAttribute("..project"))
    audience = Automation.Audience.INTERNAL
    action = Automation.Action.TASK
    sending_system = factory.SubFactory(SystemFactory, project=factory.SelfAttribute("..project"))
    owner = "Sales operations"


class DeliveryPhaseFactory(DjangoModelFactory):
    class Meta:
        model = DeliveryPhase

    project = factory.SubFactory(ProjectFactory)
    phase = Phase.READ_ONLY
    scope = "Show ERP invoices in the CRM"
    exit_criteria = "Two weeks without mismatches"


class ContractItemFactory(DjangoModelFactory):
    class Meta:
        model = ContractItem

    system = factory.SubFactory(SystemFactory)
    project = factory.SelfAttribute("system.project")
    topic = ContractTopic.RATE_LIMITS
    note = "100 calls per minute"
    done = True


class AuditItemFactory(DjangoModelFactory):
    class Meta:
        model = AuditItem

    project = factory.SubFactory(ProjectFactory)
    topic = AuditTopic.SOURCE_ID
    note = "Stored on every log line"
    done = True
