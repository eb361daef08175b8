from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from blueprint.models import Project, Role
from tests.factories import MembershipFactory, ProjectFactory, UserFactory


@pytest.fixture
def project(db: None) -> Project:
    return ProjectFactory(name="Lead-to-cash")


def _member(project: Project, role: str, name: str) -> User:
    user = UserFactory(email=f"{name.lower()}@example.com", display_name=name)
    MembershipFactory(project=project, user=user, role=role)
    return user


@pytest.fixture
def facilitator(project: Project) -> User:
    return _member(project, Role.FACILITATOR, "Alice")


@pytest.fixture
def business_leader(project: Project) -> User:
    return _member(project, Role.BUSINESS_LEADER, "Bianca")


@pytest.fixture
def process_owner(project: Project) -> User:
    return _member(project, Role.PROCESS_OWNER, "Pedro")


@pytest.fixture
def systems_owner(project: Project) -> User:
    return _member(project, Role.SYSTEMS_OWNER, "Sven")


@pytest.fixture
def contributor(project: Project) -> User:
    return _member(project, Role.CONTRIBUTOR, "Bob")


@pytest.fixture
def viewer(project: Project) -> User:
    return _member(project, Role.VIEWER, "Vera")


@pytest.fixture
def outsider(db: None) -> User:
    other = ProjectFactory(name="Somebody else's project")
    user = UserFactory(email="charlie@example.com", display_name="Charlie")
    MembershipFactory(project=other, user=user, role=Role.FACILITATOR)
    return user


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(facilitator: User) -> Client:
    return client_for(facilitator)


@pytest.fixture
def bob(contributor: User) -> Client:
    return client_for(contributor)


@pytest.fixture
def vera(viewer: User) -> Client:
    return client_for(viewer)


@pytest.fixture
def charlie(outsider: User) -> Client:
    return client_for(outsider)


HX = {"HTTP_HX_REQUEST": "true"}
