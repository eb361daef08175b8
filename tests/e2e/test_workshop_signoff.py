"""Sign-off in the browser: request, the frozen blueprint, three approvals, version 1,
and its vendor bundle downloaded from the version's page."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from blueprint.access import FROZEN_MESSAGE
from blueprint.models import Project, Version
from blueprint.workflow import WRONG_PASSWORD
from tests.e2e.conftest import login
from tests.e2e.workshop import (
    FACILITATOR,
    SIGNERS,
    action,
    ready_project,
    second_browser,
    shot,
    sign_in_and_open,
)
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

FROZEN_BANNER = "The blueprint is frozen while it awaits sign-off"


@pytest.fixture
def project(transactional_db) -> Project:
    return ready_project()


def approve(
    page: Page, live_server, project: Project, email: str, *, first_wrong: bool, confirms: str
) -> None:
    login(page, live_server, email, PASSWORD)
    page.goto(f"{live_server.url}/p/{project.pk}/signoff/")
    expect(page.get_by_role("heading", name="Version 1 awaits sign-off")).to_be_visible()
    if first_wrong:
        page.get_by_label("Your password").fill("not my password")
        page.get_by_role("button", name="Approve").click()
        expect(page.get_by_text(WRONG_PASSWORD)).to_be_visible()
        shot(page, "08-wrong-password")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("alert").filter(has_text=confirms)).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)


def test_the_three_role_holders_sign_off_a_ready_blueprint(
    page: Page, browser: Browser, live_server, project: Project
):
    # A tab left open on the data model before the freeze.
    sign_in_and_open(page, live_server, FACILITATOR[0], f"/p/{project.pk}/data-model/")
    stale = page
    # It has not heard of the freeze yet: its heartbeat is held back, or on a slow machine
    # its next beat (every 2 s) would reload it as frozen before it tries to edit.
    stale.route("**/pulse/", lambda route: route.fulfill(status=503, body=""))
    signoff = page.context.new_page()
    signoff.goto(f"{live_server.url}/p/{project.pk}/signoff/")
    expect(signoff.get_by_text("Readiness is green: nothing blocks sign-off.")).to_be_visible()

    signoff.once("dialog", lambda dialog: dialog.accept())
    signoff.get_by_role("button", name="Request sign-off").click()
    expect(signoff.get_by_role("heading", name="Version 1 awaits sign-off")).to_be_visible()
    # The sign-off page says it once, in its own panel (no second banner).
    expect(
        signoff.get_by_text("Nobody can change it until it is signed or sent back.")
    ).to_be_visible()
    shot(signoff, "07-awaiting-signoff")
    project.refresh_from_db()
    assert project.state == Project.State.AWAITING

    # Frozen: a fresh page offers no editing, and the stale tab's edit is refused aloud.
    signoff.goto(f"{live_server.url}/p/{project.pk}/data-model/")
    expect(signoff.get_by_role("status").filter(has_text=FROZEN_BANNER)).to_be_visible()
    expect(action(signoff, "Edit Deal · Product")).to_have_count(0)
    expect(signoff.get_by_role("link", name=re.compile(r"^(Edit|Delete|Add) "))).to_have_count(0)
    # This page would reload itself when the feed says "signed" (nothing typed in it),
    # racing the test's own navigation below: its heartbeat is held back from here on.
    signoff.route("**/pulse/", lambda route: route.fulfill(status=503, body=""))
    action(stale, "Edit Deal · Product").click()
    expect(stale.locator("#toasts").get_by_role("alert")).to_contain_text(FROZEN_MESSAGE)
    expect(stale.locator("form.item-edit-form")).to_have_count(0)
    shot(stale, "07b-stale-tab-refused")

    for number, (email, _name) in enumerate(SIGNERS):
        with second_browser(browser) as signer:
            last = number == len(SIGNERS) - 1
            confirms = "Version 1 is signed off." if last else "Your approval is recorded."
            approve(signer, live_server, project, email, first_wrong=number == 0, confirms=confirms)
            if last:
                expect(
                    signer.get_by_role("heading", name="Version 1 is signed off")
                ).to_be_visible()
                shot(signer, "09-signed-off")

    signoff.goto(f"{live_server.url}/p/{project.pk}/signoff/")
    expect(signoff.get_by_role("heading", name="Version 1 is signed off")).to_be_visible()
    nav = signoff.get_by_role("navigation", name="Project sections")
    expect(nav.get_by_text("Signed off", exact=True)).to_be_visible()

    signoff.goto(f"{live_server.url}/p/{project.pk}/versions/")
    row = signoff.get_by_role("row").filter(has=signoff.get_by_role("link", name="Version 1"))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Bianca Rossi, approved as business leader")
    expect(row).to_contain_text("Pedro Alves, approved as process owner")
    expect(row).to_contain_text("Sven Berg, approved as systems owner")
    shot(signoff, "10-versions")

    project.refresh_from_db()
    assert project.state == Project.State.SIGNED
    version = Version.objects.get(project=project)
    assert version.number == 1
    assert sorted(a.signer_name for a in version.approvals.all()) == [
        "Bianca Rossi",
        "Pedro Alves",
        "Sven Berg",
    ]

    # The vendor downloads the signed version's bundle from its page.
    signoff.goto(f"{live_server.url}/p/{project.pk}/versions/1/")
    with signoff.expect_download() as download_info:
        signoff.get_by_role("link", name="Download vendor bundle").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-v1-signed-vendor-bundle.zip")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["status"] == "signed"
    assert manifest["snapshotSha256"] == version.sha256
    assert any(name.startswith("contracts/") for name in archive.namelist())
    expect(signoff.get_by_role("link", name="Download vendor bundle")).to_be_enabled()
