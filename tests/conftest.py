from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from blueprint.models import Project, Role
from tests.factories import MembershipFactory, ProjectFactory, UserFactory


def touched(project: Project) -> None:
    """What every recorded write does to the project's change number, for a test that
    changed the blueprint through the ORM (factories) instead of through the app."""
    from django.db.models import F

    Project.objects.filter(pk=project.pk).update(change_number=F("change_number") + 1)


@pytest.fixture(autouse=True)
def _own_media(settings: object, tmp_path: object) -> None:
    """Stored PDFs of one test (signed versions, cached drafts) are not the next test's."""
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined, operator]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache: a rolled-back database reuses ids, and a
    readiness cached for project 1 by one test is not the next test's project 1."""
    from django.core.cache import cache

    from blueprint.cached import kept_forget

    cache.clear()
    kept_forget()


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
