"""Demo data: users and projects described in a JSON file (fixtures/demo.json)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from accounts.models import User
from blueprint.membership import phases_create
from blueprint.models import Membership, Project, System


@dataclass
class DemoReport:
    lines: list[str] = field(default_factory=list)


def demo_load(*, data: dict[str, Any]) -> DemoReport:
    """Create what is missing and leave what exists alone, so it can run on every start."""
    report = DemoReport()
    with transaction.atomic():
        users: dict[str, User] = {}
        for spec in data["users"]:
            user = User.objects.filter(email__iexact=spec["email"]).first()
            if user is None:
                user = User.objects.create_user(
                    email=spec["email"],
                    password=data["password"],
                    display_name=spec["display_name"],
                    job_title=spec.get("job_title", ""),
                    is_staff=spec.get("is_staff", False),
                    is_superuser=spec.get("is_superuser", False),
                )
                report.lines.append(f"Created user {user.email}")
            users[user.email] = user
        for spec in data["projects"]:
            if Project.objects.filter(name=spec["name"]).exists():
                report.lines.append(f"Project “{spec['name']}” already there; left as it is.")
                continue
            _project_create(spec, users)
            report.lines.append(f"Created project “{spec['name']}”")
    return report


def _project_create(spec: dict[str, Any], users: dict[str, User]) -> Project:
    creator = users[spec["members"][0]["email"].lower()]
    project = Project.objects.create(
        name=spec["name"],
        summary=spec.get("summary", ""),
        business_question=spec.get("business_question", ""),
        created_by=creator,
    )
    for member in spec["members"]:
        Membership.objects.create(
            project=project, user=users[member["email"].lower()], role=member["role"]
        )
    for system in spec.get("systems", []):
        System.objects.create(project=project, **system)
    phases_create(project=project)
    return project
