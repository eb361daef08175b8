from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from blueprint.models import Membership, Project, Role, System

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
