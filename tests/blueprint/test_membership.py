from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from blueprint.membership import member_add, member_remove, member_role_change, project_create
from blueprint.models import Membership, Project, Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_creator_of_a_project_is_its_facilitator() -> None:
    user = UserFactory()
    project = project_create(user=user, name="P", business_question="Q?")
    membership = Membership.objects.get(project=project)
    assert membership.user == user and membership.role == Role.FACILITATOR
    assert project.state == Project.State.DRAFT


def test_a_signoff_role_has_at_most_one_holder(project: Project) -> None:
    member_add(project=project, user=UserFactory(), role=Role.PROCESS_OWNER)
    with pytest.raises(ValidationError) as exc:
        member_add(project=project, user=UserFactory(), role=Role.PROCESS_OWNER)
    assert "already holds the process owner role" in str(exc.value)


def test_the_database_also_refuses_a_second_holder(project: Project) -> None:
    MembershipFactory(project=project, role=Role.SYSTEMS_OWNER)
    with pytest.raises(IntegrityError):
        MembershipFactory(project=project, role=Role.SYSTEMS_OWNER)


def test_contributors_and_viewers_can_be_many(project: Project) -> None:
    for _ in range(3):
        member_add(project=project, user=UserFactory(), role=Role.CONTRIBUTOR)
        member_add(project=project, user=UserFactory(), role=Role.VIEWER)
    assert project.memberships.count() == 6


def test_the_last_facilitator_cannot_leave_or_be_demoted(project: Project) -> None:
    only = MembershipFactory(project=project, role=Role.FACILITATOR)
    with pytest.raises(ValidationError):
        member_remove(membership=only)
    with pytest.raises(ValidationError):
        member_role_change(membership=only, role=Role.VIEWER)
    second = MembershipFactory(project=project, role=Role.FACILITATOR)
    member_role_change(membership=only, role=Role.BUSINESS_LEADER)
    assert Membership.objects.get(pk=only.pk).role == Role.BUSINESS_LEADER
    assert Membership.objects.get(pk=second.pk).role == Role.FACILITATOR


def test_changing_to_a_held_signoff_role_is_refused(project: Project) -> None:
    MembershipFactory(project=project, role=Role.BUSINESS_LEADER)
    other = MembershipFactory(project=project, role=Role.CONTRIBUTOR)
    with pytest.raises(ValidationError):
        member_role_change(membership=other, role=Role.BUSINESS_LEADER)
