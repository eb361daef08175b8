from __future__ import annotations

from blueprint.models.project import SIGNOFF_ROLES, Membership, Project, Role, System

__all__ = ["SIGNOFF_ROLES", "Membership", "Project", "Role", "System"]
