"""One place that decides who may read or change a project."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from blueprint.models import Membership, Project

FROZEN_MESSAGE = (
    "The blueprint is frozen while it awaits sign-off. The business leader, process owner "
    "or systems owner can send it back to draft if it must change."
)
SIGNED_MESSAGE = (
    "This version is signed off. The facilitator can reopen the project to start the next version."
)


class ProjectFrozen(PermissionDenied):
    """A write was attempted on a project that is not a draft."""


@dataclass(frozen=True)
class ProjectAccess:
    project: Project
    membership: Membership

    @property
    def can_edit(self) -> bool:
        return self.membership.can_edit and not self.project.is_frozen

    @property
    def is_facilitator(self) -> bool:
        return self.membership.is_facilitator

    @property
    def can_manage_people(self) -> bool:
        """People can change except while the three roles are signing."""
        return self.is_facilitator and self.project.state != Project.State.AWAITING

    @property
    def can_edit_details(self) -> bool:
        return self.is_facilitator and not self.project.is_frozen


def get_project_for(
    request: HttpRequest, pk: int, *, write: bool = False, manage: bool = False
) -> ProjectAccess:
    """Load a project the user belongs to, or raise 404 (not a member) / 403 (not allowed).

    `write` asks for permission to change the blueprint, `manage` for the facilitator's
    rights over members and the project itself.
    """
    # One membership per person and project: no ordering (and no join to order by), and
    # the person is the one the request already holds.
    found = Membership.objects.select_related("project").filter(
        project_id=pk, user_id=request.user.pk
    )
    membership = next(iter(found.order_by()[:1]), None)
    if membership is None:
        raise Http404("No such project.")
    membership.user = request.user
    project = membership.project
    if manage and not membership.is_facilitator:
        raise PermissionDenied("Only a facilitator can do this.")
    if write:
        if not membership.can_edit:
            raise PermissionDenied("Viewers can read the blueprint but not change it.")
        if project.state == Project.State.AWAITING:
            raise ProjectFrozen(FROZEN_MESSAGE)
        if project.state == Project.State.SIGNED:
            raise ProjectFrozen(SIGNED_MESSAGE)
    return ProjectAccess(project=project, membership=membership)
