from __future__ import annotations

from blueprint.models.delivery import (
    AuditItem,
    AuditTopic,
    ContractItem,
    ContractTopic,
    DeliveryPhase,
    Phase,
)
from blueprint.models.exports import PdfRender
from blueprint.models.governance import ExceptionRule, Guardrail, OwnershipRule
from blueprint.models.mapping import (
    Attribute,
    Entity,
    EntityCopy,
    FieldMapping,
    Outcome,
    ReasonCode,
    Relationship,
)
from blueprint.models.notes import Note
from blueprint.models.project import (
    SIGNOFF_ROLES,
    Invitation,
    Membership,
    Project,
    Role,
    System,
)
from blueprint.models.requirements import Automation, Report, ReportDimension, TimeWindow
from blueprint.models.scenarios import (
    CATEGORY_QUESTIONS,
    Category,
    CategoryNotApplicable,
    JourneyStep,
    Scenario,
)
from blueprint.models.signoff import ActivityEntry, Approval, Presence, Version

__all__ = [
    "PdfRender",
    "Invitation",
    "ActivityEntry",
    "Approval",
    "Version",
    "CATEGORY_QUESTIONS",
    "SIGNOFF_ROLES",
    "Attribute",
    "AuditItem",
    "AuditTopic",
    "Automation",
    "Category",
    "CategoryNotApplicable",
    "ContractItem",
    "ContractTopic",
    "DeliveryPhase",
    "Entity",
    "EntityCopy",
    "ExceptionRule",
    "FieldMapping",
    "Guardrail",
    "JourneyStep",
    "Membership",
    "Outcome",
    "OwnershipRule",
    "Phase",
    "Presence",
    "Project",
    "ReasonCode",
    "Relationship",
    "Report",
    "ReportDimension",
    "Role",
    "Note",
    "Scenario",
    "System",
    "TimeWindow",
]
