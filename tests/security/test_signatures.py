"""Electronic signatures (21 CFR Part 11): every place that shows or prints a signature
shows the printed name, the date and time and the meaning (11.50), and a signature is
bound to the SHA-256 of what was signed, so moving it to other content shows (11.70)."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from accounts.models import User
from blueprint.models import Approval, Project, Role, Version
from tests.blueprint.test_views_signoff import sign, signers  # noqa: F401 - fixture
from tests.conftest import client_for
from tests.html import elements, visible_text
from tests.pdf import pdf_text, squeezed

pytestmark = pytest.mark.django_db


def pages(project: Project, version: Version) -> dict[str, str]:
    return {
        "versions": reverse("blueprint:versions", args=[project.pk]),
        "version": reverse("blueprint:version_detail", args=[project.pk, version.number]),
        "signoff": reverse("blueprint:signoff", args=[project.pk]),
    }


def test_every_signature_shows_name_date_time_and_meaning_wherever_it_appears(
    facilitator: User,
    project: Project,
    signers: dict[str, User],  # noqa: F811
) -> None:
    version = sign(project, facilitator, signers)
    client = client_for(facilitator)
    approvals = list(version.approvals.all())
    assert len(approvals) == 3
    for name, url in pages(project, version).items():
        text = visible_text(client.get(url).content.decode())
        for a in approvals:
            when = a.approved_at.strftime("%-d %b %Y, %H:%M:%S")
            line = f"{a.signer_name}, {a.meaning}, {when} UTC"
            assert line in text, f"{name} lacks {line!r}"
    pdf = client.get(reverse("blueprint:version_pdf", args=[project.pk, version.number]))
    text = squeezed(pdf_text(pdf.content))
    for a in approvals:
        for part in (a.signer_name, a.meaning, a.approved_at.strftime("%Y-%m-%d %H:%M:%S")):
            assert squeezed(part) in text


def test_a_signature_moved_to_another_version_shows_as_not_signing_it(
    facilitator: User,
    project: Project,
    signers: dict[str, User],  # noqa: F811
) -> None:
    first = sign(project, facilitator, signers)
    snapshot = first.snapshot.replace("Lead-to-cash", "Lead-to-cash, edited")
    other = Version.objects.create(
        project=project,
        number=first.number + 1,
        snapshot=snapshot,
        sha256=hashlib.sha256(snapshot.encode()).hexdigest(),
        signed_at=first.signed_at,
    )
    # Someone with database access copies Pedro's signature onto the other version.
    moved = Approval.objects.get(version=first, role=Role.PROCESS_OWNER)
    moved.pk = None
    moved.version = other
    moved.version_number = other.number
    moved.save()
    assert not moved.signs(other.sha256) and moved.signs(first.sha256)

    client = client_for(facilitator)
    body = client.get(pages(project, other)["version"]).content.decode()
    [unbound] = elements(body, "span", class_="signature-unbound")
    assert not elements(body, "span", class_="signature-bound")
    page = client.get(pages(project, first)["version"]).content.decode()
    assert len(elements(page, "span", class_="signature-bound")) == 3
    assert not elements(page, "span", class_="signature-unbound")
    pdf = client.get(reverse("blueprint:version_pdf", args=[project.pk, other.number]))
    assert squeezed("not the snapshot's hash") in squeezed(pdf_text(pdf.content))
