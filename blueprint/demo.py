"""Demo data: users, and projects written as blueprint documents (fixtures/demo.json)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from accounts.models import User
from blueprint.document import document_from_dict
from blueprint.interchange.json import project_import
from blueprint.models import Project, Role


@dataclass
class DemoReport:
    lines: list[str] = field(default_factory=list)


def demo_load(*, data: dict[str, Any]) -> DemoReport:
    """Create what is missing and leave what exists alone, so it can run on every start."""
    report = DemoReport()
    with transaction.atomic():
        for spec in data["users"]:
            if User.objects.filter(email__iexact=spec["email"]).exists():
                continue
            User.objects.create_user(
                email=spec["email"],
                password=data["password"],
                display_name=spec["display_name"],
                job_title=spec.get("job_title", ""),
                is_staff=spec.get("is_staff", False),
                is_superuser=spec.get("is_superuser", False),
            )
            report.lines.append(f"Created user {spec['email']}")
        for raw in data["projects"]:
            doc = document_from_dict(raw)
            if Project.objects.filter(name=doc.project.name).exists():
                report.lines.append(f"Project “{doc.project.name}” already there; left as it is.")
                continue
            facilitator = next(m for m in doc.members if m.role == Role.FACILITATOR)
            creator = User.objects.get(email__iexact=facilitator.email)
            project_import(doc=doc, user=creator, with_members=True)
            report.lines.append(f"Created project “{doc.project.name}”")
    return report
